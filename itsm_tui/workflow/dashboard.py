"""The console's dashboard figures: my queues' sizes, SLA risk, and a supervisor's view of
every group's backlog and of the tickets past their limits (with who holds them).

One read transaction gives the dashboard everything its first frame shows — the counts (one
statement), my first tickets or the supervisor's lists, my newest alerts — so the console
paints it from one worker, not three racing each other for the interpreter.
"""

from __future__ import annotations

from sqlmodel import col

from itsm_tui.common.domain import OPEN_STATUSES
from itsm_tui.storage import ticket_queries as q
from itsm_tui.storage.tables import Ticket
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.dashboard_view import COUNTED, OVERDUE_SHOWN, Dashboard
from itsm_tui.workflow.permissions import Action, allowed
from itsm_tui.workflow.sla.alerts import newest_alerts
from itsm_tui.workflow.sla.progress import page_progress
from itsm_tui.workflow.tickets import risk
from itsm_tui.workflow.tickets.pages import Queue
from itsm_tui.workflow.tickets.queries import first_page, my_groups, queue_filter, risk_scope


@query(Action.VIEW_TICKETS)
def dashboard(read: Read, *, mine: int = 0, alerts: int = 0) -> Dashboard:
    """Counts of my open tickets, my groups', the unassigned, the at-risk and the breached
    (the rule for the last two is in ``tickets.risk``); for a supervisor also the per-group
    backlog and the breached tickets, most recent first, with their holders.

    ``mine``: also the first ``mine`` of my open tickets (for a non-supervisor);
    ``alerts``: also my ``alerts`` newest alerts.
    """
    groups = my_groups(read)
    counts = _counts(read, groups)
    newest = newest_alerts(read, alerts) if alerts else []
    if not allowed(read.actor.roles, Action.SUPERVISE):
        page = first_page(read, Queue.MINE, mine) if mine else None
        return Dashboard(counts, read.now, mine=page, alerts=newest)
    is_open = col(Ticket.status).in_([s.value for s in OPEN_STATUSES])
    backlog = q.backlog(
        read.session,
        [is_open],
        risk.at_risk_filter(read.now),
        risk.breached_filter(read.now),
    )
    overdue = q.queue_page(
        read.session, queue_filter(read, Queue.BREACHED, groups), after=None, limit=OVERDUE_SHOWN
    )
    return Dashboard(
        counts,
        read.now,
        True,
        backlog,
        overdue,
        overdue_sla=page_progress(read, overdue),
        alerts=newest,
    )


def _counts(read: Read, groups: list[int]) -> dict[Queue, int]:
    """The six counts in one statement: mine, my group, unassigned and open each an index
    range; at risk and breached together, in one pass over the union of their two ranges."""
    ranged = (Queue.MINE, Queue.GROUP, Queue.UNASSIGNED, Queue.OPEN)
    each = {queue: queue_filter(read, queue, groups) for queue in ranged}
    found = q.counts(
        read.session,
        {queue.value: where for queue, where in each.items()},
        over=[*risk_scope(read, groups), risk.warned_or_breached_filter(read.now)],
        tallies={
            Queue.AT_RISK.value: risk.at_risk_filter(read.now),
            Queue.BREACHED.value: risk.breached_filter(read.now),
        },
    )
    return {queue: found[queue.value] for queue in COUNTED}
