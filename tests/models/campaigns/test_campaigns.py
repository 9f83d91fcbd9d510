"""Campaign plans, activity files and the checks each reported activity passes."""

from datetime import date
from pathlib import Path

import pytest

from models.campaigns.activities import row_problems
from models.campaigns.definitions import read_definitions
from models.campaigns.forms import ActivityRow
from models.campaigns.rules import report_due, reporting_months, shade
from models.campaigns.tables import Campaign
from models.campaigns.upload import activities_from_file
from models.core.calendar import WorkingCalendar
from models.lifecycle.answers import AnswerInvalid
from models.reference.document import ReferenceDataError

CAMPAIGN = Campaign(
    code="C",
    title_ro="C",
    title_en="C",
    forms=["labour"],
    target_groups=["pupils"],
    channels=["direct-meetings", "online"],
    counties=["IS", "VS"],
    starts_on=date(2027, 3, 1),
    ends_on=date(2027, 4, 30),
    lead_institution_id=1,
    targets={"reach": 100},
    created_at=None,  # type: ignore[arg-type]
    updated_at=None,  # type: ignore[arg-type]
)


def activity(**changes: object) -> ActivityRow:
    values = {
        "held_on": date(2027, 3, 10),
        "county": "IS",
        "channel": "direct-meetings",
        "target_group": "pupils",
        "form": "labour",
        "participants": 40,
        **changes,
    }
    return ActivityRow.model_validate(values)


def test_the_sample_campaigns_in_the_reference_data_are_valid_and_marked_as_samples() -> None:
    planned = read_definitions()
    assert len(planned) == 3 and all(c.sample for c in planned.values())
    assert planned["CAMP-2027-MUNCA"].centres() == ["ANITP-BC", "ANITP-CJ", "ANITP-IS", "ANITP-SV"]


def test_a_plan_with_wrong_values_names_each_campaign_and_field(tmp_path: Path) -> None:
    plan = tmp_path / "campaigns.yaml"
    plan.write_text(
        "campaigns:\n"
        "  - {code: A, title_ro: Abc, title_en: Abc, forms: [labour], target_groups: [pupils],"
        " channels: [online], counties: [IS], starts_on: 2027-01-01, ends_on: 2026-01-01,"
        " lead: ANITP, targets: {reach: 10}}\n"
        "  - {code: B, title_ro: Abc, title_en: Abc, forms: [labour], target_groups: [pupils],"
        " channels: [radio], counties: [XX], starts_on: 2027-01-01, ends_on: 2027-02-01,"
        " lead: ANITP, targets: {reach: 10}}\n",
        "utf-8",
    )
    with pytest.raises(ReferenceDataError) as raised:
        read_definitions(plan)
    text = str(raised.value)
    assert "campaigns[0].(document): ends_on: the campaign ends before it starts" in text
    assert "campaigns[1].channels[0]: Input should be 'direct-meetings'" in text
    assert "campaigns[1].counties" in text and "'XX' is not a Romanian county code" in text


def test_a_month_report_is_due_five_working_days_after_the_month() -> None:
    calendar = WorkingCalendar()
    assert reporting_months(date(2026, 11, 20), date(2027, 2, 1)) == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
    ]
    due = report_due("2027-04", calendar)  # 1 May is a holiday, then a weekend
    assert calendar.local_date(due) == date(2027, 5, 10)


@pytest.mark.parametrize(
    ("reach", "most", "expected"), [(0, 50, 0), (1, 50, 1), (10, 50, 1), (11, 50, 2), (50, 50, 5)]
)
def test_the_map_shades_counties_by_fifths_of_the_largest_reach(
    reach: int, most: int, expected: int
) -> None:
    assert shade(reach, most) == expected


def test_an_activity_is_checked_against_its_campaign_field_by_field() -> None:
    today = date(2027, 4, 15)
    assert row_problems(activity(), CAMPAIGN, ["IS"], today) == {}
    problems = row_problems(
        activity(held_on=date(2027, 5, 2), county="VS", channel="film", participants=0),
        CAMPAIGN,
        ["IS"],
        today,
    )
    assert set(problems) == {"held_on", "county", "channel", "reach"}
    assert (
        row_problems(activity(participants=3000), CAMPAIGN, ["IS"], today)["reach"][1]["most"]
        == 2000
    )
    assert "held_on" in row_problems(activity(held_on=date(2027, 4, 20)), CAMPAIGN, ["IS"], today)


def test_a_romanian_csv_with_names_and_thousands_is_read_line_by_line() -> None:
    text = (
        "Data;Județ;Canal;Grup țintă;Forma;Participanți;Persoane atinse\n"
        "10.03.2027;IS;întâlniri directe;elevi;exploatare prin muncă;40;\n"
        ";;;;;;\n"
        "2027-03-12;vs;online;pupils;labour;;1.200\n"
    )
    cedillas = text.translate(str.maketrans("șțȘȚ", "şţŞŢ"))  # as Windows-1250 writes them
    found = activities_from_file("a.csv", cedillas.encode("cp1250"))
    assert found.lines == [2, 4]
    first, second = found.rows
    assert first["held_on"] == date(2027, 3, 10) and first["channel"] == "direct-meetings"
    assert first["target_group"] == "pupils" and first["form"] == "labour"
    assert second["reach"] == 1200 and second["county"] == "vs"


@pytest.mark.parametrize(
    ("content", "field_text"),
    [
        (b"date,county,channel,target_group,form,colour\n", "colour"),
        (b"date,county,channel\n", "Target group"),
        (b"PK\x03\x04not really a workbook", "could not be read"),
    ],
)
def test_a_file_that_cannot_be_taken_says_why(content: bytes, field_text: str) -> None:
    with pytest.raises(AnswerInvalid) as raised:
        activities_from_file("a.csv", content)
    assert field_text in raised.value.english["attachment"]
