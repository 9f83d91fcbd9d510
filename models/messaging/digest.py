"""Grouping an institution's open items into one daily digest."""

from itertools import groupby
from zoneinfo import ZoneInfo

from models.messaging.message_views import AssignmentView, DigestGroup


def digest_groups(items: list[AssignmentView], zone: ZoneInfo) -> list[DigestGroup]:
    """Items grouped by kind and local due date, earliest due first."""

    def group_key(item: AssignmentView) -> tuple[str, str]:
        return item.due_at.astimezone(zone).date().isoformat(), item.kind

    ordered = sorted(items, key=lambda item: (*group_key(item), item.title))
    return [
        DigestGroup(kind=kind, due_date=members[0].due_at.astimezone(zone).date(), items=members)
        for (_, kind), grouped in groupby(ordered, key=group_key)
        for members in [list(grouped)]
    ]


def digest_key(institution_code: str, role: str, day: str) -> str:
    """The idempotency key of one institution's digest for one role and day."""
    return f"digest:{institution_code}:{role}:{day}"
