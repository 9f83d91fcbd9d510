"""Recording an answer that came through the portal, with its attachment and confirmation."""

from datetime import datetime
from functools import cache
from typing import Any

from fastapi import BackgroundTasks
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.datastructures import UploadFile

from models.core.db import write_session
from models.core.i18n import N_
from models.core.settings import Settings
from models.lifecycle.answers import AnswerInvalid, submit_answer
from models.lifecycle.attachments import Attachment, safe_file_name, store_attachment
from models.lifecycle.duty import assignment_kinds
from models.lifecycle.forms import AnswerForm
from models.lifecycle.tables import Answer, Assignment
from models.messaging.compose import addressee_for, linked_view
from models.messaging.emails import Post, answer_confirmation
from models.reference.institutions import Institution
from portal.dependencies import Link
from portal.security import linked_assignment
from tasks.messaging.outbox import deliver_now

TOO_LARGE = N_("The file is larger than %(limit)s.")


@cache
def form_fields() -> frozenset[str]:
    """Every field any installed answer form has: the only form values the portal reads."""
    return frozenset(
        name for kind in assignment_kinds() for name in kind.form.model_fields if name != "kind"
    )


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
    """The uploaded file, or None; AnswerInvalid when it is too large."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    content = await upload.read(settings.portal_max_upload_bytes + 1)
    if len(content) > settings.portal_max_upload_bytes:
        limit = f"{settings.portal_max_upload_bytes / (1024 * 1024):g} MiB"
        raise AnswerInvalid({"attachment": (TOO_LARGE, {"limit": limit})})
    return Attachment(name=safe_file_name(upload.filename), content=content) if content else None


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
    stored = store_attachment(attachment, settings.var_dir / "attachments") if attachment else None
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
        confirmation = queue_confirmation(session, assignment, answer, settings, now)
        session.commit()
    if background is not None:  # after the commit: the email is safe in the outbox first
        background.add_task(deliver_now, keys=confirmation, now=now)
    return assignment, answer
