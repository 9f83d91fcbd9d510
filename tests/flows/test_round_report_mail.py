"""The round report's email as the coordinator receives it: every file attached and listed."""

import csv
import io
import logging
from datetime import UTC, datetime
from email.message import EmailMessage

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.i18n import translate
from models.core.settings import get_settings
from models.messaging.compose import coordinator_addressee
from models.messaging.emails import Post
from models.messaging.outbox import OutboxMessage
from models.monitoring.messages import round_report_ready
from models.monitoring.report import RoundReport
from models.monitoring.report_files import ReportFiles
from models.monitoring.report_mail import CSV_TABLES, PDF_HOLDS, XLSX_HOLDS, report_mail_files
from models.monitoring.sweep import close_round
from models.monitoring.tables import MonitoringRound, Submission
from tasks.messaging.outbox import deliver_due_messages
from tests.support.rounds import opened_round
from tests.support.servers import SmtpServer

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
LOCKED = datetime(2027, 2, 15, 9, tzinfo=UTC)
ON_TIME, LATE = datetime(2027, 1, 10, tzinfo=UTC), datetime(2027, 2, 10, tzinfo=UTC)
STEM = "raport-PLAN-2026-S2"
CSV_NAMES = {
    "by_institution": f"{STEM}-pe-institutii.csv",
    "by_pillar": f"{STEM}-pe-piloni.csv",
    "measures": f"{STEM}-masuri.csv",
    "progress_by_pillar": f"{STEM}-stadiul-pe-piloni.csv",
}


def closed_round(engine: Engine, session: Session) -> tuple[RoundReport, ReportFiles]:
    """Round 2026-S2 of PLAN with one report on time, one late and one never sent, closed."""
    round_ = opened_round(engine, session, NOW)
    sent = session.exec(select(Submission).where(Submission.round_id == round_.id)).all()
    first, second = sorted(sent, key=lambda s: s.id or 0)[:2]
    first.progress, first.indicator_value = "done", "4"
    first.submitted_at, first.on_time = ON_TIME, True
    second.progress, second.submitted_at, second.on_time = "blocked", LATE, False
    session.add_all([first, second])
    session.commit()
    assert round_.id is not None
    closed = close_round(
        engine=engine, round_id=round_.id, settings=get_settings(), now=LOCKED, run_id=None
    )
    assert closed is not None
    return closed


def delivered(smtp: SmtpServer) -> EmailMessage:
    deliver_due_messages(now=LOCKED, batch_size=50, max_batches=5, logger=logging.getLogger())
    (message,) = [m for m in smtp.messages if m["X-Concord-Kind"] == "round-report"]
    return message


def payload(part: EmailMessage) -> bytes:
    content = part.get_payload(decode=True)
    assert isinstance(content, bytes)
    return content


def body_of(message: EmailMessage, subtype: str) -> str:
    body = message.get_body((subtype,))
    assert body is not None
    return str(body.get_content())


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_the_report_email_attaches_every_table_named_in_words_and_lists_them(
    engine: Engine, session: Session, smtp_server: SmtpServer
) -> None:
    report, _ = closed_round(engine, session)
    message = delivered(smtp_server)
    parts = {part.get_filename(): part for part in message.iter_attachments()}
    assert list(parts) == [f"{STEM}.pdf", f"{STEM}.xlsx", *CSV_NAMES.values()]
    types = {name: part.get_content_type() for name, part in parts.items()}
    assert types[f"{STEM}.pdf"] == "application/pdf"
    assert types[f"{STEM}.xlsx"].endswith("spreadsheetml.sheet")
    assert {types[name] for name in CSV_NAMES.values()} == {"text/csv"}
    assert {parts[n].get_content_charset() for n in CSV_NAMES.values()} == {"utf-8"}
    content = {name: payload(part) for name, part in parts.items()}
    assert content[f"{STEM}.pdf"].startswith(b"%PDF")
    assert load_workbook(io.BytesIO(content[f"{STEM}.xlsx"])).sheetnames[1] == "Pe instituții"
    rates = csv_rows(content[CSV_NAMES["by_institution"]])
    assert [
        (r["group"], int(r["expected"]), int(r["received"]), int(r["on_time"])) for r in rates
    ] == [(r.label, r.expected, r.answered, r.on_time) for r in report.by_institution]
    totals = [sum(int(r[c]) for r in rates) for c in ("expected", "received", "on_time")]
    expected = [report.total.expected, report.total.answered, report.total.on_time]
    assert totals == expected == [3, 2, 1]
    measures = {r["measure"]: r for r in csv_rows(content[CSV_NAMES["measures"]])}
    assert {code: m["progress"] for code, m in measures.items()} == {
        m.code: m.progress for m in report.measures
    }
    progress = csv_rows(content[CSV_NAMES["progress_by_pillar"]])
    assert {r["pillar"]: int(r["blocked"]) for r in progress} == {
        p: c["blocked"] for p, c in report.progress_by_pillar.items()
    }
    body = body_of(message, "plain")
    assert message["Subject"].startswith("Raport consolidat 2026-S2")
    assert "Runda de monitorizare 2026-S2" in body and "server" not in body
    for name, holds in [
        (f"{STEM}.pdf", PDF_HOLDS),
        (f"{STEM}.xlsx", XLSX_HOLDS),
        *((CSV_NAMES[t], CSV_TABLES[t][1]) for t in CSV_NAMES),
    ]:
        line = next(line for line in body.splitlines() if name in line)
        assert line.endswith(translate("ro", holds)) and " kB)" in line
    html = body_of(message, "html")
    assert all(str(name) in html for name in parts)


def test_a_round_closed_again_sends_no_second_report(
    engine: Engine, session: Session, smtp_server: SmtpServer
) -> None:
    report, files = closed_round(engine, session)
    first = delivered(smtp_server)
    settings = get_settings()
    to = coordinator_addressee(settings)
    key = f"round-report:{report.strategy_code}:{report.period}"
    with Session(engine) as again:
        post = Post(again, settings, LOCKED)
        again_files = report_mail_files(report, files, "ro")
        assert round_report_ready(post, key, to, report, again_files) == []
        again.commit()
    round_id = session.exec(select(MonitoringRound.id)).one() or 0
    assert (
        close_round(engine=engine, round_id=round_id, settings=settings, now=LOCKED, run_id=None)
        is None
    )
    assert first["Message-ID"] == delivered(smtp_server)["Message-ID"]


def test_files_over_the_budget_are_listed_but_not_attached(
    engine: Engine, session: Session
) -> None:
    report, files = closed_round(engine, session)
    assert files.pdf is not None
    budget = files.xlsx.stat().st_size + sum(p.stat().st_size for p in files.csv.values())
    attached, listed = report_mail_files(report, files, "ro", budget=budget)
    assert [f.name for f in attached] == [f"{STEM}.xlsx", *CSV_NAMES.values()]
    assert [f.name for f in listed if not f.attached] == [f"{STEM}.pdf"]
    settings = get_settings()
    with Session(engine) as again:
        post = Post(again, settings, LOCKED)
        round_report_ready(
            post, "round-report:test", coordinator_addressee(settings), report, (attached, listed)
        )
        again.commit()
        text = again.exec(
            select(OutboxMessage.body_text).where(OutboxMessage.key == "round-report:test")
        ).one()
    server_note = translate(
        "ro", "Too large to send by email, kept with the report on the Concord server:"
    )
    assert text.index(server_note) < text.index(f"{STEM}.pdf (")


def test_an_english_reader_gets_the_names_in_english(engine: Engine, session: Session) -> None:
    report, files = closed_round(engine, session)
    _, listed = report_mail_files(report, files, "en")
    assert [f.name for f in listed][2:] == [
        "raport-PLAN-2026-S2-by-institution.csv",
        "raport-PLAN-2026-S2-by-pillar.csv",
        "raport-PLAN-2026-S2-measures.csv",
        "raport-PLAN-2026-S2-progress-by-pillar.csv",
    ]
