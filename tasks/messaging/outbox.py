"""Delivering the outbox: claim a batch, send it over a few connections, record each result."""

import logging
import threading
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from prefect import get_run_logger, task
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.db import get_engine
from models.core.heap import old_objects_frozen
from models.core.settings import Settings, get_settings
from models.messaging.mime import BadAddressError, recipients_of, wire_bytes
from models.messaging.outbox import (
    Channel,
    DeliveryState,
    OutboxAttachment,
    OutboxMessage,
    attachments_of,
    message_id_for,
)
from models.reference.institutions import Institution
from tasks.messaging.claim import claim_batch
from tasks.messaging.results import RECORD_FAILURE, RECORD_SENT, ResultWriter, results_connection
from tasks.messaging.transports import (
    DeliveryError,
    SmtpTransport,
    patience_for,
    patiently,
    post_webhook,
)

RETRY_BASE_SECONDS, RETRY_CAP_SECONDS = 60, 3600


@dataclass
class BatchResult:
    """Counts of one batch, plus the errors worth showing."""

    claimed: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff from one minute, capped at one hour."""
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_CAP_SECONDS))


def _record_failure(
    results: ResultWriter,
    message: OutboxMessage,
    error: DeliveryError,
    now: datetime,
    attempts_max: int,
) -> tuple[str, bool]:
    """The failure's state on the message's row, and whether the message was still ours."""
    attempts = message.attempts + (0 if error.connection else 1)
    if error.permanent or attempts >= attempts_max:
        state = DeliveryState.DEAD
        reason = str(error) if error.permanent else f"gave up after {attempts} attempts: {error}"
    else:
        state, reason = DeliveryState.FAILED, str(error)
    ours = results.write(
        RECORD_FAILURE,
        message,
        state=state,
        attempts=attempts,
        last_error=reason[:1000],
        next_attempt_at=now + retry_delay(attempts),
    )
    return state, ours


def _send_email(
    smtp: SmtpTransport,
    message: OutboxMessage,
    settings: Settings,
    now: datetime,
    files: list[OutboxAttachment],
) -> str | None:
    try:
        recipients = recipients_of(message.recipient)
        data = wire_bytes(
            message,
            sender=str(settings.sender),
            message_id=message_id_for(message.key, settings.sender_domain),
            now=now,
            attachments=files,
        )
    except (BadAddressError, ValueError) as exc:
        raise DeliveryError(f"malformed message: {exc}", permanent=True) from None
    refused = smtp.send(data, str(settings.sender), recipients)
    return f"refused recipients: {', '.join(refused)}" if refused else None


@dataclass
class _Batch:
    """What every sender of one batch shares."""

    engine: Engine
    settings: Settings
    now: datetime
    codes: dict[int | None, str]
    files: dict[str, list[OutboxAttachment]]
    turn: AbstractContextManager[Any]
    patience: float


def _deliver_one(
    batch: _Batch, message: OutboxMessage, smtp: SmtpTransport, http: httpx.Client | None
) -> str | None:
    if message.channel == Channel.WEBHOOK:
        assert http is not None
        post_webhook(
            http,
            url=message.recipient,
            body=message.body_text,
            institution_code=batch.codes.get(message.institution_id, ""),
            settings=batch.settings,
        )
        return None
    files = batch.files.get(message.key, [])
    return _send_email(smtp, message, batch.settings, batch.now, files)


def _send_share(batch: _Batch, messages: list[OutboxMessage]) -> BatchResult:
    """One sender: its own SMTP connection and database connection, a result per message."""
    result, server_down = BatchResult(), None
    webhooks = any(message.channel == Channel.WEBHOOK for message in messages)
    client = httpx.Client() if webhooks else nullcontext(None)  # its TLS setup costs 25 ms
    with (
        results_connection(batch.engine) as conn,
        SmtpTransport(batch.settings) as smtp,
        client as http,
    ):
        results = ResultWriter(conn, batch.turn, batch.patience)
        for position, message in enumerate(messages):
            try:
                if server_down is not None and message.channel == Channel.EMAIL:
                    raise server_down
                note = _deliver_one(batch, message, smtp, http)
            except DeliveryError as error:
                if error.connection and message.channel == Channel.EMAIL:
                    server_down = error
                attempts_max = batch.settings.outbox_max_attempts
                state, ours = _record_failure(results, message, error, batch.now, attempts_max)
                result.counts[str(state)] += 1
                result.errors.append(f"{message.key}: {error}")
            else:
                sent = {"state": DeliveryState.SENT, "sent_at": batch.now, "last_error": note}
                ours = results.write(RECORD_SENT, message, **sent, attempts=message.attempts + 1)
                result.counts["sent"] += 1
            if not ours:  # reclaimed by another run, which sends the rest
                result.counts["reclaimed"] += len(messages) - position - 1
                break
    return result


def _load(
    engine: Engine, ids: list[int]
) -> tuple[list[OutboxMessage], dict[int | None, str], dict[str, list[OutboxAttachment]]]:
    """The claimed messages, the institutions' codes and the messages' attachments."""
    with Session(engine, expire_on_commit=False) as session:
        query = select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))
        messages = list(session.exec(query.order_by(col(OutboxMessage.id))).all())
        hooked = {m.institution_id for m in messages if m.channel == Channel.WEBHOOK}
        owners = select(Institution.id, Institution.code).where(col(Institution.id).in_(hooked))
        codes: dict[int | None, str] = dict(session.exec(owners).all())  # webhooks' owners only
        files = attachments_of(session=session, keys=[m.key for m in messages])
    return messages, codes, files


def deliver_batch(
    *, engine: Engine, ids: list[int], now: datetime, settings: Settings
) -> BatchResult:
    """Send the claimed messages over up to `smtp_connections` connections at once.

    One failure is recorded on its row and never stops the batch.
    """
    patience = patience_for(settings)
    messages, codes, files = patiently(lambda: _load(engine, ids), seconds=patience)
    turn = threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
    batch = _Batch(engine, settings, now, codes, files, turn, patience)
    senders = max(1, min(settings.smtp_connections, len(messages)))
    shares: list[list[OutboxMessage]] = [[] for _ in range(senders)]
    for message in messages:  # one recipient, one connection: an update never passes its invite
        shares[zlib.crc32(message.recipient.encode()) % senders].append(message)
    with ThreadPoolExecutor(max_workers=senders, thread_name_prefix="smtp") as pool:
        parts = list(pool.map(lambda share: _send_share(batch, share), filter(None, shares)))
    result = BatchResult(claimed=len(ids))
    for part in parts:
        result.counts.update(part.counts)
        result.errors.extend(part.errors)
    return result


@old_objects_frozen()
def deliver_due_messages(
    *,
    now: datetime,
    batch_size: int,
    max_batches: int,
    logger: logging.Logger | logging.LoggerAdapter[Any],
) -> dict[str, int]:
    """Deliver due messages batch by batch until none is left; returns counts by outcome."""
    settings = get_settings()
    engine = get_engine(settings.resolved_database_url())
    totals: Counter[str] = Counter()
    for number in range(1, max_batches + 1):
        ids = claim_batch(
            engine=engine,
            now=now,
            limit=batch_size,
            lease_seconds=settings.outbox_lease_seconds,
            patience=patience_for(settings),
        )
        if not ids:
            break
        result = deliver_batch(engine=engine, ids=ids, now=now, settings=settings)
        totals.update(claimed=result.claimed, **result.counts)
        logger.info("batch %d: %d messages, %s", number, result.claimed, dict(result.counts))
        for error in result.errors[:20]:
            logger.warning("not delivered: %s", error)
        if len(ids) < batch_size:
            break
    return dict(totals)


def deliver_now(*, keys: list[str], now: datetime) -> dict[str, int]:
    """Deliver these messages at once, through the same claim, leases and retries as a batch.

    Without a configured mail server nothing is tried: the next dispatch run sends them.
    """
    settings = get_settings()
    if not keys or not settings.smtp_host:
        return {}
    engine = get_engine(settings.resolved_database_url())
    ids = claim_batch(
        engine=engine,
        now=now,
        limit=len(keys),
        lease_seconds=settings.outbox_lease_seconds,
        keys=keys,
        patience=patience_for(settings),
    )
    return dict(deliver_batch(engine=engine, ids=ids, now=now, settings=settings).counts)


@task(name="deliver-outbox", task_run_name="deliver outbox")
def deliver_outbox(now: datetime, batch_size: int = 200, max_batches: int = 50) -> dict[str, int]:
    """Deliver every due message (the step other flows call at their end)."""
    return deliver_due_messages(
        now=now, batch_size=batch_size, max_batches=max_batches, logger=get_run_logger()
    )
