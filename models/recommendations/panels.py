"""The recommendations on the coordinator's view and in a round's report: their coverage."""

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models.core.i18n import N_, translate
from models.lifecycle.duty import Panel
from models.messaging.vocabulary import VOCABULARY, name_in
from models.recommendations.coverage import build_coverage
from models.recommendations.rules import WORDS, RecommendationStatus

STATUS_ORDER = tuple(RecommendationStatus)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _tally_rows(tally: dict[str, Counter[str]], language: str) -> list[list[str]]:
    names = {**VOCABULARY, **WORDS}
    return [
        [_capitalised(name_in(names, group, language)), str(sum(counts.values()))]
        + [str(counts.get(status, 0)) for status in STATUS_ORDER]
        for group, counts in sorted(tally.items())
    ]


def coverage_panels(session: Session, now: datetime, language: str, zone: ZoneInfo) -> list[Panel]:
    """The coverage tables of the coordinator's view, in the reader's language."""
    coverage = build_coverage(session)
    if not coverage.by_body:
        return []

    def t(message: str) -> str:
        return translate(language, message)

    status_headers = [name_in(WORDS, status, language) for status in STATUS_ORDER]
    progress = Panel(
        t(N_("Recommendations of outside evaluators, by body, pillar and theme")),
        [t(N_("Body, pillar or theme")), t(N_("Recommendations")), *status_headers],
        _tally_rows(coverage.by_body, language)
        + _tally_rows(coverage.by_pillar, language)
        + _tally_rows(coverage.by_theme, language),
    )
    answered = Panel(
        t(N_("Which recommendations each measure answers")),
        [t(N_("Measure")), t(N_("Recommendations"))],
        [
            [f"{ref} {coverage.measure_titles[ref]}", ", ".join(codes)]
            for ref, codes in coverage.by_measure.items()
        ],
        note=t(N_("No measure answers: %(codes)s")) % {"codes": ", ".join(coverage.unanswered)}
        if coverage.unanswered
        else "",
    )
    return [progress, answered]


def coverage_sections(session: Session, language: str) -> list[Panel]:
    """The same coverage tables for a monitoring round's consolidated report."""
    return coverage_panels(session, datetime.min, language, ZoneInfo("UTC"))
