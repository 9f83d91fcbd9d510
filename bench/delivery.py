"""Benchmark: delivering queued emails to a loopback SMTP server. Prints figures; asserts nothing.

Usage: .venv/bin/python -m bench.delivery [--messages 2000] [--database-url URL]
Each message is a realistic Romanian reminder (text and HTML, about 6 KB). The server
counts what it receives and keeps nothing, so the figures are Concord's own cost:
composing the wire bytes, the SMTP dialogue and recording each result.
"""

import argparse
import logging
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller

NOW = datetime(2027, 1, 4, 6, tzinfo=UTC)
TEXT = ("Stimați colegi, termenul raportului semestrial se împlinește în curând. " * 6 + "\n") * 8
HTML = "<html><body>" + "<p>Ședința comitetului: agenda, termenele și acțiunile.</p>" * 50


class CountingHandler:
    """Accepts every message and only counts it."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 OK"


def queue(engine: Any, count: int) -> None:
    """`count` queued emails, inserted in one statement."""
    from sqlmodel import Session, insert

    from models.messaging.outbox import OutboxMessage

    rows = [
        {
            "key": f"bench:{n}",
            "channel": "email",
            "kind": "reminder",
            "recipient": f"focal-point@i{n % 500}.example",
            "language": "ro",
            "subject": f"Memento: raportul semestrial nr. {n} — termen 15 ianuarie 2027",
            "body_text": TEXT,
            "body_html": HTML,
            "state": "queued",
            "attempts": 0,
            "next_attempt_at": NOW,
            "created_at": NOW,
        }
        for n in range(count)
    ]
    with Session(engine) as session:
        session.execute(insert(OutboxMessage), rows)
        session.commit()


def _arguments() -> argparse.Namespace:
    """The command line: how many messages, and which database."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database-url")
    return parser.parse_args()


def _start_server(handler: CountingHandler) -> tuple["Controller", int]:
    """A loopback SMTP server passing every message to `handler`; it and its port."""
    from aiosmtpd.controller import Controller

    from bench.places import free_port

    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def _configure(database_url: str | None, port: int) -> None:
    """Point Concord at a throwaway folder, its database (SQLite there by default), the server."""
    workdir = Path(tempfile.mkdtemp(prefix="concord-bench-"))
    os.environ.update(
        CONCORD_VAR_DIR=str(workdir),
        CONCORD_DATABASE_URL=database_url or f"sqlite:///{workdir / 'bench.db'}",
        CONCORD_SMTP_HOST="127.0.0.1",
        CONCORD_SMTP_PORT=str(port),
    )


def _compose_ms() -> float:
    """Milliseconds to compose one message's wire bytes, averaged over 200."""
    from models.messaging.mime import wire_bytes
    from models.messaging.outbox import OutboxMessage

    sample = OutboxMessage(
        key="x",
        channel="email",
        kind="reminder",
        recipient="a@b.example",
        language="ro",
        subject="Memento: raport",
        body_text=TEXT,
        body_html=HTML,
    )
    started = time.perf_counter()
    for _ in range(200):
        wire_bytes(sample, sender="concord@coordination.example", message_id="<x@y>", now=NOW)
    return (time.perf_counter() - started) / 200 * 1000


def _deliver() -> tuple[dict[str, int], float]:
    """Deliver every queued message; the counts by outcome and the seconds it took."""
    from tasks.messaging.outbox import deliver_due_messages

    started = time.perf_counter()
    counts = deliver_due_messages(
        now=NOW, batch_size=200, max_batches=10_000, logger=logging.getLogger("bench")
    )
    return counts, time.perf_counter() - started


def _print_figures(
    database: str,
    messages: int,
    counts: dict[str, int],
    received: int,
    elapsed: float,
    compose_ms: float,
) -> None:
    """The figures: what was sent and received, the cost per email and the throughput."""
    size, per_email = len(TEXT) + len(HTML), elapsed / messages * 1000
    print(f"database      {database}; {messages} emails of {size} characters")
    print(f"delivered     {counts.get('sent', 0)} sent, {received} received by the server")
    print(f"per email     {per_email:.2f} ms in all, of which composing {compose_ms:.2f} ms")
    print(f"throughput    {messages / elapsed:.0f} emails per second")


def main() -> None:
    """Queue the messages, deliver them to a counting server and print the figures."""
    args = _arguments()
    handler = CountingHandler()
    controller, port = _start_server(handler)
    _configure(args.database_url, port)
    from models.core.db import get_engine
    from models.core.migrate import upgrade

    engine = get_engine()
    upgrade(engine)
    queue(engine, args.messages)
    compose_ms = _compose_ms()
    counts, elapsed = _deliver()
    controller.stop()
    _print_figures(
        engine.dialect.name, args.messages, counts, handler.received, elapsed, compose_ms
    )


if __name__ == "__main__":
    main()
