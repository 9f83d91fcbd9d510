"""The vocabulary: the engine's words, then each installed duty's, merged without clashes."""

import sys
from itertools import combinations
from types import ModuleType

import pytest

from models.lifecycle.duty import DUTIES_MODULE, installed_duties
from models.messaging.vocabulary import ENGINE_WORDS, VOCABULARY, Vocabulary, name_in


def test_the_engine_and_each_duty_name_a_shared_code_alike() -> None:
    layers = [("engine", ENGINE_WORDS), *((d.name, d.words) for d in installed_duties())]
    clashes = [
        (first, second, code, words[code], others[code])
        for (first, words), (second, others) in combinations(layers, 2)
        for code in set(words) & set(others)
        if words[code] != others[code]
    ]
    assert not clashes


def test_the_engines_words_win_and_every_dutys_word_is_there() -> None:
    assert all(VOCABULARY[code] == word for code, word in ENGINE_WORDS.items())
    for duty in installed_duties():
        assert all(code in VOCABULARY for code in duty.words), duty.name


def test_every_status_of_a_dutys_tables_has_a_word() -> None:
    for duty in installed_duties():
        for entity, lifecycle in duty.lifecycles.items():
            missing = [status for status in lifecycle if status not in VOCABULARY]
            assert not missing, (duty.name, entity, missing)


def test_a_dutys_status_reads_in_the_readers_language() -> None:
    assert name_in(VOCABULARY, "registered", "ro") == "înregistrată"
    assert name_in(VOCABULARY, "registered", "en") == "registered"
    assert name_in(VOCABULARY, "no-such-code", "ro") == "no-such-code"


def test_while_the_duties_import_it_holds_its_own_words_and_merges_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    words = Vocabulary({"own": "own"})
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, DUTIES_MODULE, ModuleType(DUTIES_MODULE))  # no INSTALLED yet
        assert dict(words) == {"own": "own"}
    assert "own" in words and "registered" in words
