"""The secretariat records a meeting's minutes in the Prefect UI's form of the waiting run."""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, sync_playwright
from sqlmodel import Session, select

from deployments.stack import Stack
from models.core.db import get_engine
from models.core.settings import get_settings
from models.meetings.tables import ActionItem, Decision, Meeting
from tests.deployments.test_browser import CHROMIUM, FLAGS
from tests.deployments.test_stack import run_deployment


def run_state(api: str, run_id: str) -> dict:
    return httpx.get(f"{api}/flow_runs/{run_id}", timeout=30).json()


def wait_for_state(api: str, run_id: str, types: tuple[str, ...], seconds: float = 150) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = run_state(api, run_id)
        if run["state"]["type"] in types:
            return run
        time.sleep(2)
    raise AssertionError(f"run {run_id} never reached {types}: {run['state']}")


@pytest.mark.slow
def test_the_secretariat_fills_the_minutes_form_in_the_prefect_ui(
    stack: Stack, tmp_path: Path
) -> None:
    api = stack.api_url
    deployment = next(
        d
        for d in httpx.post(f"{api}/deployments/filter", json={"limit": 50}).json()
        if d["name"] == "committee-meeting-cycle"
    )
    start = (datetime.now(UTC) + timedelta(days=20)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    now = start - timedelta(days=14)
    run_id = run_deployment(
        api, deployment, {"body": "CM-SNITP", "start": start.isoformat(), "now": now.isoformat()}
    )
    wait_for_state(api, run_id, ("PAUSED",))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{stack.ui_url}/runs/flow-run/{run_id}", wait_until="networkidle")
        page.get_by_role("button", name="Resume").first.click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("Aprobarea ordinii de zi").wait_for()
        dialog.get_by_role("button", name="Add item").nth(1).click()  # a decision
        dialog.locator("textarea").last.fill("Se aprobă calendarul campaniei naționale.")
        dialog.get_by_role("button", name="Add item").nth(2).click()  # an action item
        json_input(page, dialog, "Instituția responsabilă", '"ANITP"')
        field(dialog, "Acțiune").locator("textarea").fill("Transmiterea calendarului către membri")
        json_input(page, dialog, "Termen", f'"{(start + timedelta(days=30)).date().isoformat()}"')
        page.screenshot(path=str(tmp_path / "minutes-form.png"), full_page=True)
        dialog.get_by_role("button", name="Submit").click()
        run = wait_for_state(api, run_id, ("COMPLETED", "FAILED", "CRASHED"))
        page.goto(f"{stack.ui_url}/runs/flow-run/{run_id}", wait_until="networkidle")
        browser.close()
    assert run["state"]["type"] == "COMPLETED"
    with Session(get_engine(get_settings().resolved_database_url())) as session:
        assert session.exec(select(Decision.text)).all() == [
            "Se aprobă calendarul campaniei naționale."
        ]
        item = session.exec(select(ActionItem)).one()
        assert item.title == "Transmiterea calendarului către membri"
        assert session.exec(select(Meeting.status)).one() == "minuted"


def field(dialog: Locator, label: str) -> Locator:
    """The input block under a form label of the Prefect UI's schema form."""
    return dialog.locator(
        f"xpath=.//span[normalize-space()='{label}']/ancestor::label/parent::div/following-sibling::div[1]"
    ).first


def json_input(page: Page, dialog: Locator, label: str, value: str) -> None:
    """Switch one field of the form to JSON input and type its value."""
    menu(dialog, label).click()
    page.get_by_text("Use JSON input").click()
    field(dialog, label).locator("[contenteditable], textarea").first.click()
    page.keyboard.type(value)


def menu(dialog: Locator, label: str) -> Locator:
    """The menu button beside a form label (Use JSON input, Select variable)."""
    return dialog.locator(
        f"xpath=.//span[normalize-space()='{label}']/following-sibling::div//button"
    ).first
