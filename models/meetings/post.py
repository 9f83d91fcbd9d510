"""The meeting emails each member gets: call for agenda items, invitation, update, cancellation."""

from sqlmodel import Session, select

from models.lifecycle.tables import Assignment
from models.meetings.agenda import agenda_items
from models.meetings.invitations import meeting_calendar
from models.meetings.messages import (
    AgendaCall,
    MeetingCancellation,
    MeetingInvitation,
    MeetingUpdate,
    MeetingView,
)
from models.meetings.rules import Cycle, meeting_title, standing_item
from models.meetings.tables import AgendaSource, Meeting
from models.messaging.compose import (
    Addressee,
    CalendarAttachment,
    NoRecipientError,
    addressee_for,
    linked_view,
)
from models.messaging.emails import Post
from models.reference.institutions import Body, Contact

MEMBER_ROLES = ("focal-point", "deputy")


def meeting_view(
    session: Session, meeting: Meeting, language: str, change_note: str | None = None
) -> MeetingView:
    """The meeting as its emails and calendar entries show it to a reader of `language`."""
    body = session.get(Body, meeting.body_id)
    assert body is not None
    agenda = agenda_items(session, meeting)
    return MeetingView(
        uid=meeting.uid,
        body_name=body.name,
        title=meeting_title(meeting.number, language),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=meeting.location,
        online_url=meeting.online_url,
        agenda=[
            standing_item(item.title, language)
            if item.source == AgendaSource.STANDING
            else item.title
            for item in agenda
        ],
        sequence=meeting.ical_sequence,
        change_note=change_note,
    )


def organizer_email(cycle: Cycle, meeting: Meeting) -> str:
    """The chair's focal point, who answers for the body; the coordinator when it has none."""
    body = cycle.session.get(Body, meeting.body_id)
    assert body is not None
    found = cycle.session.exec(
        select(Contact.email).where(
            Contact.institution_id == body.chair_id, Contact.role == "focal-point"
        )
    ).first()
    return found or str(cycle.settings.coordinator_email)


def member_addressees(cycle: Cycle, institution_ids: list[int]) -> list[Addressee]:
    """Each member's focal point (or deputy); members without either are skipped."""
    found = []
    for institution_id in institution_ids:
        try:
            found.append(
                addressee_for(
                    session=cycle.session, institution_id=institution_id, roles=MEMBER_ROLES
                )
            )
        except NoRecipientError:
            continue
    return found


def queue_agenda_calls(cycle: Cycle, meeting: Meeting, calls: list[Assignment]) -> int:
    """One call for agenda proposals per member, with its portal link (queued once)."""
    post = Post(cycle.session, cycle.settings, cycle.now)
    by_member = {a.institution_id: a for a in calls}
    queued = 0
    for to in member_addressees(cycle, list(by_member)):
        view = meeting_view(cycle.session, meeting, to.institution.language)
        assignment = by_member[to.institution_id or 0]
        item = linked_view(assignment, settings=cycle.settings, now=cycle.now)
        queued += len(
            post.queue(f"{assignment.key}:call", to, AgendaCall(meeting=view, assignment=item))
        )
    return queued


def queue_invitations(
    cycle: Cycle,
    meeting: Meeting,
    attendance: list[Assignment],
    *,
    method: str,
    change_note: str | None = None,
) -> int:
    """The invitation (or its update or cancellation) with its calendar part, to every member."""
    post = Post(cycle.session, cycle.settings, cycle.now)
    by_member = {a.institution_id: a for a in attendance}
    addressees = member_addressees(cycle, list(by_member))
    attendees = [email for to in addressees for email in to.emails[:1]]
    context_type = _invitation_type(method, meeting.ical_sequence)
    queued = 0
    for to in addressees:
        view = meeting_view(cycle.session, meeting, to.institution.language, change_note)
        ical = meeting_calendar(
            view,
            method=method,
            organizer=organizer_email(cycle, meeting),
            attendees=attendees,
            stamp=cycle.now,
            zone=cycle.calendar.zone,
        )
        link = linked_view(
            by_member[to.institution_id or 0], settings=cycle.settings, now=cycle.now
        )
        context = context_type(meeting=view, attendance=None if method == "CANCEL" else link)
        key = f"{meeting.uid}:{method.lower()}:{meeting.ical_sequence}:{to.institution.code}"
        queued += len(post.queue(key, to, context, calendar=CalendarAttachment(ical, method)))
    return queued


def _invitation_type(method: str, sequence: int) -> type[MeetingInvitation]:
    if method == "CANCEL":
        return MeetingCancellation
    return MeetingUpdate if sequence > 0 else MeetingInvitation
