"""An assignment's earlier answers as its page lists them: every field and choice in words."""

import json
from datetime import date
from types import UnionType
from typing import Any, Union, get_args, get_origin

from models.core.i18n import long_date, moment_text
from models.core.settings import Settings
from models.lifecycle.duty import AssignmentKind
from models.lifecycle.forms import form_choices
from models.lifecycle.tables import Answer
from portal.words import CODES, name_of


def _is_date(kind: AssignmentKind, name: str) -> bool:
    """True when the form's field holds a day (alone or with None)."""
    info = kind.form.model_fields.get(name)
    annotation = info.annotation if info else None
    options = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else ()
    return date in (annotation, *options)


def value_text(kind: AssignmentKind, name: str, value: Any, language: str) -> Any:
    """A field's value as the reader reads it: a choice in words, a day as a date, a table as
    its number of rows; what was typed stays as typed."""
    if isinstance(value, list):
        return len(value)
    if not isinstance(value, str):
        return value
    if value in form_choices(kind.form).get(name, ()):
        choice = f"{name}:{value}"
        return name_of(choice if choice in CODES else value, language)
    if _is_date(kind, name):
        try:
            return long_date(date.fromisoformat(value), language)
        except ValueError:
            return value
    return value


def file_rows(kind: AssignmentKind, answer: Answer, payload: dict[str, Any]) -> int | None:
    """How many rows were read from the answer's file, when its table came in one."""
    if kind.table is None or kind.read_file is None or answer.attachment_name is None:
        return None
    rows = payload.get(kind.table)
    return len(rows) if isinstance(rows, list) else None


def history_row(
    answer: Answer, kind: AssignmentKind, language: str, settings: Settings
) -> dict[str, Any]:
    """One earlier answer: when, whether current and on time, its fields in words, its file."""
    payload = json.loads(answer.payload)
    read = file_rows(kind, answer, payload)
    shown = [k for k in payload if k != "kind" and not (read is not None and k == kind.table)]
    return {
        "when": moment_text(answer.submitted_at, settings.zone, language),
        "current": answer.superseded_at is None,
        "on_time": answer.on_time,
        "fields": [
            (name_of(k, language), value_text(kind, k, payload[k], language)) for k in shown
        ],
        "attachment": answer.attachment_name,
        "file_rows": read,
    }
