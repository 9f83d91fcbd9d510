"""The bench's table shows each sweep's cost per due row, its floor and the ratio to it."""

from typing import Any

from bench.table import rows

EMAILS = {"emails": 100, "emails_per_second": 400.0, "ms_per_email": 2.5}


def results() -> dict[str, Any]:
    round_figures = {
        "floor": EMAILS,
        "flow": EMAILS
        | {"smtp_connections": 4, "ratio_to_floor": 1.0}
        | {"prefect_fixed_seconds": 0.1},
        "flow_one_connection": EMAILS | {"ratio_to_floor": 1.2, "parts_ms": {"render": 0.5}},
        "task_per_email": EMAILS | {"ratio_to_floor": 9.0},
        "flow_vs_task_per_email": 9.0,
    }
    sweep = {"open": 20_000, "due": 200, "advance": 0.05, "bundle": 0.1, "deliver": 0.2}
    sweep |= {"total": 0.35, "ms_per_due": 1.75, "floor": 0.5, "floor_ms_per_due": 2.5}
    report = {"submissions": 10, "build_seconds": 0.1, "files_seconds": 0.2, "peak_mib": 150}
    figures = {"round": round_figures, "sweeps": [sweep | {"ratio_to_floor": 0.7}]}
    return {"sqlite": figures | {"report": report}}


def test_each_sweep_shows_its_cost_per_due_row_beside_its_floor() -> None:
    table = dict(rows(results(), "sqlite"))
    assert table["daily sweep, 20,000 assignments, 200 due"] == (
        "0.35 s (advance 0.05, bundle 0.10, deliver 0.20), 1.75 ms a due row, 0.70x the floor"
    )
    assert table["plain script (the sweep's floor), 20,000 assignments, 200 due"] == (
        "0.50 s, 2.50 ms a due row"
    )


def test_a_repeated_measurement_shows_every_run_beside_its_median() -> None:
    figures = results()
    sqlite = figures["sqlite"]
    sqlite["round"]["flow"] |= {"runs_seconds": [15.3, 14.2, 15.0]}
    sqlite["sweeps"][0] |= {"runs_seconds": [0.4, 0.35, 0.3], "floor_runs_seconds": [0.5, 0.6]}
    table = dict(rows(figures, "sqlite"))
    assert table["round through its Prefect flow, 4 SMTP connections"].endswith(
        "1.00x the floor; median of runs of 14.20, 15.00, 15.30 s"
    )
    assert table["daily sweep, 20,000 assignments, 200 due"].endswith(
        "0.70x the floor; median of runs of 0.30, 0.35, 0.40 s"
    )
    assert table["plain script (the sweep's floor), 20,000 assignments, 200 due"] == (
        "0.50 s, 2.50 ms a due row; median of runs of 0.50, 0.60 s"
    )
    assert table["plain script (the floor), one connection"] == (
        "100 emails, 400/s, 2.50 ms each"
    ), "a single run shows no median"
