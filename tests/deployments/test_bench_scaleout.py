"""`concord bench --workers`: rounds and sweeps on the shared-server layout, counted once."""

import os
from pathlib import Path

import pytest

from bench.places import SmtpSink
from bench.sizes import SIZES
from deployments.bench_scaleout import scale_out, shared_markdown
from models.core.db import get_engine
from models.core.settings import get_settings
from tests.deployments.test_cli import concord
from tests.support.postgres import server_url


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_share_two_rounds_and_the_due_rows_of_two_sweeps_without_doubles(
    tmp_path: Path, isolated_settings: Path
) -> None:
    size = SIZES["small"]
    saved = dict(os.environ)  # the bench points this process at its own database and mail
    try:
        with SmtpSink() as sink:
            figures = scale_out(size, [2], server_url(), sink, tmp_path, lambda line: None)
            received = sink.received
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
        get_engine.cache_clear()
    rounds, sweeps = figures["2"]["round"], figures["2"]["sweep"]
    assert rounds["emails"] == 2 * size.institutions, "each announcement once"
    assert sweeps["status_writes"] == size.sweep_due, "each due row stepped by one sweep"
    assert 0 < sweeps["emails"] <= size.institutions, "at most one digest per institution"
    assert received == rounds["emails"] + sweeps["emails"], "each email left once"
    assert rounds["emails_per_second"] > 0 and sweeps["status_writes_per_second"] > 0
    table = shared_markdown({"shared_server": figures})
    assert "| one round per worker, at once | 200 emails," in table


def test_a_wrong_count_of_workers_is_named_before_anything_runs() -> None:
    result = concord("bench", "--size", "small", "--workers", "1,x")
    assert result.returncode == 1
    assert "--workers: expected numbers of workers from 1 to 8 like 1,2,4, got '1,x'" in (
        result.stdout + result.stderr
    )
