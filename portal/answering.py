"""Recording an answer that came through the portal, with its attachment and confirmation."""

import re
from datetime import datetime
from functools import cache
from typing import Any

from fastapi import BackgroundTasks
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.datastructures import UploadFile

from models.core.db import write_session
from models.core.i18n import N_
from models.core.privacy import KINDS, personal_data_in
from models.core.settings import Settings
from models.lifecycle.answers import ERROR_MESSAGES, AnswerInvalid, submit_answer
from models.lifecycle.attachments import (
    Attachment,
    described,
    safe_file_name,
    store_attachment,
)
from models.lifecycle.duty import AssignmentKind, assignment_kinds
from models.lifecycle.forms import AnswerForm, FileRows
from models.lifecycle.tables import Answer, Assignment
from models.messaging.compose import addressee_for, linked_view
from models.messaging.emails import Post, answer_confirmation
from models.reference.institutions import Institution
from portal.dependencies import Link
from portal.parsing import read_rows
from portal.security import linked_assignment
from tasks.messaging.outbox import deliver_now

TOO_LARGE = N_("The file is larger than %(limit)s.")
TABLE_CELL = re.compile(r"^(?P<table>[a-z_]+)-(?P<row>\d{1,2})-(?P<field>[a-z_]+)$")
EITHER = N_("Send the activities either in the table or in a file, not both.")


@cache
def form_fields() -> frozenset[str]:
    """Every field any installed answer form has: the only form values the portal reads."""
    return frozenset(
        name for kind in assignment_kinds() for name in kind.form.model_fields if name != "kind"
    )


def posted_values(kind: AssignmentKind, posted: dict[str, str]) -> dict[str, Any]:
    """The form values the kind's answer reads; an empty field (a blank select) is not given."""
    values: dict[str, Any] = {k: v for k, v in posted.items() if k in form_fields() and v != ""}
    if kind.table:
        values[kind.table] = table_rows(kind, posted)
    return values


def table_rows(kind: AssignmentKind, posted: dict[str, str]) -> list[dict[str, str]]:
    """The rows of the kind's table the form filled in (`activities-3-county`), in order."""
    rows = _filled_rows(kind, posted)
    return [rows[index] for index in sorted(rows)]


def form_rows(kind: AssignmentKind, posted: dict[str, str]) -> list[int]:
    """The form's row (0 for `activities-0-…`) each row of the table came from, in order:
    an empty row in between is left out of the table, not out of the form."""
    return sorted(_filled_rows(kind, posted)) if kind.table else []


def _filled_rows(kind: AssignmentKind, posted: dict[str, str]) -> dict[int, dict[str, str]]:
    """The filled cells of the kind's table, by the form's row."""
    rows: dict[int, dict[str, str]] = {}
    fields = set(_row_fields(kind))
    for name, value in posted.items():
        cell = TABLE_CELL.match(name)
        if cell and cell["table"] == kind.table and cell["field"] in fields and value.strip():
            rows.setdefault(int(cell["row"]), {})[cell["field"]] = value
    return rows


def _row_fields(kind: AssignmentKind) -> list[str]:
    """The fields of one row of the kind's table."""
    assert kind.table is not None
    annotation = kind.form.model_fields[kind.table].annotation
    row_model = getattr(annotation, "__args__", (None,))[0]
    return list(getattr(row_model, "model_fields", {}))


async def with_file_rows(
    kind: AssignmentKind, values: dict[str, Any], attachment: Attachment | None
) -> FileRows | None:
    """Put the rows of an uploaded spreadsheet into the kind's table, when it reads files.

    The file is read in a child process bounded in time and memory, off the event loop.
    """
    if kind.table is None or kind.read_file is None or attachment is None:
        return None
    if values.get(kind.table):
        raise AnswerInvalid({"attachment": (EITHER, {})})
    found = await read_rows(kind.read_file, attachment.name, attachment.content)
    values[kind.table] = found.rows
    return found


def queue_confirmation(
    session: Session, assignment: Assignment, answer: Answer, settings: Settings, now: datetime
) -> list[str]:
    """A short confirmation email to the institution's focal point, through the outbox."""
    try:
        to = addressee_for(
            session=session,
            institution_id=assignment.institution_id,
            roles=("focal-point", "deputy", "head"),
        )
    except LookupError:
        return []
    item = linked_view(assignment, settings=settings, now=now)
    return answer_confirmation(
        Post(session, settings, now), f"answer-confirmation:{answer.id}", to, item, now
    )


async def read_attachment(upload: Any, settings: Settings) -> Attachment | None:
    """The uploaded file, or None; AnswerInvalid when it is too large or its name is personal."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    content = await upload.read(settings.portal_max_upload_bytes + 1)
    if len(content) > settings.portal_max_upload_bytes:
        limit = f"{settings.portal_max_upload_bytes / (1024 * 1024):g} MiB"
        raise AnswerInvalid({"attachment": (TOO_LARGE, {"limit": limit})})
    name = safe_file_name(upload.filename)
    if (found := personal_data_in(name)) is not None:
        raise AnswerInvalid(
            {"attachment": (ERROR_MESSAGES["personal_data"], {"what": KINDS[found]})}
        )
    return Attachment(name=name, content=content) if content else None


def record(
    engine: Engine,
    link: Link,
    form: AnswerForm,
    settings: Settings,
    now: datetime,
    *,
    channel: str,
    attachment: Attachment | None = None,
    background: BackgroundTasks | None = None,
) -> tuple[Assignment, Answer]:
    """Record the answer in one write transaction, checking the link there once more."""
    stored = described(attachment) if attachment else None
    with write_session(engine) as session:
        assignment = linked_assignment(session, link.claims)
        institution = session.get(Institution, assignment.institution_id)
        assert institution is not None
        answer = submit_answer(
            session=session,
            assignment=assignment,
            form=form,
            actor=institution.code,
            channel=channel,
            now=now,
            attachment=stored,
        )
        if attachment is not None:  # only a file whose answer was taken is kept
            store_attachment(attachment, settings.var_dir / "attachments")
        confirmation = queue_confirmation(session, assignment, answer, settings, now)
        session.commit()
    if background is not None:  # after the commit: the email is safe in the outbox first
        background.add_task(deliver_now, keys=confirmation, now=now)
    return assignment, answer
