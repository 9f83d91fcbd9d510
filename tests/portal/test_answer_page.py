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
from models.core.i18n import translate, translate_count
from models.lifecycle.answers import ERROR_MESSAGES, INVALID
from models.lifecycle.duty import assignment_kind
from models.lifecycle.tables import Answer, Assignment
from models.reference.institutions import Institution
from portal.app import create_app
from portal.dependencies import clock
from portal.history import value_text
from portal.pages import LATE, LATE_TAKEN, pages
from portal.words import FORM_WORDS, name_of
from tests.portal.conftest import assignment_of, path_of
from tests.portal.test_forms import FORMS, csrf_of

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


def test_no_warning_once_an_answer_given_in_time_closes_the_form(
    browser: Browser, session: Session, institutions: tuple
) -> None:
    anitp, _ = institutions
    assignment = assignment_of(session, anitp, "monitoring-report", due_at=DUE)
    browser.now = DUE - timedelta(hours=1)
    form = {"progress": "done", "narrative": "Campania a fost încheiată."}
    assert browser.send(assignment, form)[0] == 200
    browser.now = NOW
    page = browser.open(assignment)
    assert not page.xpath("//*[@class='warning']") and not page.xpath("//form")
    assert translate("ro", FORM_WORDS["closed"]) in text_of(page)


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


# the errors each field carries for screen readers


def field_problem(page: html.HtmlElement, name: str) -> str:
    """What a screen reader hears of the wrong field `name`: the text its description holds."""
    [first, *_] = page.xpath(f"//*[@name='{name}']")
    field = first.getparent().getparent() if first.get("type") == "radio" else first
    assert field.get("aria-invalid") == "true", html.tostring(field)
    ids = field.get("aria-describedby", "").split()
    assert ids and ids[0] == f"error-{name}", ids
    [described] = page.xpath(f"//*[@id='{ids[0]}']")
    return text_of(described)


def summary_links(page: html.HtmlElement) -> dict[str, str]:
    """Each linked item of the summary on top: the id it leads to, and what it says."""
    return {
        a.get("href").removeprefix("#"): text_of(a) for a in page.xpath("//div[@class='errors']//a")
    }


def unique_ids(page: html.HtmlElement) -> bool:
    ids = page.xpath("//@id")
    return len(ids) == len(set(ids))


@pytest.mark.parametrize("language", [0, 1])
def test_a_wrong_field_of_the_macros_is_marked_and_described_beside_it(
    language: int, browser: Browser, session: Session, institutions: tuple
) -> None:
    institution = institutions[language]
    assignment = assignment_of(session, institution, "monitoring-report")
    browser.now = NOW - timedelta(days=1)
    status, page = browser.send(assignment, {"progress": "nonsense", "narrative": " "})
    assert status == 422
    choose = translate(institution.language, ERROR_MESSAGES["enum"])
    required = translate(institution.language, ERROR_MESSAGES["missing"])
    assert field_problem(page, "progress") == choose
    assert field_problem(page, "narrative") == required
    assert page.xpath("//*[@name='indicator_value']")[0].get("aria-invalid") is None
    links = summary_links(page)
    assert set(links) == {"progress", "narrative"} and links["progress"].endswith(choose)
    assert all(page.xpath(f"//*[@id='{target}']") for target in links) and unique_ids(page)


def test_a_wrong_choice_of_radios_marks_their_group(
    browser: Browser, session: Session, institutions: tuple
) -> None:
    anitp, _ = institutions
    assignment = assignment_of(session, anitp, "attendance")
    browser.now = NOW - timedelta(days=1)
    status, page = browser.send(assignment, {"attending": "perhaps"})
    assert status == 422
    assert field_problem(page, "attending") == translate("ro", ERROR_MESSAGES["literal_error"])
    [group] = page.xpath("//fieldset[@id='attending']")
    assert group.get("role") == "radiogroup" and "attending" in summary_links(page)
    assert unique_ids(page)


def test_a_wrong_cell_of_a_table_is_marked_and_the_summary_leads_to_it(
    browser: Browser, session: Session, institutions: tuple
) -> None:
    anitp, _ = institutions
    assignment = campaign_report(session, anitp, due_at=NOW + timedelta(days=3))
    row = {"held_on": "2026-10-08", "county": "ISS", "channel": "theatre", "form": "labour"}
    status, page = browser.send(assignment, {f"activities-1-{k}": v for k, v in row.items()})
    assert status == 422
    assert field_problem(page, "activities-1-county") == translate("ro", INVALID)
    required = translate("ro", ERROR_MESSAGES["missing"])
    assert field_problem(page, "activities-1-target_group") == required
    links = summary_links(page)
    assert links["activities-1-county"].startswith(translate("ro", "Row %(row)s") % {"row": 2})
    [cell] = page.xpath("//*[@id='activities-1-county']")
    assert cell.get("name") == "activities-1-county" and cell.get("value") == "ISS"
    assert page.xpath("//*[@name='activities-0-county']")[0].get("aria-invalid") is None
    assert unique_ids(page)


def test_the_wrong_lines_of_a_file_are_said_on_the_file_field(
    browser: Browser, session: Session, institutions: tuple
) -> None:
    anitp, _ = institutions
    assignment = campaign_report(session, anitp, due_at=NOW + timedelta(days=3))
    rows = "2026-10-08,IS,theatre,pupils,labour,30\n2026-10-09,ISS,theatre,pupils,labour,40\n"
    content = f"data,judet,canal,grup_tinta,forma,participanti\n{rows}".encode()
    files = {"attachment": ("raport-octombrie.csv", content, "text/csv")}
    status, page = browser.send(assignment, {}, files)
    assert status == 422
    line = translate("ro", "Line %(line)s of the file") % {"line": 3}
    said = field_problem(page, "attachment")
    assert said.startswith(line) and said.endswith(translate("ro", INVALID)), said
    assert "attachment" in summary_links(page) and unique_ids(page)


def test_the_macros_still_take_a_plain_form_and_errors_given_apart() -> None:
    template = pages("ro").from_string(
        '{% from "portal/fields.html" import text, textarea %}'
        '{{ text("document", {"document": "x"}) }}'
        '{{ textarea("evidence", {}, errors={"evidence": "Lipsește."}) }}'
    )
    page = html.fromstring(f"<div>{template.render()}</div>")
    assert page.xpath("//input[@name='document']")[0].get("aria-invalid") is None
    assert field_problem(page, "evidence") == "Lipsește."


# the earlier answers, in words


def earlier_answers(page: html.HtmlElement) -> list[list[str]]:
    """Each earlier answer's lines (its fields, then its file), newest first."""
    [table] = page.xpath("//h2/following-sibling::table[1]")
    return [[text_of(line) for line in cells[1].xpath("./div")] for cells in table.xpath(".//tr")]


def rows_read(count: int, language: str = "ro") -> str:
    return translate_count(language, "%(num)d row read", "%(num)d rows read", count) % {
        "num": count
    }


@pytest.mark.parametrize("count", [1, 29])
def test_an_answer_sent_as_a_file_shows_the_file_and_how_many_rows_were_read(
    count: int, browser: Browser, session: Session, institutions: tuple
) -> None:
    anitp, _ = institutions
    assignment = campaign_report(session, anitp, due_at=NOW + timedelta(days=3))
    lines = "".join(f"2026-10-{day:02d},IS,theatre,pupils,labour,30\n" for day in range(1, 30))
    header = "data,judet,canal,grup_tinta,forma,participanti\n"
    content = (header + "".join(lines.splitlines(keepends=True)[:count])).encode()
    files = {"attachment": ("raport-octombrie.csv", content, "text/csv")}
    assert browser.send(assignment, {"note": "Raport lunar"}, files)[0] == 200
    typed = {f"activities-0-{k}": v for k, v in (("held_on", "2026-10-02"), ("county", "CJ"))}
    more = {"activities-0-channel": "online", "activities-0-target_group": "pupils"}
    row = {**typed, **more, "activities-0-form": "labour", "activities-0-reach": "400"}
    assert browser.send(assignment, row)[0] == 200
    typed_answer, file_answer = earlier_answers(browser.open(assignment))
    activities = translate("ro", "Activities")
    assert typed_answer == [f"{activities}: 1"]
    note = translate("ro", "Note")
    assert file_answer == [f"{note}: Raport lunar", f"raport-octombrie.csv: {rows_read(count)}"]


def test_the_earlier_answers_name_every_field_and_choice_in_words(
    browser: Browser, session: Session, institutions: tuple
) -> None:
    anitp, _ = institutions
    browser.now = NOW - timedelta(days=1)
    shown: dict[str, list[str]] = {}
    for kind, form in FORMS.items():
        assignment = assignment_of(session, anitp, kind)
        assert browser.send(assignment, form)[0] == 200, kind
        [answer] = earlier_answers(browser.open(assignment))
        shown[kind] = answer
        labels = [line.partition(": ")[0] for line in answer]
        assert not set(labels) & set(form), (kind, labels)  # no field by its key
    assert (
        f"{translate('ro', 'Progress')}: {translate('ro', 'in progress')}"
        in shown["monitoring-report"]
    )
    values = [line.partition(": ")[2] for line in shown["referral"]]
    assert "reject" not in values and "out-of-area" not in values, values


def test_a_day_answered_reads_as_a_date_and_a_choice_in_words() -> None:
    kind = assignment_kind("recommendation-progress")
    assert value_text(kind, "done_on", "2026-10-15", "ro") == "15 octombrie 2026"
    assert value_text(kind, "done_on", "2026-10-15", "en") == "15 October 2026"
    assert value_text(kind, "document", "2026-10-15", "ro") == "2026-10-15"  # as typed
    implemented = value_text(kind, "recommendation_status", "implemented", "ro")
    assert implemented == name_of("implemented", "ro") != "implemented"
