"""Case references Concord issues: one sequence per kind and year, never a number twice."""

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.core.db import write_session
from models.core.references import issue_reference
from tests.support.concurrency import released_together


def test_each_kind_and_year_counts_on_its_own(session: Session) -> None:
    issued = [
        issue_reference(session, "eio", 2026),
        issue_reference(session, "eio", 2026),
        issue_reference(session, "ref", 2026),
        issue_reference(session, "eio", 2027),
    ]
    session.commit()
    assert issued == [
        "RO-EIO-2026-00001",
        "RO-EIO-2026-00002",
        "RO-REF-2026-00001",
        "RO-EIO-2027-00001",
    ]


def test_references_issued_at_once_are_all_different(engine: Engine) -> None:
    def issue() -> str:
        with write_session(engine) as session:
            reference = issue_reference(session, "siena", 2026)
            session.commit()
            return reference

    issued = released_together(issue, threads=6) + released_together(issue, threads=6)
    assert sorted(issued) == [f"RO-SIENA-2026-{n:05d}" for n in range(1, 13)]
