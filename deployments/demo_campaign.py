"""The demo's prevention campaign: HelpLine figures, the sample campaign, two centres reporting."""

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session, select

from models.campaigns.helpline import read_helpline_file, save_helpline
from models.campaigns.rules import month_label, month_span, report_key
from models.core.db import get_engine, session_scope
from models.core.settings import get_settings
from models.lifecycle.tables import Assignment, AssignmentStatus

SAMPLE_CAMPAIGN = "CAMP-2026-CERERE"
HELPLINE_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "helpline-sample.csv"
# (centre, county, channel, target group, form, participants, reach, materials, partner)
ACTIVITIES = {
    "ANITP-CJ": [
        ("CJ", "online", "general-public", "demand", 0, 48_000, 0, ""),
        ("CJ", "campaign-materials", "professionals", "sexual", 60, 60, 1_500, "IPJ Cluj"),
    ],
    "ANITP-IS": [
        ("IS", "audiovisual", "general-public", "demand", 0, 95_000, 0, "TVR Iași"),
        ("IS", "print-media", "general-public", "sexual", 0, 12_000, 4_000, ""),
    ],
}
HEADER = ["data", "judet", "canal", "grup_tinta", "forma", "participanti", "acoperire",
          "materiale", "partener"]  # fmt: skip


def import_sample_helpline(say: Callable[[str], None]) -> None:
    """Load the sample HelpLine figures (a re-run corrects nothing and adds nothing)."""
    settings = get_settings()
    today = datetime.now(settings.zone).date()
    rows = read_helpline_file(HELPLINE_SAMPLE.read_bytes(), today)
    with session_scope(get_engine(settings.resolved_database_url())) as session:
        saved = save_helpline(session, rows)
    say(f"HelpLine sample figures: {saved.added} added, {saved.unchanged} already there")


def activity_file(centre: str, month: str) -> bytes:
    """The centre's spreadsheet of the month's activities, as Excel saves "CSV UTF-8"."""
    first, _ = month_span(month)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for offset, activity in enumerate(ACTIVITIES[centre]):
        held = first + timedelta(days=7 + 9 * offset)
        writer.writerow([held.strftime("%d.%m.%Y"), *activity])
    return out.getvalue().encode("utf-8-sig")


def run_campaign(
    post: Callable[[Assignment, datetime, dict[str, str], dict[str, tuple[str, bytes, str]]], int],
    say: Callable[[str], None],
) -> None:
    """Launch the sample campaign; two centres send their first month's activities as files."""
    from flows.prevention_campaign import prevention_campaign
    from tasks.campaigns.campaigns import Launched

    settings = get_settings()
    import_sample_helpline(say)
    now = datetime.now(settings.zone)
    first_month = month_label(date(2026, 10, 1))
    first_day, last_day = month_span(first_month)
    # launched on its first day, as it was planned: a later launch would ask only for this month
    started = min(now, datetime.combine(first_day, time(9), tzinfo=settings.zone))
    launched = prevention_campaign(campaign=SAMPLE_CAMPAIGN, now=started)["launched"]
    assert isinstance(launched, Launched)
    say(f"campaign {SAMPLE_CAMPAIGN}: {launched.status}, {launched.opened} reports opened")
    if now.date() <= last_day:
        return  # the first month has not ended: nothing to report yet
    # three days after the month, or now when that is still ahead: no answer dated in the future
    sent_at = min(
        now, datetime.combine(last_day + timedelta(days=3), time(10), tzinfo=settings.zone)
    )
    with Session(get_engine(settings.resolved_database_url())) as session:
        for centre in ACTIVITIES:
            key = report_key(SAMPLE_CAMPAIGN, first_month, centre)
            assignment = session.exec(select(Assignment).where(Assignment.key == key)).one()
            spreadsheet = activity_file(centre, first_month)
            upload = {"attachment": ("activitati.csv", spreadsheet, "text/csv")}
            if assignment.status == AssignmentStatus.DONE:
                say(f"  {centre} has already sent its {first_month} activities")
                continue
            status = post(assignment, sent_at, {"note": ""}, upload)  # before the month locks
            say(f"  {centre} sent its {first_month} activities as a spreadsheet: HTTP {status}")
    report = prevention_campaign(campaign=SAMPLE_CAMPAIGN)["report"]
    say(f"  campaign report: {report}/report.html (and report.pdf, report.xlsx)")
