"""The coordinator picks a round from a list in words, or types a bare period."""

import copy
import html
import re
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.monitoring.rounds import create_round_assignments, open_round
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.reference import dump, small_document

PASSWORD = "rounds-coordinator-password"
CALENDAR = WorkingCalendar()


def opened(engine: Engine, strategy: str, period: str, day: date, *, reports: bool) -> None:
    """A round of `strategy` opened on `day`, with its reports or (just opened) without."""
    now = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    round_id = open_round(
        engine=engine,
        strategy_code=strategy,
        period_label=period,
        due_date=None,
        working_days_after_end=20,
        lock_after_days=10,
        calendar=CALENDAR,
        now=now,
    )
    if reports:
        create_round_assignments(engine=engine, round_id=round_id, calendar=CALENDAR, now=now)


@pytest.fixture
def coordinator(
    session: Session, monkeypatch: pytest.MonkeyPatch, client: TestClient
) -> TestClient:
    """The portal's client as the coordinator, on PLAN and an older plan, OLD."""
    monkeypatch.setenv("CONCORD_COORDINATOR_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    document = small_document()
    old = copy.deepcopy(document["strategies"][0])
    document["strategies"].append({**old, "code": "OLD", "name": "Old plan"})
    load_reference(
        session=session,
        doc=parse_reference_document(dump(document)),
        source="test",
        now=datetime(2026, 1, 5, tzinfo=UTC),
    )
    session.commit()
    client.auth = ("coordinator", PASSWORD)
    return client


def options(page: str) -> list[tuple[str, str, bool]]:
    """The picker's rounds: (value, words, selected)."""
    found = re.findall(r'<option value="([^"]+)"( selected)?>([^<]+)</option>', page)
    return [(value, html.unescape(words), bool(chosen)) for value, chosen, words in found]


def test_the_view_opens_on_the_newest_round_expecting_reports_and_lists_every_round(
    engine: Engine, coordinator: TestClient
) -> None:
    opened(engine, "PLAN", "2026-S1", date(2026, 7, 1), reports=True)
    opened(engine, "PLAN", "2026-S2", date(2027, 1, 4), reports=False)  # opened this morning
    page = coordinator.get("/coordinator?lang=en").text
    assert '<label for="round">Round</label>' in page and '<select id="round" name="round">' in page
    assert options(page) == [
        ("PLAN:2026-S2", "PLAN, semester II of 2026", False),
        ("PLAN:2026-S1", "PLAN, semester I of 2026", True),
    ]
    assert "Round <strong>PLAN, semester I of 2026</strong>" in page
    assert "PLAN, semester II of 2026, the newest round, has no reports yet." in page
    newest = coordinator.get("/coordinator?lang=en&round=PLAN:2026-S2").text
    assert "Round <strong>PLAN, semester II of 2026</strong>" in newest
    assert "0 reports expected" in newest and "the newest round" not in newest


def test_a_bare_period_names_the_current_strategys_round(
    engine: Engine, coordinator: TestClient
) -> None:
    opened(engine, "OLD", "2026-S1", date(2026, 7, 1), reports=True)
    opened(engine, "OLD", "2025-S2", date(2026, 1, 6), reports=True)
    opened(engine, "PLAN", "2026-S1", date(2026, 7, 2), reports=True)
    only_old = coordinator.get("/coordinator?lang=en&round=2025-S2").text
    assert "Round <strong>OLD, semester II of 2025</strong>" in only_old
    shared = coordinator.get("/coordinator?lang=en&round=%202026-S1%20").text
    assert "Round <strong>PLAN, semester I of 2026</strong>" in shared  # PLAN opened last
    assert ("PLAN:2026-S1", "PLAN, semester I of 2026", True) in options(shared)


def test_a_round_that_does_not_exist_is_named_and_the_picker_stays(
    engine: Engine, coordinator: TestClient
) -> None:
    opened(engine, "PLAN", "2026-S1", date(2026, 7, 1), reports=True)
    for typed in ("2031-S1", "PLAN:2031-S1", "<b>NSA</b>"):
        page = coordinator.get("/coordinator", params={"lang": "en", "round": typed})
        assert page.status_code == 200
        shown = html.escape(typed, quote=False)
        assert f"No round matches “{shown}”; choose one from the list." in page.text
        assert "<b>NSA</b>" not in page.text and "Round <strong>" not in page.text
        assert [value for value, _, _ in options(page.text)] == ["PLAN:2026-S1"]


def test_no_round_at_all_says_so_without_a_picker(coordinator: TestClient) -> None:
    page = coordinator.get("/coordinator?lang=en").text
    assert "No monitoring round yet." in page and "<select" not in page
