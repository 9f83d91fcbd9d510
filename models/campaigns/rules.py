"""What a prevention campaign is made of: forms of exploitation, target groups, channels, bounds."""

from datetime import date, datetime, timedelta
from enum import StrEnum

from models.core.calendar import WorkingCalendar
from models.core.i18n import N_

REPORT_KIND = "campaign-report"
DAYS_TO_REPORT = 5  # working days after a reporting month ends
DAYS_TO_CORRECT = 5  # working days after the deadline until the month locks


class Form(StrEnum):
    SEXUAL = "sexual"
    LABOUR = "labour"
    BEGGING = "begging"
    ONLINE = "online"
    DEMAND = "demand"


class TargetGroup(StrEnum):
    VULNERABLE = "vulnerable-groups"
    PUBLIC = "general-public"
    PROFESSIONALS = "professionals"
    PUPILS = "pupils"
    PARENTS_TEACHERS = "parents-teachers"
    WORKERS_ABROAD = "workers-abroad"


class Channel(StrEnum):
    MEETINGS = "direct-meetings"
    MATERIALS = "campaign-materials"
    THEATRE = "theatre"
    FILM = "film"
    AUDIOVISUAL = "audiovisual"
    PRINT = "print-media"
    ONLINE = "online"


class Indicator(StrEnum):
    PARTICIPANTS = "participants"
    REACH = "reach"
    MATERIALS = "materials"


WORDS: dict[str, str] = {
    Form.SEXUAL: N_("sexual exploitation"),
    Form.LABOUR: N_("labour exploitation"),
    Form.BEGGING: N_("forced begging"),
    Form.ONLINE: N_("online recruitment"),
    Form.DEMAND: N_("demand for services of victims"),
    TargetGroup.VULNERABLE: N_("vulnerable groups"),
    TargetGroup.PUBLIC: N_("general public"),
    TargetGroup.PROFESSIONALS: N_("professionals in contact with victims"),
    TargetGroup.PUPILS: N_("pupils"),
    TargetGroup.PARENTS_TEACHERS: N_("parents and teachers"),
    TargetGroup.WORKERS_ABROAD: N_("people leaving to work abroad"),
    Channel.MEETINGS: N_("direct meetings"),
    Channel.MATERIALS: N_("campaign materials"),
    Channel.THEATRE: N_("theatre"),
    Channel.FILM: N_("film"),
    Channel.AUDIOVISUAL: N_("radio and television"),
    Channel.PRINT: N_("print media"),
    Channel.ONLINE: N_("online and social networks"),
    Indicator.PARTICIPANTS: N_("participants"),
    Indicator.REACH: N_("people reached"),
    Indicator.MATERIALS: N_("materials distributed"),
    "planned": N_("planned, not launched"),  # a campaign's status (CampaignStatus)
    "running": N_("running"),
    "closed": N_("closed"),
}

# The most one activity can plausibly reach: a meeting fills a hall, a broadcast a country.
MAX_REACH = {
    Channel.MEETINGS: 2_000,
    Channel.THEATRE: 5_000,
    Channel.FILM: 20_000,
    Channel.MATERIALS: 200_000,
    Channel.PRINT: 2_000_000,
    Channel.AUDIOVISUAL: 5_000_000,
    Channel.ONLINE: 5_000_000,
}
MAX_MATERIALS = 500_000
# Channels where everyone reached was in the room, so participants are the reach.
IN_PERSON = frozenset({Channel.MEETINGS, Channel.THEATRE, Channel.FILM})


def month_label(day: date) -> str:
    """'2027-03'."""
    return f"{day.year:04d}-{day.month:02d}"


def month_span(label: str) -> tuple[date, date]:
    """The first and last day of the month '2027-03'."""
    first = date.fromisoformat(f"{label}-01")
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def reporting_months(starts_on: date, ends_on: date) -> list[str]:
    """Every month the campaign runs in, in order."""
    months, day = [], starts_on.replace(day=1)
    while day <= ends_on:
        months.append(month_label(day))
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def report_due(month: str, calendar: WorkingCalendar) -> datetime:
    """The month's report is due at the end of the fifth working day after the month."""
    _, last = month_span(month)
    return calendar.end_of_day(calendar.add_working_days(last, DAYS_TO_REPORT))


def report_locks(month: str, calendar: WorkingCalendar) -> datetime:
    """The month locks (no answer, no correction) five working days after its report is due."""
    _, last = month_span(month)
    return calendar.end_of_day(calendar.add_working_days(last, DAYS_TO_REPORT + DAYS_TO_CORRECT))


def report_month(key: str) -> str:
    """The month of a report from its key 'campaign:CODE:2027-03:INSTITUTION'."""
    return key.split(":")[2]


def report_key(campaign: str, month: str, institution: str) -> str:
    """The natural key of one institution's report for one month of a campaign."""
    return f"campaign:{campaign}:{month}:{institution}"


class HelplineTopic(StrEnum):
    """What a call was about: ANITP's list of what the line informs on, then the rest."""

    WORK_ABROAD = "work-abroad"  # the working conditions abroad
    EMPLOYMENT_CONTRACTS = "employment-contracts"
    RECRUITMENT_AGENCIES = "recruitment-agencies"
    TRAVEL_ABROAD = "travel-abroad"
    LEAVING_TRAFFICKING = "leaving-trafficking"
    CASE_REPORT = "case-report"
    ASSISTANCE = "assistance"
    OTHER = "other"


WORDS |= {
    HelplineTopic.WORK_ABROAD: N_("working abroad"),
    HelplineTopic.EMPLOYMENT_CONTRACTS: N_("employment contracts"),
    HelplineTopic.RECRUITMENT_AGENCIES: N_("the role of recruitment agencies"),
    HelplineTopic.TRAVEL_ABROAD: N_("travel to the destination country"),
    HelplineTopic.LEAVING_TRAFFICKING: N_("avoiding or leaving a trafficking situation"),
    HelplineTopic.CASE_REPORT: N_("reporting a possible case"),
    HelplineTopic.ASSISTANCE: N_("assistance for a victim"),
    HelplineTopic.OTHER: N_("other questions"),
}
SHADES = 5  # classes of the map, from a fifth of the largest county's reach to all of it


def shade(reach: int, most: int) -> int:
    """The map class of a county: 0 for no reach, else 1..SHADES by its share of the largest."""
    if reach <= 0 or most <= 0:
        return 0
    return max(1, -(-reach * SHADES // most))
