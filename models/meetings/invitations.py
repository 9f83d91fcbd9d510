"""Calendar invitations (iCalendar, RFC 5546): requests, updates and cancellations."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from models.meetings.messages import MeetingView

PRODID = "-//Concord//Anti-Trafficking Coordination//EN"


def _address(email: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    for name, value in params.items():
        address.params[name] = vText(value)
    return address


def _add_details(event: Event, meeting: MeetingView) -> None:
    """The place, the online link and the numbered agenda, when the meeting has them."""
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.online_url:
        event.add("url", meeting.online_url)
    if meeting.agenda:
        event.add(
            "description", "\n".join(f"{i}. {item}" for i, item in enumerate(meeting.agenda, 1))
        )


def _add_people(event: Event, meeting: MeetingView, organizer: str, attendees: list[str]) -> None:
    """The body as organizer, and each attendee asked to answer."""
    event.add("organizer", _address(organizer, CN=meeting.body_name))
    for email in attendees:
        event.add(
            "attendee",
            _address(email, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="TRUE"),
            encode=False,
        )


def _event(meeting: MeetingView, method: str, stamp: datetime, zone: ZoneInfo) -> Event:
    """The meeting's VEVENT in local time: confirmed, or cancelled when withdrawn."""
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", f"{meeting.title}, {meeting.body_name}")
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    _add_details(event, meeting)
    return event


def meeting_calendar(
    meeting: MeetingView,
    *,
    method: str,
    organizer: str,
    attendees: list[str],
    stamp: datetime,
    zone: ZoneInfo,
) -> str:
    """An iCalendar document for one meeting, in local time with its VTIMEZONE.

    METHOD REQUEST announces a new or changed meeting (same UID, higher SEQUENCE); CANCEL
    withdraws it.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"method: expected REQUEST or CANCEL, got {method!r}")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = _event(meeting, method, stamp, zone)
    _add_people(event, meeting, organizer, attendees)
    calendar.add_component(event)
    year = meeting.starts_at.year
    calendar.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
    ical: bytes = calendar.to_ical()
    return ical.decode("utf-8")
