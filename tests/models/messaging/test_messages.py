import re
from datetime import date, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from models.messaging.digest import digest_groups
from models.messaging.emails import MessageKind
from models.messaging.message_views import AssignmentView, InstitutionView, View
from models.messaging.render import LANGUAGES, fold_subject, render_message
from models.monitoring.messages import MonitoringMessage
from tests.support.samples import CANARIES, NOW, assignment, message_kinds, sample_context

ZONE = ZoneInfo("Europe/Bucharest")
COMMON = {
    "coordinator_email": "secretariat@coordination.example",
    "portal_url": "http://127.0.0.1:8600",
}


def render(kind: str, language: str, **context: object):  # type: ignore[no-untyped-def]
    values = {
        **sample_context(kind),
        **COMMON,
        "institution": InstitutionView(code="ANITP", name="Agenția Națională", language=language),
        **context,
    }
    return render_message(kind, language, values, zone=ZONE)


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", message_kinds())
def test_every_kind_renders_in_every_language(kind: str, language: str) -> None:
    rendered = render(kind, language)
    assert rendered.subject and "\n" not in rendered.subject
    assert "Agenția Națională" in rendered.text
    parser = TagCollector()
    parser.feed(rendered.html)
    assert parser.lang == language and "body" in parser.tags
    marker = "Stimați colegi" if language == "ro" else "Dear colleagues"
    if kind not in (
        MessageKind.ESCALATION,
        MessageKind.ESCALATION_SUMMARY,
        MonitoringMessage.ROUND_REPORT,
        MessageKind.OPERATIONS_ALERT,
    ):
        assert marker in rendered.text
    footer = "Coordonatorului Național" if language == "ro" else "National Anti-Trafficking"
    assert footer in rendered.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", message_kinds())
def test_no_personal_field_reaches_any_message(kind: str, language: str) -> None:
    rendered = render(kind, language)
    for canary in CANARIES:
        assert canary not in rendered.subject + rendered.text + rendered.html


@pytest.mark.parametrize("name", ["birth_date", "data_nasterii", "prenume", "domiciliu"])
def test_a_view_cannot_declare_a_personal_field(name: str) -> None:
    with pytest.raises(TypeError, match=name):
        type("Leaky", (View,), {"__annotations__": {name: date}})


def test_dates_are_written_in_the_recipients_language_and_time_zone() -> None:
    due = NOW.replace(month=4, day=24, hour=20, minute=30)  # 23:30 in Bucharest (EEST)
    item = assignment(due_at=due)
    ro = render(MessageKind.REMINDER, "ro", assignment=item)
    en = render(MessageKind.REMINDER, "en", assignment=item)
    assert "24 aprilie 2026, 23:30" in ro.text
    assert "24 April 2026, 23:30" in en.text


def test_subject_lines_cannot_carry_header_injection() -> None:
    item = assignment(title="Raport\r\nBcc: spy@evil.example\nX-Injected: 1")
    rendered = render(MessageKind.REMINDER, "en", assignment=item)
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    assert fold_subject("a\u2028b\tc\x00d") == "a b c d"
    assert len(fold_subject("x" * 500)) == 200


def test_html_is_escaped_and_plain_text_is_not() -> None:
    item = assignment(title="<script>alert('x')</script> & co")
    rendered = render(MessageKind.ASSIGNMENT_CREATED, "en", assignment=item)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "<script>alert('x')</script> & co" in rendered.text


def test_digest_groups_items_by_due_date_then_kind() -> None:
    def item(n: int, kind: str, days: int) -> AssignmentView:
        return AssignmentView(
            key=f"k{n}",
            kind=kind,
            title=f"T{n}",
            subject_ref=str(n),
            due_at=NOW + timedelta(days=days),
        )

    items = [
        item(1, "monitoring-report", 3),
        item(2, "action-item", 1),
        item(3, "monitoring-report", 3),
        item(4, "monitoring-report", 1),
    ]
    groups = digest_groups(items, ZONE)
    assert [(g.due_date.isoformat(), g.kind, [i.key for i in g.items]) for g in groups] == [
        ("2026-11-24", "action-item", ["k2"]),
        ("2026-11-24", "monitoring-report", ["k4"]),
        ("2026-11-26", "monitoring-report", ["k1", "k3"]),
    ]


ENGLISH_WORDS = re.compile(
    r"\b(the|and|your|with|has|have|been|please|due|overdue|items?|reports?|days?|institutions?)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("kind", message_kinds())
def test_a_romanian_message_has_no_english_words(kind: str) -> None:
    rendered = render(kind, "ro")
    text = re.sub(r"\S+/\S+|\S+@\S+", "", rendered.subject + "\n" + rendered.text)  # links
    assert not ENGLISH_WORDS.findall(text), ENGLISH_WORDS.findall(text)


@pytest.mark.parametrize(
    ("total", "phrase"),
    [(1, "1 solicitare deschisă"), (3, "3 solicitări deschise"), (25, "25 de solicitări deschise")],
)
def test_romanian_digests_count_with_the_catalogs_plural_forms(total: int, phrase: str) -> None:
    rendered = render("daily-digest", "ro", total=total)
    assert phrase in rendered.subject and phrase in rendered.text
