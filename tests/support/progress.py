"""Waiting for a child process to show its work is under way, before cutting it off."""

import subprocess
import time
from collections.abc import Callable

DEADLINE_SECONDS = 300.0  # generous: a worker starting on a busy machine is slow, not wrong


def await_progress(
    worker: subprocess.Popen[bytes],
    reached: Callable[[], bool],
    what: str,
    *,
    seconds: float = DEADLINE_SECONDS,
    poll: float = 0.005,
) -> None:
    """Return once `reached()` holds; AssertionError if the worker ends first or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        ended = worker.poll() is not None  # read before the condition: its last work counts
        if reached():
            return
        if ended:
            raise AssertionError(f"the worker ended (code {worker.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {seconds:.0f} s")
        time.sleep(poll)
