"""`concord bench` at its small size, through the session's Prefect API, on both databases."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL

from bench.sizes import SIZES
from tests.support.postgres import server_url

CONCORD = str(Path(sys.executable).parent / "concord")


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    if PREFECT_API_URL.value():
        env["PREFECT_API_URL"] = PREFECT_API_URL.value()  # the session's Prefect API
    return subprocess.run(
        [CONCORD, "bench", *args], capture_output=True, text=True, env=env, timeout=600
    )


def check_round(figures: dict, institutions: int, per_task: int) -> None:
    floor, flow, one_each = figures["floor"], figures["flow"], figures["task_per_email"]
    one = figures["flow_one_connection"]
    assert one["emails"] == one["received"] == institutions
    assert floor["emails"] == floor["received"] == institutions
    assert flow["emails"] == flow["received"] == institutions, "every announcement delivered"
    assert one_each["emails"] == one_each["received"] == per_task
    ratio = flow["ms_per_email"] / floor["ms_per_email"]  # of figures rounded to 0.001 ms
    assert abs(flow["ratio_to_floor"] - ratio) < 0.02
    assert set(one["parts_ms"]) == {"render", "compose", "send", "database and the rest"}
    assert min(one["parts_ms"].values()) > 0, "over one connection the parts add up"
    assert flow["smtp_connections"] == 4
    assert 0 < flow["prefect_fixed_seconds"] < flow["seconds"]


@pytest.mark.slow
def test_bench_measures_a_round_the_sweeps_the_report_and_writes_its_results(
    prefect_api: None, tmp_path: Path
) -> None:
    databases = "both" if os.environ.get("CONCORD_TEST_DATABASE_URL") else "sqlite"
    result = bench(
        "--size",
        "small",
        "--database",
        databases,
        "--postgres",
        server_url(),
        "--output",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    size = SIZES["small"]
    [path] = tmp_path.glob("small-*.json")
    results = json.loads(path.read_text())
    measured = ["sqlite", "postgresql"] if databases == "both" else ["sqlite"]
    assert [name for name in ("sqlite", "postgresql") if name in results] == measured
    for name in measured:
        check_round(results[name]["round"], size.institutions, size.per_task_emails)
        sweeps = results[name]["sweeps"]
        assert [(s["open"], s["due"]) for s in sweeps] == [(2_000, 200), (20_000, 200)]
        assert results[name]["report"]["submissions"] == size.report_submissions
        assert results[name]["report"]["peak_mib"] >= results[name]["report"]["baseline_mib"] > 0
    if databases == "both":
        assert set(results["postgresql"]["status_writes_per_second"]) == {"1", "2", "4"}
        assert min(results["postgresql"]["status_writes_per_second"].values()) > 0
    assert results["machine"]["cores"] == os.cpu_count()
    table = path.with_suffix(".md").read_text()
    assert "| round through its Prefect flow, 4 SMTP connections |" in table
    assert "x the floor" in table and "round through its Prefect flow" in result.stdout


def test_bench_refuses_an_unknown_size_or_database_before_doing_anything(tmp_path: Path) -> None:
    wrong_size = bench("--size", "huge", "--output", str(tmp_path))
    assert wrong_size.returncode == 1
    assert "--size: expected one of small, national, large, eu, got 'huge'" in wrong_size.stderr
    wrong_database = bench("--database", "oracle", "--output", str(tmp_path))
    assert "--database: expected one of both, sqlite, postgresql" in wrong_database.stderr
    unreachable = bench("--database", "postgresql", "--postgres", "postgresql://x@127.0.0.1:1/x")
    assert "--postgres: cannot connect to postgresql://x@127.0.0.1:1/x" in unreachable.stderr
    assert not list(tmp_path.iterdir()), "nothing written"
