"""The sweep hook: ask institutions to confirm their contacts, yearly and after a bounce.

Yearly, each institution is asked in its own two weeks of the year (from a day a stable hash
of its code picks), once its contacts were never confirmed or last confirmed over a year
ago. Spread over the year, a hundred institutions come one or two a week, which the
secretariat can follow up, rather than all on one day (or a dozen on each first of the
month); each keeps its days from year to year, and the two weeks let a sweep that did not
run on the first day still ask. A bounce does not wait for the institution's turn: it is
asked at once, unless a confirmation is still open.
"""

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.contacts.roster import Standing, confirmations, roster, waiting
from models.contacts.rules import (
    CONFIRMATION_KIND,
    DAYS_TO_ANSWER,
    bounce_key,
    its_turn,
    yearly_key,
)
from models.core.calendar import WorkingCalendar
from models.core.db import write_session
from models.core.i18n import N_, translate
from models.core.settings import Settings
from models.core.sql import claimed
from models.lifecycle.assignments import new_assignment
from models.lifecycle.desk import Desk
from models.lifecycle.duty import SweepContext, SweepOutcome
from models.lifecycle.tables import Assignment
from models.messaging.compose import addressee_or_coordinator, linked_view
from models.messaging.emails import AssignmentCreated, Post
from models.reference.institutions import Institution

TITLE = N_("Confirming the contacts of %(institution)s")
ASKED_ROLES = ("focal-point", "deputy")  # the others, then the head, when these bounce


def bounced_since(standing: Standing, moment: datetime | None) -> bool:
    """Whether a contact started failing after `moment` (after anything, when None)."""
    return any(
        moment is None or (contact.failing_since is not None and contact.failing_since > moment)
        for contact in standing.failing
    )


def key_due(desk: Desk, standing: Standing, asked: list[Assignment]) -> str | None:
    """The key of the confirmation the institution owes now, or None when it owes none.

    `asked` are its confirmations so far, the newest first.
    """
    if not standing.contacts or waiting(asked):
        return None  # nobody to ask (the coordinator's panel shows it), or asked already
    code, today = standing.institution.code, desk.calendar.local_date(desk.now)
    if bounced_since(standing, asked[0].created_at if asked else None):
        return bounce_key(code, today)
    if standing.unconfirmed(desk.now) and its_turn(code, today):
        return yearly_key(code, today.year)
    return None


def _taken(session: Session, key: str) -> bool:
    return session.exec(select(Assignment.id).where(Assignment.key == key)).first() is not None


def ask(desk: Desk, standing: Standing, key: str) -> Assignment:
    """Open the institution's confirmation, due in ten working days, and email its link."""
    institution = standing.institution
    assert institution.id is not None
    today = desk.calendar.local_date(desk.now)
    title = translate(institution.language, TITLE) % {
        "institution": institution.name_in(institution.language)
    }
    assignment = new_assignment(
        key=key,
        kind=CONFIRMATION_KIND,
        institution_id=institution.id,
        subject_type="institution",
        subject_ref=institution.code,
        title=title[:500],
        due_at=desk.calendar.end_of_day(desk.calendar.add_working_days(today, DAYS_TO_ANSWER)),
        calendar=desk.calendar,
        now=desk.now,
    )
    desk.session.add(assignment)
    desk.session.flush()
    to = addressee_or_coordinator(
        session=desk.session,
        institution_id=institution.id,
        roles=ASKED_ROLES,
        settings=desk.settings,
    )
    view = linked_view(assignment, settings=desk.settings, now=desk.now)
    Post(desk.session, desk.settings, desk.now).queue(
        f"{key}:opened", to, AssignmentCreated(assignment=view)
    )
    return assignment


def ask_due(desk: Desk) -> list[str]:
    """Open every confirmation owed now, one per institution; the keys opened."""
    opened = []
    asked = confirmations(desk.session)
    for standing in roster(desk.session):
        key = key_due(desk, standing, asked.get(standing.institution.id or 0, []))
        if key is None or not _ours(desk.session, standing.institution.id or 0):
            continue
        if not _taken(desk.session, key):
            opened.append(ask(desk, standing, key).key)
    return opened


def _ours(session: Session, institution_id: int) -> bool:
    """Lock the institution for this sweep; False while another sweep at once asks it."""
    return claimed(session, Institution, institution_id) is not None


def ask_due_at_once(
    engine: Engine, settings: Settings, now: datetime, run_id: str | None
) -> list[str]:
    """`ask_due` in one transaction of its own; the keys opened."""
    with write_session(engine) as session:
        desk = Desk(session, settings, WorkingCalendar(zone=settings.zone), now, run_id)
        opened = ask_due(desk)
        session.commit()
    return opened


def sweep_contacts(context: SweepContext) -> list[SweepOutcome]:
    """The sweep hook: ask for the confirmations owed today, in one transaction."""
    opened = ask_due_at_once(context.engine, context.settings, context.now, context.run_id)
    if not opened:
        return []
    return [
        SweepOutcome(
            summary=f"contacts: {len(opened)} confirmation(s) asked",
            artifact_key="contacts-confirmations",
            markdown="# Contacts to confirm\n\n" + "\n".join(f"- {key}" for key in opened),
        )
    ]
