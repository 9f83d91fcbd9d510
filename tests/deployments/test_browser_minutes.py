"""The secretariat records a meeting's minutes in the Prefect UI's form of the waiting run."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlmodel import Session, select

from deployments.prefect_api import FINAL, PrefectApi
from deployments.stack import Stack
from models.core.db import get_engine
from models.core.settings import get_settings
from models.meetings.tables import ActionItem, Decision, Meeting
from tests.deployments.test_browser import CHROMIUM, FLAGS


@pytest.mark.slow
def test_the_secretariat_fills_the_minutes_form_in_the_prefect_ui(
    stack: Stack, tmp_path: Path
) -> None:
    api = PrefectApi(stack.api_url)
    deployment = api.deployments()["committee-meeting-cycle"]
    start = (datetime.now(UTC) + timedelta(days=20)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    now = start - timedelta(days=14)
    parameters = {"body": "CN-CHILD-LABOUR", "start": start.isoformat(), "now": now.isoformat()}
    run_id = api.start(deployment, parameters)
    assert api.wait([run_id]) == {run_id: "PAUSED"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{stack.ui_url}/runs/flow-run/{run_id}", wait_until="networkidle")
        page.get_by_role("button", name="Resume").first.click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("Aprobarea ordinii de zi").wait_for()
        fill_minutes(page, dialog, (start + timedelta(days=30)).date().isoformat())
        page.screenshot(path=str(tmp_path / "minutes-form.png"), full_page=True)
        submit(page, dialog, api, run_id, tmp_path / "minutes-form-refused.png")
        browser.close()
    state = api.wait([run_id], timeout=300, until=FINAL)[run_id]
    assert state == "COMPLETED", (state, api.log_lines(run_id)[-5:])
    with Session(get_engine(get_settings().resolved_database_url())) as session:
        meeting = session.exec(select(Meeting).where(Meeting.minutes_run_id == run_id)).one()
        decisions = select(Decision.text).where(Decision.meeting_id == meeting.id)
        assert session.exec(decisions).all() == ["Se aprobă calendarul campaniei naționale."]
        item = session.exec(select(ActionItem).where(ActionItem.meeting_id == meeting.id)).one()
        assert item.title == "Transmiterea calendarului către membri"
        assert meeting.status == "minuted"


def fill_minutes(page: Page, dialog: Locator, due: str) -> None:
    """One decision and one action item, each field checked before the next is typed."""
    decisions = field(dialog, "Decizii")
    decisions.get_by_role("button", name="Add item").click()
    decisions.locator("textarea").fill("Se aprobă calendarul campaniei naționale.")
    expect(decisions.locator("textarea")).to_have_value("Se aprobă calendarul campaniei naționale.")
    dialog.get_by_role("button", name="Add item").nth(2).click()
    json_input(page, dialog, "Instituția responsabilă", '"ANITP"')
    action = field(dialog, "Acțiune").locator("textarea")
    action.fill("Transmiterea calendarului către membri")
    expect(action).to_have_value("Transmiterea calendarului către membri")
    json_input(page, dialog, "Termen", f'"{due}"')


def submit(page: Page, dialog: Locator, api: PrefectApi, run_id: str, shot: Path) -> None:
    """Submit the form, and again as a person would after Prefect's "Something went wrong".

    The stack's Prefect server keeps its state in SQLite, which on a busy machine may answer
    "database is locked" to the resume; the whole resume is one transaction, so a second
    Submit starts clean. A form still open on a run no longer paused was taken.
    """
    for _ in range(3):
        dialog.get_by_role("button", name="Submit").click()
        try:
            dialog.wait_for(state="hidden", timeout=60_000)
            return
        except PlaywrightTimeout:
            if api.run(run_id)["state"]["type"] != "PAUSED":
                return
    page.screenshot(path=str(shot), full_page=True)
    raise AssertionError(f"the form stayed open: {dialog.inner_text()}")


def field(dialog: Locator, label: str) -> Locator:
    """The input block under a form label of the Prefect UI's schema form."""
    return dialog.locator(
        f"xpath=.//span[{titled(label)}]/ancestor::label/parent::div/following-sibling::div[1]"
    ).first


def titled(label: str) -> str:
    """An XPath test for a form label's text, marked optional or not."""
    return f"normalize-space()='{label}' or normalize-space()='{label} (Optional)'"


def json_input(page: Page, dialog: Locator, label: str, value: str) -> None:
    """Switch one field of the form to JSON input and type its value."""
    menu(dialog, label).click()
    page.get_by_text("Use JSON input").click()
    editor = field(dialog, label).locator("textarea.p-code-input__textarea")
    editor.fill(value)
    expect(editor).to_have_value(value)


def menu(dialog: Locator, label: str) -> Locator:
    """The menu button beside a form label (Use JSON input, Select variable)."""
    return dialog.locator(f"xpath=.//span[{titled(label)}]/following-sibling::div//button").first
