"""A monitoring round three ways: its Prefect flow, a plain script, one task run per email."""

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from prefect import flow, get_client, task
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import models.messaging.compose
import tasks.messaging.outbox
from bench.floor import plain_round
from bench.places import SmtpSink
from flows.monitoring_round import monitoring_round
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.settings import get_settings
from models.messaging.compose import Addressee
from models.messaging.emails import Post
from models.monitoring.messages import RoundOpened, rounds_opened
from models.monitoring.rounds import announcement_letters
from models.monitoring.tables import MonitoringRound
from tasks.messaging.outbox import deliver_now
from tasks.messaging.transports import SmtpTransport

DUE = date(2027, 1, 29)
Letter = tuple[str, Addressee, RoundOpened]


@dataclass
class RoundFigures:
    """One way of doing a round: how many emails, how long, at what cost each."""

    emails: int
    seconds: float
    received: int
    parts_ms: dict[str, float] = field(default_factory=dict)
    prefect_fixed_seconds: float | None = None

    @property
    def ms_per_email(self) -> float:
        return self.seconds / max(self.emails, 1) * 1000

    @property
    def emails_per_second(self) -> float:
        return self.emails / self.seconds if self.seconds else 0.0


class _Stopwatch:
    """Adds up the time spent in a few named functions while a round runs."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

        return timed


@contextmanager
def _timing_parts() -> Iterator[_Stopwatch]:
    """Time rendering, composing the wire bytes and the SMTP send inside Concord's own code."""
    watch = _Stopwatch()
    targets = [
        (models.messaging.compose, "render_message", "render"),
        (tasks.messaging.outbox, "wire_bytes", "compose"),
        (SmtpTransport, "send", "send"),
    ]
    originals = [(owner, attribute, getattr(owner, attribute)) for owner, attribute, _ in targets]
    for owner, attribute, name in targets:
        setattr(owner, attribute, watch.wrap(name, getattr(owner, attribute)))
    try:
        yield watch
    finally:
        for owner, attribute, original in originals:
            setattr(owner, attribute, original)


def _task_seconds(flow_run_id: UUID) -> float:
    """The time the flow run's task runs spent in their own code, by Prefect's account."""
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return sum(run.total_run_time.total_seconds() for run in runs)


def flow_round(
    *, strategy: str, period: str, sink: SmtpSink, now: datetime, connections: int
) -> RoundFigures:
    """The monitoring-round flow end to end: assignments, announcements rendered, queued, sent.

    The parts are summed over the sending threads: they add up to the whole only over one
    SMTP connection.
    """
    os.environ["CONCORD_SMTP_CONNECTIONS"] = str(connections)
    get_settings.cache_clear()
    before = sink.received
    with _timing_parts() as watch:
        started = time.perf_counter()
        state = monitoring_round(
            strategy=strategy, period=period, due_date=DUE, now=now, return_state=True
        )
        seconds = time.perf_counter() - started
    result = state.result()
    emails = int(result["delivery"].get("sent", 0))
    run_id = state.state_details.flow_run_id
    if run_id is None:
        raise RuntimeError("the round's final state names no flow run")
    fixed = seconds - _task_seconds(run_id)
    parts = {name: value / max(emails, 1) * 1000 for name, value in watch.seconds.items()}
    parts["database and the rest"] = (seconds - fixed) / max(emails, 1) * 1000 - sum(parts.values())
    return RoundFigures(emails, seconds, sink.received - before, parts, fixed)


def floor_round(
    *,
    engine: Engine,
    strategy: str,
    period: str,
    sink: SmtpSink,
    now: datetime,
    mark_each: bool = False,
) -> RoundFigures:
    """The same round by the plain script (marking each email sent before the next, if asked)."""
    before = sink.received
    started = time.perf_counter()
    emails = plain_round(
        engine=engine,
        strategy=strategy,
        period=period,
        smtp_port=sink.port,
        now=now,
        mark_each=mark_each,
    )
    return RoundFigures(emails, time.perf_counter() - started, sink.received - before)


@task(name="bench-announce-one", task_run_name="announce {key}")
def announce_one(key: str, to: Addressee, context: RoundOpened, now: datetime) -> dict[str, int]:
    """Render, queue and deliver one institution's announcement (the one-task-per-email design)."""
    settings = get_settings()
    with write_session(get_engine(settings.resolved_database_url())) as session:
        rounds_opened(Post(session, settings, now), [(key, to, context)])
        session.commit()
    return deliver_now(keys=[key], now=now)


@flow(name="bench-one-task-per-email")
def one_task_per_email(letters: list[Letter], now: datetime) -> int:
    """Each announcement rendered, queued and sent by a Prefect task run of its own."""
    return sum(announce_one(key, to, context, now).get("sent", 0) for key, to, context in letters)


def _letters(engine: Engine, period: str, count: int, now: datetime) -> list[Letter]:
    """`count` of a sent round's announcements again, under new keys."""
    settings = get_settings()
    with Session(engine) as session:
        round_ = session.exec(select(MonitoringRound).where(MonitoringRound.period == period)).one()
        letters, _ = announcement_letters(
            session, round_, settings, WorkingCalendar(zone=settings.zone), now
        )
    return [(f"per-task:{n}", to, context) for n, (_, to, context) in enumerate(letters[:count])]


def per_task_round(
    *, engine: Engine, period: str, count: int, sink: SmtpSink, now: datetime
) -> RoundFigures:
    """One task run per email, each rendering, queuing and sending it.

    The letters are read beforehand, outside the timing, so this is still a lower bound.
    """
    letters = _letters(engine, period, count, now)
    before = sink.received
    started = time.perf_counter()
    sent = one_task_per_email(letters, now)
    return RoundFigures(sent, time.perf_counter() - started, sink.received - before)
