import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.core.history import StatusEvent
from models.lifecycle.tables import Answer, Assignment
from models.messaging.outbox import OutboxMessage
from tasks.messaging.outbox import deliver_due_messages
from tests.portal.conftest import assignment_of, path_of
from tests.support.servers import SmtpServer

FORMS = {
    "monitoring-report": {
        "progress": "in-progress",
        "indicator_value": "12 campanii",
        "narrative": "Au fost derulate 12 campanii în școli.",
    },
    "action-item": {"progress": "done", "narrative": "Protocolul a fost semnat."},
    "attendance": {"attending": "delegate", "delegate_name": "Director adjunct"},
    "cooperation-request": {"action": "answer", "message": "Datele solicitate sunt anexate."},
    "referral": {"decision": "reject", "reason": "out-of-area", "note": "Cazul ține de Cluj."},
    "agenda-items": {"proposals": "Stadiul planului de acțiune 2026."},
}


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def submit(client: TestClient, path: str, data: dict[str, str], files: dict | None = None):  # type: ignore[no-untyped-def]
    page = client.get(path)
    return client.post(path, data={**data, "csrf": csrf_of(page.text)}, files=files)


@pytest.mark.parametrize("kind", list(FORMS))
def test_every_kind_of_form_is_answered_end_to_end(
    kind: str, client: TestClient, session: Session, institutions: tuple, smtp_server: SmtpServer
) -> None:
    anitp, _ = institutions
    assignment = assignment_of(session, anitp, kind)
    path = path_of(assignment)
    page = client.get(path)
    assert page.status_code == 200
    assert "Solicitare " + kind in page.text and "ora României" in page.text
    response = submit(client, path, FORMS[kind])
    assert response.status_code == 200, response.text
    assert "Răspunsul a fost înregistrat" in response.text
    session.expire_all()
    stored = session.get(Assignment, assignment.id)
    assert stored is not None and stored.status == "done" and stored.closed_at is not None
    [answer] = session.exec(select(Answer)).all()
    assert answer.on_time and answer.channel == "form"
    for value in FORMS[kind].values():
        assert value in answer.payload
    [event] = session.exec(select(StatusEvent).where(StatusEvent.entity_id == assignment.id)).all()
    assert (event.from_status, event.to_status, event.actor) == ("open", "done", "ANITP")
    [mail] = smtp_server.messages  # at once: no dispatch run was needed
    assert mail["Subject"].startswith("Răspuns primit") and mail["Content-Language"] == "ro"
    assert "focal-point@anitp.example" in mail["To"]
    [queued] = session.exec(select(OutboxMessage)).all()
    assert queued.state == "sent" and queued.attempts == 1
    deliver_due_messages(
        now=datetime.now(UTC), batch_size=10, max_batches=1, logger=logging.getLogger("test")
    )
    assert len(smtp_server.messages) == 1, "the dispatch run does not send it twice"


def test_an_english_speaking_institution_sees_the_page_in_english(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    _, europol = institutions
    page = client.get(path_of(assignment_of(session, europol, "cooperation-request")))
    assert "Bucharest time" in page.text and "We acknowledge receipt" in page.text
    assert '<html lang="en">' in page.text


def test_a_romanian_page_shows_statuses_and_answers_in_romanian(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "monitoring-report")
    path = path_of(assignment)
    submit(client, path, FORMS["monitoring-report"])
    page = client.get(path).text
    assert "<td>deschisă</td>" not in page and "<td>răspuns primit</td>" in page  # done
    assert "Stadiul implementării</strong>: în curs" in page and "Bucharest" not in page


def test_invalid_answers_name_the_field_and_write_nothing(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "monitoring-report")
    response = submit(client, path_of(assignment), {"progress": "finished", "narrative": " "})
    assert response.status_code == 422
    assert "Stadiul implementării" in response.text and "Descrierea activităților" in response.text
    assert "Alegeți una dintre variante." in response.text  # the errors in Romanian too
    assert "Câmpul este obligatoriu." in response.text
    assert "Input should" not in response.text and "Field required" not in response.text
    assert 'value="finished"' not in response.text  # the form keeps choices, not bad values
    assert session.exec(select(Answer)).all() == []
    assert session.exec(select(OutboxMessage)).all() == []


def test_personal_data_in_a_narrative_is_refused_in_the_readers_language(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    romanian = assignment_of(session, institutions[0], "monitoring-report")
    form = {"progress": "done", "narrative": "Victima (CNP 2961231123459) a fost preluată."}
    response = submit(client, path_of(romanian), form)
    assert response.status_code == 422
    assert "Textul pare să conțină un cod numeric personal (CNP)" in response.text
    assert "2961231123459" in response.text  # back in the form to be corrected, never stored
    english = assignment_of(session, institutions[1], "monitoring-report")
    form = {"progress": "done", "narrative": "Reach her at victim@mail.example"}
    response = submit(client, path_of(english), form)
    assert "This text seems to contain an e-mail address" in response.text
    assert session.exec(select(Answer)).all() == []


def test_a_second_answer_replaces_the_first_and_both_stay_on_record(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "action-item")
    path = path_of(assignment)
    submit(client, path, {"progress": "in-progress", "narrative": "Prima versiune"})
    second = submit(client, path, {"progress": "done", "narrative": "A doua versiune"})
    assert second.status_code == 200
    answers = session.exec(select(Answer).order_by(Answer.id)).all()
    assert [a.superseded_at is not None for a in answers] == [True, False]
    page = client.get(path).text
    assert "Prima versiune" in page and "A doua versiune" in page and "înlocuit" in page
    notes = [e.note for e in session.exec(select(StatusEvent).order_by(StatusEvent.id)).all()]
    assert notes == ["answered (form)", "answer replaced (form)"]


def test_a_locked_assignment_shows_why_and_accepts_nothing(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "monitoring-report")
    page = client.get(path_of(assignment))
    assignment.locked_at = datetime.now(UTC) - timedelta(minutes=1)
    session.add(assignment)
    session.commit()
    locked_page = client.get(path_of(assignment))
    assert "Perioada de raportare a fost închisă" in locked_page.text
    assert "<form" not in locked_page.text
    response = client.post(
        path_of(assignment), data={**FORMS["monitoring-report"], "csrf": csrf_of(page.text)}
    )
    assert response.status_code == 409
    assert session.exec(select(Answer)).all() == []


def test_a_form_without_its_csrf_token_is_refused(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "agenda-items")
    response = client.post(path_of(assignment), data={"proposals": "x", "csrf": "1.forged"})
    assert response.status_code == 403
    assert session.exec(select(Answer)).all() == []


def test_an_attachment_is_kept_with_its_hash_and_a_large_one_is_refused(
    client: TestClient, session: Session, institutions: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    assignment = assignment_of(session, institutions[0], "monitoring-report")
    path = path_of(assignment)
    response = submit(
        client,
        path,
        FORMS["monitoring-report"],
        files={"attachment": ("../../raport final.pdf", b"%PDF-1.7 test", "application/pdf")},
    )
    assert response.status_code == 200
    [answer] = session.exec(select(Answer)).all()
    assert answer.attachment_name == "raport final.pdf" and answer.attachment_size == 13
    assert answer.attachment_sha256 is not None and len(answer.attachment_sha256) == 64
    too_big = submit(
        client,
        path,
        FORMS["monitoring-report"],
        files={"attachment": ("big.bin", b"x" * (5 * 1024 * 1024 + 1), "application/octet-stream")},
    )
    assert too_big.status_code in (413, 422)
    assert len(session.exec(select(Answer)).all()) == 1
