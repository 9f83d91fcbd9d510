"""Every message Concord shows is translated, in Romanian with its three plural forms."""

from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import Environment

from models.core.i18n import (
    LANGUAGES,
    catalog_path,
    install_translations,
    long_date,
    percent,
    romanian_sort_key,
    translate_count,
)

ROOT = Path(__file__).resolve().parents[3]


def extracted_ids() -> set[str]:
    """The message ids the code and templates use now, as scripts/i18n.sh extracts (babel.cfg)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        methods, options = parse_mapping_cfg(config)
    found = extract_from_dir(
        str(ROOT),
        methods,
        options_map=options,
        keywords={"N_": None, "_": None, "ngettext": (1, 2)},
    )
    return {message[2] if isinstance(message[2], str) else message[2][0] for message in found}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_use_is_translated(language: str) -> None:
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle)
    forms = catalog.num_plurals
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        translated[key] = all(strings) and not message.fuzzy
        if isinstance(message.id, tuple | list):
            assert len(strings) == forms, f"{key!r}: {len(strings)} plural forms, {forms} wanted"
    missing = sorted(extracted_ids() - set(translated))
    assert not missing, f"not in the {language} catalog (run scripts/i18n.sh): {missing}"
    empty = sorted(key for key, done in translated.items() if not done)
    assert not empty, f"untranslated in {language}: {empty}"


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 raport așteptat"),
        (2, "2 rapoarte așteptate"),
        (19, "19 rapoarte așteptate"),
        (20, "20 de rapoarte așteptate"),
        (101, "101 rapoarte așteptate"),
        (125, "125 de rapoarte așteptate"),
    ],
)
def test_romanian_counts_take_de_from_twenty(count: int, expected: str) -> None:
    text = translate_count("ro", "%(num)d report expected", "%(num)d reports expected", count)
    assert text % {"num": count} == expected


def test_dates_and_rates_follow_the_readers_locale() -> None:
    assert long_date(date(2026, 11, 23), "ro") == "23 noiembrie 2026"
    assert long_date(date(2026, 11, 23), "en") == "23 November 2026"
    assert percent(0.845, "ro", digits=1) == "84,5 %"
    assert percent(0.845, "en", digits=1) == "84.5%"


def test_names_sort_in_romanian_alphabetical_order() -> None:
    names = ["Țara", "Tulcea", "Sibiu", "Ștefan", "Sălaj", "Satu Mare", "Argeș", "Âmbru", "Ăla"]
    assert sorted(names, key=romanian_sort_key) == [
        "Argeș",
        "Ăla",
        "Âmbru",
        "Satu Mare",
        "Sălaj",
        "Sibiu",
        "Ștefan",
        "Tulcea",
        "Țara",
    ]
    assert romanian_sort_key("Şcoala") == romanian_sort_key("Școala")  # old cedilla forms


@pytest.mark.parametrize(
    ("autoescape", "expected"),
    [
        (True, "Pagina &lt;b&gt;2&lt;/b&gt; din 3 · 21 de răspunsuri · 1 răspuns automat"),
        (False, "Pagina <b>2</b> din 3 · 21 de răspunsuri · 1 răspuns automat"),
    ],
)
def test_templates_translate_and_escape_their_variables_only_where_they_escape(
    autoescape: bool, expected: str
) -> None:
    env = Environment(autoescape=autoescape, extensions=["jinja2.ext.i18n"])
    install_translations(env, "ro")
    template = env.from_string(
        '{{ _("Page %(page)s of %(pages)s", page=page, pages=3) }} · '
        '{{ ngettext("%(num)d answered", "%(num)d answered", 21) }} · '
        '{{ ngettext("%(num)d automatic reply", "%(num)d automatic replies", 1) }}'
    )
    assert template.render(page="<b>2</b>") == expected
