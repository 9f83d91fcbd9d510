"""Recommendations from a workbook to the drafted reply, through a real Prefect API."""

import io
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import pytest
from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from flows.daily_sweep import daily_sweep
from flows.monitoring_round import monitoring_round
from flows.recommendation_follow_up import recommendation_follow_up
from models.core.history import StatusEvent
from models.core.settings import get_settings
from models.core.spreadsheets import SpreadsheetError
from models.lifecycle.tables import Assignment
from models.monitoring.sweep import publish_report
from models.monitoring.tables import MonitoringRound
from models.recommendations.coverage import build_coverage
from models.recommendations.importing import read_recommendation_file
from models.recommendations.saving import save_recommendations
from models.recommendations.tables import Evidence, Recommendation
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.portal import Portal
from tests.support.reference import dump
from tests.support.servers import SmtpServer

ZONE = ZoneInfo("Europe/Bucharest")
OWNERS = {"1": "MJ", "2": "ANITP", "3": "DIICOT"}


def at(day: str, hour: int = 9) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=ZONE)


def institution(code: str, kind: str) -> dict[str, Any]:
    roles = ("focal-point", "deputy", "head")
    return {
        "code": code,
        "name": f"Instituția {code}",
        "name_en": f"Institution {code}",
        "kind": kind,
        "contacts": [{"role": r, "email": f"{r}@{code.lower()}.example"} for r in roles],
    }


def measure(code: str, title: str) -> dict[str, Any]:
    return {
        "code": code,
        "title": title,
        "indicator": "realizat",
        "recurrence": "annual",
        "responsible": ["ANITP"],
    }


REFERENCE = {
    "version": 1,
    "institutions": [
        institution("ANITP", "agency"),
        institution("MJ", "ministry"),
        institution("DIICOT", "prosecution"),
    ],
    "strategies": [
        {
            "code": "PLAN",
            "name": "Planul",
            "starts": "2024-01-01",
            "ends": "2028-12-31",
            "objectives": [
                {
                    "code": "OG1",
                    "pillar": "protection",
                    "title": "Protecție",
                    "specific": [
                        {
                            "code": "OS1.1",
                            "title": "Asistență",
                            "measures": [
                                measure("1.1.1", "Informarea victimelor"),
                                measure("1.1.2", "Despăgubiri plătite din bunuri confiscate"),
                            ],
                        }
                    ],
                }
            ],
        }
    ],
}
HEADER = ["Sursa", "Organism", "Ciclu", "Document", "Publicat", "Termen raportare", "Nr",
          "Recomandare", "Rezumat", "Tema", "Pilon", "Responsabil", "Masuri"]  # fmt: skip
SOURCE = ["GRETA-4", "greta", "4", "Fourth round report", date(2026, 6, 1), date(2027, 5, 15)]
ROWS = [
    [*SOURCE, "1", "Pay compensation from confiscated assets.", "Despăgubiri din bunuri",
     "compensation", "protection", "MJ", "PLAN/1.1.2"],
    [*SOURCE, "2", "Inform every victim of their rights.", "Informarea victimelor",
     "assistance", "protection", "ANITP", "PLAN/1.1.1"],
    [*SOURCE, "3", "Prosecute complicit officials.", "Urmărirea funcționarilor complici",
     "prosecution", "combating", "DIICOT", ""],
]  # fmt: skip
REFUSED = [*SOURCE, "4", "Count the victims.", "Date", "weather", "partnership", "ANITP", ""]


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for values in [HEADER, *rows]:
        book.active.append(values)  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_workbook(session: Session, rows: list[list[Any]]) -> None:
    found = read_recommendation_file("recomandari.xlsx", workbook(rows))
    save_recommendations(session, found, at("2027-01-04"))
    session.commit()


def sweep(first: str, last: str) -> None:
    day = date.fromisoformat(first)
    while day <= date.fromisoformat(last):
        daily_sweep(now=at(day.isoformat(), 8))
        day += timedelta(days=1)


def key(ref: str) -> str:
    return f"recommendation:GRETA-4/{ref}:2027-Q1"


def docx_text(path: Path) -> list[str]:
    """Every paragraph and table cell of the document, in order."""
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return lines


def gap_headings(text: list[str]) -> list[str]:
    """The recommendations whose section holds the gap mark."""
    heading, found = "", []
    for line in text:
        if re.match(r"Recommendation \d", line):
            heading = line
        if line.startswith("Gap: no evidence"):
            found.append(heading)
    return found


@pytest.mark.slow
def test_recommendations_from_a_workbook_to_the_drafted_reply(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    doc = parse_reference_document(dump(REFERENCE))
    load_reference(session=session, doc=doc, source="t", now=at("2027-01-01"))
    session.commit()
    with pytest.raises(SpreadsheetError) as refused:
        import_workbook(session, [*ROWS, REFUSED])
    [problem] = refused.value.problems
    assert (problem.line, problem.column) == (5, "theme")
    assert problem.params["value"] == "'weather'" and "'data'" in problem.params["expected"]
    assert session.exec(select(Recommendation)).all() == []
    import_workbook(session, ROWS)

    with pytest.raises(ValueError, match="reply_for: no source 'NATO-1'; the sources are: GRETA-4"):
        recommendation_follow_up(reply_for="NATO-1", now=at("2027-01-04"))
    assert session.exec(select(Assignment)).all() == [] and smtp_server.messages == []
    first = recommendation_follow_up(now=at("2027-01-04"))
    assert (first["followed"].opened, first["followed"].unlinked) == (3, 1)
    told = sorted((m["X-Concord-Kind"], m["To"].split(",")[0]) for m in smtp_server.messages)
    assert told == sorted(
        [("assignment-created", f"focal-point@{c.lower()}.example") for c in OWNERS.values()]
        + [("recommendation-flags", "secretariat@coordination.example")]
    )
    flags = next(m for m in smtp_server.messages if m["X-Concord-Kind"] == "recommendation-flags")
    assert "GRETA-4/3" in flags.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    again = recommendation_follow_up(now=at("2027-01-05"))
    assert (again["followed"].opened, len(smtp_server.messages)) == (0, 4)

    portal = Portal(session)
    future = {"recommendation_status": "partially", "evidence": "Ordin", "done_on": "2027-03-01"}
    wrong = portal.send(key("1"), at("2027-01-20"), future)
    assert (
        wrong.status_code == 422
        and "Când s-a făcut</strong>: 01.03.2027 nu a sosit încă" in wrong.text
    )
    assert "<td>„Pay compensation from confiscated assets.”</td>" in wrong.text  # quoted
    assert "PLAN/1.1.2 Despăgubiri plătite din bunuri confiscate" in wrong.text
    mj = {
        "recommendation_status": "partially",
        "evidence": "Ordinul ministrului privind fondul de despăgubiri a fost adoptat.",
        "done_on": "2027-01-12",
        "document": "Ordinul nr. 12/2027",
    }
    assert portal.send(key("1"), at("2027-01-20"), mj).status_code == 200
    anitp = {"recommendation_status": "implemented", "evidence": "Broșura a fost distribuită."}
    assert portal.send(key("2"), at("2027-01-22"), anitp).status_code == 200

    before = len(smtp_server.messages)
    sweep("2027-01-25", "2027-02-20")
    later = [(m["X-Concord-Kind"], m["To"]) for m in smtp_server.messages[before:]]
    to_diicot = [kind for kind, to in later if "diicot" in to]
    assert {"daily-digest", "escalation"} <= set(to_diicot), later  # reminders come in digests
    assert not any("@mj." in to or "@anitp." in to for kind, to in later)

    final = recommendation_follow_up(reply_for="greta-4", now=at("2027-02-22"))
    assert final["followed"].opened == 0  # this quarter's follow-ups exist, DIICOT's still open
    session.rollback()
    statuses = {r.ref: r.status for r in session.exec(select(Recommendation))}
    assert statuses == {"1": "partially", "2": "implemented", "3": "accepted"}
    assert len(session.exec(select(Evidence)).all()) == 2
    moves = session.exec(select(StatusEvent).where(StatusEvent.entity_type == "recommendation"))
    assert sorted(e.to_status for e in moves) == ["implemented", "partially"]
    assert build_coverage(session).unanswered == ["GRETA-4/3"]
    assert session.exec(select(Assignment).where(Assignment.key == key("3"))).one().status == (
        "escalated"
    )

    [reply] = final["replies"]
    text = docx_text(Path(reply))
    assert [line for line in text if re.match(r"Recommendation \d", line)] == [
        "Recommendation 1 (recommends)",
        "Recommendation 2 (recommends)",
        "Recommendation 3 (recommends)",
    ]
    joined = "\n".join(text)
    assert "12 January 2027, Institution MJ: Ordinul ministrului" in joined
    assert "(Ordinul nr. 12/2027)" in joined and "Broșura a fost distribuită." in joined
    assert gap_headings(text) == ["Recommendation 3 (recommends)"]

    monitoring_round(
        strategy="PLAN", period="2027-S1", due_date=date(2027, 7, 15), now=at("2027-07-01")
    )
    session.rollback()
    round_ = session.exec(select(MonitoringRound)).one()
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    _, files = publish_report(
        engine=engine, round_id=round_.id or 0, settings=get_settings(), now=at("2027-07-02")
    )
    page = files.html.read_text("utf-8")
    assert "La ce recomandări răspunde fiecare măsură" in page
    assert "<td>PLAN/1.1.2 Despăgubiri plătite din bunuri confiscate</td><td>GRETA-4/1</td>" in page
    assert "Nicio măsură nu răspunde la: GRETA-4/3" in page
