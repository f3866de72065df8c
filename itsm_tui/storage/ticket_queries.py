"""Read queries over tickets: keyset-paged queues, history, notes. Index-backed, bounded.

Every page is ``WHERE <queue> AND id < :after ORDER BY id DESC LIMIT :n`` so a page deep in a
million-row queue costs what the first page costs (OFFSET would read and drop every row
before it). The queue filters match the indexes declared on ``Ticket``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from itsm_tui.storage.tables import (
    AssignmentGroup,
    Caller,
    Contact,
    JournalEntry,
    Staff,
    Ticket,
    TicketNote,
)


@dataclass(frozen=True)
class TicketRow:
    """One line of a queue."""

    id: int
    number: str
    priority: int
    status: str
    pending_reason: str | None
    tier: int
    title: str
    caller: str | None
    group: str | None
    assignee: str | None
    opened_at: datetime
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    flagged_at: datetime | None
    version: int
    sla_policy: str | None = None  # with the two below: time left and elapsed % (sla.progress)
    resolution_elapsed_min: int | None = None


def queue_page(
    session: Session, where: Sequence[ColumnElement[bool]], *, after: int | None, limit: int
) -> list[TicketRow]:
    """One page of tickets matching ``where``, newest first, after the id ``after``."""
    assignee = aliased(Staff)
    conditions = [*where]
    if after is not None:
        conditions.append(col(Ticket.id) < after)
    stmt = (
        select(
            Ticket.id,
            Ticket.number,
            Ticket.priority,
            Ticket.status,
            Ticket.pending_reason,
            Ticket.tier,
            Ticket.title,
            Caller.name,
            AssignmentGroup.code,
            assignee.display_name,
            Ticket.opened_at,
            Ticket.response_due_at,
            Ticket.resolution_due_at,
            Ticket.flagged_at,
            Ticket.version,
            Ticket.sla_policy,
            Ticket.resolution_elapsed_min,
        )
        .select_from(Ticket)
        .join(Caller, col(Caller.id) == Ticket.caller_id, isouter=True)
        .join(AssignmentGroup, col(AssignmentGroup.id) == Ticket.group_id, isouter=True)
        .join(assignee, assignee.id == Ticket.assignee_id, isouter=True)
        .where(and_(true(), *conditions))
        .order_by(col(Ticket.id).desc())
        .limit(limit)
    )
    return [TicketRow(*row) for row in session.exec(stmt).all()]


@dataclass(frozen=True)
class HistoryEntry:
    """One audited change of a ticket, with who made it."""

    id: int
    at: datetime
    action: str
    actor: str
    actor_name: str
    changes: dict[str, Any]


def history(session: Session, ticket_id: int) -> list[HistoryEntry]:
    """The ticket's journal, oldest first (``ix_journal_entity``)."""
    rows = session.exec(
        select(JournalEntry, Staff.login, Staff.display_name)
        .join(Staff, col(Staff.id) == JournalEntry.actor_id, isouter=True)
        .where(JournalEntry.entity == "ticket", JournalEntry.entity_id == ticket_id)
        .order_by(col(JournalEntry.id))
    ).all()
    return [
        HistoryEntry(e.id or 0, e.at, e.action, login or "system", name or "System", e.changes)
        for e, login, name in rows
    ]


@dataclass(frozen=True)
class NoteRow:
    at: datetime
    kind: str
    author: str
    body: str


def notes(session: Session, ticket_id: int) -> list[NoteRow]:
    rows = session.exec(
        select(TicketNote, Staff.display_name)
        .join(Staff, col(Staff.id) == TicketNote.author_id, isouter=True)
        .where(TicketNote.ticket_id == ticket_id)
        .order_by(col(TicketNote.id).desc())
    ).all()
    return [NoteRow(n.created_at, n.kind, name or "System", n.body) for n, name in rows]


@dataclass(frozen=True)
class ContactRow:
    at: datetime
    channel: str
    caller: str | None
    agent: str | None
    summary: str


def contacts(session: Session, ticket_id: int) -> list[ContactRow]:
    agent = aliased(Staff)
    rows = session.exec(
        select(Contact, Caller.name, agent.display_name)
        .join(Caller, col(Caller.id) == Contact.caller_id, isouter=True)
        .join(agent, agent.id == Contact.agent_id, isouter=True)
        .where(Contact.ticket_id == ticket_id)
        .order_by(col(Contact.id).desc())
    ).all()
    return [ContactRow(c.occurred_at, c.channel, name, a, c.summary) for c, name, a in rows]
