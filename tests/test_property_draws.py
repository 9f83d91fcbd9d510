"""Property tests draw the same examples on every run unless a developer asks to explore."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DRAWS = """
import tests.conftest
from hypothesis import given, strategies as st

drawn = []

@given(st.text(max_size=20))
def draw(value: str) -> None:
    drawn.append(value)

draw()
print(repr(drawn))
"""


def draws(tmp_path: Path, **env: str) -> str:
    """What one fresh process's property test draws, with these variables set."""
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "CONCORD_TEST_EXPLORE")}
    done = subprocess.run(
        [sys.executable, "-c", DRAWS],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
def test_a_developers_run_draws_what_ci_draws(tmp_path: Path) -> None:
    local = draws(tmp_path)
    assert draws(tmp_path) == local
    assert draws(tmp_path, CI="1") == local


@pytest.mark.slow
def test_exploring_is_asked_for_by_name(tmp_path: Path) -> None:
    assert draws(tmp_path, CONCORD_TEST_EXPLORE="1") != draws(tmp_path, CONCORD_TEST_EXPLORE="1")
