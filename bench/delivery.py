"""Benchmark: delivering queued emails to a loopback SMTP server. Prints figures; asserts nothing.

Usage: .venv/bin/python -m bench.delivery [--messages 2000] [--database-url URL]
Each message is a realistic Romanian reminder (text and HTML, about 6 KB). The server
counts what it receives and keeps nothing, so the figures are Concord's own cost:
composing the wire bytes, the SMTP dialogue and recording each result.
"""

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    from bench.places import free_port

    port = free_port()
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    workdir = Path(tempfile.mkdtemp(prefix="concord-bench-"))
    os.environ.update(
        CONCORD_VAR_DIR=str(workdir),
        CONCORD_DATABASE_URL=args.database_url or f"sqlite:///{workdir / 'bench.db'}",
        CONCORD_SMTP_HOST="127.0.0.1",
        CONCORD_SMTP_PORT=str(port),
    )
    import logging

    from models.core.db import get_engine
    from models.core.migrate import upgrade
    from models.messaging.mime import wire_bytes
    from models.messaging.outbox import OutboxMessage
    from tasks.messaging.outbox import deliver_due_messages

    engine = get_engine()
    upgrade(engine)
    queue(engine, args.messages)
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
    compose_ms = (time.perf_counter() - started) / 200 * 1000
    started = time.perf_counter()
    counts = deliver_due_messages(
        now=NOW, batch_size=200, max_batches=10_000, logger=logging.getLogger("bench")
    )
    elapsed = time.perf_counter() - started
    controller.stop()
    size, per_email = len(TEXT) + len(HTML), elapsed / args.messages * 1000
    print(f"database      {engine.dialect.name}; {args.messages} emails of {size} characters")
    print(f"delivered     {counts.get('sent', 0)} sent, {handler.received} received by the server")
    print(f"per email     {per_email:.2f} ms in all, of which composing {compose_ms:.2f} ms")
    print(f"throughput    {args.messages / elapsed:.0f} emails per second")


if __name__ == "__main__":
    main()
