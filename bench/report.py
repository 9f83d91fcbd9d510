"""The consolidated report over many submissions, measured in a process of its own.

`python -m bench.report DATABASE_URL ROUND_ID FOLDER` builds and writes the report and
prints its time and peak memory as JSON; a separate process keeps the peak honest.
"""

import json
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from bench.state import all_ids, institution_range, new_id, one_id
from models.core.documents import PdfPrinter
from models.lifecycle.tables import Assignment
from models.monitoring.report import PROGRESS
from models.monitoring.tables import MonitoringRound, Submission
from models.reference.strategy import Measure, Strategy


def _pairs(engine: Engine, strategy: str, count: int) -> tuple[int, list[tuple[int, int]]]:
    """The strategy's id and `count` distinct (measure, institution) pairs."""
    with engine.connect() as conn:
        strategy_id = one_id(conn, select(col(Strategy.id)).where(col(Strategy.code) == strategy))
        measures = all_ids(
            conn, select(col(Measure.id)).where(col(Measure.strategy_id) == strategy_id)
        )
        first, institutions = institution_range(conn)
    count = min(count, len(measures) * institutions)
    pairs = [(measures[n % len(measures)], first + n // len(measures)) for n in range(count)]
    return strategy_id, pairs


def answered_round(engine: Engine, *, strategy: str, count: int, now: datetime) -> tuple[int, int]:
    """A past round with `count` answered submissions; its id and the count made."""
    strategy_id, pairs = _pairs(engine, strategy, count)
    due = now - timedelta(days=200)
    with engine.begin() as conn:
        round_id = _insert_locked_round(conn, strategy_id, due)
        ids = _insert_done_reports(conn, pairs, due)
        _insert_submissions(conn, round_id, ids, pairs, due)
    return round_id, len(pairs)


def _insert_locked_round(conn: Connection, strategy_id: int, due: datetime) -> int:
    """A locked 2025-S2 round of the strategy, due at `due`; its id."""
    return new_id(
        conn.execute(
            insert(MonitoringRound).values(
                strategy_id=strategy_id,
                period="2025-S2",
                opens_at=due - timedelta(days=30),
                due_at=due,
                lock_at=due + timedelta(days=10),
                status="locked",
                created_at=due,
            )
        )
    )


def _insert_done_reports(
    conn: Connection, pairs: list[tuple[int, int]], due: datetime
) -> dict[str, int | None]:
    """One done report assignment per (measure, institution) pair; their ids by key."""
    common = {"kind": "monitoring-report", "subject_type": "measure", "due_at": due}
    common |= {"status": "done", "created_at": due, "updated_at": due}
    conn.execute(
        insert(Assignment),
        [
            common
            | {
                "key": f"report:{n}",
                "institution_id": i,
                "subject_ref": str(m),
                "title": f"Raport {n}",
            }
            for n, (m, i) in enumerate(pairs)
        ],
    )
    keys = select(col(Assignment.key), col(Assignment.id))
    return dict(conn.execute(keys.where(col(Assignment.key).like("report:%"))).tuples().all())


def _insert_submissions(
    conn: Connection,
    round_id: int,
    ids: dict[str, int | None],
    pairs: list[tuple[int, int]],
    due: datetime,
) -> None:
    """An answered submission for each report, varied in progress, value and timeliness."""
    conn.execute(
        insert(Submission),
        [
            {
                "round_id": round_id,
                "assignment_id": ids[f"report:{n}"],
                "measure_id": m,
                "institution_id": i,
                "progress": PROGRESS[n % 4],
                "indicator_value": str(n % 50),
                "narrative": "Activități desfășurate conform planului, cu parteneri locali.",
                "submitted_at": due - timedelta(days=n % 5),
                "on_time": n % 7 != 0,
            }
            for n, (m, i) in enumerate(pairs)
        ],
    )


def measure_report(url: str, round_id: int, folder: Path) -> dict[str, Any]:
    """Run the report in a child process; its seconds and peak memory."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.report", url, str(round_id), str(folder)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    if done.returncode != 0:
        raise RuntimeError(f"the report process failed: {done.stderr.strip()[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _peak_mib(status: Path = Path("/proc/self/status")) -> float:
    """A process's peak resident memory (VmHWM: ru_maxrss keeps the forking parent's)."""
    try:
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if status.name == "self" else 0.0
    )


def _printer_peak_mib(page: Path, target: Path) -> float:
    """The PDF printer's own peak memory, sampled while it prints the page once more."""
    peak = 0.0
    with PdfPrinter(page, target) as printer:
        printer.print()
        status = Path(f"/proc/{printer.process.pid}/status")
        while printer.process.poll() is None:
            peak = max(peak, _peak_mib(status))
            time.sleep(0.01)
        printer.wait()
    return peak


def main(url: str, round_id: int, folder: Path) -> None:
    """Build the report's figures, then write its HTML, PDF, workbook and CSVs."""
    from models.core.db import get_engine, read_scope
    from models.core.settings import get_settings
    from models.monitoring.report import build_round_report
    from models.monitoring.report_files import write_report

    engine = get_engine(url)
    baseline = _peak_mib()
    started = time.perf_counter()
    with read_scope(engine) as session:
        round_ = session.get(MonitoringRound, round_id)
        assert round_ is not None
        report = build_round_report(session=session, round_=round_)
    built = time.perf_counter()
    after_build = _peak_mib()
    files = write_report(report, None, folder, get_settings().zone, datetime.now().astimezone())
    written = time.perf_counter()
    figures = {
        "build_seconds": built - started,
        "files_seconds": written - built,
        "baseline_mib": baseline,
        "build_peak_mib": after_build,
        "peak_mib": _peak_mib(),
        "printer_peak_mib": _printer_peak_mib(files.html, folder / "again.pdf"),
        "measures": len(report.measures),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
