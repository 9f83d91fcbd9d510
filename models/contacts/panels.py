"""What the coordinator sees of contacts: those out of date, the changes held, the full list."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models.contacts.changes import Change, held_changes
from models.contacts.roster import Standing, roster
from models.contacts.rules import ROLE_WORDS, confirmation_stale
from models.core.i18n import N_, long_date, translate
from models.lifecycle.duty import Panel
from models.messaging.vocabulary import name_in
from models.reference.institutions import Contact

SHOWN = 50
WORKING = N_("working")
FAILING = N_("failing since %(since)s: %(reason)s")
NEVER = N_("never")
NOBODY = N_("none")
NO_WORKING = N_("Without any working contact: %(codes)s")
MORE = N_("%(num)s more institutions: concord contacts --stale")
CHANGED = N_("%(role)s: %(old)s → %(new)s")
ADDED = N_("%(role)s: %(new)s added")
REMOVED = N_("%(role)s: %(old)s removed")
LIST_HEADERS = (N_("Institution"), N_("Role"), N_("Address"), N_("Status"), N_("Confirmed"))


def day(moment: datetime, language: str, zone: ZoneInfo) -> str:
    """The moment's local date in words."""
    return long_date(moment.astimezone(zone), language)


def status_text(contact: Contact, language: str, zone: ZoneInfo) -> str:
    """'working', or 'failing since 4 January 2027: 550 5.1.1 user unknown'."""
    if contact.failing_since is None:
        return translate(language, WORKING)
    return translate(language, FAILING) % {
        "since": day(contact.failing_since, language, zone),
        "reason": contact.failure or "—",
    }


def confirmed_text(moment: datetime | None, language: str, zone: ZoneInfo) -> str:
    """The day of the last confirmation, or 'never'."""
    return day(moment, language, zone) if moment else translate(language, NEVER)


def role_name(role: str, language: str) -> str:
    """The role in words: 'focal point', 'punct focal'."""
    return name_in(ROLE_WORDS, role, language)


def change_text(change: Change, language: str) -> str:
    """'deputy focal point: a@x.example → b@x.example' (or added, or removed) in words."""
    message = ADDED if change.old is None else REMOVED if change.new is None else CHANGED
    return translate(language, message) % {
        "role": role_name(change.role, language),
        "old": change.old,
        "new": change.new,
    }


def out_of_date(session: Session, now: datetime, code: str | None = None) -> list[Standing]:
    """Institutions with a failing contact or none confirmed within a year: the unreachable
    first (no contact receives mail), then those with a contact failing, each by code."""
    found = [standing for standing in roster(session, code) if standing.out_of_date(now)]
    return sorted(found, key=lambda standing: (standing.reachable, not standing.failing))


def unreachable_note(standings: list[Standing], language: str) -> str:
    """'Without any working contact: X, Y', or '' when every institution has one."""
    codes = [s.institution.code for s in standings if not s.reachable]
    return translate(language, NO_WORKING) % {"codes": ", ".join(codes)} if codes else ""


def _stale_row(standing: Standing, language: str, zone: ZoneInfo) -> list[str]:
    bounced = "; ".join(
        f"{role_name(c.role, language)} {c.email}: {status_text(c, language, zone)}"
        for c in standing.failing
    )
    working = [c for c in standing.contacts if c.working]
    return [
        standing.institution.label,
        ", ".join(c.email for c in working) or translate(language, NOBODY),
        bounced or "—",
        confirmed_text(standing.last_confirmed, language, zone),
    ]


def stale_panel(session: Session, now: datetime, language: str, zone: ZoneInfo) -> Panel | None:
    """The institutions whose contacts are out of date, or None when none is."""
    found = out_of_date(session, now)
    if not found:
        return None

    def t(message: str) -> str:
        return translate(language, message)

    notes = [unreachable_note(found, language)]
    if len(found) > SHOWN:
        notes.append(t(MORE) % {"num": len(found) - SHOWN})
    return Panel(
        t(N_("Contacts out of date")),
        [
            t(N_("Institution")),
            t(N_("Working contacts")),
            t(N_("Mail that comes back")),
            t(N_("Last confirmed")),
        ],
        [_stale_row(standing, language, zone) for standing in found[:SHOWN]],
        note=" ".join(note for note in notes if note),
    )


def held_panel(session: Session, language: str, zone: ZoneInfo) -> Panel | None:
    """The changes of contacts institutions sent that wait for the coordinator, if any."""
    held = [item for item in held_changes(session) if item.changes]
    if not held:
        return None
    return Panel(
        translate(language, N_("Changes of contacts waiting for you")),
        [translate(language, m) for m in (N_("Institution"), N_("Sent on"), N_("Changes"))],
        [
            [
                item.institution.label,
                day(item.answer.submitted_at, language, zone),
                "; ".join(change_text(change, language) for change in item.changes),
            ]
            for item in held
        ],
        note=translate(language, N_("Apply them with: concord contacts apply INSTITUTION")),
    )


def contacts_panels(session: Session, now: datetime, language: str, zone: ZoneInfo) -> list[Panel]:
    """The coordinator's view of contacts, in the reader's language."""
    panels = (stale_panel(session, now, language, zone), held_panel(session, language, zone))
    return [panel for panel in panels if panel is not None]


def contact_rows(
    standings: list[Standing], now: datetime, language: str, zone: ZoneInfo, stale: bool
) -> list[list[str]]:
    """One row per contact for the command line; `stale` keeps those failing or unconfirmed."""
    return [
        [
            standing.institution.code,
            role_name(contact.role, language),
            contact.email,
            status_text(contact, language, zone),
            confirmed_text(contact.confirmed_at, language, zone),
        ]
        for standing in standings
        for contact in standing.contacts
        if not stale or not contact.working or confirmation_stale([contact.confirmed_at], now)
    ]
