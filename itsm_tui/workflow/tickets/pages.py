"""The queues and the pages they are read in: plain values, apart from the queries.

Why apart from ``queries``: the console's first frame (its "My open tickets" page, its queue
cards) draws these before any database code is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from itsm_tui.common.ticket_rows import TicketRow
    from itsm_tui.workflow.sla.time_left import Progress


class Queue(StrEnum):
    """The queues the console and ``itsm ticket list`` offer."""

    MINE = "mine"  # open tickets assigned to me
    GROUP = "group"  # open tickets of my groups
    UNASSIGNED = "unassigned"  # open, nobody holds them (in my groups; all for supervisors)
    OPEN = "open"  # every open ticket
    FLAGGED = "flagged"  # raised to a supervisor and still open
    AT_RISK = "at_risk"  # open, resolution due soon (tickets.risk); scoped like unassigned
    BREACHED = "breached"  # open, resolution overdue (see tickets.risk); same scope
    ALL = "all"  # everything, any state (with --status / --priority)


class Sort(StrEnum):
    """The orders a queue is read in (``storage.ticket_queries.SORTS`` says how). Here,
    without database code, because the console and the command line offer them."""

    NEWEST = "newest"  # by id, newest first
    OLDEST = "oldest"
    PRIORITY = "priority"  # most urgent first, newest first within a priority
    DUE = "due"  # soonest resolution deadline first (overdue on top), none last


#: What the console's ``s`` cycles through and ``itsm ticket list --sort`` accepts.
SORTS: tuple[str, ...] = tuple(s.value for s in Sort)


@dataclass(frozen=True)
class TicketPage:
    """A page of a queue; pass ``next_after`` back to get the next one (None: no more)."""

    rows: list[TicketRow]
    next_after: int | None
    #: When the page was read (the console colours time left against it).
    read_at: datetime | None = None
    #: Each row's resolution clock in business time, by ticket id (``sla.progress``).
    sla: dict[int, Progress] = field(default_factory=dict)
