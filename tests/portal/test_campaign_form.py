"""The campaign report form: every field named for screen readers, file columns named as the
reader's page names them, and the same files and rows taken as before."""

import csv
import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from httpx import Response
from openpyxl import Workbook
from sqlmodel import Session, select

from models.campaigns.definitions import read_definitions, save_campaign
from models.campaigns.launch import launch
from models.campaigns.tables import CampaignActivity
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.lifecycle.desk import Desk
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.flows.test_prevention_campaign import at, institution
from tests.support.portal import Portal
from tests.support.reference import dump

CENTRE = "campaign:CAMP-F:2026-10:ANITP-IS"  # a Romanian regional centre
PARTNER = "campaign:CAMP-F:2026-10:ICMPD"  # an English-speaking partner
WHEN = at("2026-10-20")
REFERENCE = {
    "version": 1,
    "institutions": [
        institution("ANITP", "agency"),
        institution("ANITP-IS"),
        {**institution("ICMPD", "international"), "language": "en"},
    ],
}
CAMPAIGN = {
    "code": "CAMP-F",
    "title_ro": "Muncește în siguranță",
    "title_en": "Work safely",
    "forms": ["labour"],
    "target_groups": ["pupils"],
    "channels": ["direct-meetings"],
    "counties": ["IS", "VS"],
    "starts_on": "2026-10-01",
    "ends_on": "2026-12-31",
    "lead": "ANITP",
    "partners": ["ICMPD"],
    "targets": {"reach": 5000},
}
# the table's headings, as each language's page shows them
ROMANIAN = (
    "Data, Județ, Canal, Grup țintă, Forma de exploatare, Participanți, Persoane atinse, "
    "Materiale distribuite, Partener"
)
ENGLISH = (
    "Date, County, Channel, Target group, Form of exploitation, Participants, People reached, "
    "Materials distributed, Partner"
)
CAMPAIGN_COLUMNS = (
    "held_on",
    "county",
    "channel",
    "target_group",
    "form",
    "participants",
    "reach",
    "materials",
    "partner",
)
ACTIVITY = ["14.10.2026", "IS", "întâlniri directe", "elevi", "exploatare prin muncă", "40"]


@pytest.fixture
def portal(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Portal:
    """The campaign launched on its first day: October's reports asked of a centre and a partner."""
    doc = parse_reference_document(dump(REFERENCE))
    load_reference(session=session, doc=doc, source="t", now=at("2026-09-01"))
    session.commit()
    plan = tmp_path / "campaigns.yaml"
    plan.write_text(yaml.safe_dump({"campaigns": [CAMPAIGN]}, allow_unicode=True), "utf-8")
    monkeypatch.setenv("CONCORD_CAMPAIGNS_FILE", str(plan))
    get_settings.cache_clear()
    settings, now = get_settings(), at("2026-10-01")
    campaign = save_campaign(session, read_definitions(settings.campaigns_file)["CAMP-F"], now)
    launch(Desk(session, settings, WorkingCalendar(zone=settings.zone), now), campaign)
    session.commit()
    return Portal(session)


def csv_file(rows: list[list[str]]) -> tuple[str, bytes, str]:
    """A CSV file as Romanian Excel saves it: semicolons."""
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return "activitati.csv", out.getvalue().encode(), "text/csv"


def xlsx_file(rows: list[list[str]]) -> tuple[str, bytes, str]:
    """A workbook whose first sheet holds the rows."""
    book = Workbook()
    for values in rows:
        book.active.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return "activitati.xlsx", buffer.getvalue(), kind


def stored(session: Session) -> list[CampaignActivity]:
    """The activities recorded, as the database holds them now."""
    session.rollback()  # end the read snapshot: the portal wrote since
    return list(session.exec(select(CampaignActivity).order_by(CampaignActivity.row)).all())


def upload(portal: Portal, key: str, file: tuple[str, bytes, str]) -> Response:
    """Send the report with `file` and nothing typed in."""
    return portal.send(key, WHEN, {"note": ""}, {"attachment": file})


class Form(HTMLParser):
    """The activity table's column headings, its fields' accessible names, and the errors."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.fields: dict[str, str | None] = {}
        self.errors: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "th" and found.get("scope") == "col":
            self._in = "heading"
            self.headings.append("")
        elif tag == "li":
            self._in = "error"
            self.errors.append("")
        elif tag in ("input", "select") and (found.get("name") or "").startswith("activities-"):
            self.fields[found["name"] or ""] = found.get("aria-label")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "li"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "heading":
            self.headings[-1] += data
        elif self._in == "error":
            self.errors[-1] += data


def parsed(page: str) -> Form:
    form = Form()
    form.feed(page)
    return form


def test_every_field_of_the_table_is_named_by_its_row_and_column(portal: Portal) -> None:
    page = portal.send(CENTRE, WHEN, {"note": ""}).text  # refused: nothing reported
    form = parsed(page)
    assert [h for h in form.headings if h.strip() != "#"] == ROMANIAN.split(", ")
    assert len(form.fields) == 12 * 9
    for name, label in form.fields.items():
        row, column = re.fullmatch(r"activities-(\d+)-(\w+)", name).groups()  # type: ignore[union-attr]
        heading = form.headings[1 + list(CAMPAIGN_COLUMNS).index(column)]
        assert label == f"Rândul {int(row) + 1}, {heading}"


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_an_unknown_column_is_named_with_the_romanian_headings_the_page_shows(
    portal: Portal, session: Session, make: object
) -> None:
    header = ["Data", "Județ", "Canal", "Grupa", "Forma", "Participanți"]
    refused = upload(portal, CENTRE, make([header, ACTIVITY]))  # type: ignore[operator]
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    [error] = parsed(page).errors
    assert '"Grupa"' in error and error.endswith(f"{ROMANIAN}.")
    assert f": {ROMANIAN}; " in page  # the hint under the file names them alike
    assert "target_group" not in error and "held_on" not in error
    assert stored(session) == []


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_missing_column_is_named_with_the_english_headings_the_page_shows(
    portal: Portal, make: object
) -> None:
    file = make([["date", "County", "Participants"], ["2026-10-14", "IS", "40"]])  # type: ignore[operator]
    refused = upload(portal, PARTNER, file)
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    [error] = parsed(page).errors
    assert error == (
        "Attachment: Columns missing from the file: Channel, Target group, Form of exploitation. "
        "The file has: Date, County, Participants. "
        f"Name the file's columns as this form names them: {ENGLISH}."
    )
    assert f"Name the file's columns as this form names them: {ENGLISH}; " in page
    assert parsed(page).headings[1:] == ENGLISH.split(", ")


def test_a_missing_column_is_named_in_romanian_for_a_romanian_centre(portal: Portal) -> None:
    file = xlsx_file([["data", "judet", "canal", "participanti"], [*ACTIVITY[:3], "40"]])
    [error] = parsed(html.unescape(upload(portal, CENTRE, file).text)).errors
    assert "Grup țintă, Forma de exploatare" in error and "Data, Județ, Canal" in error
    assert "Target group" not in error and "target_group" not in error


HEADERS = {
    "short Romanian": "data judet canal grup_tinta forma participanti persoane_atinse materiale"
    " partener",
    "short English": "date county channel target_group form participants reach materials partner",
    "other spellings": "data_activitatii cod_judet canalul grupul_tinta forma_de_exploatare"
    " participanti acoperire materiale_distribuite partener",
    "Romanian headings": ROMANIAN,
    "English headings": ENGLISH,
}


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_a_file_with_any_header_spelling_it_took_before_or_the_page_s_headings_is_taken(
    portal: Portal, session: Session, make: object, header: str
) -> None:
    names = header.split(", ") if ", " in header else header.split()
    file = make([names, [*ACTIVITY, "1.200", "300", "Inspectoratul Școlar"]])  # type: ignore[operator]
    assert upload(portal, CENTRE, file).status_code == 200
    [activity] = stored(session)
    assert (activity.county, activity.channel, activity.participants) == (
        "IS",
        "direct-meetings",
        40,
    )
    assert (activity.reach, activity.materials, activity.partner) == (
        1200,
        300,
        "Inspectoratul Școlar",
    )


def test_rows_typed_into_the_table_are_taken_as_before(portal: Portal, session: Session) -> None:
    typed = {
        "activities-0-held_on": "2026-10-14",
        "activities-0-county": "is",
        "activities-0-channel": "direct-meetings",
        "activities-0-target_group": "pupils",
        "activities-0-form": "labour",
        "activities-0-participants": "40",
        "activities-3-held_on": "2026-10-15",
        "activities-3-county": "VS",
        "activities-3-channel": "direct-meetings",
        "activities-3-target_group": "pupils",
        "activities-3-form": "labour",
        "activities-3-reach": "90",
        "activities-3-partner": "ISJ",
        "note": "",
    }
    assert portal.send(CENTRE, WHEN, typed).status_code == 200
    activities = [(a.row, a.county, a.reach) for a in stored(session)]
    assert activities == [(1, "IS", 40), (2, "VS", 90)]
