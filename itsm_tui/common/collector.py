"""The cyclic garbage collector in a long-lived process (the console, the scheduler).

Why a module of its own: both front doors settle the collector once their start-up is over,
and neither may import the other or the entry point.
"""

from __future__ import annotations

import gc

#: The collector's thresholds once a long-lived process has started (:func:`settle_collector`):
#: Python's own. A young collection walks at most ~700 objects (well under a millisecond), and
#: what is older but not frozen is only what the process made since it settled.
RUNNING_GC_THRESHOLDS = (700, 10, 10)


def settle_collector() -> None:
    """Start-up is over: freeze what is alive now and collect at :data:`RUNNING_GC_THRESHOLDS`.

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
    gc.set_threshold(*RUNNING_GC_THRESHOLDS)
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
