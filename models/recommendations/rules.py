"""The words of the tracker: bodies, how strongly they ask, statuses, themes, and its clocks."""

from datetime import date, datetime, timedelta
from enum import StrEnum

from models.core.calendar import WorkingCalendar
from models.core.i18n import N_, long_date, translate

FOLLOW_UP_KIND = "recommendation-progress"
DAYS_TO_ANSWER = 20  # working days to give progress once asked
DAYS_BEFORE_REPORTING = 10  # working days before a reporting date the answers are needed
ASK_BEFORE_REPORTING = timedelta(days=60)  # how early a reporting date brings its own round
LONG_OPEN = timedelta(days=183)  # open longer than six months: flagged to the coordinator
DIGEST_FROM = 3  # an institution asked about this many or more gets one email listing them


class Body(StrEnum):
    GRETA = "greta"
    US_TIP = "us-tip"
    EU = "eu"
    UN = "un"


class Strength(StrEnum):
    """How strongly the body asks; GRETA grades its recommendations, the others do not."""

    URGES = "urges"
    CONSIDERS = "considers"
    INVITES = "invites"
    RECOMMENDS = "recommends"


class RecommendationStatus(StrEnum):
    ACCEPTED = "accepted"
    NOTED = "noted"
    IN_PROGRESS = "in-progress"
    IMPLEMENTED = "implemented"
    PARTIALLY = "partially"
    NOT_IMPLEMENTED = "not-implemented"


CLOSED_STATUSES = frozenset({RecommendationStatus.IMPLEMENTED})
# what an owner may report; "accepted" and "noted" are the state's position, set on import
REPORTED_STATUSES = (
    RecommendationStatus.IN_PROGRESS,
    RecommendationStatus.PARTIALLY,
    RecommendationStatus.IMPLEMENTED,
    RecommendationStatus.NOT_IMPLEMENTED,
)
RECOMMENDATION_LIFECYCLE: dict[str, frozenset[str]] = {
    status: frozenset(set(RecommendationStatus) - {status}) for status in RecommendationStatus
}


class Theme(StrEnum):
    IDENTIFICATION = "identification"
    ASSISTANCE = "assistance"
    CHILDREN = "children"
    LABOUR = "labour"
    PROSECUTION = "prosecution"
    COMPENSATION = "compensation"
    PREVENTION = "prevention"
    COORDINATION = "coordination"
    DATA = "data"


WORDS: dict[str, str] = {
    Body.GRETA: N_("GRETA (Council of Europe)"),
    Body.US_TIP: N_("US Trafficking in Persons report"),
    Body.EU: N_("European Union"),
    Body.UN: N_("United Nations treaty bodies"),
    Strength.URGES: N_("urges"),
    Strength.CONSIDERS: N_("considers"),
    Strength.INVITES: N_("invites"),
    Strength.RECOMMENDS: N_("recommends"),
    RecommendationStatus.ACCEPTED: N_("accepted"),
    RecommendationStatus.NOTED: N_("noted"),
    RecommendationStatus.IN_PROGRESS: N_("in progress"),
    RecommendationStatus.IMPLEMENTED: N_("implemented"),
    RecommendationStatus.PARTIALLY: N_("partially implemented"),
    RecommendationStatus.NOT_IMPLEMENTED: N_("not implemented"),
    Theme.IDENTIFICATION: N_("identification of victims"),
    Theme.ASSISTANCE: N_("assistance to victims"),
    Theme.CHILDREN: N_("child victims"),
    Theme.LABOUR: N_("trafficking for labour exploitation"),
    Theme.PROSECUTION: N_("investigation and prosecution"),
    Theme.COMPENSATION: N_("compensation of victims"),
    Theme.PREVENTION: N_("prevention"),
    Theme.COORDINATION: N_("coordination and strategy"),
    Theme.DATA: N_("data collection"),
}


def quarter_label(day: date) -> str:
    """'2027-Q1': the follow-up period a day falls in."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


ROMAN = ("I", "II", "III", "IV")
QUARTER = N_("quarter %(roman)s of %(year)s")
BEFORE = N_("before %(date)s")


def period_text(period: str, language: str) -> str:
    """'2026-Q4' as 'trimestrul IV 2026', 'before-2027-02-01' as 'înainte de 1 februarie 2027'."""
    if period.startswith("before-"):
        day = date.fromisoformat(period.removeprefix("before-"))
        return translate(language, BEFORE) % {"date": long_date(day, language)}
    year, quarter = period.split("-Q")
    return translate(language, QUARTER) % {"roman": ROMAN[int(quarter) - 1], "year": year}


def follow_up_key(recommendation: str, period: str) -> str:
    """The natural key of one owner's follow-up of one recommendation in one period."""
    return f"recommendation:{recommendation}:{period}"


def follow_up_due(now: datetime, reporting_on: date | None, calendar: WorkingCalendar) -> datetime:
    """Twenty working days from now, or earlier so the answers come before a reporting date."""
    today = calendar.local_date(now)
    due = calendar.add_working_days(today, DAYS_TO_ANSWER)
    if reporting_on is not None and reporting_on > today:
        before = calendar.add_working_days(reporting_on, -DAYS_BEFORE_REPORTING)
        due = max(min(due, before), calendar.add_working_days(today, 5))
    return calendar.end_of_day(due)
