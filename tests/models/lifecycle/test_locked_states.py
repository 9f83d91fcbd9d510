"""A lock is a state: a locked round refuses answers whatever the answering clock says."""

import html
import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.i18n import translate
from models.lifecycle.tables import Answer, Assignment
from models.meetings.cycle import advance
from models.meetings.tables import Meeting
from models.monitoring.sweep import lock_round
from models.monitoring.tables import MonitoringRound
from portal.words import FORM_WORDS
from tests.models.meetings.test_cycle import at, cycle, meeting  # noqa: F401 (a fixture)
from tests.portal.conftest import path_of
from tests.support.portal import Portal
from tests.support.rounds import opened_round as round_of

OPENED = datetime(2027, 1, 4, 7, tzinfo=UTC)
FORM = {"progress": "done", "indicator_value": "", "narrative": "Activități desfășurate."}


def opened_round(engine: Engine, session: Session) -> MonitoringRound:
    """A round of PLAN 2026-S2 with its report assignments, open until its lock date."""
    return round_of(engine, session, OPENED, due_date=date(2027, 1, 15), working_days_after_end=0)


def answers(session: Session) -> int:
    session.rollback()
    return int(session.exec(select(func.count()).select_from(Answer)).one())


def test_a_round_locked_on_a_later_clock_refuses_answers_before_its_lock_date(
    engine: Engine, session: Session
) -> None:
    round_ = opened_round(engine, session)
    key = session.exec(select(Assignment.key).order_by(Assignment.key)).first()
    assert key is not None
    portal = Portal(session)
    before_lock = round_.due_at - timedelta(days=1)
    assert portal.answer(key, before_lock, **FORM) == 200  # open: the answer is taken
    assert answers(session) == 1
    assignment = session.exec(select(Assignment).where(Assignment.key == key)).one()
    path = path_of(assignment, now=before_lock)
    form_page = portal.client.get(path).text  # the institution has the form open
    csrf = re.search(r'name="csrf" value="([^"]+)"', form_page)
    assert csrf is not None

    # the demo (or any run on a clock ahead of the portal's) locks the round
    later = round_.lock_at + timedelta(days=1)
    assert lock_round(engine=engine, round_id=round_.id or 0, now=later, run_id=None)

    refused = portal.client.post(path, data={**FORM, "progress": "blocked", "csrf": csrf[1]})
    assert refused.status_code == 409
    assert translate("ro", FORM_WORDS["locked"]) in html.unescape(refused.text)
    assert 'name="csrf"' not in refused.text, "the page offers no form"
    assert answers(session) == 1, "nothing stored"


def test_a_round_locked_early_stops_answers_from_that_moment(
    engine: Engine, session: Session
) -> None:
    round_ = opened_round(engine, session)
    early = round_.lock_at - timedelta(days=5)
    assert lock_round(engine=engine, round_id=round_.id or 0, now=early, run_id=None)
    session.rollback()
    locked = session.exec(select(Assignment.locked_at)).all()
    assert locked and set(locked) == {early}


def first_key(session: Session, kind: str) -> str:
    key = session.exec(select(Assignment.key).where(Assignment.kind == kind)).first()
    assert key is not None
    return key


def form_opened(portal: Portal, key: str, when: datetime) -> tuple[str, str]:
    """Open the assignment's form at `when`: its path and the form's csrf token."""
    assignment = portal.session.exec(select(Assignment).where(Assignment.key == key)).one()
    portal.now = when
    path = path_of(assignment, now=when)
    csrf = re.search(r'name="csrf" value="([^"]+)"', portal.client.get(path).text)
    assert csrf is not None, "the form is open before the lock"
    return path, csrf[1]


def test_a_frozen_agenda_and_a_held_meeting_refuse_answers_on_an_earlier_clock(
    session: Session,
    meeting: Meeting,  # noqa: F811 (the fixture imported above)
) -> None:
    portal = Portal(session)
    proposals = first_key(session, "agenda-items")
    path, csrf = form_opened(portal, proposals, at("2026-11-25"))
    assert advance(cycle(session, at("2026-12-08")), meeting) == ["agenda frozen"]
    session.commit()
    sent = portal.client.post(path, data={"proposals": "Un punct nou", "csrf": csrf})
    assert sent.status_code == 409 and answers(session) == 0

    attendance = first_key(session, "attendance")
    path, csrf = form_opened(portal, attendance, at("2026-12-09"))
    assert advance(cycle(session, at("2026-12-10", 13)), meeting) == ["held"]
    session.commit()
    sent = portal.client.post(path, data={"attending": "yes", "csrf": csrf})
    assert sent.status_code == 409 and answers(session) == 0


def test_the_api_says_a_locked_round_takes_no_answers_on_an_earlier_clock(
    engine: Engine, session: Session
) -> None:
    round_ = opened_round(engine, session)
    portal = Portal(session)
    portal.now = round_.due_at - timedelta(days=1)
    assignment = session.exec(select(Assignment).order_by(Assignment.key)).first()
    assert assignment is not None
    api = "/api/v1/assignments/" + path_of(assignment, now=portal.now).removeprefix("/a/")
    assert portal.client.get(api).json()["accepts_answers"] is True
    later = round_.lock_at + timedelta(days=1)
    assert lock_round(engine=engine, round_id=round_.id or 0, now=later, run_id=None)
    shown = portal.client.get(api).json()
    assert (shown["accepts_answers"], shown["refusal"]) == (False, "locked")
    sent = portal.client.post(api, json={"kind": "monitoring-report", **FORM})
    assert sent.status_code == 409 and answers(session) == 0
