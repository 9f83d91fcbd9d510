"""Running the same work from two threads released at the same instant."""

import threading
from collections.abc import Callable
from typing import Any


def released_together(work: Callable[[], Any], threads: int = 2) -> list[Any]:
    """Each thread's result, or the exception it raised, in the order they finished."""
    barrier, results = threading.Barrier(threads), []

    def one() -> None:
        barrier.wait()
        try:
            results.append(work())
        except Exception as exc:  # the caller's assertion names it
            results.append(exc)

    running = [threading.Thread(target=one) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return results


def each_released_together(*works: Callable[[], Any]) -> list[Any]:
    """Each work's result, or the exception it raised, in the order given; all start at once."""
    barrier, results = threading.Barrier(len(works)), [None] * len(works)

    def one(index: int) -> None:
        barrier.wait()
        try:
            results[index] = works[index]()
        except Exception as exc:  # the caller's assertion names it
            results[index] = exc

    running = [threading.Thread(target=one, args=(index,)) for index in range(len(works))]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return results
