"""The console's dashboard figures: my queues' sizes, SLA risk, and a supervisor's view of
every group's backlog and of the tickets past their limits (with who holds them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import col

from itsm_tui.domain import OPEN_STATUSES
from itsm_tui.storage import ticket_queries as q
from itsm_tui.storage.tables import Ticket
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.permissions import Action, allowed
from itsm_tui.workflow.tickets import risk
from itsm_tui.workflow.tickets.queries import Queue, queue_filter

#: The queues the dashboard counts, in the order it shows them.
COUNTED = (
    Queue.MINE,
    Queue.GROUP,
    Queue.UNASSIGNED,
    Queue.AT_RISK,
    Queue.BREACHED,
    Queue.OPEN,
)
OVERDUE_SHOWN = 20


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard shows; ``backlog`` and ``overdue`` only for supervisors."""

    counts: dict[Queue, int]
    read_at: datetime
    supervisor: bool = False
    backlog: list[q.BacklogRow] = field(default_factory=list)
    overdue: list[q.TicketRow] = field(default_factory=list)


@query(Action.VIEW_TICKETS)
def dashboard(read: Read) -> Dashboard:
    """Counts of my open tickets, my groups', the unassigned, the at-risk and the breached
    (the rule for the last two is in ``tickets.risk``); for a supervisor also the per-group
    backlog and the breached tickets, most recent first, with their holders."""
    counts = {queue: q.count(read.session, queue_filter(read, queue)) for queue in COUNTED}
    if not allowed(read.actor.roles, Action.SUPERVISE):
        return Dashboard(counts, read.now)
    is_open = col(Ticket.status).in_([s.value for s in OPEN_STATUSES])
    backlog = q.backlog(
        read.session,
        [is_open],
        risk.at_risk_filter(read.now),
        risk.breached_filter(read.now),
    )
    overdue = q.queue_page(
        read.session, queue_filter(read, Queue.BREACHED), after=None, limit=OVERDUE_SHOWN
    )
    return Dashboard(counts, read.now, True, backlog, overdue)
