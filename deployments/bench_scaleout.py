"""`concord bench --workers 1,2,4`: rounds and sweeps on the shared-server layout.

For each number of workers, a fresh PostgreSQL database gets the synthetic mechanism and the
layout of `concord up --shared` starts with that many workers, each taking one run at a time.
As many monitoring rounds as workers then run at once through their deployment (emails per
second over all of them), and as many daily sweeps at once share the same due rows (status
writes per second).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, col

from bench.places import SmtpSink, drop_database, free_port, postgres_database, use_database
from bench.sizes import Size, reference_document
from bench.state import add_open_assignments
from deployments.prefect_api import PrefectApi
from deployments.shared_stack import SharedStack
from deployments.stack import Ports
from models.core.history import StatusEvent
from models.core.settings import get_settings
from models.messaging.outbox import OutboxMessage
from models.reference.loader import load_reference

Say = Callable[[str], None]
PERIODS = ("2025-S1", "2025-S2", "2026-S1", "2026-S2", "2027-S1", "2027-S2", "2028-S1", "2028-S2")
NOW = datetime.fromisoformat("2027-01-04T08:00:00+02:00")
DUE = "2027-01-29"
SENT = select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.state) == "sent")


def _load(engine: Engine, size: Size) -> str:
    doc, strategy = reference_document(size)
    with Session(engine) as session:
        load_reference(session=session, doc=doc, source="bench", now=NOW)
        session.commit()
    return strategy


def _wall_seconds(api: PrefectApi, runs: list[str]) -> float:
    """From the first run's start to the last one's end, by Prefect's clock."""
    found = [api.run(run) for run in runs]
    starts = [datetime.fromisoformat(r["start_time"]) for r in found]
    ends = [datetime.fromisoformat(r["end_time"]) for r in found]
    return (max(ends) - min(starts)).total_seconds()


def _run_all(api: PrefectApi, deployment: str, parameters: list[dict[str, Any]]) -> float:
    """Start one run per parameter set at once; their wall time once all completed."""
    found = api.deployments()[deployment]
    runs = [api.start(found, p) for p in parameters]
    states = api.wait(runs, timeout=3600)
    if set(states.values()) != {"COMPLETED"}:
        raise RuntimeError(f"{deployment} runs ended {sorted(states.values())}")
    return _wall_seconds(api, runs)


def _count(engine: Engine, query: Any) -> int:
    with Session(engine) as session:
        return int(session.execute(query).scalar_one())


def _rounds(api: PrefectApi, engine: Engine, strategy: str, workers: int) -> dict[str, float]:
    """As many rounds as workers, at once."""
    parameters = [
        {"strategy": strategy, "period": period, "due_date": DUE, "now": NOW.isoformat()}
        for period in PERIODS[:workers]
    ]
    seconds = _run_all(api, "monitoring-round", parameters)
    emails = _count(engine, SENT)
    return {"rounds": workers, "emails": emails, "seconds": round(seconds, 2)} | {
        "emails_per_second": round(emails / seconds, 1)
    }


def _sweeps(api: PrefectApi, engine: Engine, size: Size, workers: int) -> dict[str, float]:
    """As many daily sweeps as workers, at once, over the same due rows."""
    day = NOW + timedelta(days=1)
    add_open_assignments(
        engine,
        prefix="scale-out-due:",
        count=size.sweep_due,
        due_at=day + timedelta(days=1),
        next_action_at=day - timedelta(hours=1),
    )
    events = select(func.count()).select_from(StatusEvent)
    before, sent_before = _count(engine, events), _count(engine, SENT)
    seconds = _run_all(api, "daily-sweep", [{"now": day.isoformat()}] * workers)
    writes = _count(engine, events) - before
    emails = _count(engine, SENT) - sent_before
    return {"sweeps": workers, "due": size.sweep_due, "status_writes": writes} | {
        "emails": emails,
        "seconds": round(seconds, 2),
        "status_writes_per_second": round(writes / seconds, 1),
    }


def _one_layout(
    size: Size, workers: int, server: str, sink: SmtpSink, folder: Path, say: Say
) -> dict[str, Any]:
    """The rounds and sweeps with `workers` workers, on a database of their own."""
    with postgres_database(server) as url:
        engine = use_database(url, folder, sink.port)
        strategy = _load(engine, size)
        ports = Ports(free_port(), free_port(), free_port())
        stack = SharedStack(
            settings=get_settings(), ports=ports, say=say, workers=workers, worker_limit=1
        )
        try:
            stack.start()
            api = PrefectApi(stack.api_url)
            result = {"round": _rounds(api, engine, strategy, workers)}
            result["sweep"] = _sweeps(api, engine, size, workers)
        finally:
            stack.stop()
            engine.dispose()
            prefect = stack.prefect_database()["PREFECT_SERVER_DATABASE_CONNECTION_URL"]
            drop_database(server, str(make_url(prefect).database))
    return result


def scale_out(
    size: Size, workers: list[int], server: str, sink: SmtpSink, workdir: Path, say: Say
) -> dict[str, Any]:
    """Each number of workers' figures, by that number."""
    figures = {}
    for count in workers:
        say(f"— shared-server layout, {count} worker(s) —")
        figures[str(count)] = _one_layout(
            size, count, server, sink, workdir / f"workers-{count}", say
        )
        say(f"{count} worker(s): {figures[str(count)]}")
    return figures


def shared_rows(results: dict[str, Any]) -> list[list[str]]:
    """The shared-server figures as a heading row and one row per measurement (or none)."""
    figures = results.get("shared_server") or {}
    if not figures:
        return []
    rounds, sweeps = ["one round per worker, at once"], ["one daily sweep per worker, same rows"]
    for each in figures.values():
        rounds.append(
            f"{each['round']['emails']:,} emails, {each['round']['emails_per_second']:,.0f}/s"
        )
        sweep = each["sweep"]
        sweeps.append(
            f"{sweep['status_writes']:,} writes, {sweep['status_writes_per_second']:,.0f}/s"
        )
    return [["shared-server layout", *(f"{n} worker(s)" for n in figures)], rounds, sweeps]


def shared_markdown(results: dict[str, Any]) -> str:
    """The shared-server figures as a Markdown table (empty without them)."""
    table = shared_rows(results)
    if not table:
        return ""
    lines = ["", "| " + " | ".join(table[0]) + " |", "|---|" + "---|" * (len(table[0]) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in table[1:]]
    return "\n".join(lines) + "\n"
