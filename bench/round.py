"""Benchmark: opening a monitoring round of many reports. Prints figures; asserts nothing.

Usage: .venv/bin/python -m bench.round [--institutions 600] [--measures 50] [--database-url URL]
(600 x 50 = 30,000 report assignments, each institution responsible for every measure.)
"""

import argparse
import logging
import os
import resource
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

NOW = datetime(2027, 1, 4, 8, tzinfo=ZoneInfo("Europe/Bucharest"))


def reference(institutions: int, measures: int) -> dict[str, object]:
    """A synthetic strategy where every institution answers for every measure."""
    codes = [f"I{n:04d}" for n in range(institutions)]
    return {
        "version": 1,
        "institutions": [
            {
                "code": c,
                "name": f"Institution {c}",
                "kind": "agency",
                "contacts": [{"role": "focal-point", "email": f"fp@{c.lower()}.example"}],
            }
            for c in codes
        ],
        "strategies": [
            {
                "code": "BENCH",
                "name": "Bench",
                "starts": "2024-01-01",
                "ends": "2028-12-31",
                "objectives": [
                    {
                        "code": "OG1",
                        "pillar": "prevention",
                        "title": "t",
                        "specific": [
                            {
                                "code": "OS1",
                                "title": "t",
                                "measures": [
                                    {
                                        "code": f"M{m}",
                                        "title": f"Measure {m}",
                                        "indicator": "i",
                                        "recurrence": "annual",
                                        "responsible": codes,
                                    }
                                    for m in range(measures)
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--institutions", type=int, default=600)
    parser.add_argument("--measures", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="concord-bench-"))
    os.environ["CONCORD_VAR_DIR"] = str(workdir)
    os.environ["CONCORD_DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    import yaml
    from sqlmodel import Session

    from models.core.calendar import WorkingCalendar
    from models.core.db import get_engine
    from models.core.migrate import upgrade
    from models.core.settings import get_settings
    from models.reference.document import parse_reference_document
    from models.reference.loader import load_reference
    from tasks.monitoring.rounds import announce_round, create_round_assignments, open_round

    engine = get_engine()
    upgrade(engine)
    calendar = WorkingCalendar(zone=get_settings().zone)
    started = time.perf_counter()
    doc = parse_reference_document(yaml.safe_dump(reference(args.institutions, args.measures)))
    with Session(engine) as session:
        load_reference(session=session, doc=doc, source="bench", now=NOW)
        session.commit()
    print(
        f"database     {engine.dialect.name}; {args.institutions} institutions x "
        f"{args.measures} measures (reference load {time.perf_counter() - started:.1f} s)"
    )
    round_id = open_round(
        engine=engine,
        strategy_code="BENCH",
        period_label="2026-S2",
        due_date=date(2027, 1, 15),
        working_days_after_end=20,
        lock_after_days=10,
        calendar=calendar,
        now=NOW,
    )
    for name, run in (
        (
            "create",
            lambda: create_round_assignments(
                engine=engine, round_id=round_id, calendar=calendar, now=NOW
            ),
        ),
        (
            "announce",
            lambda: announce_round(
                engine=engine,
                round_id=round_id,
                settings=get_settings(),
                calendar=calendar,
                now=NOW,
                logger=logging.getLogger("bench"),
            ),
        ),
        (
            "create again",
            lambda: create_round_assignments(
                engine=engine, round_id=round_id, calendar=calendar, now=NOW
            ),
        ),
    ):
        started = time.perf_counter()
        outcome = run()
        print(f"{name:12} {time.perf_counter() - started:7.2f} s  {outcome}")
    print("task runs    5 per monitoring-round flow run, whatever the size (see its docstring)")
    print(f"peak memory  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
