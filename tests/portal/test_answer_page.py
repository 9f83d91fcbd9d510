"""The assignment page every institution answers on: the late warning, the errors each field
carries for screen readers, and the earlier answers in words."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from lxml import html
from sqlmodel import Session, select

from models.campaigns.rules import report_key
from models.campaigns.tables import Campaign
from models.core.i18n import translate
from models.lifecycle.tables import Answer, Assignment
from models.reference.institutions import Institution
from portal.app import create_app
from portal.dependencies import clock
from portal.pages import LATE, LATE_TAKEN
from portal.words import FORM_WORDS
from tests.portal.conftest import assignment_of, path_of
from tests.portal.test_forms import csrf_of

NOW = datetime(2026, 11, 10, 8, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 9, 21, 59, tzinfo=UTC)  # 9 November 2026, 23:59 in Bucharest
DUE_WORDS = {"ro": "9 noiembrie 2026, 23:59", "en": "9 November 2026, 23:59"}


class Browser:
    """The portal on the test database, at a moment the test sets."""

    def __init__(self) -> None:
        self.now = NOW
        app = create_app()
        app.dependency_overrides[clock] = lambda: self.now
        self.client = TestClient(app, base_url="http://portal.test")

    def open(self, assignment: Assignment) -> html.HtmlElement:
        """The assignment's page, parsed."""
        response = self.client.get(path_of(assignment, now=self.now))
        assert response.status_code == 200, response.text
        return html.fromstring(response.text)

    def send(
        self, assignment: Assignment, form: dict[str, str], files: dict | None = None
    ) -> tuple[int, html.HtmlElement]:
        """Send the form (and a file): the response's status and its page, parsed."""
        path = path_of(assignment, now=self.now)
        token = csrf_of(self.client.get(path).text)
        response = self.client.post(path, data={**form, "csrf": token}, files=files)
        return response.status_code, html.fromstring(response.text)


@pytest.fixture
def browser(session: Session) -> Iterator[Browser]:
    opened = Browser()
    with opened.client:
        yield opened


def text_of(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def warnings(page: html.HtmlElement) -> list[html.HtmlElement]:
    """The amber notices of the form's card."""
    return page.xpath("//form/parent::div//*[contains(concat(' ', @class, ' '), ' warning ')]")


def campaign_report(
    session: Session, institution: Institution, due_at: datetime = DUE
) -> Assignment:
    """The institution's October 2026 report on a running campaign, locking a week after due."""
    assert institution.id is not None
    if session.exec(select(Campaign).where(Campaign.code == "CAMP-T")).first() is None:
        session.add(
            Campaign(
                code="CAMP-T",
                title_ro="Muncește în siguranță",
                title_en="Work safely",
                forms=["labour"],
                target_groups=["pupils"],
                channels=["theatre", "online"],
                counties=["IS", "CJ"],
                starts_on=date(2026, 9, 1),
                ends_on=date(2026, 12, 31),
                lead_institution_id=institution.id,
                targets={"reach": 5000},
                status="running",
                created_at=NOW,
                updated_at=NOW,
            )
        )
    assignment = Assignment(
        key=report_key("CAMP-T", "2026-10", institution.code),
        kind="campaign-report",
        institution_id=institution.id,
        subject_type="campaign",
        subject_ref="CAMP-T",
        title="Raport lunar octombrie 2026",
        due_at=due_at,
        locked_at=due_at + timedelta(days=7),
    )
    session.add(assignment)
    session.commit()
    return assignment


# the late warning


@pytest.mark.parametrize("language", [0, 1])  # the Romanian and the English-speaking institution
def test_a_page_opened_after_the_deadline_warns_that_the_answer_will_be_late(
    language: int, browser: Browser, session: Session, institutions: tuple
) -> None:
    institution = institutions[language]
    assignment = assignment_of(session, institution, "monitoring-report", due_at=DUE)
    [warning] = warnings(browser.open(assignment))
    language_ = institution.language
    passed = translate(language_, LATE) % {"due": DUE_WORDS[language_]}
    assert text_of(warning) == f"{passed} {translate(language_, LATE_TAKEN)}"


def test_no_warning_before_the_deadline_and_none_when_the_page_refuses_answers(
    browser: Browser, session: Session, institutions: tuple
) -> None:
    anitp, _ = institutions
    assignment = assignment_of(session, anitp, "monitoring-report", due_at=DUE)
    browser.now = DUE - timedelta(minutes=1)
    assert not warnings(browser.open(assignment))
    browser.now = DUE  # the deadline's own minute is still on time
    assert not warnings(browser.open(assignment))
    browser.now = NOW
    assignment.locked_at = NOW - timedelta(hours=1)
    session.add(assignment)
    session.commit()
    page = browser.open(assignment)
    assert not page.xpath("//*[@class='warning']") and not page.xpath("//form")
    assert translate("ro", FORM_WORDS["locked"]) in text_of(page)


def test_a_late_answer_is_taken_and_recorded_as_late_as_the_warning_says(
    browser: Browser, session: Session, institutions: tuple
) -> None:
    anitp, _ = institutions
    assignment = campaign_report(session, anitp)
    assert warnings(browser.open(assignment))
    status, _ = browser.send(assignment, {"note": "Nicio activitate în octombrie."})
    assert status == 200
    [answer] = session.exec(select(Answer)).all()
    assert not answer.on_time
    page = browser.open(assignment)  # answered, still correctable until the month locks
    assert warnings(page)
