"""Composing notifications: render a kind for an institution and queue its email and webhook."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.core.i18n import N_, translate
from models.core.settings import Settings
from models.core.tokens import reply_token, sign_token
from models.lifecycle.tables import Assignment
from models.messaging.message_views import AssignmentView, InstitutionView
from models.messaging.outbox import (
    QUEUED,
    Channel,
    OutboxAttachment,
    OutboxMessage,
    queue_messages,
)
from models.messaging.render import RenderedMessage, render_message
from models.reference.institutions import Contact, Institution, name_for, short_label


class NoRecipientError(LookupError):
    """An institution has no contact for any of the roles asked for."""


@dataclass(frozen=True)
class Addressee:
    """Who receives a message: the institution, its addresses and its webhook, if any."""

    institution: InstitutionView
    institution_id: int | None
    emails: tuple[str, ...]
    webhook_url: str | None = None


@dataclass(frozen=True)
class FileAttachment:
    """A file to send with an email, e.g. a report's PDF."""

    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class CalendarAttachment:
    """An iCalendar part to attach to an email: the iCalendar text and its METHOD."""

    text: str
    method: str


# whom to write to when every contact in the roles asked for bounces: the others, else the head
OTHER_ROLES, HEAD_ROLES = ("focal-point", "deputy"), ("head",)


class ContactRow(Protocol):
    """What choosing a recipient reads of a contact: a `Contact`, or a row of its columns."""

    @property
    def role(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def working(self) -> bool: ...


def _emails(contacts: Sequence[ContactRow], roles: tuple[str, ...]) -> tuple[str, ...]:
    """The working contacts' addresses in these roles, in this order, each once."""
    by_role = {contact.role: contact.email for contact in contacts if contact.working}
    return tuple(dict.fromkeys(by_role[role] for role in roles if role in by_role))


class InstitutionRow(Protocol):
    """What addressing reads of an institution: an `Institution`, or a row of its columns."""

    @property
    def id(self) -> int | None: ...
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def name_en(self) -> str | None: ...
    @property
    def short_name(self) -> str | None: ...
    @property
    def language(self) -> str: ...
    @property
    def webhook_url(self) -> str | None: ...


def _addressee(
    institution: InstitutionRow, contacts: Sequence[ContactRow], roles: tuple[str, ...]
) -> Addressee:
    emails = _emails(contacts, roles)
    if not emails and any(c.role in roles and not c.working for c in contacts):
        emails = _emails(contacts, OTHER_ROLES) or _emails(contacts, HEAD_ROLES)
    if not emails:
        raise NoRecipientError(f"{institution.code} has no contact in roles {', '.join(roles)}")
    view = InstitutionView(
        code=institution.code,
        name=name_for(institution.name, institution.name_en, institution.language),
        language=institution.language,
        short_name=short_label(institution.short_name, institution.code),
    )
    return Addressee(
        institution=view,
        institution_id=institution.id,
        emails=emails,
        webhook_url=institution.webhook_url,
    )


def addressee_for(*, session: Session, institution_id: int, roles: tuple[str, ...]) -> Addressee:
    """The institution's contacts in the given roles, in that order of preference."""
    institution = session.get(Institution, institution_id)
    if institution is None:
        raise LookupError(f"institution {institution_id} does not exist")
    contacts = session.exec(select(Contact).where(Contact.institution_id == institution_id)).all()
    return _addressee(institution, list(contacts), roles)


# rows of columns, not ORM objects: a round reads every institution and its contacts at once
_INSTITUTION_ROWS = select(
    *(
        getattr(Institution, name)
        for name in ("id", "code", "name", "name_en", "short_name", "language", "webhook_url")
    )
)
_CONTACT_ROWS = select(
    Contact.institution_id,
    Contact.role,
    Contact.email,
    col(Contact.failing_since).is_(None).label("working"),
)


def addressees_for(
    *, session: Session, institution_ids: list[int], roles: tuple[str, ...]
) -> dict[int, Addressee | NoRecipientError]:
    """`addressee_for` for many institutions in two queries; a missing contact as its error."""
    chosen = _INSTITUTION_ROWS.where(col(Institution.id).in_(institution_ids))
    institutions: Sequence[InstitutionRow] = session.execute(chosen).all()
    contacts: dict[int, list[ContactRow]] = {i.id or 0: [] for i in institutions}
    for contact in session.execute(
        _CONTACT_ROWS.where(col(Contact.institution_id).in_(institution_ids))
    ):
        contacts[contact.institution_id].append(contact)
    found: dict[int, Addressee | NoRecipientError] = {}
    for institution in institutions:
        try:
            found[institution.id or 0] = _addressee(
                institution, contacts[institution.id or 0], roles
            )
        except NoRecipientError as exc:
            found[institution.id or 0] = exc
    return found


def sentence(text: str) -> str:
    """`text` ending in one mark of its own, so that a template never adds a second."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def coordinator_addressee(settings: Settings) -> Addressee:
    """The national coordinator's secretariat, written to in its language (Romanian)."""
    name = translate(settings.language, N_("National Anti-Trafficking Coordinator"))
    view = InstitutionView(code="COORD", name=name, language=settings.language)
    return Addressee(
        institution=view, institution_id=None, emails=(str(settings.coordinator_email),)
    )


def addressee_or_coordinator(
    *, session: Session, institution_id: int, roles: tuple[str, ...], settings: Settings
) -> Addressee:
    """The institution's contacts; the coordinator's secretariat when it has none, to pass on."""
    try:
        return addressee_for(session=session, institution_id=institution_id, roles=roles)
    except NoRecipientError:
        return coordinator_addressee(settings)


def assignment_link(
    *,
    assignment_id: int,
    institution_id: int,
    due_at: datetime,
    now: datetime,
    settings: Settings,
    version: int = 0,
) -> str:
    """The signed portal link for one assignment, valid for a while past its due date."""
    expires_at = max(due_at, now) + timedelta(days=settings.link_valid_days)
    token = sign_token(
        assignment_id=assignment_id,
        institution_id=institution_id,
        expires_at=expires_at,
        key=settings.resolved_signing_key(),
        version=version,
    )
    return f"{settings.portal_base_url}/a/{token}"


def linked_view(
    assignment: Assignment, *, settings: Settings, now: datetime, **overrides: Any
) -> AssignmentView:
    """The assignment as a message shows it, with its signed portal link."""
    assert assignment.id is not None
    link = assignment_link(
        assignment_id=assignment.id,
        institution_id=assignment.institution_id,
        due_at=assignment.due_at,
        now=now,
        settings=settings,
        version=assignment.link_version,
    )
    return AssignmentView.of(assignment, link=link, **overrides)


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def _webhook(key: str, kind: str, to: Addressee, context: dict[str, Any], now: datetime) -> str:
    """The JSON event an institution's webhook receives."""
    event = {
        "event": kind,
        "key": key,
        "institution": to.institution.code,
        "occurred_at": now.isoformat(),
        "data": {name: _jsonable(value) for name, value in context.items()},
    }
    return json.dumps(event, ensure_ascii=False)


def _rendered(
    kind: str, to: Addressee, context: dict[str, Any], settings: Settings
) -> RenderedMessage:
    """The kind in the institution's language, with what every message may show."""
    values = {
        **context,
        "institution": to.institution,
        "coordinator_email": str(settings.coordinator_email),
        "portal_url": settings.portal_base_url,
    }
    return render_message(kind, to.institution.language, values, zone=settings.zone)


def _shared_fields(kind: str, to: Addressee, subject: str, now: datetime) -> dict[str, Any]:
    """The fields an event's email and webhook share, both due to go out `now`."""
    return {
        "kind": kind,
        "institution_id": to.institution_id,
        "language": to.institution.language,
        "next_attempt_at": now,
        "created_at": now,
        "subject": subject,
    }


def reply_address_for(context: dict[str, Any], settings: Settings) -> str | None:
    """Where a reply goes: the assignment's own signed address when the email is about one."""
    if settings.reply_address is None:
        return None
    item = context.get("assignment")
    if not isinstance(item, AssignmentView) or item.id is None:
        return str(settings.reply_address)
    local, _, domain = str(settings.reply_address).partition("@")
    return f"{local}+{reply_token(item.id, settings.resolved_signing_key())}@{domain}"


def composed_rows(
    *,
    key: str,
    kind: str,
    to: Addressee,
    context: dict[str, Any],
    settings: Settings,
    now: datetime,
    calendar: CalendarAttachment | None = None,
) -> list[dict[str, Any]]:
    """The email (and webhook, when the institution registered one) as outbox rows to insert."""
    rendered = _rendered(kind, to, context, settings)
    common = _shared_fields(kind, to, rendered.subject, now) | QUEUED
    email = common | {
        "key": key,
        "channel": Channel.EMAIL,
        "recipient": ", ".join(to.emails),
        "reply_to": reply_address_for(context, settings),
        "body_text": rendered.text,
        "body_html": rendered.html,
        "calendar": calendar.text if calendar else None,
        "calendar_method": calendar.method if calendar else None,
    }
    if not to.webhook_url:
        return [email]
    body = _webhook(key, kind, to, context, now)
    webhook = email | {
        "key": f"{key}:webhook",
        "channel": Channel.WEBHOOK,
        "recipient": to.webhook_url,
        "body_text": body,
        "body_html": None,
        "calendar": None,
        "calendar_method": None,
    }
    return [email, webhook]


def compose(
    *,
    key: str,
    kind: str,
    to: Addressee,
    context: dict[str, Any],
    settings: Settings,
    now: datetime,
    calendar: CalendarAttachment | None = None,
) -> list[OutboxMessage]:
    """The email (and webhook, when the institution registered one) for one event."""
    rows = composed_rows(
        key=key, kind=kind, to=to, context=context, settings=settings, now=now, calendar=calendar
    )
    return [OutboxMessage(**row) for row in rows]


def notify(
    *,
    session: Session,
    key: str,
    kind: str,
    to: Addressee,
    context: dict[str, Any],
    settings: Settings,
    now: datetime,
    calendar: CalendarAttachment | None = None,
    files: tuple[FileAttachment, ...] = (),
) -> list[str]:
    """Compose and queue one event's messages; returns the keys that were new.

    Files go with the email only, in the same transaction, and only when it is new.
    """
    messages = compose(
        key=key, kind=kind, to=to, context=context, settings=settings, now=now, calendar=calendar
    )
    new = queue_messages(session=session, messages=messages)
    if key in new:
        session.add_all(
            OutboxAttachment(
                message_key=key, name=f.name, content_type=f.content_type, content=f.content
            )
            for f in files
        )
    return new
