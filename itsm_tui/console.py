"""Opening the console, with the dashboard's first read already under way.

Why here, outside ``app``: this module imports no Textual. ``console()`` starts the
dashboard's read in a thread, then imports Textual and the screens; the read's time in the
database (SQLite and PostgreSQL work without holding Python's lock) overlaps those imports,
and the dashboard's first frame can carry its figures. The screen's own worker takes the
result; the UI thread never waits on it.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from itsm_tui.terminal import prefer_full_colour
from itsm_tui.workflow.context import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.app import ItsmApp
    from itsm_tui.workflow.dashboard import Dashboard

#: A queue page: the rows the ticket table fetches at a time (the dashboard's "My tickets").
PAGE = 100
#: The alerts the inbox shows.
ALERTS_SHOWN = 20


def first_board(site: Site, actor: Actor) -> Future[Dashboard]:
    """The dashboard as it first shows (a page of my tickets, my newest alerts), read in a
    thread of its own."""
    from itsm_tui.workflow.dashboard import dashboard

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="first-board")
    try:
        return pool.submit(dashboard, site, actor, mine=PAGE, alerts=ALERTS_SHOWN)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one read


def console(site: Site, actor: Actor) -> ItsmApp:
    """The console app for ``actor``, its first dashboard read started before Textual loads."""
    prefer_full_colour()  # before Textual is imported: it reads the colour system once
    board = first_board(site, actor)
    from itsm_tui.app import ItsmApp

    return ItsmApp(site, actor, first_board=board)
