"""Claiming due messages: marked `sending` with a lease, so that racing workers skip them."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.types import utcnow
from models.messaging.outbox import LEASED, WAITING, DeliveryState, OutboxMessage
from tasks.messaging.transports import patiently


def lease_clock() -> datetime:
    """The wall clock leases run on, whatever moment the flow that delivers works as of.

    A sweep run as of tomorrow must not take over what a round run as of today is sending.
    """
    return utcnow()


def _lapsed(leased_at: datetime, lease_seconds: int) -> Any:
    """Messages left `sending` past their lease: their worker crashed."""
    cutoff = leased_at - timedelta(seconds=lease_seconds)
    return select(OutboxMessage.id).where(LEASED, col(OutboxMessage.claimed_at) < cutoff)


def _waiting(now: datetime) -> Any:
    """Queued messages, and failed ones whose next attempt is due by `now`."""
    return select(OutboxMessage.id).where(WAITING, col(OutboxMessage.next_attempt_at) <= now)


def _claim(engine: Engine, due: Any, limit: int, keys: list[str] | None, at: datetime) -> Any:
    """The UPDATE that leases the first `limit` of `due` by id, returning their ids.

    The states are written as in the partial indexes, not as bound values, so that both
    databases see that those indexes apply.
    """
    due = due.order_by(col(OutboxMessage.id)).limit(limit)
    if keys is not None:
        due = due.where(col(OutboxMessage.key).in_(keys))
    if engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return (
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(due.scalar_subquery()))
        .values(state=DeliveryState.SENDING, claimed_at=at)
        .returning(col(OutboxMessage.id))
    )


def claim_batch(
    *,
    engine: Engine,
    now: datetime,
    limit: int,
    lease_seconds: int,
    keys: list[str] | None = None,
    patience: float = 0.0,
) -> list[int]:
    """Mark up to `limit` due messages `sending` and return their ids; racing workers skip them.

    A message left `sending` longer than the lease by the wall clock (its worker crashed) is
    due again, and comes first. Each kind is looked up on an index of its own, which holds
    no entry for the messages already sent.
    `keys` limits the claim to those messages (an answer's confirmation, sent at once).
    An unreachable database is tried again for up to `patience` seconds.
    """
    leased_at = lease_clock()

    def attempt() -> list[int]:
        with Session(engine) as session:
            if engine.dialect.name == "postgresql":
                # a plain index scan marks the entries sent messages left behind as dead the
                # first time it meets them; a bitmap scan would visit them all, every claim
                session.execute(text("SET LOCAL enable_bitmapscan = off"))
            lapsed = _claim(engine, _lapsed(leased_at, lease_seconds), limit, keys, leased_at)
            ids = list(session.execute(lapsed).scalars())
            if len(ids) < limit:
                waiting = _claim(engine, _waiting(now), limit - len(ids), keys, leased_at)
                ids += session.execute(waiting).scalars()
            session.commit()
        return sorted(ids)

    return patiently(attempt, seconds=patience)
