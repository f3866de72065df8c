"""What the dashboard shows, as a plain value apart from the reads that fill it in
(``workflow.dashboard``): the console's first frame draws it before any database code is
loaded, from a read made in a separate process (``itsm_tui.console.start``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from itsm_tui.common.ticket_rows import BacklogRow, TicketRow
from itsm_tui.workflow.site import Actor
from itsm_tui.workflow.sla.alert_rows import AlertRow
from itsm_tui.workflow.sla.time_left import Progress
from itsm_tui.workflow.tickets.pages import Queue, TicketPage

#: The queues the dashboard counts, in the order it shows them.
COUNTED = (
    Queue.MINE,
    Queue.GROUP,
    Queue.UNASSIGNED,
    Queue.AT_RISK,
    Queue.BREACHED,
    Queue.OPEN,
)
#: The overdue list's first page (read with the figures); further pages come as it scrolls.
OVERDUE_SHOWN = 20
#: The overdue list's later pages.
OVERDUE_PAGE = 50


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard shows; ``backlog`` and ``overdue`` only for supervisors."""

    counts: dict[Queue, int]
    read_at: datetime
    supervisor: bool = False
    backlog: list[BacklogRow] = field(default_factory=list)
    overdue: list[TicketRow] = field(default_factory=list)
    #: The overdue rows' resolution clocks, by ticket id: how late each is in business time.
    overdue_sla: dict[int, Progress] = field(default_factory=dict)
    #: The id to read the overdue list's next page after (keyset), None at its end.
    overdue_next: int | None = None
    #: Whether the overdue list covers every group (else the supervisor's own groups).
    overdue_all: bool = False
    #: The first page of my open tickets (not for supervisors; only when asked for).
    mine: TicketPage | None = None
    #: My newest alerts, newest first (only when asked for).
    alerts: list[AlertRow] = field(default_factory=list)
    #: The operator as this read found them (their roles now): what the lists offer to do
    #: on a row is decided for them (``tickets.offered.offered_on_row``).
    viewer: Actor | None = None
