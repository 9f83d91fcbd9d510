"""The daily sweep over ever more open assignments with the same number due."""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from bench.state import add_open_assignments
from bench.sweep_floor import plain_sweep
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from tasks.lifecycle.advance import advance_due_assignments
from tasks.lifecycle.bundle import bundle_notices
from tasks.messaging.outbox import deliver_due_messages

LOG = logging.getLogger("bench")

REPEATS = 3  # one sweep of 2,000 due rows moves by 15% from one run to the next here


def _sweep(engine: Engine, now: datetime) -> dict[str, float]:
    """Advance, bundle and deliver as the daily sweep does; seconds of each."""
    calendar = WorkingCalendar(zone=get_settings().zone)
    seconds = {}
    steps: tuple[tuple[str, Callable[[], object]], ...] = (
        (
            "advance",
            lambda: advance_due_assignments(
                engine=engine, now=now, calendar=calendar, urgent_only=False, run_id=None
            ),
        ),
        (
            "bundle",
            lambda: bundle_notices(
                engine=engine, now=now, settings=get_settings(), calendar=calendar, logger=LOG
            ),
        ),
        (
            "deliver",
            lambda: deliver_due_messages(now=now, batch_size=200, max_batches=10_000, logger=LOG),
        ),
    )
    for name, step in steps:
        started = time.perf_counter()
        step()
        seconds[name] = time.perf_counter() - started
    return seconds


def _close(engine: Engine, prefix: str) -> None:
    """Take a sweep's due rows out of the way of the next one."""
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE assignment SET status = 'done', next_action_at = NULL WHERE key LIKE :p"),
            {"p": f"{prefix}%"},
        )


def _add_due(engine: Engine, prefix: str, due: int, day: datetime) -> None:
    add_open_assignments(
        engine,
        prefix=prefix,
        count=due,
        due_at=day + timedelta(days=1),
        next_action_at=day - timedelta(hours=1),
    )


def _floor(engine: Engine, prefix: str, due: int, day: datetime, smtp_port: int) -> float:
    """The plain script's sweep over `due` rows of its own; its seconds."""
    _add_due(engine, prefix, due, day)
    calendar = WorkingCalendar(zone=get_settings().zone)
    started = time.perf_counter()
    done = plain_sweep(engine=engine, calendar=calendar, smtp_port=smtp_port, now=day)
    seconds = time.perf_counter() - started
    _close(engine, prefix)
    if done["due"] != due or not done["emails"]:
        raise RuntimeError(f"the sweep's floor did not do the whole job: {done}")
    return seconds


def _figures(
    total: int, due: int, runs: list[dict[str, float]], floors: list[float]
) -> dict[str, Any]:
    """The median sweep (its steps' seconds) beside the median floor, and every run's seconds."""
    totals = [sum(seconds.values()) for seconds in runs]
    seconds = sorted(runs, key=lambda run: sum(run.values()))[len(runs) // 2]
    whole, floor = sum(seconds.values()), median(floors)
    return {"open": total, "due": due, **seconds, "total": whole} | {
        "ms_per_due": whole / due * 1000,
        "floor": floor,
        "floor_ms_per_due": floor / due * 1000,
        "ratio_to_floor": round(whole / floor, 2),
        "runs_seconds": [round(value, 3) for value in totals],
        "floor_runs_seconds": [round(value, 3) for value in floors],
    }


def sweep_sizes(
    engine: Engine, *, totals: tuple[int, ...], due: int, now: datetime, smtp_port: int
) -> list[dict[str, Any]]:
    """For each total, sweeps over that many open assignments of which `due` are due.

    The plain script (the floor) and the sweep take turns, REPEATS times each, each over
    `due` rows of its own among the same open rows, on a working day of its own (a day's
    digest goes out once). Only the sweeps' own rows are open.
    """
    _close(engine, "")  # the rounds' assignments: due in a week, they would join later sweeps
    results, present = [], 0
    for number, total in enumerate(totals):
        later = now + timedelta(days=90)
        add_open_assignments(
            engine,
            prefix=f"sweep-{number}:",
            count=total - present - due,
            due_at=later,
            next_action_at=later,
        )
        present = total
        runs, floors = [], []
        for repeat in range(REPEATS):
            day = now + timedelta(days=number + 7 * repeat)  # Mondays and Tuesdays
            floors.append(_floor(engine, f"sweep-floor-{number}-{repeat}:", due, day, smtp_port))
            prefix = f"sweep-due-{number}-{repeat}:"
            _add_due(engine, prefix, due, day)
            runs.append(_sweep(engine, day))
            _close(engine, prefix)
        results.append(_figures(total, due, runs, floors))
    return results
