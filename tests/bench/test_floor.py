"""The bench's floor does the round's whole job: rows, queued letters, sends, marks."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bench.floor import plain_round
from bench.sizes import SIZES, reference_document
from models.lifecycle.tables import Assignment
from models.messaging.outbox import OutboxMessage
from models.monitoring.tables import Submission
from models.reference.loader import load_reference
from tests.support.servers import SmtpServer

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize("mark_each", [False, True], ids=["marked-at-once", "marked-each"])
def test_the_floor_queues_sends_and_marks_every_announcement_once(
    engine: Engine, session: Session, smtp_server: SmtpServer, mark_each: bool
) -> None:
    doc, strategy = reference_document(SIZES["small"])
    load_reference(session=session, doc=doc, source="bench", now=NOW)
    session.commit()

    sent = plain_round(
        engine=engine,
        strategy=strategy,
        period="2026-S1",
        smtp_port=smtp_server.port,
        now=NOW,
        mark_each=mark_each,
    )

    session.expire_all()
    assignments = session.exec(select(func.count()).select_from(Assignment)).one()
    submissions = session.exec(
        select(col(Submission.assignment_id), col(Assignment.id)).join(
            Assignment, col(Assignment.id) == col(Submission.assignment_id)
        )
    ).all()
    letters = session.exec(select(OutboxMessage)).all()
    assert assignments == len(submissions) > sent
    assert sent == len(letters) == len(smtp_server.messages) == SIZES["small"].institutions
    assert {letter.state for letter in letters} == {"sent"}
    assert {m["To"] for m in smtp_server.messages} == {letter.recipient for letter in letters}
    for message in smtp_server.messages:
        assert message["Date"] is not None and message["Message-ID"] is not None
        assert message.get_content_type() == "multipart/alternative"
        for kind in ("plain", "html"):
            part = message.get_body((kind,))
            assert part is not None and "https://portal.example/a/" in part.get_content()
    assert len({m["Message-ID"] for m in smtp_server.messages}) == sent
    assert {m["Subject"] for m in smtp_server.messages} == {letter.subject for letter in letters}
    assert all(letter.attempts == 1 and letter.sent_at is not None for letter in letters)
