"""Opening a monitoring round, in bulk: the round, its report assignments, its announcements."""

import logging
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, String, Table, literal, true
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.db import write_session
from models.core.heap import old_objects_frozen
from models.core.periods import Period, parse_period
from models.core.settings import Settings
from models.core.sql import insert_ignoring_duplicates, staged
from models.lifecycle.assignments import new_assignment
from models.lifecycle.tables import Assignment
from models.messaging.compose import Addressee, addressees_for, assignment_link
from models.messaging.digest import digest_groups
from models.messaging.emails import Post
from models.messaging.message_views import AssignmentView
from models.monitoring.messages import RoundOpened, rounds_opened
from models.monitoring.rules import (
    REPORT_KIND,
    Expected,
    RoundError,
    check_round_request,
    expected_reports,
    report_key,
    round_dates,
)
from models.monitoring.tables import MonitoringRound, Submission
from models.reference.institutions import Institution
from models.reference.strategy import Strategy

QUEUE_CHUNK = 500  # announcements rendered and inserted together
ANNOUNCED_TO = ("focal-point", "deputy")
# what differs between the reports of a round, staged for one INSERT ... SELECT
STAGED_REPORT = {
    "key": String(),
    "institution_id": Integer(),
    "subject_ref": String(),
    "title": String(),
    "measure_id": Integer(),
}
OWED_COLUMNS = tuple(
    getattr(Assignment, name)
    for name in ("id", "institution_id", "link_version", *AssignmentView.model_fields)
    if name not in ("link", "overdue_days")
)


def _checked_period(label: str, working_days_after_end: int, lock_after_days: int) -> Period:
    """The period a label names, once neither count of days is negative."""
    try:
        period = parse_period(label)
    except ValueError as exc:
        raise RoundError(str(exc)) from None
    if lock_after_days < 0 or working_days_after_end < 0:
        raise RoundError("lock_after_days and working_days_after_period_end: must not be negative")
    return period


def _insert_round(session: Session, row: dict[str, Any]) -> int:
    """Insert the round unless it exists, commit, and return its id."""
    # Two runs may open the same round at once: the second insert is skipped, not an error.
    unique = ["strategy_id", "period"]
    session.execute(insert_ignoring_duplicates(session, MonitoringRound, unique), [row])
    session.commit()
    found_round = session.exec(
        select(MonitoringRound.id).where(
            MonitoringRound.strategy_id == row["strategy_id"],
            MonitoringRound.period == row["period"],
        )
    ).one()
    assert found_round is not None
    return found_round


def open_round(
    *,
    engine: Engine,
    strategy_code: str,
    period_label: str,
    due_date: date | None,
    working_days_after_end: int,
    lock_after_days: int,
    calendar: WorkingCalendar,
    now: datetime,
) -> int:
    """The round's id, creating it the first time; the same parameters again change nothing."""
    period = _checked_period(period_label, working_days_after_end, lock_after_days)
    with write_session(engine) as session:
        found = session.exec(select(Strategy).where(Strategy.code == strategy_code)).first()
        strategy = check_round_request(found, strategy_code, period)
        due_at, lock_at = round_dates(
            period,
            due_date=due_date,
            working_days_after_end=working_days_after_end,
            lock_after_days=lock_after_days,
            calendar=calendar,
        )
        row = {
            "strategy_id": strategy.id,
            "period": period.label,
            "opens_at": now,
            "due_at": due_at,
            "lock_at": lock_at,
            "created_at": now,
        }
        return _insert_round(session, row)


def _shared_schedule(
    round_: MonitoringRound,
    calendar: WorkingCalendar,
    now: datetime,
    policy_override: dict[str, Any] | None,
) -> dict[str, Any]:
    """The columns every report of a round shares: one is scheduled and the others copy it."""
    shared = new_assignment(
        key="",
        kind=REPORT_KIND,
        institution_id=0,
        subject_type="measure",
        subject_ref="",
        title="",
        due_at=round_.due_at,
        calendar=calendar,
        now=now,
        policy_override=policy_override,
    ).model_dump(exclude={"id", *STAGED_REPORT})
    shared["locked_at"] = round_.lock_at  # the portal refuses answers from then on
    return shared


def _report_rows(
    expected: list[Expected], round_: MonitoringRound, strategy_code: str, codes: dict[int, str]
) -> list[tuple[Any, ...]]:
    """What differs between a round's reports, one tuple per report, in STAGED_REPORT's order."""
    return [
        (
            report_key(strategy_code, round_.period, item.measure_code, codes[item.institution_id]),
            item.institution_id,
            f"{strategy_code}/{item.measure_code}",
            f"{item.measure_code} {item.measure_title}"[:500],
            item.measure_id,
        )
        for item in expected
    ]


def _insert_reports(session: Session, round_id: int, shared: dict[str, Any], reports: Table) -> int:
    """Insert the staged reports' assignments and Submissions; rows that exist stay as they are.

    Returns how many Submissions were new.
    """
    table = Assignment.__table__  # type: ignore[attr-defined]
    fixed = [literal(value, table.c[name].type) for name, value in shared.items()]
    varying = ["key", "institution_id", "subject_ref", "title"]
    rows = select(*fixed, *(reports.c[name] for name in varying)).where(true())
    assignments = insert_ignoring_duplicates(session, Assignment, ["key"])
    conn = session.connection()  # Core, not the ORM: its result keeps the rowcount
    conn.execute(assignments.from_select([*shared, *varying], rows))
    owed = (
        select(
            literal(round_id), col(Assignment.id), reports.c.measure_id, reports.c.institution_id
        )
        .join(Assignment, col(Assignment.key) == reports.c.key)
        .where(true())
    )
    submissions = insert_ignoring_duplicates(session, Submission, ["assignment_id"])
    columns = ["round_id", "assignment_id", "measure_id", "institution_id"]
    new = submissions.from_select(columns, owed).execution_options(preserve_rowcount=True)
    return conn.execute(new).rowcount  # preserved: psycopg forgets it once its cursor closes


@old_objects_frozen()
def create_round_assignments(
    *,
    engine: Engine,
    round_id: int,
    calendar: WorkingCalendar,
    now: datetime,
    policy_override: dict[str, Any] | None = None,
) -> dict[str, int]:
    """One report assignment and one Submission per expected report, set-based in one go."""
    with Session(engine) as session:
        round_ = session.get(MonitoringRound, round_id)
        assert round_ is not None
        strategy = session.get(Strategy, round_.strategy_id)
        assert strategy is not None
        expected = expected_reports(
            session=session, strategy=strategy, start=parse_period(round_.period).start
        )
        codes = {i: c for i, c in session.exec(select(Institution.id, Institution.code)) if i}
    rows = _report_rows(expected, round_, strategy.code, codes)
    shared = _shared_schedule(round_, calendar, now, policy_override)
    with write_session(engine) as session:
        with staged(session, "staged_report", STAGED_REPORT, rows) as reports:
            created = _insert_reports(session, round_id, shared, reports)
        session.commit()
    return {"expected": len(expected), "created": created}


def _owed_by_institution(session: Session, round_id: int) -> dict[int, list[Any]]:
    """The round's assignments by institution, as rows of the columns a letter shows."""
    # plain rows, not ORM objects: building 10,000 Assignment instances costs more than the query
    query = (
        select(*OWED_COLUMNS)
        .join(Submission, col(Submission.assignment_id) == col(Assignment.id))
        .where(Submission.round_id == round_id)
        .order_by(col(Assignment.id))
    )
    owed: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(query):
        owed[row.institution_id].append(row)
    return owed


def _view(row: Any, settings: Settings, now: datetime) -> AssignmentView:
    """One owed report as the announcement lists it, with its signed portal link."""
    link = assignment_link(
        assignment_id=row.id,
        institution_id=row.institution_id,
        due_at=row.due_at,
        now=now,
        settings=settings,
        version=row.link_version,
    )
    return AssignmentView.of(dict(row._mapping), link=link)


def announcement_letters(
    session: Session,
    round_: MonitoringRound,
    settings: Settings,
    calendar: WorkingCalendar,
    now: datetime,
) -> tuple[list[tuple[str, Addressee, RoundOpened]], list[str]]:
    """One announcement per institution owing reports, and the problems of those with no one."""
    strategy = session.get(Strategy, round_.strategy_id)
    assert strategy is not None and round_.id is not None
    owed = _owed_by_institution(session, round_.id)
    addressees = addressees_for(session=session, institution_ids=list(owed), roles=ANNOUNCED_TO)
    letters, problems = [], []
    for institution_id, assignments in sorted(owed.items()):
        to = addressees.get(institution_id, LookupError(f"institution {institution_id} is gone"))
        if not isinstance(to, Addressee):
            problems.append(str(to))
            continue
        items = [_view(row, settings, now) for row in assignments]
        context = RoundOpened(
            period=round_.period,
            strategy=strategy.name,
            due_at=round_.due_at,
            lock_at=round_.lock_at,
            groups=digest_groups(items, calendar.zone),
            total=len(items),
        )
        key = f"round-opened:{strategy.code}:{round_.period}:{to.institution.code}"
        letters.append((key, to, context))
    return letters, problems


@old_objects_frozen()
def announce_round(
    *,
    engine: Engine,
    round_id: int,
    settings: Settings,
    calendar: WorkingCalendar,
    now: datetime,
    logger: logging.Logger | logging.LoggerAdapter[Any],
) -> dict[str, int]:
    """One email per institution listing every report it owes in the round (queued once)."""
    with write_session(engine) as session:
        round_ = session.get(MonitoringRound, round_id)
        assert round_ is not None
        signing = settings.with_signing_key()
        letters, problems = announcement_letters(session, round_, signing, calendar, now)
        for problem in problems:
            logger.warning("round %s: %s", round_.period, problem)
        post, queued = Post(session, settings, now), 0
        for start in range(0, len(letters), QUEUE_CHUNK):
            chunk = letters[start : start + QUEUE_CHUNK]
            new = set(rounds_opened(post, chunk))
            queued += sum(key in new for key, _, _ in chunk)
        session.commit()
    return {"queued": queued, "already": len(letters) - queued, "no-recipient": len(problems)}
