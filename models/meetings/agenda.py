"""A meeting's agenda: standing items, members' proposals and open action items carried over."""

from sqlmodel import Session, col, select

from models.core.sql import insert_ignoring_duplicates
from models.meetings.rules import STANDING_ITEMS, proposals_of
from models.meetings.tables import ActionItem, ActionStatus, AgendaItem, AgendaSource, Meeting
from models.reference.institutions import Institution

OPENING, FOLLOW_UP, CLOSING = STANDING_ITEMS
# Positions leave room so that proposals and carried-over items fall between standing items.
POSITIONS = {OPENING: 10, FOLLOW_UP: 20, CLOSING: 9000}


def _insert(session: Session, rows: list[dict[str, object]]) -> None:
    if rows:
        session.execute(
            insert_ignoring_duplicates(session, AgendaItem, ["meeting_id", "title"]), rows
        )


def add_standing_items(session: Session, meeting: Meeting) -> None:
    """The items every meeting of a body has (added once)."""
    _insert(
        session,
        [
            {
                "meeting_id": meeting.id,
                "position": POSITIONS[title],
                "title": title,
                "source": AgendaSource.STANDING,
                "accepted": True,
            }
            for title in STANDING_ITEMS
        ],
    )


def add_proposals(session: Session, meeting: Meeting, institution_id: int, text: str) -> int:
    """A member's proposals as agenda items (a repeated title is kept once); how many were new."""
    before = len(agenda_items(session, meeting))
    start = 1000 + 10 * before
    _insert(
        session,
        [
            {
                "meeting_id": meeting.id,
                "position": start + index,
                "title": title,
                "source": AgendaSource.PROPOSAL,
                "institution_id": institution_id,
                "accepted": True,
            }
            for index, title in enumerate(proposals_of(text))
        ],
    )
    return len(agenda_items(session, meeting)) - before


def open_action_items(session: Session, meeting: Meeting) -> list[tuple[ActionItem, str]]:
    """Open action items from the body's earlier meetings, with their owner's short name."""
    rows = session.exec(
        select(ActionItem, Institution)
        .join(Meeting, col(Meeting.id) == col(ActionItem.meeting_id))
        .join(Institution, col(Institution.id) == col(ActionItem.institution_id))
        .where(
            Meeting.body_id == meeting.body_id,
            col(Meeting.starts_at) < meeting.starts_at,
            ActionItem.status == ActionStatus.OPEN,
        )
        .order_by(col(ActionItem.due_at), col(ActionItem.id))
    ).all()
    return [(item, institution.label) for item, institution in rows]


def carry_over(session: Session, meeting: Meeting) -> None:
    """Every action item still open goes on the agenda, right after the follow-up item."""
    _insert(
        session,
        [
            {
                "meeting_id": meeting.id,
                "position": POSITIONS[FOLLOW_UP] + 1 + index,
                "title": f"{item.title} ({owner})"[:500],
                "source": AgendaSource.CARRIED_OVER,
                "institution_id": item.institution_id,
                "action_item_id": item.id,
                "accepted": True,
            }
            for index, (item, owner) in enumerate(open_action_items(session, meeting))
        ],
    )


def freeze_agenda_items(session: Session, meeting: Meeting) -> None:
    """The frozen agenda: carried-over items added and positions renumbered 1, 2, 3…"""
    carry_over(session, meeting)
    for number, item in enumerate(agenda_items(session, meeting), 1):
        item.position = number
    session.flush()


def agenda_items(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """The accepted agenda items in order."""
    return list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, col(AgendaItem.accepted))
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        ).all()
    )
