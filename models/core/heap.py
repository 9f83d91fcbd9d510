"""Bulk steps and Python's cyclic garbage collector."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def old_objects_frozen() -> Iterator[None]:
    """Run a bulk step without the collector rescanning the objects that existed before it.

    A round builds tens of thousands of objects, and each full collection would walk the
    process's long-lived ones (modules, Prefect's engine, SQLAlchemy's mappers) again, about
    a tenth of an EU round's time. What the step leaves behind is collected as usual after it.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
