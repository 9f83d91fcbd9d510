"""The HelpLine's monthly call figures, imported from the file its operator keeps."""

import re
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from models.campaigns.rules import WORDS, HelplineTopic, month_label
from models.campaigns.tables import HelplineMonth
from models.campaigns.upload import choice_names
from models.core.i18n import N_, number, translate
from models.core.spreadsheets import CellProblem, SpreadsheetError, plain, read_records
from models.lifecycle.answers import Problem
from models.reference.counties import CountyError, county_of

MAX_ROWS = 20_000
MAX_CALLS = 1_000_000  # calls on one topic from one county in one month
COLUMNS = {
    "month": ("month", "luna"),
    "topic": ("topic", "tema", "subiect"),
    "county": ("county", "judet", "cod_judet"),
    "calls": ("calls", "apeluri", "numar_apeluri"),
}
ROMANIAN_COLUMN = {name: aliases[1] for name, aliases in COLUMNS.items()}
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
BAD_MONTH = N_("%(value)s is not a month written as YYYY-MM, e.g. 2027-03.")
FUTURE_MONTH = N_("%(value)s has not ended yet; give the figures of past months.")
BAD_TOPIC = N_("%(value)s is not a HelpLine topic; the topics are: %(topics)s.")
BAD_COUNTY = N_(
    "%(value)s is not a Romanian county code (e.g. CJ, IS, B); leave it empty if unknown."
)
BAD_CALLS = N_("%(value)s is not a count of calls between 0 and %(most)s.")
TWICE = N_("The same month, topic and county are already on line %(first)s.")


@dataclass(frozen=True)
class HelplineRow:
    """One line of figures: calls on one topic in one month, from one county ('' if unknown)."""

    month: str
    topic: str
    county: str
    calls: int


@dataclass
class HelplineSaved:
    """What an import changed: figures added, figures corrected and figures as they were."""

    added: int = 0
    corrected: int = 0
    unchanged: int = 0
    months: list[str] = field(default_factory=list)
    calls_by_topic: dict[str, int] = field(default_factory=dict)  # in the file, topics' order

    def topics_in(self, language: str) -> str:
        """'munca în străinătate 1.340; contractele de muncă 120' in the reader's language."""
        return "; ".join(
            f"{translate(language, WORDS[topic])} {number(calls, language)}"
            for topic, calls in self.calls_by_topic.items()
        )


def _month(value: str, today: date) -> str | Problem:
    match = MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        return (BAD_MONTH, {"value": value})
    if value >= month_label(today):
        return (FUTURE_MONTH, {"value": value})
    return value


def _topic(value: str) -> str | Problem:
    code = choice_names().get(plain(value), "")
    if code in set(HelplineTopic):
        return code
    return (BAD_TOPIC, {"value": value, "topics": [WORDS[topic] for topic in HelplineTopic]})


def _county(value: str) -> str | Problem:
    if not value:
        return ""
    try:
        return county_of(value.upper()).code
    except CountyError:
        return (BAD_COUNTY, {"value": value})


def _calls(value: str) -> int | Problem:
    grouped = re.match(r"^[0-9]{1,3}([. ][0-9]{3})+$", value)
    digits = re.sub(r"[. ]", "", value) if grouped else value
    # '²' is a digit to isdigit() yet no number to int(); a long run of digits is none either
    if digits.isascii() and digits.isdigit() and len(digits) <= 9 and int(digits) <= MAX_CALLS:
        return int(digits)
    return (BAD_CALLS, {"value": value, "most": MAX_CALLS})


def _row(line: int, cells: dict[str, str], today: date) -> HelplineRow | list[CellProblem]:
    """One line checked cell by cell; every wrong cell is named."""
    checked = {
        "month": _month(cells.get("month", ""), today),
        "topic": _topic(cells.get("topic", "")),
        "county": _county(cells.get("county", "")),
        "calls": _calls(cells.get("calls", "")),
    }
    wrong = [CellProblem(line, name, *v) for name, v in checked.items() if isinstance(v, tuple)]
    return wrong or HelplineRow(**checked)  # type: ignore[arg-type]


def read_helpline_file(content: bytes, today: date) -> list[HelplineRow]:
    """Every line of a CSV or XLSX file of figures, or SpreadsheetError naming each bad cell."""
    rows: list[HelplineRow] = []
    problems: list[CellProblem] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for line, cells in read_records(content, COLUMNS, ("month", "topic", "calls"), MAX_ROWS):
        checked = _row(line, cells, today)
        if isinstance(checked, list):
            problems += checked
            continue
        key = (checked.month, checked.topic, checked.county)
        if key in first_line:
            problems.append(CellProblem(line, "", TWICE, {"first": first_line[key]}))
        first_line.setdefault(key, line)
        rows.append(checked)
    if problems:
        raise SpreadsheetError(problems)
    return rows


def save_helpline(session: Session, rows: list[HelplineRow]) -> HelplineSaved:
    """Add or correct the figures of the file; a figure not in the file is left as it was."""
    saved = HelplineSaved(months=sorted({row.month for row in rows}))
    for topic in HelplineTopic:
        calls = sum(row.calls for row in rows if row.topic == topic)
        if any(row.topic == topic for row in rows):
            saved.calls_by_topic[topic.value] = calls
    stored = {
        (f.month, f.topic, f.county): f
        for f in session.exec(
            select(HelplineMonth).where(col(HelplineMonth.month).in_(saved.months))
        )
    }
    for row in rows:
        figure = stored.get((row.month, row.topic, row.county))
        if figure is None:
            session.add(HelplineMonth(**row.__dict__))
            saved.added += 1
        elif figure.calls != row.calls:
            figure.calls = row.calls
            session.add(figure)
            saved.corrected += 1
        else:
            saved.unchanged += 1
    session.flush()
    return saved
