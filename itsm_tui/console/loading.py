"""Loading the console's database code after its first frame: once, by one thread.

The console draws its first frame before SQLAlchemy is loaded (``itsm_tui.console.start``), then
loads the rest in a warm-up thread. A key pressed or a worker started before that is done
would import the same modules from a second thread, and two threads importing SQLAlchemy's
circular package at once can each be handed the other's half-built modules ("cannot import
name … from partially initialized module"). So whoever needs the database code calls
:func:`load_database_code` first, holding no import of its own: the first caller imports,
the others wait for it (at most the ~0.3 s the code takes to load, only in the first moment
after the first frame), and afterwards the call returns at once.
"""

from __future__ import annotations

import importlib
import threading

#: What the console loads after its first frame: the database layer through the workflow
#: the dashboard refreshes with, then every other screen and the palette's commands.
LATER = (
    "itsm_tui.workflow.context",
    "itsm_tui.workflow.dashboard",
    "itsm_tui.workflow.sla.alerts",
    "itsm_tui.workflow.groups",
    "itsm_tui.workflow.tickets.queries",
    "itsm_tui.console.palette",
    "itsm_tui.dialogs.form",
    "itsm_tui.screens.queue",
    "itsm_tui.screens.ticket",
    "itsm_tui.screens.intake",
    "itsm_tui.screens.ci_lookup",
    "itsm_tui.screens.impact",
)

_lock = threading.Lock()
_loaded = threading.Event()


def load_database_code() -> None:
    """Import :data:`LATER` in this thread, or wait for the thread already importing it."""
    if _loaded.is_set():
        return
    with _lock:
        if not _loaded.is_set():
            for name in LATER:
                importlib.import_module(name)
            _loaded.set()
