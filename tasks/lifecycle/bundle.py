"""The sweep's second unit of work: turn the day's notices into one message per reader."""

import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from prefect import get_run_logger, task
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.settings import Settings, get_settings
from models.lifecycle.ladder import COORDINATOR, FOCAL_POINT, HEAD, Step
from models.lifecycle.tables import Assignment, Notice
from models.messaging import emails
from models.messaging.compose import (
    Addressee,
    addressee_for,
    coordinator_addressee,
    linked_view,
)
from models.messaging.digest import digest_groups, digest_key
from models.messaging.emails import Post
from models.messaging.message_views import AssignmentView, EscalationLine, InstitutionView
from models.reference.institutions import Institution

Logger = logging.Logger | logging.LoggerAdapter[Any]


@dataclass
class Bundler:
    """One bundling pass: the day, the outbox, the assignments' views and what was queued."""

    post: Post
    calendar: WorkingCalendar
    views: dict[int, AssignmentView]
    logger: Logger
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def day(self) -> date:
        """The sweep's local date."""
        return self.calendar.local_date(self.post.now)

    def queue_once(self, key: str, notices: list[Notice], send: Callable[[str], list[str]]) -> str:
        """Queue under `key`, or under a suffixed key when `key` was already used today."""
        for candidate in (key, f"{key}:{min(n.id or 0 for n in notices)}"):
            if send(candidate):
                for notice in notices:
                    notice.bundle_key = candidate
                    self.post.session.add(notice)
                return candidate
        raise RuntimeError(f"{key}: both keys already used")

    def urgent(self, to: Addressee, notice: Notice, audience: str) -> None:
        """An urgent assignment's step goes out at once, on its own."""
        item = self.views[notice.assignment_id]
        key = f"{notice.step}:{item.key}:{self.day}:{audience}"
        if notice.step in (Step.ESCALATE_TO_HEAD, Step.ESCALATE_TO_COORDINATOR):
            self.queue_once(key, [notice], lambda k: emails.escalation(self.post, k, to, [item]))
        elif notice.step == Step.REMINDER:
            self.queue_once(key, [notice], lambda k: emails.reminder(self.post, k, to, item))
        else:
            self.queue_once(key, [notice], lambda k: emails.overdue(self.post, k, to, item))
        self.counts["immediate"] += 1

    def routine(self, to: Addressee, notices: list[Notice], audience: str) -> None:
        """The rest in one email: the head's escalation, or the focal point's digest."""
        items = [self.views[n.assignment_id] for n in notices]
        code = to.institution.code
        if audience == HEAD:
            key = f"escalation:{code}:{self.day}"
            self.queue_once(key, notices, lambda k: emails.escalation(self.post, k, to, items))
            self.counts["escalation"] += 1
            return
        groups = digest_groups(items, self.calendar.zone)
        key = digest_key(code, audience, self.day.isoformat())
        self.queue_once(
            key, notices, lambda k: emails.daily_digest(self.post, k, to, groups, self.day)
        )
        self.counts["digest"] += 1

    def institution(self, institution_id: int, audience: str, notices: list[Notice]) -> None:
        """Everything one institution's reader hears of today."""
        roles = ("head", "deputy") if audience == HEAD else (FOCAL_POINT,)
        try:
            to = addressee_for(
                session=self.post.session, institution_id=institution_id, roles=roles
            )
        except LookupError as exc:
            self.logger.warning("no recipient: %s", exc)
            self.counts["no-recipient"] += len(notices)
            return
        for notice in [n for n in notices if n.urgent]:
            self.urgent(to, notice, audience)
        routine = [n for n in notices if not n.urgent]
        if routine:
            self.routine(to, routine, audience)

    def coordinator(self, lines: list[EscalationLine], notices: list[Notice]) -> None:
        """The coordinator's one summary of what stays overdue after the heads were told."""
        to = coordinator_addressee(self.post.settings)
        self.queue_once(
            f"escalation-summary:{self.day}",
            notices,
            lambda k: emails.escalation_summary(self.post, k, to, lines, self.day),
        )
        self.counts["summary"] += 1


def _views(
    session: Session,
    notices: list[Notice],
    settings: Settings,
    calendar: WorkingCalendar,
    now: datetime,
) -> dict[int, AssignmentView]:
    """Each noticed assignment as a message may show it, with its link and days overdue."""
    ids = {n.assignment_id for n in notices}
    assignments = session.exec(select(Assignment).where(col(Assignment.id).in_(ids))).all()
    today = calendar.local_date(now)
    views = {}
    for a in assignments:
        due_day = calendar.local_date(a.due_at)
        late = calendar.working_days_between(due_day, today) if a.due_at < now else 0
        views[a.id or 0] = linked_view(a, settings=settings, now=now, overdue_days=max(late, 0))
    return views


def _unbundled(session: Session, dialect: str) -> list[Notice]:
    query = select(Notice).where(col(Notice.bundle_key).is_(None)).order_by(col(Notice.id))
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query).all())


def _bundle(session: Session, bundler: Bundler, notices: list[Notice]) -> None:
    groups: dict[tuple[str, int], list[Notice]] = defaultdict(list)
    for notice in notices:
        groups[(notice.audience, notice.institution_id)].append(notice)
    lines: list[EscalationLine] = []
    summary_notices: list[Notice] = []
    for (audience, institution_id), members in sorted(groups.items()):
        if audience != COORDINATOR:
            bundler.institution(institution_id, audience, members)
            continue
        institution = session.get(Institution, institution_id)
        assert institution is not None
        items = [bundler.views[n.assignment_id] for n in members]
        lines.append(
            EscalationLine(institution=InstitutionView.of(institution), level=2, assignments=items)
        )
        summary_notices += members
    if lines:
        bundler.coordinator(lines, summary_notices)


def bundle_notices(
    *, engine: Engine, now: datetime, settings: Settings, calendar: WorkingCalendar, logger: Logger
) -> Counter[str]:
    """Turn the day's notices into messages: one digest per institution and audience."""
    with write_session(engine) as session:
        notices = _unbundled(session, engine.dialect.name)
        views = _views(session, notices, settings, calendar, now)
        bundler = Bundler(Post(session, settings, now), calendar, views, logger)
        _bundle(session, bundler, notices)
        session.commit()
    return bundler.counts


@task(name="bundle-notices", task_run_name="bundle notices")
def bundle_notices_task(now: datetime) -> dict[str, int]:
    """Queue the digests, escalations and the coordinator's summary for the day's notices."""
    settings = get_settings()
    counts = bundle_notices(
        engine=get_engine(settings.resolved_database_url()),
        now=now,
        settings=settings,
        calendar=WorkingCalendar(zone=settings.zone),
        logger=get_run_logger(),
    )
    return dict(counts)
