"""The sweep's second unit of work: turn the day's notices into one message per reader."""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from prefect import get_run_logger, task
from sqlalchemy import bindparam, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.heap import old_objects_frozen
from models.core.settings import Settings, get_settings
from models.lifecycle.ladder import COORDINATOR, FOCAL_POINT, HEAD, Step
from models.lifecycle.tables import Assignment, Notice
from models.messaging import emails
from models.messaging.compose import (
    Addressee,
    addressees_for,
    coordinator_addressee,
    linked_view,
)
from models.messaging.digest import digest_groups, digest_key
from models.messaging.emails import MessageContext, Post
from models.messaging.message_views import AssignmentView, EscalationLine, InstitutionView
from models.reference.institutions import Institution

Logger = logging.Logger | logging.LoggerAdapter[Any]


CHUNK = 500  # readers (about one message each) whose rows are loaded by one round of queries


@dataclass(frozen=True)
class Letter:
    """One message to queue: its key, reader, context, and the notices it bundles."""

    key: str
    to: Addressee
    context: MessageContext
    notices: list[Notice]

    @property
    def fallback(self) -> str:
        """The key used when `key` was already used today (a second sweep the same day)."""
        return f"{self.key}:{min(n.id or 0 for n in self.notices)}"


@dataclass
class Bundler:
    """One bundling pass: the day, the outbox, the assignments' views and what was queued."""

    post: Post
    calendar: WorkingCalendar
    logger: Logger
    views: dict[int, AssignmentView] = field(default_factory=dict)
    letters: list[Letter] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def day(self) -> date:
        """The sweep's local date."""
        return self.calendar.local_date(self.post.now)

    def urgent(self, to: Addressee, notice: Notice, audience: str) -> None:
        """An urgent assignment's step goes out at once, on its own."""
        item = self.views[notice.assignment_id]
        key = f"{notice.step}:{item.key}:{self.day}:{audience}"
        context: MessageContext
        if notice.step in (Step.ESCALATE_TO_HEAD, Step.ESCALATE_TO_COORDINATOR):
            context = emails.Escalation(assignments=[item])
        elif notice.step == Step.REMINDER:
            context = emails.AssignmentNotice(assignment=item)
        else:
            context = emails.OverdueNotice(assignment=item)
        self.letters.append(Letter(key, to, context, [notice]))
        self.counts["immediate"] += 1

    def routine(self, to: Addressee, notices: list[Notice], audience: str) -> None:
        """The rest in one email: the head's escalation, or the focal point's digest."""
        items = [self.views[n.assignment_id] for n in notices]
        code = to.institution.code
        if audience == HEAD:
            context: MessageContext = emails.Escalation(assignments=items)
            self.letters.append(Letter(f"escalation:{code}:{self.day}", to, context, notices))
            self.counts["escalation"] += 1
            return
        groups = digest_groups(items, self.calendar.zone)
        context = emails.DailyDigest(groups=groups, total=len(items), day=self.day)
        key = digest_key(code, audience, self.day.isoformat())
        self.letters.append(Letter(key, to, context, notices))
        self.counts["digest"] += 1

    def institution(
        self, to: Addressee | LookupError, audience: str, notices: list[Notice]
    ) -> None:
        """Everything one institution's reader hears of today."""
        if isinstance(to, LookupError):
            self.logger.warning("no recipient: %s", to)
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
        context = emails.EscalationSummary(lines=lines, day=self.day)
        self.letters.append(Letter(f"escalation-summary:{self.day}", to, context, notices))
        self.counts["summary"] += 1

    def send(self) -> None:
        """Queue the letters in one insert (a key used today again under its fallback key)."""
        new = set(self.post.queue_many([(x.key, x.to, x.context) for x in self.letters]))
        clashed = [letter for letter in self.letters if letter.key not in new]
        new |= set(self.post.queue_many([(x.fallback, x.to, x.context) for x in clashed]))
        for letter in clashed:
            if letter.fallback not in new:
                raise RuntimeError(f"{letter.key}: both keys already used")
        marks = [
            {"notice": n.id, "key": letter.key if letter.key in new else letter.fallback}
            for letter in self.letters
            for n in letter.notices
        ]
        if marks:
            mark = update(Notice).where(col(Notice.id) == bindparam("notice"))
            self.post.session.connection().execute(mark.values(bundle_key=bindparam("key")), marks)
        self.letters = []


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


def _readers(
    session: Session, places: list[tuple[str, int]]
) -> dict[tuple[str, int], Addressee | LookupError]:
    """The reader of each (audience, institution), two queries per audience."""
    found: dict[tuple[str, int], Addressee | LookupError] = {}
    for audience in {audience for audience, _ in places}:
        ids = [i for a, i in places if a == audience]
        roles = ("head", "deputy") if audience == HEAD else (FOCAL_POINT,)
        readers = addressees_for(session=session, institution_ids=ids, roles=roles)
        for i in ids:
            missing = LookupError(f"institution {i} does not exist")
            found[(audience, i)] = readers.get(i, missing)
    return found


def _summary(session: Session, bundler: Bundler, groups: dict[int, list[Notice]]) -> None:
    """The coordinator's lines, one per institution, in one summary."""
    institutions = session.exec(select(Institution).where(col(Institution.id).in_(groups))).all()
    names = {institution.id: InstitutionView.of(institution) for institution in institutions}
    lines = [
        EscalationLine(
            institution=names[i],
            level=2,
            assignments=[bundler.views[n.assignment_id] for n in members],
        )
        for i, members in sorted(groups.items())
    ]
    bundler.coordinator(lines, [n for members in groups.values() for n in members])


def _bundle(session: Session, bundler: Bundler, notices: list[Notice], settings: Settings) -> None:
    """Readers `CHUNK` at a time: their rows in a few queries, their letters in one insert."""
    groups: dict[tuple[str, int], list[Notice]] = defaultdict(list)
    for notice in notices:
        groups[(notice.audience, notice.institution_id)].append(notice)
    places = sorted(place for place in groups if place[0] != COORDINATOR)
    now, calendar = bundler.post.now, bundler.calendar
    for start in range(0, len(places), CHUNK):
        chunk = places[start : start + CHUNK]
        members = [n for place in chunk for n in groups[place]]
        bundler.views = _views(session, members, settings, calendar, now)
        readers = _readers(session, chunk)
        for place in chunk:
            bundler.institution(readers[place], place[0], groups[place])
        bundler.send()
    summary = {i: members for (audience, i), members in groups.items() if audience == COORDINATOR}
    if summary:
        members = [n for group in summary.values() for n in group]
        bundler.views = _views(session, members, settings, calendar, now)
        _summary(session, bundler, summary)
        bundler.send()


@old_objects_frozen()
def bundle_notices(
    *, engine: Engine, now: datetime, settings: Settings, calendar: WorkingCalendar, logger: Logger
) -> Counter[str]:
    """Turn the day's notices into messages: one digest per institution and audience."""
    with write_session(engine) as session:
        notices = _unbundled(session, engine.dialect.name)
        bundler = Bundler(Post(session, settings, now), calendar, logger)
        _bundle(session, bundler, notices, settings)
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
