"""Every portal page fits a 390 px phone: only a labelled, cued region may scroll sideways."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import sync_playwright
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.settings import get_settings
from models.lifecycle.duty import assignment_kinds
from models.lifecycle.tables import Assignment
from models.reference.institutions import Institution
from portal.app import create_app
from portal.dependencies import clock
from tests.deployments.test_browser import CHROMIUM, FLAGS
from tests.portal.conftest import assignment_of, path_of
from tests.support.full_view import NOW, catch_mail, full_view

PHONE = 390
PASSWORD = "phone-coordinator-password"
REPORT = {"progress": "in-progress", "indicator_value": "", "narrative": "Activități în curs."}

# What overflows sideways, and is not a labelled region (role, aria-label, tabindex=0) right
# after a visible cue. A form control scrolls its own text, as every browser lets it.
CHECK = """(phone) => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > phone) found.push(`the page is ${root.scrollWidth} px wide`);
  const shown = (el) => el && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== 'hidden';
  const name = (el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
    (el.getAttribute('aria-label') ? `[aria-label="${el.getAttribute('aria-label')}"]` : '') +
    ` "${(el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60)}"`;
  const wrong = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (['INPUT', 'TEXTAREA', 'SELECT', 'OPTION'].includes(el.tagName)) continue;
    if (el.clientWidth === 0 || el.scrollWidth <= el.clientWidth + 1) continue;
    const cue = el.previousElementSibling;
    const region = el.getAttribute('role') === 'region' && el.getAttribute('aria-label') &&
      el.getAttribute('tabindex') === '0';
    const cued = cue && cue.classList.contains('scroll-cue') && shown(cue);
    if (!(region && cued)) wrong.push([el, region ? 'its cue is not shown' :
      'it is not a labelled scroll region']);
  }
  // name the element that overflows, not each of its ancestors made wide by it
  for (const [el, why] of wrong) {
    if (wrong.some(([other]) => other !== el && el.contains(other))) continue;
    found.push(`${name(el)} is ${el.scrollWidth} px wide in ${el.clientWidth} px: ${why}`);
  }
  return found;
}"""


@pytest.fixture
def client(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The portal on a mechanism with something in every panel, on the scenario's clock."""
    monkeypatch.setenv("CONCORD_COORDINATOR_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    full_view(engine)
    app = create_app()
    app.dependency_overrides[clock] = lambda: NOW
    with TestClient(app, base_url="http://portal.test") as test_client:
        yield test_client


def got(
    client: TestClient, path: str, status: int = 200, auth: tuple[str, str] | None = None
) -> str:
    """The page at `path`, which must answer `status`."""
    page = client.get(path, auth=auth) if auth else client.get(path)
    assert page.status_code == status, f"{path}: {page.status_code}"
    return str(page.text)


def assignment_pages(client: TestClient, session: Session) -> dict[str, str]:
    """The answer page of every installed kind, a real one where the scenario opened one."""
    pages = {}
    ro = session.exec(select(Institution).where(Institution.code == "ANITP")).one()
    for kind in assignment_kinds():
        found = session.exec(select(Assignment).where(Assignment.kind == kind.name)).first()
        assignment = found or assignment_of(session, ro, kind.name, key=f"phone:{kind.name}")
        pages[f"assignment page of {kind.name}"] = got(client, path_of(assignment, now=NOW))
    return pages


def answered_page(client: TestClient, session: Session) -> str:
    """The page an institution reads once its monitoring report is recorded."""
    report = session.exec(
        select(Assignment).where(col(Assignment.key).startswith("report:SNITP-2024-2028:2026-S2"))
    ).first()
    assert report is not None
    path = path_of(report, now=NOW)
    csrf = re.search(r'name="csrf" value="([^"]+)"', got(client, path))
    assert csrf is not None
    answered = client.post(path, data={**REPORT, "csrf": csrf[1]})
    assert answered.status_code == 200 and 'name="csrf"' not in answered.text
    return str(answered.text)


def coordinator_pages(client: TestClient, var_dir: Path, session: Session) -> dict[str, str]:
    """The coordinator's view (each language, a round typed wrong), the mailbox, the errors."""
    auth = ("coordinator", PASSWORD)
    pages = {
        f"coordinator's view ({lang})": got(client, f"/coordinator?lang={lang}", auth=auth)
        for lang in ("ro", "en")
    }
    pages["coordinator's view of a round that does not exist"] = got(
        client, "/coordinator?round=SNITP-2024-2028:2031-S1", auth=auth
    )
    refused = client.post("/coordinator/assignments", data={"csrf": "x"}, auth=auth)
    pages["error page (coordinator's form expired)"] = refused.text
    pages["error page (link not valid)"] = got(client, "/a/not-a-real-link-token", 404)
    names = catch_mail(session, var_dir / "mail")
    pages["local mailbox"] = got(client, "/mail", auth=auth)
    for name in names:
        pages[f"caught email {name}"] = got(client, f"/mail/{name}", auth=auth)
    return pages


def overflows(pages: dict[str, str]) -> list[str]:
    """What overflows sideways on each page at the phone's width, named by page."""
    found = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        page = browser.new_page(viewport={"width": PHONE, "height": 900})
        page.set_default_timeout(120_000)  # a busy machine is slow, never wrong
        for name, html in pages.items():
            page.set_content(html, wait_until="load")
            found += [f"{name}: {problem}" for problem in page.evaluate(CHECK, PHONE)]
        browser.close()
    return found


@pytest.mark.slow
def test_every_portal_page_fits_a_phone_or_scrolls_only_in_a_cued_region(
    client: TestClient, session: Session, isolated_settings: Path
) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is installed by .ci/run"
    pages = {
        **coordinator_pages(client, isolated_settings, session),
        **assignment_pages(client, session),
        "answered page": answered_page(client, session),
    }
    assert len(pages) >= 10 + len(assignment_kinds())
    problems = overflows(pages)
    assert not problems, "pages wider than a phone:\n" + "\n".join(problems)
