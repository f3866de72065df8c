"""The console's full collections wait for a moment without input (common.collector)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from itsm_tui.common import collector


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Node:
    """A cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def settled() -> Iterator[None]:
    before = gc.get_threshold()
    try:
        collector.settle_collector(full_when_idle=True)
        gc.collect()  # the first full collection ends the window that freezes what survives
        yield
    finally:
        if collector._freeze_while_warming in gc.callbacks:
            gc.callbacks.remove(collector._freeze_while_warming)
        gc.set_threshold(*before)
        gc.enable()


def _full_collections() -> int:
    return gc.get_stats()[2]["collections"]


def _garbage_in_the_oldest_generation() -> weakref.ref[Node]:
    """A cycle that dies once it has reached the oldest generation, as a console's dropped
    statements do."""
    node = Node()
    gc.collect(1)  # survives the young collections: now in the oldest generation
    return weakref.ref(node)


def _work(rounds: int = 3) -> None:
    """Allocate as a busy console does (pages and statements kept a while, then dropped):
    enough for many young collections."""
    for _ in range(rounds):
        kept = [[i] for i in range(100_000)]
        del kept


def test_a_busy_console_makes_no_full_collection_and_an_idle_one_makes_the_due_one(
    settled: None,
) -> None:
    assert gc.get_threshold() == collector.IDLE_GC_THRESHOLDS
    clock = Clock()
    idle = collector.IdleCollector(quiet=1.0, clock=clock)
    dead = _garbage_in_the_oldest_generation()
    full = _full_collections()
    _work()
    # Python's own thresholds would have weighed a full collection long ago; none ran.
    assert idle.due()
    assert _full_collections() == full
    assert dead() is not None
    # A key half a second ago: the operator is waiting, nothing runs.
    idle.input_seen()
    clock.now += 0.5
    assert not idle.tick()
    # A second without input, but a page being read: still nothing.
    clock.now += 1.0
    assert not idle.tick(busy=True)
    assert dead() is not None
    # Idle: the due collection runs and frees what died in the oldest generation.
    assert idle.tick()
    assert _full_collections() == full + 1
    assert dead() is None
    # Nothing more is due until the console has worked again.
    assert not idle.due()
    assert not idle.tick()


def test_what_start_up_owed_is_not_due_once_the_console_settles(settled: None) -> None:
    """Start-up's own collections owe no full one: counted from the settling (restart), the
    first idle second collects nothing (it would end the window that freezes what the first
    older collections leave)."""
    idle = collector.IdleCollector(quiet=0.0)
    _work()
    assert idle.due()
    idle.restart()
    assert not idle.due()
    assert not idle.tick()
