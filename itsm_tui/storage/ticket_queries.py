"""Read queries over tickets: keyset-paged queues, history, notes. Index-backed, bounded.

Every page is ``WHERE <queue> AND id < :after ORDER BY id DESC LIMIT :n`` so a page deep in a
million-row queue costs what the first page costs (OFFSET would read and drop every row
before it). The queue filters match the indexes declared on ``Ticket``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, case, func, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from itsm_tui.common.ticket_rows import BacklogRow, ContactRow, HistoryEntry, NoteRow, TicketRow
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    AssignmentGroup,
    Caller,
    ConfigurationItem,
    Contact,
    JournalEntry,
    Staff,
    Ticket,
    TicketCI,
    TicketNote,
)

# A row wider than four columns is built with SQLAlchemy's own ``select`` (``sa.select``) and
# run with ``Session.execute``: SQLModel types its ``select`` and ``exec`` for at most four
# (fastapi/sqlmodel#271), though both run the same statement.

#: Queue orders: name → (column, ascending) pairs, the id last so the order is total.
SORTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "newest": (("id", False),),
    "oldest": (("id", True),),
    "priority": (("priority", True), ("id", False)),
}


def _reversed(sort: str) -> tuple[tuple[str, bool], ...]:
    return tuple((name, not asc) for name, asc in SORTS[sort])


def _keyset(order: tuple[tuple[str, bool], ...], cursor_id: int) -> ColumnElement[bool]:
    """Rows strictly after the row ``cursor_id`` in ``order``: ``id < :c`` for newest first,
    ``priority > p OR (priority = p AND id < :c)`` for priority — both index range scans."""
    if len(order) == 1:
        return col(Ticket.id) > cursor_id if order[0][1] else col(Ticket.id) < cursor_id
    (name, asc), (_, id_asc) = order
    column = getattr(Ticket, name)
    value = select(column).where(col(Ticket.id) == cursor_id).scalar_subquery()
    beyond = column > value if asc else column < value
    tie = col(Ticket.id) > cursor_id if id_asc else col(Ticket.id) < cursor_id
    return or_(beyond, and_(column == value, tie))


def queue_page(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    *,
    after: int | None,
    limit: int,
    sort: str = "newest",
    backwards: bool = False,
) -> list[TicketRow]:
    """One page of tickets matching ``where`` in ``sort`` order, after the row ``after``.

    ``backwards`` reads the page *before* ``after`` (or, without ``after``, the last page) and
    returns it in ``sort`` order too: a table scrolling up or jumping to the end pages by key.
    """
    assignee = aliased(Staff)
    order = _reversed(sort) if backwards else SORTS[sort]
    conditions = [*where]
    if after is not None:
        conditions.append(_keyset(order, after))
    by = [getattr(Ticket, n).asc() if a else getattr(Ticket, n).desc() for n, a in order]
    # Pick the page's ids first (an index-only walk), then join names and the first CI for
    # those rows alone: joined before the LIMIT, SQLite joined every open ticket, then sorted.
    page = select(Ticket.id).where(and_(true(), *conditions)).order_by(*by).limit(limit).subquery()
    stmt = (
        sa.select(
            col(Ticket.id),
            col(Ticket.number),
            col(Ticket.priority),
            col(Ticket.status),
            col(Ticket.pending_reason),
            col(Ticket.tier),
            col(Ticket.title),
            col(Caller.name),
            col(AssignmentGroup.code),
            col(assignee.display_name),
            col(Ticket.opened_at),
            col(Ticket.response_due_at),
            col(Ticket.resolution_due_at),
            col(Ticket.flagged_at),
            col(Ticket.version),
            col(Ticket.resolution_warn_at),
            col(Ticket.sla_policy),
            col(Ticket.resolution_elapsed_min),
            _first_ci(),
            col(assignee.login),
        )
        .select_from(page)
        .join(Ticket, col(Ticket.id) == page.c.id)
        .join(Caller, col(Caller.id) == Ticket.caller_id, isouter=True)
        .join(AssignmentGroup, col(AssignmentGroup.id) == Ticket.group_id, isouter=True)
        .join(assignee, col(assignee.id) == Ticket.assignee_id, isouter=True)
        .order_by(*by)
    )
    rows = [TicketRow(*row) for row in session.execute(stmt).all()]
    return rows[::-1] if backwards else rows


def _first_ci() -> Any:
    """The ticket's first CI by name (a correlated primary-key lookup per row of the page)."""
    return (
        select(func.min(ConfigurationItem.name))
        .join(TicketCI, col(TicketCI.ci_id) == ConfigurationItem.id)
        .where(col(TicketCI.ticket_id) == Ticket.id)
        .scalar_subquery()
    )


def count(session: Session, where: Sequence[ColumnElement[bool]]) -> int:
    """How many tickets match ``where`` (the queue filters are index-backed)."""
    stmt = select(func.count()).select_from(Ticket).where(and_(true(), *where))
    return int(session.exec(stmt).one())


def counts(
    session: Session,
    each: Mapping[str, Sequence[ColumnElement[bool]]],
    *,
    over: Sequence[ColumnElement[bool]] = (),
    tallies: Mapping[str, ColumnElement[bool]] | None = None,
) -> dict[str, int]:
    """Several counts in one statement and one round trip: each of ``each`` as its own
    index-backed ``count(*)`` subquery, and ``tallies`` (name → condition) in one pass over
    the tickets matching ``over`` — for counts whose rows lie in one index range."""
    columns: list[Any] = [
        select(func.count()).select_from(Ticket).where(and_(true(), *where)).scalar_subquery()
        for where in each.values()
    ]
    names = list(each)
    stmt: Any
    if tallies:
        one_pass = (
            select(*(func.sum(case((c, 1), else_=0)).label(n) for n, c in tallies.items()))
            .select_from(Ticket)
            .where(and_(true(), *over))
            .subquery()
        )
        columns += [one_pass.c[n] for n in tallies]
        names += list(tallies)
        stmt = select(*columns).select_from(one_pass)
    else:
        stmt = select(*columns)
    row = session.exec(stmt).one()
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def backlog(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    at_risk: ColumnElement[bool],
    breached: ColumnElement[bool],
) -> list[BacklogRow]:
    """Open tickets per group (``ix_ticket_group_status``), with the unassigned, at-risk and
    breached among them."""

    def tally(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    stmt = (
        sa.select(
            col(AssignmentGroup.code),
            col(AssignmentGroup.name),
            col(AssignmentGroup.tier),
            func.count(),
            tally(col(Ticket.assignee_id).is_(None)),
            tally(at_risk),
            tally(breached),
        )
        .select_from(Ticket)
        .join(AssignmentGroup, col(AssignmentGroup.id) == Ticket.group_id)
        .where(and_(true(), *where))
        .group_by(col(AssignmentGroup.code), col(AssignmentGroup.name), col(AssignmentGroup.tier))
        .order_by(col(AssignmentGroup.tier), col(AssignmentGroup.code))
    )
    return [
        BacklogRow(code, name, tier, n, int(u or 0), int(r or 0), int(b or 0))
        for code, name, tier, n, u, r, b in session.execute(stmt).all()
    ]


def _ticket_reads() -> tuple[sa.Select[Any], sa.Select[Any], sa.Select[Any]]:
    """The ticket screen's history, notes and calls reads: only the columns shown, as plain
    rows (the ORM's entities add nothing a screen reads), built once at import."""
    journal, staff, note = core_table(JournalEntry), core_table(Staff), core_table(TicketNote)
    contact, caller, agent = core_table(Contact), core_table(Caller), core_table(Staff).alias()
    ticket_id = sa.bindparam("ticket_id", type_=sa.Integer)
    history = (
        sa.select(
            journal.c.id,
            journal.c.at,
            journal.c.action,
            staff.c.login,
            staff.c.display_name,
            journal.c.changes,
        )
        .select_from(journal.outerjoin(staff, staff.c.id == journal.c.actor_id))
        .where(journal.c.entity == "ticket", journal.c.entity_id == ticket_id)
        .order_by(journal.c.id)
    )
    notes = (
        sa.select(note.c.created_at, note.c.kind, staff.c.display_name, note.c.body)
        .select_from(note.outerjoin(staff, staff.c.id == note.c.author_id))
        .where(note.c.ticket_id == ticket_id)
        .order_by(note.c.id.desc())
    )
    calls = (
        sa.select(
            contact.c.occurred_at,
            contact.c.channel,
            caller.c.name,
            agent.c.display_name,
            contact.c.summary,
        )
        .select_from(
            contact.outerjoin(caller, caller.c.id == contact.c.caller_id).outerjoin(
                agent, agent.c.id == contact.c.agent_id
            )
        )
        .where(contact.c.ticket_id == ticket_id)
        .order_by(contact.c.id.desc())
    )
    return history, notes, calls


_HISTORY, _NOTES, _CONTACTS = _ticket_reads()


def history(session: Session, ticket_id: int) -> list[HistoryEntry]:
    """The ticket's journal, oldest first (``ix_journal_entity``)."""
    rows = session.execute(_HISTORY, {"ticket_id": ticket_id}).all()
    return [
        HistoryEntry(i, at, action, login or "system", name or "System", changes)
        for i, at, action, login, name, changes in rows
    ]


def notes(session: Session, ticket_id: int) -> list[NoteRow]:
    rows = session.execute(_NOTES, {"ticket_id": ticket_id}).all()
    return [NoteRow(at, kind, name or "System", body) for at, kind, name, body in rows]


def contacts(session: Session, ticket_id: int) -> list[ContactRow]:
    rows = session.execute(_CONTACTS, {"ticket_id": ticket_id}).all()
    return [ContactRow(*row) for row in rows]
