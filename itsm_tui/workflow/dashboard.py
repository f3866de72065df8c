"""The console's dashboard figures: my queues' sizes, SLA risk, and a supervisor's view of
every group's backlog and of the tickets past their limits (with who holds them).

One read transaction gives the dashboard everything its first frame shows — the counts (one
statement), my first tickets or the supervisor's lists, my newest alerts — so the console
paints it from one worker, not three racing each other for the interpreter.
"""

from __future__ import annotations

from sqlmodel import col

from itsm_tui.common.domain import OPEN_STATUSES
from itsm_tui.common.errors import Invalid
from itsm_tui.storage import ticket_queries as q
from itsm_tui.storage.tables import Ticket
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.dashboard_view import COUNTED, OVERDUE_PAGE, OVERDUE_SHOWN, Dashboard
from itsm_tui.workflow.permissions import Action, allowed
from itsm_tui.workflow.sla.alerts import newest_alerts
from itsm_tui.workflow.sla.progress import page_progress
from itsm_tui.workflow.tickets import risk
from itsm_tui.workflow.tickets.pages import Queue, TicketPage
from itsm_tui.workflow.tickets.queries import (
    MAX_PAGE,
    at_risk,
    first_page,
    my_groups,
    queue_filter,
    risk_scope,
)


@query(Action.VIEW_TICKETS)
def dashboard(
    read: Read,
    *,
    mine: int = 0,
    alerts: int = 0,
    all_groups: bool = False,
    overdue: int = OVERDUE_SHOWN,
) -> Dashboard:
    """Counts of my open tickets, my groups', the unassigned, the at-risk and the breached
    (the rule for the last two is in ``tickets.risk``); for a supervisor also the per-group
    backlog and the first page of the breached tickets, most recent first, with their holders.

    ``mine``: also the first ``mine`` of my open tickets (for a non-supervisor);
    ``alerts``: also my ``alerts`` newest alerts; ``all_groups``: the breached list of every
    group, not only the supervisor's own (see :func:`overdue_page`); ``overdue``: how many
    of them (a refresh reads as many as the console had scrolled through, up to a page's
    limit, so the list does not shrink under the supervisor's cursor).
    """
    if not 1 <= overdue <= MAX_PAGE:
        raise Invalid("overdue must be 1 to {max_page}.", field="overdue", max_page=MAX_PAGE)
    groups = my_groups(read)
    counts = _counts(read, groups)
    newest = newest_alerts(read, alerts) if alerts else []
    if not allowed(read.actor.roles, Action.SUPERVISE):
        page = first_page(read, Queue.MINE, mine) if mine else None
        return Dashboard(counts, read.now, mine=page, alerts=newest, viewer=read.actor)
    is_open = col(Ticket.status).in_([s.value for s in OPEN_STATUSES])
    backlog = q.backlog(
        read.session,
        [is_open],
        at_risk(read),
        risk.breached_filter(read.now),
    )
    page = _overdue(read, groups, all_groups=all_groups, after=None, limit=overdue)
    return Dashboard(
        counts,
        read.now,
        True,
        backlog,
        list(page.rows),
        overdue_sla=dict(page.sla),
        alerts=newest,
        overdue_next=page.next_after,
        overdue_all=all_groups or not groups,
        viewer=read.actor,
    )


@query(Action.SUPERVISE)
def overdue_page(
    read: Read, *, after: int | None = None, all_groups: bool = False, limit: int = OVERDUE_PAGE
) -> TicketPage:
    """A page of the tickets past their limit, most recent first, after the row ``after``
    (keyset: a page deep in the list costs what the first costs).

    By default only the supervisor's own groups (those they supervise or belong to): the
    tickets they must act on. ``all_groups`` shows every group's, and so does a supervisor
    of no group (there is nothing narrower to show them).
    """
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid("limit must be 1 to {max_page}.", field="limit", max_page=MAX_PAGE)
    return _overdue(read, my_groups(read), all_groups=all_groups, after=after, limit=limit)


def _overdue(
    read: Read, groups: list[int], *, all_groups: bool, after: int | None, limit: int
) -> TicketPage:
    where = queue_filter(read, Queue.BREACHED, groups)
    if groups and not all_groups:
        where.append(col(Ticket.group_id).in_(groups))
    rows = q.queue_page(read.session, where, after=after, limit=limit)
    next_after = rows[-1].id if len(rows) == limit else None
    return TicketPage(rows, next_after, read.now, page_progress(read, rows))


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
            Queue.AT_RISK.value: at_risk(read),
            Queue.BREACHED.value: risk.breached_filter(read.now),
        },
    )
    return {queue: found[queue.value] for queue in COUNTED}
