"""A page of measures each reported by dozens of institutions stays a few printed pages."""

from dataclasses import replace
from zoneinfo import ZoneInfo

from models.monitoring.report_files import tables
from models.monitoring.report_page import render_report
from tests.models.monitoring.test_report_page import DUE, a_large_report
from tests.support.report_page import Tables


def page_of(measures: int, institutions: int) -> tuple[Tables, int]:
    """The page of a report whose measures each carry a value from `institutions` institutions."""
    report = a_large_report()
    values = tuple((f"I{n:04}", str(n)) for n in range(institutions))
    report.measures = [replace(m, indicators=values) for m in report.measures[:measures]]
    zone = ZoneInfo("Europe/Bucharest")
    page = render_report(report, None, zone=zone, generated=DUE, language="ro")
    parsed = Tables()
    parsed.feed(page)
    return parsed, len(tables(report)["measures"][1])


def test_measures_with_many_values_each_show_those_needing_attention_within_the_bound() -> None:
    parsed, kept = page_of(1000, 30)
    shown = parsed.tables["measures"][1:]
    assert len(shown) == 16  # 500 values at most: 16 measures of 30
    assert {row[5] for row in shown} == {"fără raport"}
    assert "(16 din 1.000)" in parsed.notes["measures-cut"]
    assert kept == 1000  # the workbook and the CSVs keep every measure and value


def test_a_national_size_round_shows_every_measure_and_value() -> None:
    parsed, _ = page_of(57, 8)  # 456 values: more than a national round's submissions
    assert len(parsed.tables["measures"]) == 58 and "measures-cut" not in parsed.notes
    assert parsed.tables["measures"][1][0] == "M1 Măsura 1"  # in the plan's order, not cut
