"""A prevention campaign through a real Prefect API on a moving clock, from launch to report."""

import io
import re
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from prefect.utilities.callables import parameter_schema
from sqlmodel import Session, select

from flows.daily_sweep import daily_sweep
from flows.monitoring_round import monitoring_round
from flows.prevention_campaign import prevention_campaign
from models.campaigns.rules import shade
from models.campaigns.tables import CampaignActivity
from models.core.settings import SettingsError, get_settings, load_settings
from models.monitoring.report import build_round_report
from models.monitoring.report_page import render_report
from models.monitoring.tables import MonitoringRound
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.portal import Portal
from tests.support.reference import dump
from tests.support.servers import SmtpServer

ZONE = ZoneInfo("Europe/Bucharest")
CENTRES = ("ANITP-IS", "ANITP-CJ", "ANITP-DJ")


def at(day: str, hour: int = 9) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=ZONE)


def institution(code: str, kind: str = "regional-centre") -> dict[str, Any]:
    roles = ("focal-point", "deputy", "head")
    return {
        "code": code,
        "name": f"Centrul {code}",
        "kind": kind,
        "contacts": [{"role": r, "email": f"{r}@{code.lower()}.example"} for r in roles],
    }


REFERENCE = {
    "version": 1,
    "institutions": [institution("ANITP", "agency"), *(institution(c) for c in CENTRES)],
    "strategies": [
        {
            "code": "PLAN",
            "name": "Planul",
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
                                {
                                    "code": "1.1.1",
                                    "title": "Campanii naționale",
                                    "indicator": "persoane informate",
                                    "recurrence": "annual",
                                    "responsible": ["ANITP"],
                                }
                            ],
                        }
                    ],
                }
            ],
        }
    ],
}
CAMPAIGN = {
    "code": "CAMP-T",
    "title_ro": "Muncește în siguranță",
    "title_en": "Work safely",
    "forms": ["labour", "sexual"],
    "target_groups": ["pupils", "workers-abroad"],
    "channels": ["direct-meetings", "campaign-materials", "online"],
    "counties": ["IS", "VS", "CJ", "DJ"],
    "starts_on": "2027-03-01",
    "ends_on": "2027-03-31",
    "lead": "ANITP",
    "measures": ["PLAN/1.1.1"],
    "targets": {"participants": 1000, "reach": 5000},
}


def row(index: int, **values: str) -> dict[str, str]:
    return {f"activities-{index}-{field}": value for field, value in values.items()}


IASI_ROWS = [
    {
        "held_on": "2027-03-10",
        "county": "IS",
        "channel": "direct-meetings",
        "target_group": "pupils",
        "form": "labour",
        "participants": "120",
    },
    {
        "held_on": "2027-03-17",
        "county": "CJ",
        "channel": "online",
        "target_group": "workers-abroad",
        "form": "labour",
        "reach": "2400",
    },
]
CLUJ_ROWS = [
    [
        "Data",
        "Județ",
        "Canal",
        "Grup țintă",
        "Forma",
        "Participanți",
        "Persoane atinse",
        "Materiale",
    ],
    [date(2027, 3, 5), "CJ", "întâlniri directe", "elevi", "exploatare prin muncă", 80, None, 50],
    [date(2027, 3, 20), "CJ", "campaign-materials", "workers-abroad", "sexual", None, 900, 900],
]


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for values in rows:
        book.active.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class Report(HTMLParser):
    """The report page's map tiles, KPI figures and the missing-reports table."""

    def __init__(self) -> None:
        super().__init__()
        self.tiles: dict[str, dict[str, str]] = {}
        self.kpis: dict[str, str] = {}
        self.missing: list[str] = []
        self._kpi: str | None = None
        self._in_missing = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "g" and "data-county" in found:
            self.tiles[found["data-county"]] = found
        if tag == "b" and found.get("id", "").startswith("kpi-"):
            self._kpi = found["id"][4:]
        if tag == "table":
            self._in_missing = found.get("id") == "missing"
        if tag == "td" and self._in_missing and "title" in found:
            self.missing.append(found["title"])

    def handle_data(self, data: str) -> None:
        if self._kpi:
            self.kpis[self._kpi] = data
            self._kpi = None


def sweep(first: str, last: str) -> None:
    day = date.fromisoformat(first)
    while day <= date.fromisoformat(last):
        daily_sweep(now=at(day.isoformat(), 8))
        day += timedelta(days=1)


@pytest.mark.slow
def test_a_campaign_from_launch_to_its_report_and_the_monitoring_round(
    prefect_api: None,
    session: Session,
    smtp_server: SmtpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = parse_reference_document(dump(REFERENCE))
    load_reference(session=session, doc=doc, source="t", now=at("2027-02-01"))
    session.commit()
    plan = tmp_path / "campaigns.yaml"
    plan.write_text(yaml.safe_dump({"campaigns": [CAMPAIGN]}, allow_unicode=True), "utf-8")
    monkeypatch.setenv("CONCORD_CAMPAIGNS_FILE", str(plan))
    get_settings.cache_clear()

    first = prevention_campaign(campaign="CAMP-T", now=at("2027-03-01"))
    assert (first["launched"].opened, first["launched"].queued) == (3, 3)
    opened = sorted(m["To"] for m in smtp_server.messages)
    assert opened == [
        f"focal-point@{c.lower()}.example, deputy@{c.lower()}.example" for c in sorted(CENTRES)
    ]
    again = prevention_campaign(campaign="CAMP-T", now=at("2027-03-01", 10))
    assert again["launched"].opened == 0 and len(smtp_server.messages) == 3

    portal = Portal(session)
    iasi = "campaign:CAMP-T:2027-03:ANITP-IS"
    form = {**row(0, **IASI_ROWS[0]), **row(1, **IASI_ROWS[1]), "note": ""}
    refused = portal.send(iasi, at("2027-03-25"), form)
    assert refused.status_code == 422
    assert re.search(r"Rândul 2, Județ</strong>: CJ nu este unul dintre județele", refused.text)
    assert session.exec(select(CampaignActivity)).all() == []
    form = {**form, "activities-1-county": "VS"}
    assert portal.send(iasi, at("2027-03-25"), form).status_code == 200

    upload = {"attachment": ("activitati.xlsx", workbook(CLUJ_ROWS), "application/octet-stream")}
    cluj = "campaign:CAMP-T:2027-03:ANITP-CJ"
    assert portal.send(cluj, at("2027-04-02"), {"note": ""}, upload).status_code == 200

    before = len(smtp_server.messages)
    sweep("2027-04-01", "2027-04-21")
    told = [(m["X-Concord-Kind"], m["To"]) for m in smtp_server.messages[before:]]
    to_dj = [kind for kind, to in told if "anitp-dj" in to]
    assert "daily-digest" in to_dj and "escalation" in to_dj, told
    assert not any(
        "anitp-is" in to or "anitp-cj" in to for kind, to in told if kind != "answer-confirmation"
    )

    final = prevention_campaign(campaign="CAMP-T", now=at("2027-04-22"))
    page = Report()
    page.feed((Path(final["report"]) / "report.html").read_text("utf-8"))
    reach = {"IS": 120, "VS": 2400, "CJ": 80 + 900, "DJ": 0}
    most = max(reach.values())
    for county, expected in reach.items():
        tile = page.tiles[county]
        assert (int(tile["data-reach"]), int(tile["data-shade"])) == (
            expected,
            shade(expected, most),
        )
    assert "data-reach" not in page.tiles["B"]  # outside the campaign: grey, no figure
    assert page.kpis["reach"] == f"{sum(reach.values()):,}".replace(",", ".")
    assert page.missing == ["Centrul ANITP-DJ"]
    sheet = load_workbook(Path(final["report"]) / "report.xlsx")["Pe județe"]
    by_county = {r[1]: r[4] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_county == reach

    monitoring_round(
        strategy="PLAN", period="2027-S1", due_date=date(2027, 7, 15), now=at("2027-07-01")
    )
    session.rollback()
    round_ = session.exec(select(MonitoringRound)).one()
    report = build_round_report(session=session, round_=round_)
    [line] = report.measures
    assert [(k.source, k.value, k.target) for k in line.known] == [("CAMP-T", 3500, 5000)]
    html = render_report(report, None, zone=ZONE, generated=at("2027-07-01"), language="ro")
    assert "CAMP-T: 3.500 de persoane atinse (ținta 5.000)" in html


def test_the_planned_campaigns_come_from_a_setting_not_a_parameter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert list(parameter_schema(prevention_campaign.fn).properties) == [
        "campaign",
        "language",
        "now",
    ]
    assert get_settings().campaigns_file == Path(__file__).parents[2] / "data" / "campaigns.yaml"
    monkeypatch.setenv("CONCORD_CAMPAIGNS_FILE", str(tmp_path / "missing.yaml"))
    with pytest.raises(SettingsError, match=r"CONCORD_CAMPAIGNS_FILE: .*no such file"):
        load_settings()
