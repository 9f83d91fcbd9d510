"""Each institution's contacts as they stand: working or failing, confirmed when, asked when."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from models.contacts.rules import (
    CONFIRMATION_KIND,
    ROLE_ORDER,
    confirmation_stale,
    last_confirmed,
)
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.reference.institutions import Contact, Institution


def _role_rank(contact: Contact) -> int:
    return ROLE_ORDER.index(contact.role) if contact.role in ROLE_ORDER else len(ROLE_ORDER)


@dataclass(frozen=True)
class Standing:
    """One institution and its contacts, in the order focal point, deputy, head."""

    institution: Institution
    contacts: list[Contact] = field(default_factory=list)

    @property
    def reachable(self) -> bool:
        """Whether at least one of its contacts still receives mail."""
        return any(contact.working for contact in self.contacts)

    @property
    def failing(self) -> list[Contact]:
        """Its contacts whose mail bounced for good."""
        return [contact for contact in self.contacts if not contact.working]

    @property
    def last_confirmed(self) -> datetime | None:
        """When all its contacts were last confirmed; None when one never was."""
        return last_confirmed([contact.confirmed_at for contact in self.contacts])

    def unconfirmed(self, now: datetime) -> bool:
        """Whether its contacts were never confirmed, or last confirmed over a year ago."""
        return confirmation_stale([contact.confirmed_at for contact in self.contacts], now)

    def out_of_date(self, now: datetime) -> bool:
        """Whether the coordinator should look at it: a contact failing, or none confirmed."""
        return bool(self.failing) or self.unconfirmed(now)


def roster(session: Session, code: str | None = None) -> list[Standing]:
    """Every institution (or the one with `code`) with its contacts, in code order."""
    query = select(Institution).order_by(col(Institution.code))
    if code is not None:
        query = query.where(Institution.code == code)
    institutions = list(session.exec(query).all())
    ids = [institution.id for institution in institutions]
    contacts: dict[int, list[Contact]] = {}
    for contact in session.exec(select(Contact).where(col(Contact.institution_id).in_(ids))):
        contacts.setdefault(contact.institution_id, []).append(contact)
    return [
        Standing(institution, sorted(contacts.get(institution.id or 0, []), key=_role_rank))
        for institution in institutions
    ]


def contacts_by_role(session: Session, institution_id: int) -> dict[str, Contact]:
    """The institution's contacts, by role."""
    query = select(Contact).where(Contact.institution_id == institution_id)
    return {contact.role: contact for contact in session.exec(query).all()}


def confirmations(session: Session) -> dict[int, list[Assignment]]:
    """Each institution's confirmations of its contacts, the newest first."""
    query = (
        select(Assignment)
        .where(Assignment.kind == CONFIRMATION_KIND)
        .order_by(col(Assignment.created_at).desc(), col(Assignment.id).desc())
    )
    found: dict[int, list[Assignment]] = {}
    for assignment in session.exec(query).all():
        found.setdefault(assignment.institution_id, []).append(assignment)
    return found


def waiting(assignments: list[Assignment]) -> bool:
    """Whether one of these confirmations still waits for its answer."""
    return any(assignment.status in OPEN_ASSIGNMENT_STATUSES for assignment in assignments)
