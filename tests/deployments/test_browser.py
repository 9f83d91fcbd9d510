import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from deployments.prefect_api import PrefectApi
from deployments.stack import Stack

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.slow
def test_the_coordinator_starts_a_round_with_quick_run_in_the_prefect_ui(
    stack: Stack, tmp_path: Path
) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is installed by .ci/run"
    api = PrefectApi(stack.api_url)
    deployment = api.deployments()["monitoring-round"]
    before = {r["id"] for r in api.runs_of(deployment["id"])}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(
            f"{stack.ui_url}/deployments/deployment/{deployment['id']}", wait_until="networkidle"
        )
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_text("Quick run").click()
        deadline = time.monotonic() + 150
        run: dict = {}
        while time.monotonic() < deadline:
            new = [
                r
                for r in api.runs_of(deployment["id"])
                if r["id"] not in before and not r["auto_scheduled"]
            ]
            run = new[0] if new else {}
            if run and run["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED"):
                break
            time.sleep(2)
        assert run, "Quick run created a flow run"
        page.goto(f"{stack.ui_url}/runs/flow-run/{run['id']}", wait_until="networkidle")
        page.get_by_text("Completed").first.wait_for(timeout=30_000)
        page.screenshot(path=str(tmp_path / "monitoring-round-quick-run.png"), full_page=True)
        browser.close()
    assert run["state"]["type"] == "COMPLETED"
    assert run["name"].startswith("monitoring 20")
    assert (tmp_path / "monitoring-round-quick-run.png").stat().st_size > 10_000
