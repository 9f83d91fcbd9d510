"""`concord campaigns`: campaigns with their reach, a campaign's report, HelpLine figures."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.campaigns.definitions import read_definitions, save_campaign
from models.campaigns.launch import launch
from models.campaigns.tables import HelplineMonth
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.lifecycle.desk import Desk
from tests.deployments.test_cli import concord

GOOD = "luna;tema;judet;apeluri\n2026-10;Muncă în străinătate;CJ;1.250\n2026-10;other;;40\n"
BAD = "luna;tema;judet;apeluri\n2026-10;meteo;CJ;12\n2026-11;other;;-1\n"


def launched_sample(engine: Engine) -> None:
    """The sample campaign CAMP-2026-CERERE, launched on its first day, 1 October 2026."""
    settings = get_settings()
    now = datetime(2026, 10, 1, 9, tzinfo=UTC)
    with Session(engine) as session:
        campaign = save_campaign(session, read_definitions()["CAMP-2026-CERERE"], now)
        launch(Desk(session, settings, WorkingCalendar(zone=settings.zone), now), campaign)
        session.commit()


# the command line reads both databases alike; the model tests cover PostgreSQL
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_helpline_figures_are_imported_only_when_every_line_is_right(
    engine: Engine, tmp_path: Path
) -> None:
    bad, good = tmp_path / "rau.csv", tmp_path / "apeluri.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")

    refused = concord("campaigns", "helpline", str(bad))
    assert refused.returncode == 1
    assert "rândul 2, tema: meteo nu este o temă a HelpLine" in refused.stderr
    assert "rândul 3, apeluri: -1 nu este un număr de apeluri între 0 și 1.000.000" in (
        refused.stderr
    )
    assert "2 probleme; nu s-a scris nimic" in refused.stderr
    assert "Traceback" not in refused.stderr

    dry = concord("campaigns", "helpline", str(good), "--dry-run")
    assert dry.returncode == 0 and "2 adăugate" in dry.stdout and "probă" in dry.stdout
    with Session(engine) as session:
        assert session.exec(select(HelplineMonth)).all() == []
    assert "2 adăugate" in concord("campaigns", "helpline", str(good)).stdout
    again = concord("campaigns", "helpline", str(good), env={"CONCORD_LANGUAGE": "en"})
    assert "0 added, 0 corrected, 2 unchanged" in again.stdout
    assert "Calls by topic: working abroad 1,250; other questions 40" in again.stdout
    with Session(engine) as session:
        calls = {(f.topic, f.county): f.calls for f in session.exec(select(HelplineMonth))}
    assert calls == {("work-abroad", "CJ"): 1250, ("other", ""): 40}

    missing = concord("campaigns", "helpline", str(tmp_path / "nu-exista.csv"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_campaigns_are_listed_and_a_report_is_written(engine: Engine) -> None:
    assert concord("load").returncode == 0
    before = concord("campaigns")
    assert "Nicio campanie nu a fost lansată încă." in before.stdout
    assert "CAMP-2026-CERERE" in before.stdout  # planned in data/campaigns.yaml
    launched_sample(engine)

    listed = concord("campaigns")
    assert listed.returncode == 0, listed.stderr
    assert "Nu cumpăra exploatarea" in listed.stdout and "(CAMP-2026-CERERE)" in listed.stdout
    assert "în desfășurare" in listed.stdout and "ANITP-CJ" in listed.stdout
    assert "Planificate, nelansate: CAMP-2027-MUNCA, CAMP-2027-SCOALA" in listed.stdout

    written = concord("campaigns", "report", "camp-2026-cerere", "--language", "en")
    assert written.returncode == 0, written.stderr
    headline = " ".join(written.stdout.split())
    # seven reports a month (six centres, one partner), missing once past due on the real clock
    assert re.search(r"0 people reached \(0%\); reports not received: (7|14|21)\b", headline)
    assert "HarfBuzz" not in written.stderr
    workbook = Path(written.stdout.split()[-1])
    assert workbook.name == "report.xlsx"
    sheets = load_workbook(workbook).sheetnames
    assert sheets[0] == "Summary" and len(sheets) > 3

    unknown = concord("campaigns", "report", "CAMP-NU")
    assert unknown.returncode == 1 and "no campaign 'CAMP-NU'" in unknown.stderr
