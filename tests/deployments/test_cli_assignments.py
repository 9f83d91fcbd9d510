import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.history import StatusEvent
from models.lifecycle.tables import Assignment
from tests.deployments.test_cli import concord
from tests.support.factories import make_assignment, make_institution

SOON = datetime.now(UTC) + timedelta(days=10)
PAST = datetime.now(UTC) - timedelta(days=3)


def seed(engine: Engine) -> None:
    with Session(engine) as session:
        anitp, igpr = make_institution(session, "ANITP"), make_institution(session, "IGPR")
        make_assignment(session, anitp, key="report:PLAN:2026-S2:1.1.1:ANITP", due_at=SOON)
        make_assignment(session, igpr, key="report:PLAN:2026-S2:2.1.1:IGPR", due_at=PAST)
        make_assignment(
            session, igpr, key="action:CM:2026-11-20:3:IGPR", due_at=SOON, kind="action-item"
        )


def test_assignments_are_listed_and_filtered(engine: Engine) -> None:
    seed(engine)
    everything = concord("assignments")
    assert everything.returncode == 0, everything.stderr
    assert "3 open assignment(s)" in everything.stdout
    by_institution = concord("assignments", "--institution", "IGPR", "--kind", "action-item")
    assert "1 open assignment(s)" in by_institution.stdout
    assert "action:CM:2026-11-20:3:IGPR" in by_institution.stdout
    overdue = concord("assignments", "--overdue")
    assert "1 open assignment(s)" in overdue.stdout and "2.1.1:IGPR" in overdue.stdout


def test_assignments_export_as_csv(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    target = tmp_path / "open.csv"
    result = concord("assignments", "--csv", str(target))
    assert result.returncode == 0, result.stderr
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["key"] for r in rows] == [
        "report:PLAN:2026-S2:2.1.1:IGPR",
        "action:CM:2026-11-20:3:IGPR",
        "report:PLAN:2026-S2:1.1.1:ANITP",
    ]
    assert {r["institution"] for r in rows} == {"ANITP", "IGPR"}
    assert all(r["due"].endswith(("+02:00", "+03:00")) for r in rows)


def test_snooze_and_waive_are_recorded(engine: Engine) -> None:
    seed(engine)
    snoozed = concord(
        "assignments",
        "snooze",
        "report:PLAN:2026-S2:1.1.1:ANITP",
        "--until",
        "2099-01-15",
        "--reason",
        "data expected in January",
    )
    assert snoozed.returncode == 0, snoozed.stderr
    waived = concord(
        "assignments",
        "waive",
        "report:PLAN:2026-S2:2.1.1:IGPR",
        "--reason",
        "measure transferred to DIICOT",
    )
    assert waived.returncode == 0, waived.stderr
    with Session(engine) as session:
        by_key = {a.key: a for a in session.exec(select(Assignment)).all()}
        assert by_key["report:PLAN:2026-S2:2.1.1:IGPR"].status == "waived"
        snoozed_row = by_key["report:PLAN:2026-S2:1.1.1:ANITP"]
        assert snoozed_row.snoozed_until is not None
        assert snoozed_row.snoozed_until.date().isoformat() == "2099-01-14"  # midnight EET in UTC
        notes = sorted(e.note or "" for e in session.exec(select(StatusEvent)).all())
    assert notes == [
        "amânată până la 2099-01-15: data expected in January",
        "measure transferred to DIICOT",
    ]
    assert "amânată până la 2099-01-15" in snoozed.stdout  # the coordinator's language


def test_bad_requests_are_refused_with_the_field_named(engine: Engine) -> None:
    seed(engine)
    missing = concord("assignments", "waive", "nope", "--reason", "x")
    assert missing.returncode == 1 and "no assignment 'nope'" in missing.stderr
    bad_date = concord("assignments", "snooze", "1", "--until", "15/01/2027")
    assert bad_date.returncode == 2 and "--until: expected a date" in bad_date.stderr
    past = concord("assignments", "snooze", "1", "--until", "2020-01-01")
    assert past.returncode == 1 and "until: " in past.stderr and "not in the future" in past.stderr
    blank = concord("assignments", "waive", "1", "--reason", "  ")
    assert blank.returncode == 1 and "reason: a waiver needs a reason" in blank.stderr


def test_a_reason_with_personal_data_is_refused_without_echoing_it(engine: Engine) -> None:
    seed(engine)
    with Session(engine) as session:
        before = len(session.exec(select(StatusEvent)).all())
    key = "report:PLAN:2026-S2:2.1.1:IGPR"
    waived = concord("assignments", "waive", key, "--reason", "scrie la ana.pop@gmail.com")
    snoozed = concord(
        "assignments", "snooze", key, "--until", "2099-01-15", "--reason", "CNP 1960101123456"
    )
    for refused in (waived, snoozed):
        assert refused.returncode == 1 and "reason: the text seems to contain" in refused.stderr
        assert "gmail" not in refused.stderr and "1960101123456" not in refused.stderr
    with Session(engine) as session:
        assert len(session.exec(select(StatusEvent)).all()) == before
        assert session.exec(select(Assignment).where(Assignment.key == key)).one().status == "open"
