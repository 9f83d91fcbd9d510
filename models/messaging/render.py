"""Message kinds, their templates (subject, plain text, HTML per language) and rendering."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "email"
LANGUAGES = ("ro", "en")
SUBJECT_MAX = 200


class MessageKind(StrEnum):
    ASSIGNMENT_CREATED = "assignment-created"
    REMINDER = "reminder"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    ESCALATION_SUMMARY = "escalation-summary"
    DAILY_DIGEST = "daily-digest"
    MEETING_INVITATION = "meeting-invitation"
    MEETING_UPDATE = "meeting-update"
    MEETING_CANCELLATION = "meeting-cancellation"
    MINUTES = "minutes"
    COOPERATION_ACKNOWLEDGEMENT = "cooperation-acknowledgement"
    ANSWER_CONFIRMATION = "answer-confirmation"
    ROUND_OPENED = "round-opened"
    ROUND_REPORT = "round-report"
    OPERATIONS_ALERT = "operations-alert"


# Sent at once; everything else about open items waits for the institution's daily digest.
IMMEDIATE_KINDS = frozenset(
    {
        MessageKind.ESCALATION,
        MessageKind.ESCALATION_SUMMARY,
        MessageKind.MEETING_INVITATION,
        MessageKind.MEETING_UPDATE,
        MessageKind.MEETING_CANCELLATION,
        MessageKind.MINUTES,
        MessageKind.COOPERATION_ACKNOWLEDGEMENT,
        MessageKind.ANSWER_CONFIRMATION,
        MessageKind.DAILY_DIGEST,
    }
)

ASSIGNMENT_LABELS = {
    "ro": {
        "monitoring-report": "raport de monitorizare",
        "action-item": "acțiune de îndeplinit",
        "cooperation-request": "cerere de cooperare",
        "attendance": "confirmare de participare",
        "referral": "referire de caz",
        "agenda-items": "propuneri pentru ordinea de zi",
    },
    "en": {
        "monitoring-report": "monitoring report",
        "action-item": "action item",
        "cooperation-request": "cooperation request",
        "attendance": "attendance confirmation",
        "referral": "case referral",
        "agenda-items": "agenda proposals",
    },
}
RO_MONTHS = (
    "ianuarie",
    "februarie",
    "martie",
    "aprilie",
    "mai",
    "iunie",
    "iulie",
    "august",
    "septembrie",
    "octombrie",
    "noiembrie",
    "decembrie",
)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def is_immediate(kind: str, *, urgent: bool = False) -> bool:
    """Whether a message goes out at once rather than in the daily digest."""
    return urgent or kind in IMMEDIATE_KINDS


def fold_subject(text: str) -> str:
    """One line, no control characters, bounded length: a subject cannot inject headers."""
    line = " ".join(re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", " ", text).split())
    return line if len(line) <= SUBJECT_MAX else line[: SUBJECT_MAX - 1] + "…"


def long_date(value: date | datetime, language: str) -> str:
    """'24 aprilie 2026' or '24 April 2026'."""
    if language == "ro":
        return f"{value.day} {RO_MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {value.strftime('%B')} {value.year}"


def _environment(zone: ZoneInfo) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def local(value: datetime) -> datetime:
        return value.astimezone(zone)

    env.filters["local"] = local
    env.filters["longdate"] = lambda value, lang: long_date(
        local(value) if isinstance(value, datetime) else value, lang
    )
    env.filters["hhmm"] = lambda value: local(value).strftime("%H:%M")
    env.filters["label"] = lambda kind, lang: ASSIGNMENT_LABELS[lang].get(kind, kind)
    return env


_ENVIRONMENTS: dict[str, Environment] = {}


def environment(zone: ZoneInfo) -> Environment:
    """The template environment for one time zone (cached)."""
    if zone.key not in _ENVIRONMENTS:
        _ENVIRONMENTS[zone.key] = _environment(zone)
    return _ENVIRONMENTS[zone.key]


def render_message(
    kind: MessageKind, language: str, context: dict[str, Any], *, zone: ZoneInfo
) -> RenderedMessage:
    """Render the subject, plain text and HTML of `kind` in `language`."""
    if language not in LANGUAGES:
        raise ValueError(f"language: expected one of {LANGUAGES}, got {language!r}")
    env = environment(zone)
    values = {**context, "lang": language}
    base = f"{language}/{kind.value}"
    return RenderedMessage(
        subject=fold_subject(env.get_template(f"{base}.subject.txt").render(values)),
        text=env.get_template(f"{base}.txt").render(values),
        html=env.get_template(f"{base}.html").render(values),
    )
