"""What the focal point reads above the form: each address as it stands, and what bounced.

Each current address is labelled with its field's "current_" word, so that the form's partial
finds it by that word and offers it as the field's value: sending the form unchanged confirms.
"""

from datetime import datetime

from sqlmodel import Session

from models.contacts.forms import WORDS
from models.contacts.roster import contacts_by_role
from models.contacts.rules import FIELD_ROLES, last_confirmed
from models.core.i18n import N_, long_date, translate
from models.core.settings import get_settings
from models.lifecycle.tables import Assignment
from models.messaging.vocabulary import name_in
from models.reference.institutions import Contact

NOBODY = N_("none")
BOUNCED = N_("Mail that comes back")
BOUNCED_TEXT = N_("%(address)s, since %(since)s: %(reason)s")
CONFIRMED = N_("Last confirmed")
NEVER = N_("never")


def when(moment: datetime, language: str) -> str:
    """The moment's local date in words: '4 ianuarie 2027'."""
    return long_date(moment.astimezone(get_settings().zone), language)


def bounce_text(contact: Contact, language: str) -> str:
    """'head@x.example, since 4 January 2027: 550 5.1.1 user unknown'."""
    assert contact.failing_since is not None
    return translate(language, BOUNCED_TEXT) % {
        "address": contact.email,
        "since": when(contact.failing_since, language),
        "reason": contact.failure or "—",
    }


def contacts_details(
    session: Session, assignment: Assignment, language: str, now: datetime
) -> list[tuple[str, str]]:
    """Each role's address now, each address whose mail comes back, when last confirmed."""
    contacts = contacts_by_role(session, assignment.institution_id)
    rows = [
        (
            name_in(WORDS, f"current_{field}", language),
            contacts[role].email if role in contacts else translate(language, NOBODY),
        )
        for field, role in FIELD_ROLES.items()
    ]
    rows += [
        (translate(language, BOUNCED), bounce_text(contact, language))
        for contact in contacts.values()
        if not contact.working
    ]
    last = last_confirmed([contact.confirmed_at for contact in contacts.values()])
    confirmed = when(last, language) if last else translate(language, NEVER)
    return [*rows, (translate(language, CONFIRMED), confirmed)]
