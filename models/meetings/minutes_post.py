"""The minutes as members read them: a printable page, its PDF, and one email per member."""

from functools import cache

from sqlmodel import Session, col, select

from models.core.documents import html_to_pdf, page_environment
from models.core.i18n import N_, long_date, romanian_sort_key, translate
from models.meetings.cycle import member_ids
from models.meetings.messages import Minutes, MinutesView
from models.meetings.minutes import ATTENDANCE_CHOICES, action_assignments
from models.meetings.post import meeting_view, member_addressees
from models.meetings.rules import Cycle
from models.meetings.tables import Attendance, Decision, Meeting
from models.messaging.compose import FileAttachment, linked_view
from models.messaging.emails import Post
from models.reference.institutions import Institution

ATTENDANCE_WORDS = {**ATTENDANCE_CHOICES, "": N_("not recorded")}


def decisions_of(session: Session, meeting: Meeting) -> list[str]:
    return list(
        session.exec(
            select(Decision.text)
            .where(Decision.meeting_id == meeting.id)
            .order_by(col(Decision.position))
        ).all()
    )


def attendance_lines(session: Session, meeting: Meeting, language: str) -> list[dict[str, str]]:
    """Every member with what it answered or the minutes recorded, in Romanian order."""
    recorded = {
        row.institution_id: row
        for row in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    lines = []
    for institution_id in member_ids(session, meeting.body_id):
        institution = session.get(Institution, institution_id)
        assert institution is not None
        row = recorded.get(institution_id)
        status = row.status if row else ""
        lines.append(
            {
                "name": institution.name_in(language),
                "status": translate(language, ATTENDANCE_WORDS[status]),
                "delegate": (row.delegate_name or "") if row else "",
            }
        )
    return sorted(lines, key=lambda line: romanian_sort_key(line["name"]))


def minutes_page(cycle: Cycle, meeting: Meeting, language: str) -> str:
    """The minutes as a printable page in `language`."""
    view = meeting_view(cycle.session, meeting, language)
    local = meeting.starts_at.astimezone(cycle.calendar.zone)
    ends = meeting.ends_at.astimezone(cycle.calendar.zone)
    actions = [
        {
            "title": item.title,
            "owner": _label(cycle.session, item.institution_id),
            "due": long_date(cycle.calendar.local_date(item.due_at), language),
        }
        for item, _ in action_assignments(cycle.session, meeting)
    ]
    page: str = _template(language).render(
        m=view,
        lang=language,
        when=f"{long_date(local, language)}, {local:%H:%M}\u2013{ends:%H:%M}",
        attendance=attendance_lines(cycle.session, meeting, language),
        decisions=decisions_of(cycle.session, meeting),
        actions=actions,
        recorded=long_date(cycle.calendar.local_date(cycle.now), language),
    )
    return page


@cache
def _template(language: str):  # type: ignore[no-untyped-def]
    return page_environment(language).get_template("minutes.html")


def _label(session: Session, institution_id: int) -> str:
    institution = session.get(Institution, institution_id)
    return institution.label if institution else str(institution_id)


def minutes_file(cycle: Cycle, meeting: Meeting, language: str) -> tuple[FileAttachment, ...]:
    """The minutes PDF to attach (none when the PDF cannot be printed here)."""
    pdf = html_to_pdf(minutes_page(cycle, meeting, language))
    if pdf is None:
        return ()
    name = f"minuta-{meeting.uid.split('@')[0]}-{language}.pdf"
    return (FileAttachment(name=name, content_type="application/pdf", content=pdf),)


def queue_minutes(cycle: Cycle, meeting: Meeting) -> int:
    """The minutes to every member, with its own action items and the PDF (queued once)."""
    post = Post(cycle.session, cycle.settings, cycle.now)
    decisions = decisions_of(cycle.session, meeting)
    actions = action_assignments(cycle.session, meeting)
    files: dict[str, tuple[FileAttachment, ...]] = {}
    queued = 0
    for to in member_addressees(cycle, member_ids(cycle.session, meeting.body_id)):
        language = to.institution.language
        if language not in files:
            files[language] = minutes_file(cycle, meeting, language)
        own = [
            linked_view(assignment, settings=cycle.settings, now=cycle.now)
            for item, assignment in actions
            if item.institution_id == to.institution_id
        ]
        view = meeting_view(cycle.session, meeting, language)
        context = Minutes(minutes=MinutesView(meeting=view, decisions=decisions, action_items=own))
        key = f"{meeting.uid}:minutes:{to.institution.code}"
        queued += len(post.queue(key, to, context, files=files[language]))
    return queued
