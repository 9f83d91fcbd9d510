"""The recommendation follow-up page: the Romanian summary beside the body's quoted words,
the recommendation's implementation status named as such, and an evidence file with the
answer that the drafted reply names."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.calendar import WorkingCalendar
from models.core.i18n import translate
from models.core.settings import get_settings
from models.lifecycle.desk import Desk
from models.lifecycle.tables import Answer, Assignment
from models.recommendations.details import (
    IMPLEMENTATION,
    LANGUAGE_NAMES,
    NO_SUMMARY,
    ORIGINAL,
    SUMMARY,
    follow_up_details,
)
from models.recommendations.evidence import EVIDENCE_TYPES
from models.recommendations.follow_up import open_follow_ups
from models.recommendations.importing import SAMPLE_FILE, read_recommendation_file
from models.recommendations.reply import build_reply
from models.recommendations.reply_files import evidence_line
from models.recommendations.saving import save_recommendations
from models.recommendations.tables import Evidence, Recommendation
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from portal.app import create_app
from portal.dependencies import clock
from tests.portal.conftest import path_of
from tests.portal.test_forms import csrf_of

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2027, 1, 4, 8, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
ANSWER = {
    "recommendation_status": "partially",
    "evidence": "Ordinul privind fondul de despăgubiri a fost adoptat.",
    "done_on": "2026-12-15",
    "document": "Ordinul nr. 12/2026",
}
ORIGINAL_RO = translate("ro", ORIGINAL) % {"language": translate("ro", LANGUAGE_NAMES["en"])}


@pytest.fixture
def follow_ups(engine: Engine) -> Engine:
    """The Romanian reference data, the sample recommendations and this quarter's follow-ups."""
    calendar = WorkingCalendar(zone=get_settings().zone)
    with Session(engine) as session:
        romania = (ROOT / "data" / "romania.yaml").read_text(encoding="utf-8")
        load_reference(session=session, doc=parse_reference_document(romania), source="t", now=NOW)
        rows = read_recommendation_file(SAMPLE_FILE.name, SAMPLE_FILE.read_bytes())
        save_recommendations(session, rows, NOW)
        open_follow_ups(Desk(session, get_settings(), calendar, NOW))
        session.commit()
    return engine


@pytest.fixture
def client(follow_ups: Engine) -> Iterator[TestClient]:
    app = create_app()
    app.dependency_overrides[clock] = lambda: NOW
    with TestClient(app, base_url="http://portal.test") as test_client:
        yield test_client


def follow_up(session: Session, code: str) -> Assignment:
    return session.exec(select(Assignment).where(Assignment.subject_ref == code)).one()


def rows(page: html.HtmlElement) -> dict[str, str]:
    """The rows above the form: label to text."""
    return {
        " ".join(row.xpath("th")[0].text_content().split()): " ".join(
            row.xpath("td")[0].text_content().split()
        )
        for row in page.xpath("//table//tr[th and td]")
    }


def opened(client: TestClient, assignment: Assignment) -> html.HtmlElement:
    response = client.get(path_of(assignment, now=NOW))
    assert response.status_code == 200, response.text
    return html.fromstring(response.text)


def send(
    client: TestClient, assignment: Assignment, files: dict[str, tuple[str, bytes, str]]
) -> tuple[int, html.HtmlElement]:
    path = path_of(assignment, now=NOW)
    token = csrf_of(client.get(path).text)
    response = client.post(path, data={**ANSWER, "csrf": token}, files=files)
    return response.status_code, html.fromstring(response.text)


def test_a_romanian_reader_sees_the_summary_with_the_quoted_original(
    client: TestClient, session: Session
) -> None:
    recommendation = session.exec(
        select(Recommendation).where(Recommendation.code == "GRETA-3/1")
    ).one()
    shown = rows(opened(client, follow_up(session, "GRETA-3/1")))
    labels = list(shown)
    summary, original = translate("ro", SUMMARY), ORIGINAL_RO
    assert shown[summary] == " ".join(recommendation.summary_ro.split())
    assert labels.index(summary) + 1 == labels.index(original)
    assert shown[original] == f"„{' '.join(recommendation.text.split())}”"
    assert "Recomandarea" not in shown, "the original is not shown twice"


def test_the_recommendation_s_status_is_named_apart_from_the_request_s(
    client: TestClient, session: Session
) -> None:
    page = opened(client, follow_up(session, "GRETA-3/1"))
    label = translate("ro", IMPLEMENTATION)
    assert rows(page)[label] == "acceptată"
    assert page.xpath("string(//label[@for='recommendation_status'])") == label


def test_without_a_summary_the_original_comes_with_a_note(
    client: TestClient, session: Session
) -> None:
    recommendation = session.exec(
        select(Recommendation).where(Recommendation.code == "GRETA-3/6")
    ).one()
    recommendation.summary_ro = ""
    session.add(recommendation)
    session.commit()
    shown = rows(opened(client, follow_up(session, "GRETA-3/6")))
    assert shown[translate("ro", SUMMARY)] == translate("ro", NO_SUMMARY)
    assert shown[ORIGINAL_RO].startswith("„Develop a comprehensive data system")


def test_an_english_reader_reads_the_original_alone(session: Session, follow_ups: Engine) -> None:
    shown = dict(
        follow_up_details(session, follow_up(session, "GRETA-3/1"), "en", datetime.now(UTC))
    )
    assert shown["Recommendation"].startswith("“Guarantee victims effective access")
    assert "Summary in Romanian" not in shown
    assert shown["Implementation status of the recommendation"] == "accepted"


def test_an_evidence_file_is_kept_with_the_answer_and_named_in_the_drafted_reply(
    client: TestClient, session: Session
) -> None:
    assignment = follow_up(session, "GRETA-3/1")
    form = opened(client, assignment).xpath("//form")[0]
    assert form.get("enctype") == "multipart/form-data"
    assert form.xpath(".//input[@type='file' and @name='attachment']")
    status, _ = send(
        client, assignment, {"attachment": ("ordin-12-2026.pdf", PDF, "application/pdf")}
    )
    assert status == 200
    session.rollback()  # end the read snapshot: the portal wrote since
    answer = session.exec(select(Answer)).one()
    assert (answer.attachment_name, answer.attachment_size) == ("ordin-12-2026.pdf", len(PDF))
    digest = answer.attachment_sha256 or ""
    stored = Path(get_settings().var_dir) / "attachments" / digest[:2] / digest
    assert stored.read_bytes() == PDF
    evidence = session.exec(select(Evidence)).one()
    assert (evidence.answer_id, evidence.status) == (answer.id, "partially")
    assert evidence.document == "Ordinul nr. 12/2026; ordin-12-2026.pdf"
    [item] = [i for i in build_reply(session, "GRETA-3", "ro").items if i.code == "GRETA-3/1"]
    assert "(Ordinul nr. 12/2026; ordin-12-2026.pdf)" in evidence_line(item.evidence[0], "ro")


def test_a_file_of_another_type_is_refused_on_its_field_and_nothing_is_kept(
    client: TestClient, session: Session
) -> None:
    assignment = follow_up(session, "GRETA-3/1")
    status, page = send(client, assignment, {"attachment": ("setup.exe", b"MZ\x90\x00", "x")})
    assert status == 422
    errors = " ".join(" ".join(page.xpath("//*[@class='errors']//text()")).split())
    assert "setup.exe" in errors and "PDF" in errors
    [file_input] = page.xpath("//input[@name='attachment']")
    assert file_input.get("aria-invalid") == "true"
    assert file_input.get("aria-describedby") == "error-attachment attachment-hint"
    session.rollback()  # end the read snapshot: the portal wrote since
    assert session.exec(select(Answer)).all() == []
    assert session.exec(select(Evidence)).all() == []
    stored = session.get(Assignment, assignment.id)
    assert stored is not None and stored.status == "open"
    kept = get_settings().var_dir / "attachments"
    assert not kept.exists() or not any(p.is_file() for p in kept.rglob("*")), "no file kept"


def test_the_form_accepts_the_evidence_types_the_answer_keeps() -> None:
    partial = (ROOT / "templates" / "recommendations" / "progress-form.html").read_text()
    [accept] = re.findall(r'accept="([^"]+)"', partial)
    assert tuple(accept.split(",")) == EVIDENCE_TYPES
