"""Benchmark: the daily sweep and outbox delivery at scale. Prints figures; asserts nothing.

Usage: .venv/bin/python -m bench.sweep [--total 100000] [--due 2000] [--database-url URL]
Without --database-url it uses a throwaway SQLite file.
"""

import argparse
import logging
import os
import resource
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlmodel import Session

ZONE = ZoneInfo("Europe/Bucharest")
NOW = datetime(2026, 4, 14, 8, tzinfo=ZONE)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--institutions", type=int, default=100)
    parser.add_argument("--database-url")
    return parser.parse_args()


def main() -> None:
    args = parse()
    workdir = Path(tempfile.mkdtemp(prefix="concord-bench-"))
    os.environ["CONCORD_VAR_DIR"] = str(workdir)
    os.environ["CONCORD_DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    from models.core.calendar import WorkingCalendar
    from models.core.db import get_engine
    from models.core.migrate import upgrade
    from models.core.settings import get_settings
    from models.lifecycle.tables import Assignment
    from tasks.lifecycle.advance import advance_due_assignments
    from tasks.lifecycle.bundle import bundle_notices
    from tasks.messaging.outbox import deliver_due_messages
    from tests.support.factories import make_institution
    from tests.support.servers import SmtpServer

    server = SmtpServer()
    server.start()
    os.environ["CONCORD_SMTP_HOST"], os.environ["CONCORD_SMTP_PORT"] = "127.0.0.1", str(server.port)
    get_settings.cache_clear()
    engine = get_engine()
    upgrade(engine)
    calendar = WorkingCalendar(zone=ZONE)
    log = logging.getLogger("bench")

    with Session(engine) as session:
        owners = [make_institution(session, f"B{n}").id for n in range(args.institutions)]
    started = time.perf_counter()
    later = NOW + timedelta(days=60)
    rows = [
        {
            "key": f"k{n}",
            "kind": "monitoring-report",
            "institution_id": owners[n % len(owners)],
            "subject_type": "measure",
            "subject_ref": str(n),
            "title": f"Raport {n}",
            "due_at": NOW + timedelta(days=1) if n < args.due else later,
            "urgent": False,
            "status": "open",
            "next_action_at": NOW - timedelta(hours=1) if n < args.due else later,
            "reminders_sent": 0,
            "escalation_level": 0,
            "created_at": NOW,
            "updated_at": NOW,
        }
        for n in range(args.total)
    ]
    with engine.begin() as conn:
        conn.execute(insert(Assignment), rows)
    print(
        f"database     {engine.dialect.name}; {args.total} assignments, {args.due} due, "
        f"{args.institutions} institutions (insert {time.perf_counter() - started:.1f} s)"
    )

    timings = {}
    for name, step in (
        (
            "advance",
            lambda: advance_due_assignments(
                engine=engine, now=NOW, calendar=calendar, urgent_only=False, run_id=None
            ),
        ),
        (
            "bundle",
            lambda: bundle_notices(
                engine=engine, now=NOW, settings=get_settings(), calendar=calendar, logger=log
            ),
        ),
        (
            "deliver",
            lambda: deliver_due_messages(now=NOW, batch_size=200, max_batches=1000, logger=log),
        ),
    ):
        started = time.perf_counter()
        outcome = step()
        timings[name] = time.perf_counter() - started
        print(f"{name:12} {timings[name]:7.2f} s  {dict(outcome)}")
    per_due = sum(timings.values()) / max(args.due, 1) * 1000
    print(f"total        {sum(timings.values()):7.2f} s  ({per_due:.2f} ms per due assignment)")
    print(f"emails       {len(server.messages)} received by the SMTP server")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory  {peak:.0f} MiB")
    server.stop()


if __name__ == "__main__":
    main()
