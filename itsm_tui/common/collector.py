"""The cyclic garbage collector in a long-lived process (the console, the scheduler).

Why a module of its own: both front doors settle the collector once their start-up is over,
and neither may import the other or the entry point.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

#: The collector's thresholds once a long-lived process has started (:func:`settle_collector`):
#: Python's own. A young collection walks at most ~700 objects (well under a millisecond), and
#: what is older but not frozen is only what the process made since it settled.
RUNNING_GC_THRESHOLDS = (700, 10, 10)


#: The console's thresholds once settled: young collections as :data:`RUNNING_GC_THRESHOLDS`,
#: full ones left to :class:`IdleCollector` (the oldest generation's threshold is a safety net
#: for a console that is never left alone for a second: 10,000 collections of generation 1).
IDLE_GC_THRESHOLDS = (RUNNING_GC_THRESHOLDS[0], RUNNING_GC_THRESHOLDS[1], 10_000)


def settle_collector(*, full_when_idle: bool = False) -> None:
    """Start-up is over: freeze what is alive now and collect at :data:`RUNNING_GC_THRESHOLDS`
    (``full_when_idle``: at :data:`IDLE_GC_THRESHOLDS`, full collections run by an
    :class:`IdleCollector`).

    Why: a collection's pause is as long as the objects it walks. Left unfrozen, the modules,
    classes and compiled statements loaded while a process starts (~100,000 objects: Textual,
    SQLAlchemy, the screens) are walked by every full collection, 20-40 ms pauses while a queue
    pages; and the start-up thresholds of a command (young collections every 100,000
    allocations) make a single young collection walk 100,000 objects, a 70-140 ms pause in a
    process that runs on, such as the scheduler (``benchmarks/gc_pauses.py``). Everything
    alive at this point lives as long as the process, so nothing is kept that would have been
    freed; the collector still runs for what is made afterwards (after a short window in
    which what its older collections leave is frozen too, see :func:`_freeze_while_warming`).
    """
    gc.freeze()
    gc.set_threshold(*(IDLE_GC_THRESHOLDS if full_when_idle else RUNNING_GC_THRESHOLDS))
    gc.enable()
    _warming[0] = 0
    if _freeze_while_warming not in gc.callbacks:
        gc.callbacks.append(_freeze_while_warming)


#: How many older (generation 1 or 2) collections after settling freeze what they leave.
WARMING_COLLECTIONS = 20
_warming: list[int] = [0]  # older collections seen since settling


def _freeze_while_warming(phase: str, info: dict[str, int]) -> None:
    """For the first :data:`WARMING_COLLECTIONS` older collections once settled, or until the
    first full one, freeze what each leaves.

    The first minutes of use still fill caches that live as long as the process: SQLAlchemy's
    compiled statements and the ORM's per-statement state, ~40,000 objects once every queue
    and sort has been read once. Left in the collector, the next full collection walks them
    all (a 20-30 ms pause, ``benchmarks/gc_pauses.py``). What an older collection leaves has
    survived it, so it is frozen as it goes. The window is bounded because freezing has a
    cost: an object alive in it that becomes cyclic garbage later (a screen open at the time)
    is never reclaimed; past the window the collector runs as usual, over only what the
    process made since.
    """
    if phase != "stop" or info.get("generation", 0) < 1 or _warming[0] >= WARMING_COLLECTIONS:
        return
    gc.freeze()
    # A full collection ends the window (it is not removed from gc.callbacks here: the
    # collector is iterating that list).
    _warming[0] = WARMING_COLLECTIONS if info["generation"] == 2 else _warming[0] + 1


class IdleCollector:
    """The console's full collections, run when nobody waits for the screen.

    Why: a full collection walks every object the process made since it settled and still
    holds, and what a console holds grows with use, bounded: SQLAlchemy's compiled statements
    (up to 500, some 250 objects each) and the queue pages' statements (storage's page memo).
    Once a supervisor has read a few hundred queue, sort and filter combinations, that is
    150,000 objects and a 40 ms pause, which Python's thresholds start wherever an allocation
    tips them: in the middle of a page being read or drawn (``benchmarks/queues.py
    --python-gc``). Freezing them as well is no answer: a frozen statement the caches later
    drop, if it is part of a cycle, is never reclaimed. So the console settles with
    ``full_when_idle`` and calls :meth:`tick` every second; a full collection runs once one
    is due (:meth:`due`) and no input has come for ``quiet`` seconds and no work is under
    way. Its pause then falls where no one sees it."""

    def __init__(self, quiet: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.quiet = quiet
        self._clock = clock
        self._last_input = clock()
        self._full, self._older = _collections()  # counted from here (restart)

    def restart(self) -> None:
        """Count from now: the console calls this once settled, so that what start-up's own
        collections owed is not due at the first idle second (that full collection would end
        the window in which what survives is frozen, ``_freeze_while_warming``)."""
        self._full, self._older = _collections()

    def input_seen(self) -> None:
        """A key or a click came: the operator is waiting for what it does."""
        self._last_input = self._clock()

    def due(self) -> bool:
        """Whether ten collections of generation 1 have run since the last full one (or since
        :meth:`restart`): the count at which Python's own thresholds weigh a full collection.
        (Python also waits until the long-lived objects have grown by a quarter; this does
        not, so a busy console collects somewhat more often than Python would, while idle.)"""
        full, older = _collections()
        if full != self._full:  # a full collection ran since: count from it
            self._full, self._older = full, older
        return older - self._older >= RUNNING_GC_THRESHOLDS[2]

    def tick(self, *, busy: bool = False) -> bool:
        """Run a due full collection if the console is idle (``busy``: work is under way, such
        as a page being read); whether one ran."""
        if busy or self._clock() - self._last_input < self.quiet or not self.due():
            return False
        gc.collect()
        return True


def _collections() -> tuple[int, int]:
    """How many full collections, and collections of generation 1, have run so far."""
    stats = gc.get_stats()
    return stats[2]["collections"], stats[1]["collections"]
