"""Bulk steps freeze the objects that existed before them, and only for their length."""

import gc
import weakref

import pytest

from models.core.heap import old_objects_frozen


class Node:
    """An object that can sit in a reference cycle."""

    def __init__(self) -> None:
        self.other: Node | None = None


def test_objects_from_before_are_frozen_during_the_step_and_thawed_after() -> None:
    gc.unfreeze()
    tracked_before = len(gc.get_objects())
    with old_objects_frozen():
        assert gc.get_freeze_count() >= tracked_before * 0.9
    assert gc.get_freeze_count() == 0


def test_a_failing_step_thaws_them_too() -> None:
    gc.unfreeze()
    with pytest.raises(RuntimeError), old_objects_frozen():
        raise RuntimeError("the step failed")
    assert gc.get_freeze_count() == 0


def test_a_cycle_from_before_that_the_step_drops_is_collected_after_it() -> None:
    gc.unfreeze()
    first, second = Node(), Node()
    first.other, second.other = second, first
    dropped = weakref.ref(first)
    with old_objects_frozen():
        del first, second
        gc.collect()
        assert dropped() is not None, "frozen during the step"
    gc.collect()
    assert dropped() is None
