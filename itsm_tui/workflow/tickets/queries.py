"""Reading tickets: one ticket, its history and timeline, and the queues."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import col, select

from itsm_tui.domain import OPEN_STATUSES, TicketStatus
from itsm_tui.storage import ticket_queries as q
from itsm_tui.storage.tables import GroupMember, Ticket
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.errors import Invalid
from itsm_tui.workflow.lookup import find_ticket
from itsm_tui.workflow.permissions import Action, allowed
from itsm_tui.workflow.tickets.views import TicketView, ticket_view

MAX_PAGE = 500


class Queue(StrEnum):
    """The queues the console and ``itsm ticket list`` offer."""

    MINE = "mine"  # open tickets assigned to me
    GROUP = "group"  # open tickets of my groups
    UNASSIGNED = "unassigned"  # open, nobody holds them (in my groups; all for supervisors)
    OPEN = "open"  # every open ticket
    FLAGGED = "flagged"  # raised to a supervisor and still open
    ALL = "all"  # everything, any state (with --status / --priority)


@dataclass(frozen=True)
class TicketPage:
    """A page of a queue; pass ``next_after`` back to get the next one (None: no more)."""

    rows: list[q.TicketRow]
    next_after: int | None


@dataclass(frozen=True)
class TicketDetail:
    ticket: TicketView
    notes: list[q.NoteRow]
    contacts: list[q.ContactRow]


@query(Action.VIEW_TICKETS)
def show_ticket(read: Read, number: str) -> TicketDetail:
    ticket = find_ticket(read.session, number)
    assert ticket.id is not None
    return TicketDetail(
        ticket_view(read.session, ticket),
        q.notes(read.session, ticket.id),
        q.contacts(read.session, ticket.id),
    )


@query(Action.VIEW_TICKETS)
def ticket_history(read: Read, number: str) -> list[q.HistoryEntry]:
    """Every audited change of the ticket, oldest first: who, when, what, old → new."""
    ticket = find_ticket(read.session, number)
    assert ticket.id is not None
    return q.history(read.session, ticket.id)


def _my_groups(read: Read) -> list[int]:
    return list(
        read.session.exec(
            select(GroupMember.group_id).where(GroupMember.staff_id == read.actor.id)
        ).all()
    )


def _queue_filter(read: Read, queue: Queue) -> list[Any]:
    is_open = col(Ticket.status).in_([s.value for s in OPEN_STATUSES])
    if queue is Queue.MINE:
        return [col(Ticket.assignee_id) == read.actor.id, is_open]
    if queue is Queue.GROUP:
        return [col(Ticket.group_id).in_(_my_groups(read)), is_open]
    if queue is Queue.UNASSIGNED:
        where = [col(Ticket.assignee_id).is_(None), is_open]
        groups = _my_groups(read)
        if groups and not allowed(read.actor.roles, Action.SUPERVISE):
            where.append(col(Ticket.group_id).in_(groups))
        return where
    if queue is Queue.OPEN:
        return [is_open]
    if queue is Queue.FLAGGED:
        return [col(Ticket.flagged_at).is_not(None), is_open]
    return []


@query(Action.VIEW_TICKETS)
def list_tickets(
    read: Read,
    queue: Queue | str = Queue.OPEN,
    *,
    status: str | None = None,
    priority: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> TicketPage:
    """A page of a queue, newest first, paged by key (``after`` = the last id you saw)."""
    try:
        queue = Queue(queue)
    except ValueError:
        raise Invalid(
            f"Unknown queue '{queue}'; queues are: {', '.join(q.value for q in Queue)}.",
            field="queue",
        ) from None
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be 1 to {MAX_PAGE}.", field="limit")
    where = _queue_filter(read, queue)
    if status is not None:
        try:
            where.append(col(Ticket.status) == TicketStatus(status).value)
        except ValueError:
            valid = ", ".join(s.value for s in TicketStatus)
            raise Invalid(
                f"Unknown status '{status}'; statuses are: {valid}.", field="status"
            ) from None
    if priority is not None:
        if priority not in range(1, 6):
            raise Invalid("priority must be 1 to 5.", field="priority")
        where.append(col(Ticket.priority) == priority)
    rows = q.queue_page(read.session, where, after=after, limit=limit)
    return TicketPage(rows, rows[-1].id if len(rows) == limit else None)
