"""Sample contexts for every message kind, built from sources that carry personal data."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.cooperation.messages import CooperationMessage, CooperationView
from models.core.clocks import load_clocks
from models.lifecycle.duty import installed_duties
from models.lifecycle.rates import Rate
from models.meetings.messages import MeetingMessage, MeetingView, MinutesView
from models.messaging.alerts import run_failed
from models.messaging.emails import MessageKind
from models.messaging.message_views import (
    AssignmentView,
    DigestGroup,
    EscalationLine,
    InstitutionView,
)
from models.monitoring.messages import MonitoringMessage
from models.monitoring.report import RoundReport
from models.monitoring.report_mail import CSV_TABLES, PDF_HOLDS, ListedFile
from models.recommendations.messages import FlagLine, RecommendationMessage

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
FAILED_RUN = run_failed("monitoring 2026-S2", "monitoring-round", "Failed", "ro")
CANARIES = ("Ion Popescu-Canar", "1999-02-03", "Strada Canarului 7", "1990203123456")


@dataclass
class CaseSource:
    """What an institution's own system might hold about a case: more than Concord may show."""

    key: str = "referral:RC-2026-0042"
    kind: str = "referral"
    title: str = "Referire caz RC-2026-0042"
    subject_ref: str = "RC-2026-0042"
    due_at: datetime = NOW + timedelta(days=3)
    link: str = "http://127.0.0.1:8600/a/token"
    victim_name: str = CANARIES[0]
    birth_date: str = CANARIES[1]
    address: str = CANARIES[2]
    personal_id: str = CANARIES[3]


def assignment(**overrides: Any) -> AssignmentView:
    return AssignmentView.of(CaseSource(), **overrides)


def meeting(**overrides: Any) -> MeetingView:
    source = {
        "uid": "meeting-CM-SNITP-2026-12-03@concord",
        "body_name": "Comitetul de monitorizare",
        "title": "Ședința a 5-a",
        "starts_at": datetime(2026, 12, 3, 8, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
        "location": "Palatul Victoria",
        "online_url": "https://meet.example/cm",
        "agenda": ["Stadiul planului", "Diverse"],
        "victim_name": CANARIES[0],
    }
    return MeetingView.of(source, **overrides)


def sample_report() -> RoundReport:
    """A small consolidated report with one institution that never answered."""
    late_institution = Rate(
        "DGASPC Cluj (DGASPC-CJ)", expected=2, answered=1, on_time=1, missing=["1.1.2"]
    )
    return RoundReport(
        strategy_code="PLAN",
        strategy_name="Plan",
        period="2026-S2",
        due_at=NOW,
        lock_at=NOW,
        status="locked",
        total=Rate("all", expected=4, answered=3, on_time=2, missing=["1.1.2"]),
        by_institution=[late_institution],
        by_pillar=[Rate("prevention", 4, 3, 2)],
        measures=[],
        progress_by_pillar={},
        progress_by_objective={},
        previous_period="2026-S1",
        rate_change=0.25,
    )


def sample_context(kind: str) -> dict[str, Any]:
    """A full context for `kind` (without the common keys that compose() adds)."""
    item = assignment()
    late = assignment(overdue_days=3, status="overdue")
    other = InstitutionView(code="DGASPC-CJ", name="DGASPC Cluj")
    contexts: dict[str, dict[str, Any]] = {
        MessageKind.ASSIGNMENT_CREATED: {"assignment": item},
        MessageKind.REMINDER: {"assignment": item, "days_left": 2},
        MessageKind.OVERDUE: {"assignment": late},
        MessageKind.ESCALATION: {"assignments": [late, late], "level": 1},
        MessageKind.ESCALATION_SUMMARY: {
            "lines": [EscalationLine(institution=other, level=2, assignments=[late])],
            "day": date(2026, 11, 23),
        },
        MessageKind.DAILY_DIGEST: {
            "groups": [
                DigestGroup(
                    kind="monitoring-report", due_date=date(2026, 11, 26), items=[item, late]
                )
            ],
            "total": 2,
            "day": date(2026, 11, 23),
        },
        MeetingMessage.AGENDA_CALL: {"meeting": meeting(), "assignment": item},
        MeetingMessage.INVITATION: {"meeting": meeting(), "attendance": item},
        MeetingMessage.UPDATE: {
            "meeting": meeting(sequence=1, change_note="ora mutată"),
            "attendance": item,
        },
        MeetingMessage.CANCELLATION: {
            "meeting": meeting(sequence=2, change_note="amânată"),
            "attendance": None,
        },
        MeetingMessage.MINUTES: {
            "minutes": MinutesView(meeting=meeting(), decisions=["Se aprobă"], action_items=[item])
        },
        MeetingMessage.MINUTES_DUE: {
            "meeting": meeting(),
            "due_at": NOW,
            "run_url": "http://127.0.0.1:4200/runs/flow-run/1",
        },
        CooperationMessage.ACKNOWLEDGEMENT: {"request": cooperation_view(), "assignment": item},
        CooperationMessage.EXTENSION: {
            "request": cooperation_view(),
            "authority": "National Agency against Trafficking in Persons",
            "reason": "Martorii sunt audiați mai întâi în străinătate.",
        },
        MessageKind.ANSWER_CONFIRMATION: {
            "assignment": item,
            "answered_at": NOW,
            "changes_until": NOW + timedelta(days=3),
        },
        MessageKind.REPLY_RECEIVED: {
            "assignment": item,
            "received_at": NOW,
            "subject": "Re: Raport semestrial",
            "files": ["raport-octombrie.csv", "anexa.pdf"],
        },
        MessageKind.REPLY_REFUSED: {
            "assignment": item,
            "received_at": NOW,
            "found": "a personal numeric code (CNP)",
        },
        MonitoringMessage.ROUND_OPENED: {
            "period": "2026-S2",
            "strategy": "Strategia națională 2024-2028",
            "due_at": NOW,
            "lock_at": NOW + timedelta(days=10),
            "total": 2,
            "groups": [
                DigestGroup(
                    kind="monitoring-report", due_date=date(2026, 11, 26), items=[item, late]
                )
            ],
        },
        MonitoringMessage.ROUND_REPORT: {
            "report": sample_report(),
            "files": [
                ListedFile("raport-PLAN-2026-S2.pdf", PDF_HOLDS, "182 kB", True),
                ListedFile(
                    "raport-PLAN-2026-S2-pe-institutii.csv",
                    CSV_TABLES["by_institution"][1],
                    "1,2 kB",
                    False,
                ),
            ],
        },
        RecommendationMessage.FOLLOW_UP: {
            "period": "2027-Q1",
            "due_at": NOW,
            "items": [item, late, item],
            "total": 3,
        },
        RecommendationMessage.FLAGS: {
            "period": "2027-Q1",
            "unlinked": [flag_line("GRETA-3/6")],
            "long_open": [flag_line("GRETA-3/1"), flag_line("US-TIP-2026/3")],
        },
        MessageKind.OPERATIONS_ALERT: dict(
            zip(
                ("problem", "details"),
                run_failed("monitoring 2026-S2", "monitoring-round", "Failed", "ro"),
                strict=True,
            ),
            run_url="http://127.0.0.1:4200/runs/flow-run/1",
        ),
    }
    return contexts[kind]


def flag_line(code: str) -> FlagLine:
    """A recommendation the coordinator is told about, from a source that names a victim."""
    source = {
        "code": code,
        "summary": "Despăgubiri plătite din bunurile confiscate traficanților",
        "body": "GRETA (Consiliul Europei)",
        "lead": "MJ",
        "open_months": 7,
        "victim_name": CANARIES[0],
    }
    return FlagLine.of(source)


def cooperation_view() -> CooperationView:
    """An EIO under its recognition clock, as the cooperation emails show it."""
    return CooperationView(
        reference="EIO-2026-17",
        instrument="European Investigation Order",
        direction="incoming",
        partner="Staatsanwaltschaft Wien (AT)",
        received_at=NOW,
        step=load_clocks()["eio-recognition"].description_ro,
        due_at=NOW + timedelta(days=30),
        rule=load_clocks()["eio-recognition"].describe("ro"),
    )


def message_kinds() -> list[str]:
    """Every message kind: the engine's and every installed duty's."""
    return [*MessageKind, *(kind for duty in installed_duties() for kind in duty.message_kinds)]
