"""Taking an institution's answer: confirm its addresses, change them, or hold the changes.

Every confirmation and every change is a status event on its contact (entity "contact"); the
addresses are officials', so a note may name them. Under CONCORD_CONTACTS_CHANGES=hold a
confirmation still counts at once (it changes no address) while the changes wait, as events
on the answer that carries them (entity "contact-change"), until the coordinator applies them.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from models.contacts.forms import ContactsAnswer
from models.contacts.roster import contacts_by_role
from models.contacts.rules import (
    ADDED,
    APPLIED,
    CHANGE_ENTITY,
    CHANGED,
    CONFIRMATION_KIND,
    CONFIRMED,
    HELD,
    REMOVED,
    ROLE_ORDER,
    same_address,
)
from models.core.history import StatusEvent, record_event
from models.core.settings import get_settings
from models.lifecycle.forms import AnswerForm
from models.lifecycle.tables import Answer, Assignment
from models.messaging.bounces import contact_event
from models.reference.institutions import Contact, Institution


@dataclass(frozen=True)
class Change:
    """One role's address as it is and as the institution gives it (None: nobody)."""

    role: str
    old: str | None
    new: str | None

    def note(self) -> str:
        """The change as the history says it: 'deputy: email changed: a@x -> b@x'."""
        if self.old is None:
            return f"{self.role}: added: {self.new}"
        if self.new is None:
            return f"{self.role}: removed: {self.old}"
        return f"{self.role}: email changed: {self.old} -> {self.new}"


def sort_out(
    contacts: dict[str, Contact], addresses: dict[str, str | None]
) -> tuple[list[Contact], list[Change]]:
    """The contacts confirmed as they are, and the roles whose address changes."""
    confirmed, changes = [], []
    for role in ROLE_ORDER:
        contact, new = contacts.get(role), addresses.get(role)
        old = contact.email if contact is not None else None
        if contact is not None and same_address(old, new):
            confirmed.append(contact)
        elif not same_address(old, new):
            changes.append(Change(role, old, new))
    return confirmed, changes


def confirm(session: Session, contact: Contact, actor: str, now: datetime) -> None:
    """The institution vouches for the address: it counts as working and confirmed now."""
    note = f"{contact.role}: confirmed: {contact.email}"
    contact_event(session, contact, CONFIRMED, actor, now, note)
    contact.failing_since, contact.failure, contact.confirmed_at = None, None, now
    session.add(contact)


def apply_change(
    session: Session, institution_id: int, change: Change, actor: str, now: datetime
) -> None:
    """Set, add or remove one role's address; a new address starts working and confirmed."""
    contact = contacts_by_role(session, institution_id).get(change.role)
    if contact is not None:
        to = REMOVED if change.new is None else CHANGED
        contact_event(session, contact, to, actor, now, change.note())
    if change.new is None:
        if contact is not None:
            session.delete(contact)
        return
    if contact is None:
        contact = Contact(institution_id=institution_id, role=change.role, email=change.new)
        session.add(contact)
        session.flush()
        contact_event(session, contact, ADDED, actor, now, change.note(), new=True)
    contact.email, contact.failing_since, contact.failure = change.new, None, None
    contact.confirmed_at = now
    session.add(contact)


def take_answer(session: Session, assignment: Assignment, form: AnswerForm, answer: Answer) -> None:
    """The answer hook: confirm what is unchanged; apply the changes, or hold them."""
    assert isinstance(form, ContactsAnswer) and answer.id is not None
    institution = session.get(Institution, assignment.institution_id)
    assert institution is not None
    now = answer.submitted_at
    confirmed, changes = sort_out(contacts_by_role(session, institution.id or 0), form.addresses())
    for contact in confirmed:
        confirm(session, contact, institution.code, now)
    if changes and get_settings().contacts_changes == "hold":
        note = "; ".join(change.note() for change in changes)
        record_event(
            session=session,
            entity_type=CHANGE_ENTITY,
            entity_id=answer.id,
            from_status=None,
            to_status=HELD,
            actor=institution.code,
            now=now,
            note=note,
        )
        return
    for change in changes:
        apply_change(session, assignment.institution_id, change, institution.code, now)


@dataclass(frozen=True)
class HeldChanges:
    """An institution's answer whose changes wait for the coordinator, and those changes."""

    institution: Institution
    answer: Answer
    changes: list[Change]


def _marked(session: Session, status: str) -> set[int]:
    query = select(StatusEvent.entity_id).where(
        StatusEvent.entity_type == CHANGE_ENTITY, StatusEvent.to_status == status
    )
    return set(session.exec(query).all())


def held_changes(session: Session, code: str | None = None) -> list[HeldChanges]:
    """The answers (the current one of each confirmation) whose changes are held, oldest first.

    The changes are read against the contacts as they are now: one a reference load already
    made is no longer shown.
    """
    waiting = _marked(session, HELD) - _marked(session, APPLIED)
    query = (
        select(Answer, Institution)
        .join(Assignment, col(Assignment.id) == col(Answer.assignment_id))
        .join(Institution, col(Institution.id) == col(Answer.institution_id))
        .where(
            Assignment.kind == CONFIRMATION_KIND,
            col(Answer.superseded_at).is_(None),
            col(Answer.id).in_(waiting),
        )
        .order_by(col(Answer.submitted_at))
    )
    if code is not None:
        query = query.where(Institution.code == code)
    found = []
    for answer, institution in session.exec(query).all():
        form = ContactsAnswer.model_validate_json(answer.payload)
        contacts = contacts_by_role(session, answer.institution_id)
        found.append(HeldChanges(institution, answer, sort_out(contacts, form.addresses())[1]))
    return found


def apply_held(session: Session, code: str, actor: str, now: datetime) -> list[Change]:
    """Apply the changes an institution's answer holds; LookupError when it holds none."""
    held = held_changes(session, code)
    if not held:
        raise LookupError(f"{code}: no change of contacts waits to be applied")
    applied = []
    for item in held:
        assert item.answer.id is not None
        for change in item.changes:
            apply_change(session, item.answer.institution_id, change, actor, now)
        applied += item.changes
        record_event(
            session=session,
            entity_type=CHANGE_ENTITY,
            entity_id=item.answer.id,
            from_status=HELD,
            to_status=APPLIED,
            actor=actor,
            now=now,
            note="; ".join(change.note() for change in item.changes) or "nothing left to change",
        )
    return applied
