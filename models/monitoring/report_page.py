"""The consolidated report as a page: translated HTML with inline SVG charts, ready to print."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from babel.dates import format_date
from jinja2 import Environment
from markupsafe import Markup, escape

from models.core.documents import page_environment
from models.core.i18n import (
    N_,
    locale_of,
    moment_text,
    number,
    percent,
    translate,
    translate_count,
)
from models.lifecycle.duty import KnownIndicator
from models.lifecycle.rates import Rate
from models.messaging.vocabulary import VOCABULARY, name_in
from models.monitoring.report import PROGRESS, MeasureLine, PlanEvaluation, RoundReport

WORDS = {
    **VOCABULARY,
    "no report": N_("no report"),
    "locked": N_("locked"),
    "published": N_("published"),
    "annual": N_("annual"),
    "semester": N_("every semester"),
    "quarterly": N_("quarterly"),
    "permanent": N_("permanent"),
}
# Past these, the page shows an excerpt; the workbook and the CSVs always hold every row.
SHOWN_INSTITUTIONS, SHOWN_MEASURES, SHOWN_CODES = 40, 100, 100
# About five printed pages of indicator values: past these, fewer measures rather than 30 pages
SHOWN_VALUES = 500
COLOURS = {
    "done": "#166534",
    "in-progress": "#1d4ed8",
    "blocked": "#b91c1c",
    "no report": "#b91c1c",
}


def word(code: str, language: str) -> str:
    """A progress, pillar or status code as a word of `language`."""
    return name_in(WORDS, code, language)


def deadline_text(deadline: str, language: str) -> str:
    """A measure's deadline: a date as its readers write it (31.12.2026), else its word."""
    try:
        day = date.fromisoformat(deadline)
    except ValueError:
        return word(deadline, language)
    return format_date(day, "short", locale=locale_of(language))


def heading(label: str, language: str) -> str:
    """A chart or table label with its first letter in capitals ('Prevenire', 'DGASPC Cluj')."""
    shown = word(label, language)
    return shown[:1].upper() + shown[1:]


def known_text(known: KnownIndicator, language: str) -> str:
    """'CAMP-2027-01: 12.400 de persoane atinse (ținta 20.000)', in `language`."""
    counted = translate_count(language, *known.unit, known.value)
    text = f"{known.source}: {counted % {'num': number(known.value, language)}}"
    if known.target:
        target = translate(language, N_("target %(target)s")) % {
            "target": number(known.target, language)
        }
        text += f" ({target})"
    return text


def indicator_values(line: MeasureLine, language: str) -> str:
    """'ANITP: 4 campanii; MAI: 12', then what Concord already knows of the measure."""
    typed = [f"{institution}: {value}" for institution, value in line.indicators]
    return "; ".join([*typed, *(known_text(k, language) for k in line.known)])


def objective_titles(report: RoundReport) -> dict[str, str]:
    """Each objective's title by its code, from the measures that serve it."""
    return {line.objective: line.objective_title for line in report.measures}


def rate_colour(rate: float) -> str:
    """Green from 80 %, amber from 50 %, red below."""
    return "#166534" if rate >= 0.8 else "#b45309" if rate >= 0.5 else "#b91c1c"


def bar_chart(rates: list[Rate], language: str) -> Markup:
    """Reporting rates as horizontal bars (inline SVG); the full name shows on hover."""
    row, width, label_width = 22, 700, 230
    height = row * len(rates) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(translate(language, N_("Reporting rate")))}">'
    ]
    for index, rate in enumerate(rates):
        y = 5 + index * row
        length = int((width - label_width - 60) * rate.reporting_rate)
        label = escape(heading(rate.label, language))
        parts.append(
            f"<g><title>{escape(rate.title) or label}</title>"
            f'<text x="0" y="{y + 14}" font-size="12">{label}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="16" '
            f'fill="{rate_colour(rate.reporting_rate)}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 13}" font-size="12">'
            f"{percent(rate.reporting_rate, language)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


T = TypeVar("T")


@dataclass(frozen=True)
class Excerpt(Generic[T]):
    """The rows a page shows of a longer list, and how long the list is."""

    rows: list[T]
    total: int

    @property
    def cut(self) -> bool:
        return len(self.rows) < self.total


def least_reporting_first(rates: list[Rate], limit: int = SHOWN_INSTITUTIONS) -> Excerpt[Rate]:
    """Every rate, or when there are too many the `limit` lowest reporting rates."""
    if len(rates) <= limit:
        return Excerpt(rates, len(rates))
    ranked = sorted(rates, key=lambda rate: (rate.reporting_rate, rate.on_time_rate))
    return Excerpt(ranked[:limit], len(rates))


def printed_values(line: MeasureLine) -> int:
    """How many indicator values the page prints for a measure."""
    return len(line.indicators) + len(line.known)


def attention_first(
    measures: list[MeasureLine], limit: int = SHOWN_MEASURES, values: int = SHOWN_VALUES
) -> Excerpt[MeasureLine]:
    """Every measure, or when too many or too long those needing attention first."""
    if len(measures) <= limit and sum(map(printed_values, measures)) <= values:
        return Excerpt(measures, len(measures))

    def urgency(line: MeasureLine) -> int:
        return {"no report": 0, "blocked": 1}.get(line.progress, 2 if line.past_deadline else 3)

    shown: list[MeasureLine] = []
    printed = 0
    for line in sorted(measures, key=urgency)[:limit]:
        printed += printed_values(line)
        if shown and printed > values:
            break
        shown.append(line)
    return Excerpt(shown, len(measures))


def codes_text(codes: list[str], language: str, limit: int = SHOWN_CODES) -> str:
    """'M1, M2, M3' or, past `limit`, the first ones and 'și încă 150'."""
    text = ", ".join(codes[:limit])
    if len(codes) > limit:
        more = number(len(codes) - limit, language)
        text += " " + translate(language, N_("and %(count)s more")) % {"count": more}
    return text


@cache
def report_pages(language: str) -> Environment:
    """The report templates with the catalog and formats of `language`."""
    env = page_environment(language)
    env.globals.update(
        pct=lambda value: percent(value, language),
        n=lambda value: number(value, language),
        codes=lambda codes: codes_text(codes, language),
        word=lambda code: word(code, language),
        deadline=lambda text: deadline_text(text, language),
        bars=lambda rates: bar_chart(rates, language),
        indicator_values=lambda line: indicator_values(line, language),
        colour=lambda progress: COLOURS.get(progress, "#1f2933"),
        progress_words=PROGRESS,
    )
    return env


def render_report(
    report: RoundReport,
    evaluation: PlanEvaluation | None,
    *,
    zone: ZoneInfo,
    generated: datetime,
    language: str,
) -> str:
    """The report page in `language`."""

    def when(moment: datetime) -> str:
        return moment_text(moment, zone, language)

    context: dict[str, Any] = {
        "r": report,
        "institutions": least_reporting_first(report.by_institution),
        "measures": attention_first(report.measures),
        "past_deadline": [f"{m.code} ({m.deadline})" for m in report.past_deadline],
        "objectives": objective_titles(report),
        "evaluation": evaluation,
        "lang": language,
        "due": when(report.due_at),
        "lock": when(report.lock_at),
        "generated": when(generated),
    }
    return report_pages(language).get_template("round.html").render(context)
