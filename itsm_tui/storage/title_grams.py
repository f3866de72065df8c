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

from itsm_tui.common.ngrams import fold, grams
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import Ticket, TicketGram

_GRAM = core_table(TicketGram)
_TICKET = core_table(Ticket)
COLUMNS = ("ticket_id", "gram", "priority")


def title_grams(title: str) -> list[str]:
    """The bigrams a title is indexed under, in key order."""
    return sorted(grams(fold(title)))


def gram_rows(ticket_id: int, title: str, priority: int) -> list[tuple[int, str, int]]:
    """A ticket's ``ticket_gram`` rows (``COLUMNS``), for loads that write many at once."""
    return [(ticket_id, g, priority) for g in title_grams(title)]


def index_title(
    conn: Connection, ticket_id: int, title: str, priority: int, *, replace: bool = False
) -> None:
    """(Re)index one ticket's title, in the caller's transaction. ``replace``: the ticket
    was indexed before (a corrected title), so its old grams go first."""
    if replace:
        conn.execute(delete(_GRAM).where(_GRAM.c.ticket_id == ticket_id))
    rows = [{"ticket_id": ticket_id, "gram": g, "priority": priority} for g in title_grams(title)]
    if rows:
        conn.execute(insert(_GRAM), rows)


def reprioritise(conn: Connection, ticket_id: int, priority: int) -> None:
    """Move a ticket's postings to its new priority, in the caller's transaction (each gram's
    postings are kept in the priority order: ``ix_ticket_gram_by_priority``)."""
    conn.execute(update(_GRAM).where(_GRAM.c.ticket_id == ticket_id).values(priority=priority))


def postings_up_to(conn: Connection, gram: str, cap: int) -> int:
    """How many tickets hold ``gram``, counted no further than ``cap`` + 1 (an index range
    of at most that many entries: the count only has to say "few" or "many")."""
    capped = sa.select(_GRAM.c.ticket_id).where(_GRAM.c.gram == gram).limit(cap + 1).subquery()
    return int(conn.execute(sa.select(func.count()).select_from(capped)).scalar_one())


def numbers_up_to(conn: Connection, low: str, high: str, cap: int) -> int:
    """How many ticket numbers fall in [low, high), counted no further than ``cap`` + 1."""
    capped = (
        sa.select(_TICKET.c.id)
        .where(_TICKET.c.number >= low, _TICKET.c.number < high)
        .limit(cap + 1)
        .subquery()
    )
    return int(conn.execute(sa.select(func.count()).select_from(capped)).scalar_one())


def posting_ids(gram: str, number_range: tuple[str, str] | None = None) -> Any:
    """The ids of the tickets that hold ``gram`` in their title (and, with ``number_range``,
    those whose number is in it): a subquery for ``Ticket.id IN (…)``."""
    postings = sa.select(_GRAM.c.ticket_id).where(_GRAM.c.gram == gram)
    if number_range is None:
        return postings
    low, high = number_range
    numbers = sa.select(_TICKET.c.id).where(_TICKET.c.number >= low, _TICKET.c.number < high)
    return sa.union_all(postings, numbers)


def grams_of(
    titles: Iterable[tuple[int, str, int]],
) -> Iterable[tuple[int, str, int]]:
    """Every ``ticket_gram`` row of ``(id, title, priority)`` triples, in key order."""
    for ticket_id, title, priority in titles:
        yield from gram_rows(ticket_id, title, priority)
