import csv
import io
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from flows.daily_sweep import daily_sweep
from flows.monitoring_round import monitoring_round
from models.core.settings import get_settings
from models.messaging.outbox import OutboxMessage
from models.monitoring.tables import MonitoringRound, Submission
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.portal import Portal
from tests.support.reference import dump
from tests.support.report_page import Tables
from tests.support.servers import SmtpServer

ZONE = ZoneInfo("Europe/Bucharest")


def at(day: str, hour: int = 8) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=ZONE)


def contacts(code: str) -> list[dict[str, str]]:
    return [
        {"role": role, "email": f"{role}@{code.lower()}.example"}
        for role in ("focal-point", "deputy", "head")
    ]


def measure(code: str, responsible: list[str], **when: str) -> dict[str, Any]:
    return {
        "code": code,
        "title": f"Măsura {code}",
        "indicator": "indicator",
        "responsible": responsible,
        **when,
    }


DOCUMENT = {
    "version": 1,
    "institutions": [
        {
            "code": "ANITP",
            "name": "Agenția Națională",
            "kind": "agency",
            "contacts": contacts("ANITP"),
        },
        {
            "code": "DGASPC-CJ",
            "name": "DGASPC Cluj",
            "kind": "child-protection",
            "county": "CJ",
            "contacts": contacts("DGASPC-CJ"),
        },
        {
            "code": "EUROPOL",
            "name": "Europol",
            "kind": "international",
            "country": "NL",
            "language": "en",
            "contacts": contacts("EUROPOL"),
        },
    ],
    "strategies": [
        {
            "code": "PLAN",
            "name": "Planul național",
            "starts": "2024-01-01",
            "ends": "2028-12-31",
            "objectives": [
                {
                    "code": "OG1",
                    "pillar": "prevention",
                    "title": "Prevenire",
                    "specific": [
                        {
                            "code": "OS1.1",
                            "title": "Informare",
                            "measures": [
                                measure("1.1.1", ["ANITP", "DGASPC-CJ"], recurrence="annual"),
                                measure("1.1.2", ["ANITP"], deadline="2026-09-30"),
                            ],
                        }
                    ],
                },
                {
                    "code": "OG2",
                    "pillar": "partnership",
                    "title": "Parteneriat",
                    "specific": [
                        {
                            "code": "OS2.1",
                            "title": "Cooperare",
                            "measures": [
                                measure("2.1.1", ["EUROPOL", "ANITP"], recurrence="permanent"),
                                measure("2.1.2", ["ANITP"], deadline="2025-06-30"),
                            ],
                        }
                    ],
                },
            ],
        }
    ],
}


def sweep_days(first: str, last: str, smtp: SmtpServer, log: list[tuple[str, str, str]]) -> None:
    day = date.fromisoformat(first)
    while day <= date.fromisoformat(last):
        before = len(log)  # what arrived since the last entry (answers' confirmations too)
        daily_sweep(now=at(day.isoformat()))
        log += [(day.isoformat(), m["X-Concord-Kind"], m["To"]) for m in smtp.messages[before:]]
        day += timedelta(days=1)


def report_numbers(folder: Path) -> dict[str, Any]:
    parser = Tables()
    parser.feed((folder / "report.html").read_text(encoding="utf-8"))
    with (folder / "by_institution.csv").open(encoding="utf-8") as handle:
        csv_rows = {r["group"]: r for r in csv.DictReader(handle)}
    sheet = load_workbook(folder / "report.xlsx")["Pe instituții"]
    xlsx_rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    return {"kpis": parser.kpis, "html": parser.tables, "csv": csv_rows, "xlsx": xlsx_rows}


@pytest.mark.slow
def test_two_rounds_from_announcement_to_consolidated_report(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    load_reference(
        session=session,
        doc=parse_reference_document(dump(DOCUMENT)),
        source="t",
        now=at("2027-01-01"),
    )
    session.commit()
    portal = Portal(session)
    log: list[tuple[str, str, str]] = []

    result = monitoring_round(
        strategy="PLAN",
        period="2026-S2",
        due_date=date(2027, 1, 15),
        lock_after_days=10,
        now=at("2027-01-04", 7),
    )
    assert result["assignments"] == {"expected": 5, "created": 5}
    log += [("2027-01-04", m["X-Concord-Kind"], m["To"]) for m in smtp_server.messages]
    opened = {m["To"]: m["Subject"] for m in smtp_server.messages}
    assert opened["focal-point@europol.example, deputy@europol.example"].startswith(
        "Monitoring round 2026-S2: 1 report requested"
    )
    assert opened["focal-point@anitp.example, deputy@anitp.example"].startswith(
        "Runda de monitorizare 2026-S2: 3 rapoarte solicitate"
    )

    again = monitoring_round(
        strategy="PLAN",
        period="2026-S2",
        due_date=date(2027, 1, 15),
        lock_after_days=10,
        now=at(
            "2027-01-04",
            7,
        ),
    )
    assert again["assignments"] == {"expected": 5, "created": 0}
    assert again["announcements"]["queued"] == 0 and len(smtp_server.messages) == 3

    sweep_days("2027-01-05", "2027-01-11", smtp_server, log)
    report = "report:PLAN:2026-S2"
    form = {"indicator_value": "", "narrative": "Activități desfășurate."}
    assert (
        portal.answer(
            f"{report}:1.1.1:ANITP",
            at("2027-01-12", 12),
            progress="in-progress",
            **{**form, "indicator_value": "12 campanii"},
        )
        == 200
    )
    assert (
        portal.answer(f"{report}:1.1.2:ANITP", at("2027-01-12", 12), progress="blocked", **form)
        == 200
    )
    assert (
        portal.answer(f"{report}:2.1.1:ANITP", at("2027-01-12", 12), progress="done", **form) == 200
    )
    arrived = [m["X-Concord-Kind"] for m in smtp_server.messages[len(log) :]]
    assert arrived == ["answer-confirmation"] * 3, "each confirmation left with its answer"
    sweep_days("2027-01-12", "2027-01-18", smtp_server, log)
    assert (
        portal.answer(
            f"{report}:1.1.1:DGASPC-CJ", at("2027-01-19", 12), progress="not-started", **form
        )
        == 200
    )
    sweep_days("2027-01-19", "2027-01-25", smtp_server, log)
    assert (
        portal.answer(f"{report}:2.1.1:EUROPOL", at("2027-01-26", 7), progress="done", **form)
        == 409
    )
    sweep_days("2027-01-26", "2027-01-26", smtp_server, log)

    anitp, dgaspc, europol = (
        "focal-point@anitp.example, deputy@anitp.example",
        "focal-point@dgaspc-cj.example",
        "focal-point@europol.example",
    )
    expected = [
        ("2027-01-04", "round-opened", anitp),
        ("2027-01-04", "round-opened", "focal-point@dgaspc-cj.example, deputy@dgaspc-cj.example"),
        ("2027-01-04", "round-opened", "focal-point@europol.example, deputy@europol.example"),
        ("2027-01-08", "daily-digest", "focal-point@anitp.example"),
        ("2027-01-08", "daily-digest", dgaspc),
        ("2027-01-08", "daily-digest", europol),
        (
            "2027-01-12",
            "answer-confirmation",
            "focal-point@anitp.example, deputy@anitp.example, head@anitp.example",
        ),
        (
            "2027-01-12",
            "answer-confirmation",
            "focal-point@anitp.example, deputy@anitp.example, head@anitp.example",
        ),
        (
            "2027-01-12",
            "answer-confirmation",
            "focal-point@anitp.example, deputy@anitp.example, head@anitp.example",
        ),
        ("2027-01-14", "daily-digest", dgaspc),
        ("2027-01-14", "daily-digest", europol),
        ("2027-01-18", "daily-digest", dgaspc),
        ("2027-01-18", "daily-digest", europol),
        (
            "2027-01-19",
            "answer-confirmation",
            "focal-point@dgaspc-cj.example, deputy@dgaspc-cj.example, head@dgaspc-cj.example",
        ),
        ("2027-01-20", "escalation", "head@europol.example, deputy@europol.example"),
        ("2027-01-26", "round-report", "secretariat@coordination.example"),
    ]
    assert sorted(log) == sorted(expected)
    by_to = {(k, to): m for m in smtp_server.messages for k, to in [(m["X-Concord-Kind"], m["To"])]}
    assert by_to[("escalation", "head@europol.example, deputy@europol.example")][
        "Subject"
    ].startswith("Escalation: 1 overdue item")
    assert by_to[("daily-digest", dgaspc)]["Content-Language"] == "ro"

    session.rollback()
    session.expire_all()
    first_round = session.exec(
        select(MonitoringRound).where(MonitoringRound.period == "2026-S2")
    ).one()
    assert first_round.status == "locked"
    submissions = session.exec(
        select(Submission).where(Submission.round_id == first_round.id)
    ).all()
    expected_count = len(submissions)
    answered = [s for s in submissions if s.submitted_at is not None]
    on_time = [s for s in answered if s.on_time]
    assert (expected_count, len(answered), len(on_time)) == (5, 4, 3)

    folder = get_settings().var_dir / "reports" / "2026-S2" / "PLAN"
    numbers = report_numbers(folder)
    assert numbers["kpis"]["kpi-expected"] == str(expected_count)
    assert numbers["kpis"]["kpi-answered"] == str(len(answered))
    assert numbers["kpis"]["kpi-reporting-rate"] == f"{len(answered) / expected_count * 100:.0f} %"
    assert numbers["kpis"]["kpi-on-time-rate"] == f"{len(on_time) / len(answered) * 100:.0f} %"
    html_institutions = {row[0]: row for row in numbers["html"]["by-institution"][1:]}
    assert html_institutions["EUROPOL"][1:4] == ["1", "0", "0"]
    assert html_institutions["EUROPOL"][6] == "2.1.1"
    assert html_institutions["DGASPC-CJ"][1:4] == ["1", "1", "0"]
    for label, row in numbers["csv"].items():
        assert [int(row["expected"]), int(row["received"]), int(row["on_time"])] == [
            int(v) for v in html_institutions[label][1:4]
        ]
        assert list(numbers["xlsx"][label][1:4]) == [
            int(row["expected"]),
            int(row["received"]),
            int(row["on_time"]),
        ]
    measures = {row[0].split()[0]: row for row in numbers["html"]["measures"][1:]}
    assert measures["1.1.2"][5] == "blocat" and measures["1.1.1"][5] == "în curs"
    assert "2.1.2" not in measures, "a measure past its deadline before the period is not asked for"
    pillars = {row[0]: row[1:4] for row in numbers["html"]["by-pillar"][1:]}
    assert pillars == {"Prevenire": ["3", "3", "2"], "Parteneriat": ["2", "1", "1"]}
    report_mail = by_to[("round-report", "secretariat@coordination.example")]
    assert report_mail["Subject"].startswith(
        "Raport consolidat 2026-S2: rata de raportare 80 %; 1 raport netransmis"
    )
    files = {part.get_filename(): part.get_content() for part in report_mail.iter_attachments()}
    assert list(files)[:2] == ["raport-PLAN-2026-S2.pdf", "raport-PLAN-2026-S2.xlsx"]
    assert "raport-PLAN-2026-S2-pe-institutii.csv" in files
    assert files["raport-PLAN-2026-S2.pdf"].startswith(b"%PDF")
    attached = load_workbook(io.BytesIO(files["raport-PLAN-2026-S2.xlsx"]))
    assert attached.sheetnames[0] == "Sumar"
    assert "var/reports" not in report_mail.get_body(("plain",)).get_content()

    sent_before = len(smtp_server.messages)
    rerun = monitoring_round(
        strategy="PLAN",
        period="2026-S2",
        due_date=date(2027, 1, 15),
        lock_after_days=10,
        now=at("2027-02-01"),
    )
    assert rerun["assignments"]["created"] == 0 and rerun["locked"] == []
    assert len(smtp_server.messages) == sent_before

    # second round: everyone but DGASPC-CJ answers on time
    monitoring_round(
        strategy="PLAN",
        period="2027-S1",
        due_date=date(2027, 7, 15),
        lock_after_days=5,
        now=at("2027-07-01", 7),
    )
    second = "report:PLAN:2027-S1"
    for key in (f"{second}:1.1.1:ANITP", f"{second}:2.1.1:EUROPOL", f"{second}:2.1.1:ANITP"):
        assert portal.answer(key, at("2027-07-05", 12), progress="done", **form) == 200
    daily_sweep(now=at("2027-07-21"))
    numbers = report_numbers(get_settings().var_dir / "reports" / "2027-S1" / "PLAN")
    assert (
        numbers["kpis"]["kpi-expected"] == "4" and numbers["kpis"]["kpi-reporting-rate"] == "75 %"
    )
    assert numbers["kpis"]["kpi-change"] == "-5 pp"
    assert numbers["html"]["changes"][1:] == [["1.1.1", "în curs", "realizat"]]
    assert sorted(r[0] for r in numbers["html"]["least-reporting"][1:3]) == [
        "DGASPC-CJ",
        "EUROPOL",
    ]
    keys = session.exec(select(OutboxMessage.key)).all()
    assert len(keys) == len(set(keys))
