"""Run one child of `concord up` so that it dies with `concord up`, even one killed with SIGKILL.

`python -m deployments.guard COMMAND...` leads a process group of its own, asks Linux to
send it SIGTERM when its parent dies (PR_SET_PDEATHSIG), and starts COMMAND in that group.
On SIGTERM or SIGINT it passes the signal to the whole group, so the child and the
processes the child started (the Prefect server's web server, the portal) free their ports;
whatever is still alive after a grace period is killed.
"""

import ctypes
import os
import signal
import subprocess
import sys
import time
from types import FrameType

PR_SET_PDEATHSIG = 1
GRACE_SECONDS = 10


def _die_with_parent(parent: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


def _has_ended(child: subprocess.Popen[bytes]) -> bool:
    """Whether the child has exited, leaving it to be reaped by the waiting main thread.

    `Popen.poll` cannot tell from inside a signal handler: the interrupted `wait` holds its
    lock, so it answers None until the grace period is over.
    """
    flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
    try:
        return os.waitid(os.P_PID, child.pid, flags) is not None
    except ChildProcessError:
        return True


def _stop_group(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the group, then SIGKILL to whatever outlives the grace period."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.killpg(0, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    while not _has_ended(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(0, signal.SIGKILL)


def main(command: list[str]) -> int:
    """Start `command` in this process group and stay with it until it ends or we are told."""
    parent = os.getppid()
    if os.getpgrp() != os.getpid():
        os.setpgid(0, 0)
    child = subprocess.Popen(command)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        _stop_group(child)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    _die_with_parent(parent)
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
