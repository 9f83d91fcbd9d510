"""A campaign launched late asks only for the current month and lists the months it skipped."""

from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from flows.daily_sweep import daily_sweep
from flows.prevention_campaign import prevention_campaign
from models.campaigns.panels import campaigns_panel
from models.lifecycle.tables import Assignment
from tasks.campaigns.campaigns import Launched
from tests.models.campaigns.test_periods import ZONE, at, plan_and_load
from tests.support.servers import SmtpServer


@pytest.mark.slow
def test_a_late_launch_asks_only_for_the_current_month(
    prefect_api: None,
    session: Session,
    smtp_server: SmtpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan_and_load(session, tmp_path, monkeypatch)  # a campaign running since 1 October

    result = prevention_campaign(campaign="CAMP-P", now=at("2026-12-03"))
    launched = result["launched"]
    assert isinstance(launched, Launched)
    assert (launched.opened, launched.queued) == (1, 1)
    assert launched.skipped == ["2026-10", "2026-11"]
    [sent] = smtp_server.messages
    assert "decembrie 2026" in sent["Subject"] and "octombrie" not in sent["Subject"]

    daily_sweep(now=at("2026-12-04", 8))  # the sweep does not ask for the skipped months
    session.rollback()
    keys = session.exec(select(Assignment.key).where(col(Assignment.kind) == "campaign-report"))
    assert list(keys) == ["campaign:CAMP-P:2026-12:ANITP-IS"]

    [panel] = campaigns_panel(session, at("2026-12-04"), "en", ZONE)
    assert panel.headers[-1] == "Months not requested (launched late)"
    assert panel.rows[0][-1] == "2026-10, 2026-11"
