"""`concord bench`: every measurement at one size, on SQLite and PostgreSQL, in one run."""

import json
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bench.places import SmtpSink, machine, postgres_database, use_database
from bench.report import answered_round, measure_report
from bench.rounds import RoundFigures, floor_round, flow_round, per_task_round
from bench.sizes import Size, reference_document
from bench.state import add_status_history
from bench.sweeps import sweep_sizes
from bench.writers import status_writes
from models.reference.loader import load_reference

NOW = datetime(2027, 1, 4, 8, tzinfo=ZoneInfo("Europe/Bucharest"))
WORKERS = (1, 2, 4)
# the floor and the flow run in turn, three times each, and each is its median run: on a
# shared 2-core host one run of each moves by 15% from one run to the next
FLOOR_PERIODS = ("2026-S1", "2028-S1", "2028-S2")
FLOW_PERIODS = ("2026-S2", "2027-S2", "2024-S2")
Say = Callable[[str], None]


@contextmanager
def _timed(say: Say, label: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    say(f"{label} ({time.perf_counter() - started:.1f} s)")


def _round_figures(figures: RoundFigures, floor: RoundFigures | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "emails": figures.emails,
        "received": figures.received,
        "seconds": round(figures.seconds, 3),
        "ms_per_email": round(figures.ms_per_email, 3),
        "emails_per_second": round(figures.emails_per_second, 1),
    }
    if floor is not None:
        result["ratio_to_floor"] = round(figures.ms_per_email / floor.ms_per_email, 2)
    if figures.parts_ms:
        result["parts_ms"] = {name: round(ms, 3) for name, ms in figures.parts_ms.items()}
    if figures.prefect_fixed_seconds is not None:
        result["prefect_fixed_seconds"] = round(figures.prefect_fixed_seconds, 3)
    return result


def _load(engine: Any, size: Size, say: Say) -> str:
    doc, strategy = reference_document(size)
    loaded = f"mechanism loaded: {len(doc.institutions):,} institutions"
    with _timed(say, loaded), Session(engine) as session:
        load_reference(session=session, doc=doc, source="bench", now=NOW)
        session.commit()
    with _timed(say, f"status history: {size.status_events:,} events"):
        add_status_history(engine, count=size.status_events, at=NOW)
    return strategy


def _median(runs: list[RoundFigures]) -> RoundFigures:
    """The run whose time is the median of the runs'."""
    return sorted(runs, key=lambda figures: figures.seconds)[len(runs) // 2]


def _alternating(
    engine: Any, strategy: str, sink: SmtpSink, say: Say, connections: int
) -> tuple[list[RoundFigures], list[RoundFigures]]:
    """The floor and the flow in turn, REPEATS times each: their runs, floor's first."""
    floors, flows = [], []
    for floor_period, flow_period in zip(FLOOR_PERIODS, FLOW_PERIODS, strict=True):
        floors.append(
            floor_round(engine=engine, strategy=strategy, period=floor_period, sink=sink, now=NOW)
        )
        flows.append(
            flow_round(
                strategy=strategy, period=flow_period, sink=sink, now=NOW, connections=connections
            )
        )
        say(
            f"plain script {floors[-1].seconds:.1f} s, the flow over {connections} connections "
            f"{flows[-1].seconds:.1f} s ({flows[-1].emails:,} emails each)"
        )
    return floors, flows


def _rounds(
    engine: Any, strategy: str, size: Size, sink: SmtpSink, say: Say, connections: int
) -> dict[str, Any]:
    # the first flow run of the process also loads the duties and compiles the templates
    one = flow_round(strategy=strategy, period="2025-S1", sink=sink, now=NOW, connections=1)
    say(f"monitoring-round flow, one connection: {one.emails:,} emails in {one.seconds:.1f} s")
    floors, flows = _alternating(engine, strategy, sink, say, connections)
    floor, concord = _median(floors), _median(flows)
    each = floor_round(
        engine=engine, strategy=strategy, period="2027-S1", sink=sink, now=NOW, mark_each=True
    )
    say(f"plain script marking each email: {each.emails:,} emails in {each.seconds:.1f} s")
    per_task = per_task_round(
        engine=engine, period=FLOW_PERIODS[0], count=size.per_task_emails, sink=sink, now=NOW
    )
    say(f"one task run per email: {per_task.emails:,} emails in {per_task.seconds:.1f} s")
    return {
        "floor": _round_figures(floor, None) | _runs(floors),
        "floor_marking_each": _round_figures(each, floor),
        "flow": _round_figures(concord, floor) | _runs(flows) | {"smtp_connections": connections},
        "flow_one_connection": _round_figures(one, floor),
        "task_per_email": _round_figures(per_task, floor),
        "flow_vs_task_per_email": round(per_task.ms_per_email / concord.ms_per_email, 1),
    }


def _runs(runs: list[RoundFigures]) -> dict[str, list[float]]:
    return {"runs_seconds": [round(figures.seconds, 3) for figures in runs]}


def _database(
    name: str, url: str, size: Size, sink: SmtpSink, workdir: Path, say: Say, connections: int
) -> dict[str, Any]:
    """Every measurement on one database."""
    engine = use_database(url, workdir, sink.port)
    strategy = _load(engine, size, say)
    result: dict[str, Any] = {"round": _rounds(engine, strategy, size, sink, say, connections)}
    with _timed(say, "sweeps"):
        result["sweeps"] = sweep_sizes(
            engine, totals=size.sweep_totals, due=size.sweep_due, now=NOW, smtp_port=sink.port
        )
    with _timed(say, "report"):
        round_id, count = answered_round(
            engine, strategy=strategy, count=size.report_submissions, now=NOW
        )
        result["report"] = {"submissions": count} | measure_report(
            url, round_id, workdir / f"report-{name}"
        )
    if name == "postgresql":
        result["status_writes_per_second"] = {
            str(workers): round(
                status_writes(engine, url, workers=workers, each=size.writes_per_worker, now=NOW)
            )
            for workers in WORKERS
        }
        say(f"status writes per second: {result['status_writes_per_second']}")
    engine.dispose()
    return result


def _quiet_prefect(stack: ExitStack) -> None:
    """A temporary Prefect API unless one is configured; flow logs only when they warn."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_SERVER_ANALYTICS_ENABLED,
        temporary_settings,
    )
    from prefect.testing.utilities import prefect_test_harness

    quiet = {PREFECT_SERVER_ANALYTICS_ENABLED: False, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    stack.enter_context(temporary_settings(quiet))
    if not PREFECT_API_URL.value():
        stack.enter_context(prefect_test_harness(server_startup_timeout=120))
    logging.getLogger("prefect").setLevel(logging.WARNING)


def run(
    size: Size,
    databases: list[str],
    postgres_server: str,
    output: Path,
    say: Say,
    connections: int,
) -> tuple[dict[str, Any], Path]:
    """Measure `size` on each database; write the JSON results; return them and their path.

    The round runs twice through its flow: over `connections` SMTP connections, and over
    one, where the per-email parts add up to the whole.
    """
    started = time.perf_counter()
    results: dict[str, Any] = {"size": size.name, "when": datetime.now().astimezone().isoformat()}
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="concord-bench-")))
        sink = stack.enter_context(SmtpSink())
        with _timed(say, "Prefect API ready"):
            _quiet_prefect(stack)
        for name in databases:
            say(f"— {name} —")
            with ExitStack() as place:
                url = (
                    place.enter_context(postgres_database(postgres_server))
                    if name == "postgresql"
                    else f"sqlite:///{workdir / 'bench.db'}"
                )
                results[name] = _database(name, url, size, sink, workdir, say, connections)
    results["machine"] = machine(postgres_server if "postgresql" in databases else None)
    results["seconds"] = round(time.perf_counter() - started, 1)
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"{size.name}-{datetime.now():%Y%m%d-%H%M}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return results, path
