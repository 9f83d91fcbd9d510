"""Reading an uploaded spreadsheet in a child process, bounded in time and memory.

The portal serves every institution from one event loop: a file built to exhaust its reader
must not hold it, nor take the portal's memory. The child is forked from a server process
that has already imported the readers, so starting one costs milliseconds.
"""

import multiprocessing
import pickle
import resource
import threading
from multiprocessing.connection import Connection
from typing import Any

import anyio

from models.core.i18n import N_
from models.core.spreadsheets import TOO_MUCH_MEMORY
from models.lifecycle.answers import AnswerInvalid
from models.lifecycle.duty import FileReader, assignment_kinds
from models.lifecycle.forms import FileRows

# a campaign month's 500 activities read in a tenth of a second, and the bounds of
# models/core/spreadsheets.py keep the worst file they let through to a few seconds
PARSE_SECONDS = 20.0
# the child's memory beyond what it was forked with: the largest workbook Concord takes,
# 5,000 recommendations, reads in under 100 MB
PARSE_MEMORY_MB = 512
# files read at once: two children at their bound stay within a small server's memory;
# the next upload waits in its worker thread, never on the event loop
PARSES_AT_ONCE = 2
TOO_SLOW = N_(
    "Reading the file took longer than the %(seconds)s s Concord allows; send it in parts."
)
NOT_READ = N_("The file could not be read; send it as CSV or XLSX saved by a spreadsheet program.")

_turns = threading.BoundedSemaphore(PARSES_AT_ONCE)
_started = threading.Lock()


def _context() -> Any:
    """The forkserver context, its server importing every installed reader first."""
    context = multiprocessing.get_context("forkserver")
    with _started:
        readers = {kind.read_file.__module__ for kind in assignment_kinds() if kind.read_file}
        context.set_forkserver_preload(sorted(readers | {"models.core.spreadsheets"}))
    return context


def _mapped_bytes() -> int:
    """The address space this process maps now (Linux), or 0 when it cannot be told."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _read_in_child(
    reader: FileReader, name: str, content: bytes, memory: int, sender: Connection
) -> None:
    """In the child: bound its address space, read the file, send back its rows or why not."""
    limit = _mapped_bytes() + memory
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        sender.send(("rows", reader(name, content)))
    except AnswerInvalid as invalid:
        sender.send(("invalid", invalid.problems))
    except MemoryError:
        sender.send(("memory", None))


def _read_bounded(
    reader: FileReader, name: str, content: bytes, seconds: float, memory_mb: int
) -> tuple[str, Any]:
    """Read the file in a child killed after `seconds`: (outcome, rows or problems)."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_read_in_child,
        args=(reader, name, content, memory_mb * 1024 * 1024, sender),
        daemon=True,
    )
    with _turns:
        child.start()
        sender.close()
        try:
            if not receiver.poll(seconds):
                return ("slow", None)
            outcome, found = receiver.recv()
            return outcome, found
        except (EOFError, OSError):  # the child died before it answered
            return ("died", None)
        finally:
            child.kill()
            child.join()
            receiver.close()


def _picklable(reader: FileReader) -> bool:
    """Whether the reader can be named to a child (a module's function can, a closure not)."""
    try:
        pickle.dumps(reader)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


async def read_rows(reader: FileReader, name: str, content: bytes) -> FileRows:
    """The rows of an uploaded file, read off the event loop; AnswerInvalid when it cannot be."""
    if not _picklable(reader):  # the file's own bounds still hold; only the child is missing
        return await anyio.to_thread.run_sync(reader, name, content)
    seconds, memory = PARSE_SECONDS, PARSE_MEMORY_MB
    outcome, found = await anyio.to_thread.run_sync(
        _read_bounded, reader, name, content, seconds, memory
    )
    if outcome == "rows":
        return found  # type: ignore[no-any-return]
    problems = {
        "invalid": found,
        "slow": {"attachment": (TOO_SLOW, {"seconds": f"{seconds:g}"})},
        "memory": {"attachment": (TOO_MUCH_MEMORY, {})},
    }.get(outcome, {"attachment": (NOT_READ, {})})
    raise AnswerInvalid(problems)
