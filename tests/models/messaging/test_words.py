"""What people read: English emails free of Romanian words, one full stop, right plural forms."""

import html
import re
from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from models.core.i18n import LANGUAGES, translate, translate_count
from models.meetings.messages import MeetingMessage
from models.meetings.rules import STANDING_ITEMS, meeting_title, standing_item
from models.messaging.alerts import FLOW_NAMES, run_failed, sweep_missing
from models.messaging.emails import MessageKind
from models.messaging.message_views import InstitutionView
from models.messaging.render import render_message
from models.monitoring.messages import MonitoringMessage
from models.recommendations.messages import RecommendationMessage
from tests.models.messaging.test_messages import COMMON, ZONE
from tests.support.samples import assignment, meeting, message_kinds, sample_context

# words Concord itself writes in Romanian; none may reach a reader of English
ROMANIAN_WORDS = ("Ședința", "Aprobarea ordinii de zi", "Diverse", "din cadrul", "Stimați")
ROMANIAN_LETTERS = re.compile("[ăâîșțşţĂÂÎȘȚŞŢ]")
DOUBLED_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def context_for(kind: str, language: str) -> dict[str, Any]:
    """The sample context, its meeting titled and its standing items named as Concord does."""
    values = sample_context(kind)
    agenda = [standing_item(title, language) for title in STANDING_ITEMS]
    for key, value in values.items():
        if key == "meeting":
            values[key] = value.model_copy(
                update={"title": meeting_title(5, language), "agenda": agenda}
            )
        if key == "minutes":
            titled = meeting(title=meeting_title(5, language), agenda=agenda)
            values[key] = value.model_copy(update={"meeting": titled})
    return values


def rendered(kind: str, language: str, **context: object) -> tuple[str, dict[str, Any]]:
    """Subject, text and HTML (unescaped) of one email, and the context it was given."""
    institution = InstitutionView(code="ANITP", name="Agenția Națională", language=language)
    values = {**context_for(kind, language), **COMMON, "institution": institution, **context}
    message = render_message(kind, language, values, zone=ZONE)
    return "\n".join((message.subject, message.text, html.unescape(message.html))), values


def data_strings(value: object) -> list[str]:
    """Every text a context carries: data written by people, not by Concord."""
    if isinstance(value, BaseModel):
        return data_strings(value.model_dump())
    if is_dataclass(value) and not isinstance(value, type):
        return data_strings(asdict(value))
    if isinstance(value, dict):
        return [text for item in value.values() for text in data_strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in data_strings(item)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("kind", message_kinds())
def test_an_english_email_carries_no_romanian_word_of_concords_own(kind: str) -> None:
    text, values = rendered(kind, "en")
    generated = {meeting_title(5, "en"), *(standing_item(t, "en") for t in STANDING_ITEMS)}
    written = [data for data in data_strings(values) if data not in generated]
    for data in sorted(written, key=len, reverse=True):
        text = text.replace(data, "")
    assert not [word for word in ROMANIAN_WORDS if word in text]
    assert not ROMANIAN_LETTERS.findall(text), text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", message_kinds())
def test_no_sentence_ends_in_two_full_stops(kind: str, language: str) -> None:
    text, _ = rendered(kind, language)
    assert not DOUBLED_STOP.search(text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("note", ["Sala s-a schimbat.", "sala nouă", "Din ce motiv?"])
@pytest.mark.parametrize("kind", [MeetingMessage.UPDATE, MeetingMessage.CANCELLATION])
def test_a_note_ends_in_one_mark_whether_or_not_it_brings_its_own(
    kind: str, note: str, language: str
) -> None:
    changed = meeting(sequence=1, change_note=note)
    text, _ = rendered(kind, language, meeting=changed)
    assert not DOUBLED_STOP.search(text) and "?." not in text
    assert f"{note.rstrip('.?')}{note[-1] if note[-1] in '.?' else '.'}" in text


def test_the_romanian_salutation_names_the_institution_without_din_cadrul() -> None:
    text, _ = rendered(MessageKind.REMINDER, "ro")
    assert "Stimați colegi de la Agenția Națională," in text and "din cadrul" not in text


@pytest.mark.parametrize(
    ("total", "expected"),
    [(1, "1 raport de progres"), (2, "2 rapoarte de progres"), (20, "20 de rapoarte de progres")],
)
def test_a_round_asks_for_reports_in_the_right_romanian_plural(total: int, expected: str) -> None:
    text, _ = rendered(MonitoringMessage.ROUND_OPENED, "ro", total=total)
    assert f"i se solicită {expected}, câte unul" in text


@pytest.mark.parametrize(
    ("total", "expected"), [(1, "1 recomandare"), (2, "2 recomandări"), (20, "20 de recomandări")]
)
def test_a_follow_up_counts_recommendations_in_agreement(total: int, expected: str) -> None:
    items = [assignment()] * total
    text, _ = rendered(RecommendationMessage.FOLLOW_UP, "ro", total=total, items=items)
    assert f"(GRETA, raportul SUA privind traficul de persoane, UE): {expected}." in text


@pytest.mark.parametrize(
    ("count", "expected"), [(1, "1 instituție"), (2, "2 instituții"), (20, "20 de instituții")]
)
def test_an_escalation_summary_counts_institutions_in_the_right_plural(
    count: int, expected: str
) -> None:
    lines = sample_context(MessageKind.ESCALATION_SUMMARY)["lines"] * count
    text, _ = rendered(MessageKind.ESCALATION_SUMMARY, "ro", lines=lines)
    assert f"{expected} cu termene depășite" in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("flow", sorted(FLOW_NAMES))
def test_an_alert_names_the_flow_by_its_readable_name_not_its_code(
    flow: str, language: str
) -> None:
    problem, details = run_failed("meeting WG 2026-12-10", flow, "Failed", language)
    text, _ = rendered(MessageKind.OPERATIONS_ALERT, language, problem=problem, details=details)
    assert translate(language, FLOW_NAMES[flow]) in text
    assert "-" not in flow or flow not in text  # a one-word code may be its own English name


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_sweep_is_named_in_words_not_by_its_flows_code(language: str) -> None:
    problem, details = sweep_missing(date(2026, 12, 7), language)
    text, _ = rendered(MessageKind.OPERATIONS_ALERT, language, problem=problem, details=details)
    assert "daily-sweep" not in text


@pytest.mark.parametrize(
    ("count", "reached", "recommendations"),
    [
        (1, "1 persoană atinsă", "GRETA-3: 1 recomandare;"),
        (2, "2 persoane atinse", "GRETA-3: 2 recomandări;"),
        (20, "20 de persoane atinse", "GRETA-3: 20 de recomandări;"),
    ],
)
def test_the_command_lines_counts_take_the_romanian_plural_of_their_number(
    count: int, reached: str, recommendations: str
) -> None:
    people = translate_count("ro", "%(reach)s person reached", "%(reach)s people reached", count)
    assert people % {"reach": count} == reached
    drafted = translate_count(
        "ro",
        "%(source)s: %(num)d recommendation, without evidence: %(gaps)s",
        "%(source)s: %(num)d recommendations, without evidence: %(gaps)s",
        count,
    )
    assert (drafted % {"source": "GRETA-3", "num": count, "gaps": "-"}).startswith(recommendations)
