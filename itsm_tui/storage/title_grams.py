"""The ticket-title bigram index (``ticket_gram``): written with each ticket, read by search.

A queue search for a term walks the queue's sort index and checks each title, which is quick
while the term is common (a page fills after a few hundred rows) and slow when few titles hold
it (a million rows walked to find none). The posting list of the term's rarest bigram is then
the short way: its tickets are all the candidates there are (:func:`posting_ids`). Which way
is chosen is the workflow's decision (``workflow.tickets.title_search``); this module counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, delete, func, insert, update

from itsm_tui.common.domain import OPEN_STATUSES
from itsm_tui.common.ngrams import fold, grams
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import Ticket, TicketGram
from itsm_tui.storage.tables import tickets as tickets_table

_GRAM = core_table(TicketGram)
_TICKET = core_table(Ticket)
COLUMNS = ("ticket_id", "gram", "priority", "is_open")
#: "The posting's ticket is open", as the partial index ``ix_ticket_gram_open`` declares it
#: (SQL text, repeated word for word: SQLAlchemy writes a Boolean column as ``is_open = 1`` on
#: SQLite, which SQLite does not match to the index's condition).
OPEN_POSTING = sa.text(tickets_table.OPEN_GRAM)
_OPEN = frozenset(s.value for s in OPEN_STATUSES)


def is_open(status: str) -> bool:
    """Whether a ticket in ``status`` is open work (its postings are open ones)."""
    return status in _OPEN


def title_grams(title: str) -> list[str]:
    """The bigrams a title is indexed under, in key order."""
    return sorted(grams(fold(title)))


def gram_rows(
    ticket_id: int, title: str, priority: int, status: str
) -> list[tuple[int, str, int, bool]]:
    """A ticket's ``ticket_gram`` rows (``COLUMNS``), for loads that write many at once."""
    open_ = is_open(status)
    return [(ticket_id, g, priority, open_) for g in title_grams(title)]


def index_title(
    conn: Connection,
    ticket_id: int,
    title: str,
    priority: int,
    *,
    replace: bool = False,
    open_: bool = True,
) -> None:
    """(Re)index one ticket's title, in the caller's transaction. ``replace``: the ticket
    was indexed before (a corrected title), so its old grams go first; ``open_``: whether the
    ticket is open (a new one is)."""
    if replace:
        conn.execute(delete(_GRAM).where(_GRAM.c.ticket_id == ticket_id))
    rows = [
        {"ticket_id": ticket_id, "gram": g, "priority": priority, "is_open": open_}
        for g in title_grams(title)
    ]
    if rows:
        conn.execute(insert(_GRAM), rows)


def set_open(conn: Connection, ticket_id: int, open_: bool) -> None:
    """Mark a ticket's postings open or not, in the transaction that opens or closes it (a
    resolved, closed or cancelled ticket leaves ``ix_ticket_gram_open``; a reopened one
    comes back)."""
    conn.execute(update(_GRAM).where(_GRAM.c.ticket_id == ticket_id).values(is_open=open_))


def reprioritise(conn: Connection, ticket_id: int, priority: int) -> None:
    """Move a ticket's postings to its new priority, in the caller's transaction (each gram's
    postings are kept in the priority order: ``ix_ticket_gram_by_priority``)."""
    conn.execute(update(_GRAM).where(_GRAM.c.ticket_id == ticket_id).values(priority=priority))


def postings_up_to(conn: Connection, gram: str, cap: int) -> int:
    """How many tickets hold ``gram``, counted no further than ``cap`` + 1 (an index range
    of at most that many entries: the count only has to say "few" or "many")."""
    capped = sa.select(_GRAM.c.ticket_id).where(_GRAM.c.gram == gram).limit(cap + 1).subquery()
    return int(conn.execute(sa.select(func.count()).select_from(capped)).scalar_one())


def open_postings_up_to(conn: Connection, gram: str, cap: int) -> int:
    """How many open tickets hold ``gram``, counted no further than ``cap`` + 1 (a range of
    ``ix_ticket_gram_open``)."""
    capped = (
        sa.select(_GRAM.c.ticket_id)
        .where(_GRAM.c.gram == gram, OPEN_POSTING)
        .limit(cap + 1)
        .subquery()
    )
    return int(conn.execute(sa.select(func.count()).select_from(capped)).scalar_one())


def open_counts(
    conn: Connection, gram_list: list[str], low: str, high: str, cap: int
) -> tuple[list[int], int]:
    """How many open tickets hold each of ``gram_list`` (ranges of ``ix_ticket_gram_open``)
    and how many ticket numbers fall in [low, high), each counted no further than ``cap``
    + 1: one statement, one round trip."""

    def counted(stmt: Any) -> Any:
        capped = stmt.limit(cap + 1).subquery()
        return sa.select(func.count()).select_from(capped).scalar_subquery()

    grams_ = [
        counted(sa.select(_GRAM.c.ticket_id).where(_GRAM.c.gram == g, OPEN_POSTING))
        for g in gram_list
    ]
    numbers = counted(
        sa.select(_TICKET.c.id).where(_TICKET.c.number >= low, _TICKET.c.number < high)
    )
    *found, in_range = conn.execute(sa.select(*grams_, numbers)).one()
    return [int(n) for n in found], int(in_range)


def numbers_up_to(conn: Connection, low: str, high: str, cap: int) -> int:
    """How many ticket numbers fall in [low, high), counted no further than ``cap`` + 1."""
    capped = (
        sa.select(_TICKET.c.id)
        .where(_TICKET.c.number >= low, _TICKET.c.number < high)
        .limit(cap + 1)
        .subquery()
    )
    return int(conn.execute(sa.select(func.count()).select_from(capped)).scalar_one())


def posting_ids(
    gram: str, number_range: tuple[str, str] | None = None, *, open_only: bool = False
) -> Any:
    """The ids of the tickets that hold ``gram`` in their title (and, with ``number_range``,
    those whose number is in it): a subquery for ``Ticket.id IN (…)``. ``open_only``: the
    open tickets' postings only (``ix_ticket_gram_open``)."""
    postings = sa.select(_GRAM.c.ticket_id).where(
        _GRAM.c.gram == gram, *([OPEN_POSTING] if open_only else [])
    )
    if number_range is None:
        return postings
    low, high = number_range
    numbers = sa.select(_TICKET.c.id).where(_TICKET.c.number >= low, _TICKET.c.number < high)
    return sa.union_all(postings, numbers)


def grams_of(
    titles: Iterable[tuple[int, str, int, str]],
) -> Iterable[tuple[int, str, int, bool]]:
    """Every ``ticket_gram`` row of ``(id, title, priority, status)``, in key order."""
    for ticket_id, title, priority, status in titles:
        yield from gram_rows(ticket_id, title, priority, status)
