"""A hostile spreadsheet sent with an answer is refused on its field, quickly and cheaply."""

import html
import random
import resource
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.campaigns.rules import REPORT_KIND
from models.core.settings import get_settings
from models.lifecycle.tables import Answer, Assignment
from models.reference.institutions import Institution
from portal import parsing
from tests.portal.conftest import assignment_of, path_of
from tests.portal.test_forms import submit
from tests.support import hostile_files as hostile


def send(client: TestClient, path: str, content: bytes) -> tuple[int, str]:
    """Send the campaign report form with `content` as its file: the status and the page."""
    files = {"attachment": ("activitati.xlsx", content, "application/octet-stream")}
    response = submit(client, path, {"note": ""}, files)
    return response.status_code, html.unescape(response.text)


def assert_nothing_stored(session: Session, assignment: Assignment) -> None:
    session.expire_all()
    assert session.exec(select(Answer)).all() == []
    stored = session.get(Assignment, assignment.id)
    assert stored is not None and stored.status == "open"
    attachments = Path(get_settings().var_dir) / "attachments"
    assert not attachments.exists() or not any(attachments.rglob("*.xlsx"))


@pytest.fixture
def report_path(session: Session, institutions: tuple[Institution, Institution]) -> str:
    """The link to a campaign report of an English-speaking institution."""
    return path_of(assignment_of(session, institutions[1], REPORT_KIND))


@pytest.mark.parametrize(
    ("build", "said"),
    [
        (lambda: hostile.zip_bomb(500), "The workbook unpacks to more than 64 MB"),
        (hostile.entity_bomb, "The workbook declares XML entities (a DOCTYPE)"),
        (lambda: hostile.external_entity("/etc/hostname"), "declares XML entities"),
    ],
    ids=["zip bomb", "entity expansion", "external entity"],
)
def test_a_hostile_workbook_is_a_field_error_and_the_portal_keeps_its_memory(
    build: object, said: str, client: TestClient, session: Session, report_path: str
) -> None:
    content = build()  # type: ignore[operator]
    before, started = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.monotonic()
    status, page = send(client, report_path, content)
    assert time.monotonic() - started < 60  # 140 s when the portal read the bomb itself
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KB
    assert status == 422 and said in page
    assert "Traceback" not in page
    assert_nothing_stored(session, session.exec(select(Assignment)).one())


def test_a_file_read_too_slowly_is_stopped_while_other_requests_are_served(
    client: TestClient, session: Session, report_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parsing, "PARSE_SECONDS", 5.0)
    send(client, report_path, hostile.workbook([["a"]]))  # the child server is started
    slow = hostile.blank_rows(900_000)  # within every bound, and ten seconds to read whole
    answered: list[tuple[int, str, float]] = []

    def upload() -> None:
        answered.append((*send(client, report_path, slow), time.monotonic()))

    uploading = threading.Thread(target=upload)
    uploading.start()
    time.sleep(0.5)  # the upload is being read; a busy machine leaves the page 4.5 s to come
    served = client.get(report_path)
    served_at = time.monotonic()
    uploading.join(120)
    [(status, page, answered_at)] = answered
    assert served.status_code == 200
    assert served_at < answered_at, "the page waited for the upload to be read"
    assert status == 422 and "Reading the file took longer than the 5 s Concord allows" in page
    assert_nothing_stored(session, session.exec(select(Assignment)).one())


def test_a_file_that_needs_too_much_memory_is_stopped(
    client: TestClient, session: Session, report_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parsing, "PARSE_MEMORY_MB", 1)
    letters = random.Random(7).choices("acgt", k=12_000_000)  # 12 MB that packs to 3 MB
    text = "".join(letters)
    rows = [["data", "judet", "canal", "grup_tinta", "forma"]]
    rows += [["2027-03-10", "IS", "online", "pupils", text[i : i + 30_000]] for i in range(400)]
    status, page = send(client, report_path, hostile.workbook(rows))  # type: ignore[arg-type]
    assert status == 422
    assert "Reading the file needed more memory than Concord allows" in page
    assert_nothing_stored(session, session.exec(select(Assignment)).one())
