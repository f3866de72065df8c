"""The ``itsm`` command's entry point: a bare ``itsm`` opens the console without loading the
command-line framework.

Why: operators type ``itsm`` and nothing else many times a day, and Typer with every command
definition costs ~60 ms of a console start budgeted at half a second. Anything else — an
argument, a first run that must create the database, a schema to upgrade, an OS account that
is not staff, a database that cannot be reached — goes to the full command line
(``itsm_tui.cli``), which does the set-up or reports the refusal with its usual message and
exit code.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from itsm_tui.common.config import Settings


#: The collector's thresholds for a command run (see :func:`main`).
COMMAND_GC_THRESHOLDS = (100_000, 50, 50)
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


def main() -> None:
    if len(sys.argv) == 1:
        from itsm_tui.common.config import Settings
        from itsm_tui.common.errors import DomainError

        try:
            settings = Settings()
        except DomainError:  # a bad ITSM_* variable: the command line says which
            settings = None
        if settings is not None and open_ready_console(settings):
            return
    # A command is a short process that loads some 75,000 tracked objects (SQLAlchemy,
    # pydantic, the tables) and frees few: with the default thresholds (700, 10, 10) the
    # collector walked them again and again while they loaded — 15-20 ms of a command's ~450
    # (benchmarks/cli_start.py). Young collections every 100,000 allocations still clear real
    # cycles, and a bulk import or the scheduler is no worse off for it.
    gc.set_threshold(*COMMAND_GC_THRESHOLDS)
    from itsm_tui.cli import main as command_line

    command_line()


def open_ready_console(settings: Settings) -> bool:
    """Run the console if the database is ready and the operator known; False (nothing shown)
    otherwise, for the command line to handle."""
    from itsm_tui.console.start import bare_console

    app, first = bare_console(settings)
    try:
        app.run()
    finally:
        gc.enable()
        first.finish()
        app.site.close()
    return not app.refused
