"""Read queries over tickets: keyset-paged queues, history, notes. Index-backed, bounded.

Every page is ``WHERE <queue> AND id < :after ORDER BY id DESC LIMIT :n`` (or its priority
order) so a page deep in a million-row queue costs what the first page costs (OFFSET would
read and drop every row before it), and every page is read from an index already in its order
(see :func:`page_ids`). The queue filters match the indexes declared on ``Ticket``.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, cast

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
    TicketGram,
    TicketNote,
)
from itsm_tui.storage.tables import tickets as tickets_table

#: "The ticket is open", as the partial index ``ix_ticket_open_priority_due`` declares it: a
#: query that reads that index repeats this condition word for word.
#: (SQL text, not ``status IN (...)`` built here: that has bound parameters, and a column of
#: literal_column's Boolean type is compared with 1 on SQLite; neither matches the index's.)
OPEN_ONLY = cast(ColumnElement[bool], sa.text(tickets_table.OPEN_ONLY))
#: "The ticket is finished", as ``ix_ticket_done_priority_due`` declares it (as above).
DONE_ONLY = cast(ColumnElement[bool], sa.text(tickets_table.DONE_ONLY))

# A row wider than four columns is built with SQLAlchemy's own ``select`` (``sa.select``) and
# run with ``Session.execute``: SQLModel types its ``select`` and ``exec`` for at most four
# (fastapi/sqlmodel#271), though both run the same statement.

#: Queue orders: name → (column, ascending) pairs, the id last so the order is total.
SORTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "newest": (("id", False),),
    "oldest": (("id", True),),
    "priority": (("priority", True), ("id", False)),
    # Soonest resolution deadline first (the overdue before the rest), the oldest first
    # among equal deadlines; tickets without one (no SLA) last.
    "due": (("resolution_due_at", True), ("id", True)),
}

#: Sort columns that may be NULL: a NULL comes after every value in the column's ascending
#: order (and so first when read backwards), on both databases — SQLite puts NULLs first and
#: PostgreSQL last, so the NULLs are read as a range of their own (:func:`_keyset`).
NULLABLE = frozenset({"resolution_due_at"})


def _reversed(sort: str) -> tuple[tuple[str, bool], ...]:
    return tuple((name, not asc) for name, asc in SORTS[sort])


#: A row's place in a sort: its values of the sort's columns, ``id`` last.
Cursor = tuple[Any, ...]
Order = tuple[tuple[str, bool], ...]


def _keyset(
    order: Order, cursor: Cursor | None, nulls: bool = True
) -> list[tuple[list[Any], Order]]:
    """The rows after ``cursor`` in ``order`` as parts read in turn, each an index range with
    the order it is read in: ``id < :c`` for newest first; for priority, first
    ``priority = :p AND id < :c`` (by id alone) and then ``priority > :p``. One ``OR`` would
    read every row of priority p before the cursor; one ``UNION`` of both PostgreSQL would
    sort, as it drops a column held equal from the order its range comes in. ``nulls``: as
    :func:`page_ids`."""
    if cursor is None:
        return _from_the_start(order, nulls)
    *keys, cursor_id = cursor
    (_, id_asc) = order[-1]
    # The cursor's values as named parameters (:func:`cursor_params`): the statement is the
    # same for every cursor of its shape, and a memoised one is run with the new values.
    at_id = sa.bindparam("cursor_id", cursor_id, type_=sa.Integer())
    tie = col(Ticket.id) > at_id if id_asc else col(Ticket.id) < at_id
    if not keys:
        return [([tie], order)]
    ((name, asc),) = order[:-1]
    column = getattr(Ticket, name)
    (value,) = keys
    if value is None and not nulls:
        return []
    if value is not None:
        value = sa.bindparam("cursor_key", value, type_=column.type)
    if value is None:  # in the NULLs: the rest of them, then (backwards) every value
        return [([column.is_(None), tie], order[-1:])] + (
            [] if asc else [([column.is_not(None)], order)]
        )
    parts = [
        ([column == value, tie], order[-1:]),
        ([column > value if asc else column < value], order),
    ]
    if name in NULLABLE and asc and nulls:
        parts.append(([column.is_(None)], order[-1:]))
    return parts


def cursor_params(cursor: Cursor | None) -> dict[str, Any]:
    """The values of a cursor's named parameters in :func:`_keyset`'s statements."""
    if cursor is None:
        return {}
    *keys, cursor_id = cursor
    return {"cursor_id": cursor_id, **({"cursor_key": keys[0]} if keys else {})}


def _cursor_shape(cursor: Cursor | None) -> Any:
    """What of a cursor changes its page's statements (its values are parameters)."""
    if cursor is None:
        return None
    return (len(cursor), cursor[0] is None)


def _from_the_start(order: Order, nulls: bool = True) -> list[tuple[list[Any], Order]]:
    """A whole order's parts: one, or for a nullable column its values and its NULLs, each
    a range in the order read (the values in order, the NULLs by id); ``nulls``: as
    :func:`page_ids`."""
    if len(order) == 1 or order[0][0] not in NULLABLE:
        return [([], order)]
    name, asc = order[0]
    column = getattr(Ticket, name)
    values = ([column.is_not(None)], order)
    if not nulls:
        return [values]
    undated = ([column.is_(None)], order[-1:])
    return [values, undated] if asc else [undated, values]


def cursor_of(session: Session, sort: str, after: int) -> Cursor | None:
    """The row ``after``'s place in ``sort`` (None: there is no such ticket)."""
    if len(SORTS[sort]) == 1:
        return (after,)
    row = session.connection().execute(_cursor_read(sort), {"after": after}).first()
    return None if row is None else (*row, after)


@functools.cache
def _cursor_read(sort: str) -> Any:
    """:func:`cursor_of`'s statement, built once per sort (a deep page reads it first)."""
    names = [n for n, _ in SORTS[sort][:-1]]
    return sa.select(*(getattr(Ticket, n) for n in names)).where(
        col(Ticket.id) == sa.bindparam("after")
    )


def page_ids(
    where: Sequence[ColumnElement[bool]],
    *,
    each: Sequence[Sequence[ColumnElement[bool]]] = ((),),
    after: Cursor | None,
    limit: int,
    sort: str = "newest",
    backwards: bool = False,
    dialect: str = "sqlite",
    nulls: bool = True,
) -> list[Any]:
    """The statements that pick a page, to run in turn until ``limit`` rows are read: ids
    (the first column) and sort keys of the rows matching ``where`` and one of ``each``, in
    ``sort`` order, after the row at ``after`` (:func:`cursor_of`). One statement, but for a
    priority page after a cursor: the cursor's priority, then those beyond (:func:`_keyset`).

    Each alternative of ``each`` (one per status of an open queue, per group of "my groups")
    is one arm of a ``UNION ALL``; every arm is an index range already in the page's order,
    so the database merges them (SQLite: MERGE (UNION ALL); PostgreSQL: Merge Append) and
    stops after ``limit`` rows — it never sorts the matching tickets, so a page costs the
    same whether 50 or a million match. One arm is a plain ``SELECT``. ``dialect``: the
    database's name, as the two merge in order from different SQL. ``nulls``: False when
    ``where`` holds for no row whose sort column is NULL (a deadline passed): the NULLs'
    range is not read (an empty range, but one its plan would sort).
    """
    order = _reversed(sort) if backwards else SORTS[sort]
    keys = [col(Ticket.id), *(getattr(Ticket, n) for n, _ in order[:-1])]  # the id first
    return [
        _merged([and_(true(), *where, *alt, *part) for alt in each], keys, by, limit, dialect)
        for part, by in _keyset(order, after, nulls)
    ]


def _merged(arms: list[Any], keys: list[Any], order: Order, limit: int, dialect: str) -> Any:
    """The first ``limit`` rows (``keys``) matching one of ``arms``, in ``order``."""

    def by(columns: Any) -> list[Any]:
        return [columns[n].asc() if a else columns[n].desc() for n, a in order]

    table = {n: getattr(Ticket, n) for n, _ in order}
    selects = [sa.select(*keys).where(arm) for arm in arms]
    if len(selects) == 1:
        return selects[0].order_by(*by(table)).limit(limit)
    if dialect == "postgresql":
        # (arm ORDER BY … LIMIT n) UNION ALL … ORDER BY … LIMIT n: PostgreSQL merges ordered
        # arms (Merge Append) only when each asks for the order itself; a bare UNION ALL is
        # appended and sorted whole.
        union = sa.union_all(*(s.order_by(*by(table)).limit(limit) for s in selects))
        return union.order_by(*by(union.selected_columns)).limit(limit)
    # SQLite takes no ORDER BY inside a compound's arms, and needs none: it adds the order to
    # each arm of SELECT … FROM (arm UNION ALL arm) ORDER BY … LIMIT n and merges them.
    merged = sa.union_all(*selects).subquery("arms")
    return sa.select(*merged.c).order_by(*by(merged.c)).limit(limit)


class _PageMemo:
    """The statements of recently read pages, by their conditions' SQL and values (a
    cursor's values are parameters of the statement: :func:`cursor_params`).

    Building a page's statement, SQLAlchemy's cache key for it and the match of its result
    columns to the compiled form it finds cached cost a priority-sorted page about as much
    as the database's work (0.2 ms of about 1.5 ms at a million tickets); a queue is read
    again and again with the same conditions (the console's refresh, every agent's "open"),
    and the same statement object skips all three. The key is each condition's cache key
    (its SQL's shape) with its parameter values, so two conditions of the same shape and
    other values never share an entry; a condition without a cache key is not memoised.
    Bounded: the least recently used entry goes first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Any, list[Any]] = OrderedDict()
        self._lock = threading.Lock()  # the console reads pages in worker threads

    def get(self, key: Any) -> Any:
        """The statements kept under ``key`` (:func:`_conditions_key`; None: none kept)."""
        if key is None:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
        return found

    def put(self, key: Any, parts: list[Any]) -> None:
        if key is None:
            return
        with self._lock:
            self._entries[key] = parts
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)


def _conditions_key(where: Sequence[Any], each: Sequence[Sequence[Any]], shape: Any) -> Any:
    """A hashable key of ``where`` and ``each``: SQL shape and values (None: not keyable)."""
    out: list[Any] = [shape, len(where)]
    for condition in (*where, *(c for alt in each for c in (*alt, None))):
        if condition is None:  # the end of one alternative of ``each``
            out.append(None)
            continue
        key = condition._generate_cache_key()
        if key is None:
            return None
        out.append(key.key)
        for bind in key.bindparams:
            value = bind.effective_value
            out.append(tuple(value) if isinstance(value, list) else value)
    try:
        hash(tuple(out))
    except TypeError:
        return None
    return tuple(out)


_pages = _PageMemo(256)


def row_test(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """``condition`` as a test of each row a statement reads, which no index range can
    serve (a CASE of it): a statement whose rows come from a few keys (``id IN (…)``) is
    then read by those keys, whatever ranges ``condition`` would allow."""
    return case((condition, 1), else_=0) == 1


def candidate_page(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    *,
    after: int | None,
    limit: int,
    sort: str = "newest",
    backwards: bool = False,
) -> list[TicketRow]:
    """A page of the few tickets ``where`` holds for (a term's open postings, read by key:
    ``where`` names them with ``id IN (…)`` and tests the rest with :func:`row_test`), in
    ``sort`` order after the row ``after`` (``backwards``: as :func:`queue_page`).

    The database sorts those few itself and returns one page of ids: one statement, the
    place after the cursor tested on each candidate's row too (as index ranges, SQLite would
    walk ``ix_ticket_by_priority`` for ``priority = ? AND id < ?``). Carrying every candidate
    to Python to cut the page there (:func:`window_page`) cost ~10 ms of CPU for the ~500
    open tickets holding "VPN" at a million."""
    cursor = None if after is None else cursor_of(session, sort, after)
    if after is not None and cursor is None:
        return []
    conn = session.connection()
    stmt = candidate_ids(where, after=cursor, limit=limit, sort=sort, backwards=backwards)
    ids = conn.execute(stmt).scalars().all()
    return _rows_in_order(conn, ids, sort)


def candidate_ids(
    where: Sequence[ColumnElement[bool]],
    *,
    after: Cursor | None,
    limit: int,
    sort: str = "newest",
    backwards: bool = False,
) -> Any:
    """The statement :func:`candidate_page` reads its ids by (``after``: the cursor's place,
    :func:`cursor_of`)."""
    order = _reversed(sort) if backwards else SORTS[sort]
    conds = list(where)
    if after is not None:
        conds.append(row_test(_beyond(order, after)))
    by: list[Any] = []
    for name, asc in order:
        column = getattr(Ticket, name)
        if name in NULLABLE:  # NULLs after every value in the ascending order
            by.append(column.is_(None).asc() if asc else column.is_(None).desc())
        by.append(column.asc() if asc else column.desc())
    return sa.select(col(Ticket.id)).where(and_(true(), *conds)).order_by(*by).limit(limit)


def _beyond(order: Order, cursor: Cursor) -> ColumnElement[bool]:
    """The rows after ``cursor`` in ``order`` as one condition: :func:`_keyset`'s parts, any
    of them (a NULL after every value in the ascending order, before them in the
    descending)."""
    return or_(*(and_(true(), *conds) for conds, _ in _keyset(order, cursor)))


def queue_page(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    *,
    after: int | None,
    limit: int,
    sort: str = "newest",
    backwards: bool = False,
    each: Sequence[Sequence[ColumnElement[bool]]] = ((),),
    nulls: bool = True,
) -> list[TicketRow]:
    """One page of tickets matching ``where`` (and one of ``each``: see :func:`page_ids`, and
    ``nulls``) in ``sort`` order, after the row ``after``.

    ``backwards`` reads the page *before* ``after`` (or, without ``after``, the last page) and
    returns it in ``sort`` order too: a table scrolling up or jumping to the end pages by key.
    """
    if not each:
        return []
    cursor = None if after is None else cursor_of(session, sort, after)
    if after is not None and cursor is None:
        return []  # paging on from a ticket that does not exist: nothing follows it
    # Core execution: plain rows, without the ORM's per-statement work (it adds nothing
    # to a tuple of columns).
    conn = session.connection()
    ids: list[int] = []
    shape = (sort, backwards, nulls, limit, conn.dialect.name, _cursor_shape(cursor))
    params = cursor_params(cursor)
    key = _conditions_key(where, each, shape)  # once: read and, on a miss, kept under it
    parts = _pages.get(key)
    if parts is None:
        parts = page_ids(
            where,
            each=each,
            after=cursor,
            limit=limit,
            sort=sort,
            backwards=backwards,
            dialect=conn.dialect.name,
            nulls=nulls,
        )
        _pages.put(key, parts)
    for part in parts:
        if len(ids) < limit:
            # (A part already cut at ``limit`` runs as built: a copy with its limit set
            # again would be a new statement, which costs what the memo saves.)
            stmt = part.limit(limit - len(ids)) if ids else part
            ids += conn.execute(stmt, params).scalars().all()
    return _rows_in_order(conn, ids, sort)


_NEWEST_ID = sa.select(func.max(col(Ticket.id)))


def newest_id(session: Session) -> int | None:
    """The highest ticket id (None: no ticket): about how many tickets there are, read from
    the end of the primary key instead of counted."""
    value: int | None = session.connection().execute(_NEWEST_ID).scalar()
    return value


def walked_page(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    tested: ColumnElement[bool],
    *,
    each: Sequence[Sequence[ColumnElement[bool]]],
    after: int | None,
    limit: int,
    sort: str,
    budget: int,
    backwards: bool = False,
    nulls: bool = True,
) -> list[TicketRow] | None:
    """The page :func:`queue_page` reads for ``where`` and ``tested``, found by testing
    ``tested`` on the first ``budget`` rows of each index range of ``where`` (and ``each``)
    after the cursor; None when those rows hold fewer matches than the page needs and more
    rows follow them (the caller then reads the page another way).

    Why: a search term held by some thousands of titles is usually spread over the order,
    so the page's rows are among the next few thousand; its cost is then ``budget`` index
    entries at most, not the term's postings. The walk's rows are read first (a subquery with
    its own ``LIMIT``), so that no database can turn ``tested`` into the plan's driver."""
    if not each:
        return []
    cursor = None if after is None else cursor_of(session, sort, after)
    if after is not None and cursor is None:
        return []
    conn = session.connection()
    order = _reversed(sort) if backwards else SORTS[sort]
    params = cursor_params(cursor)
    table = Ticket.__table__  # type: ignore[attr-defined]
    ids: list[int] = []
    # Each part of the page's ranges (page_ids, cut at ``budget`` rows instead of the page),
    # its matches taken in the page's whole order (within a part it is the part's own).
    for ranges in page_ids(
        where,
        each=each,
        after=cursor,
        limit=budget,
        sort=sort,
        backwards=backwards,
        dialect=conn.dialect.name,
        nulls=nulls,
    ):
        if len(ids) >= limit:
            break
        walked = ranges.subquery("walked")
        found = (
            sa.select(walked.c.id)
            .select_from(walked.join(table, table.c.id == walked.c.id))
            .where(tested)
            .order_by(*(walked.c[n].asc() if a else walked.c[n].desc() for n, a in order))
            .limit(limit - len(ids))
            .subquery("found")
        )
        # The matches and how many rows the walk read, in one statement: one snapshot on
        # PostgreSQL, whose READ COMMITTED gives each statement its own (a commit between
        # two could shorten the range and pass a walk cut at ``budget`` for a whole one).
        size = sa.select(func.count().label("walked")).select_from(walked).subquery("size")
        both = sa.select(size.c.walked, found.c.id).select_from(size.outerjoin(found, true()))
        read = conn.execute(both, params).all()
        ids += [r.id for r in read if r.id is not None]
        if len(ids) < limit and read[0].walked >= budget:
            return None  # the walk ended before the range did
    return _rows_in_order(conn, ids, sort)


def posting_page(
    session: Session,
    gram: str,
    where: Sequence[ColumnElement[bool]],
    *,
    each: Sequence[Sequence[ColumnElement[bool]]],
    after: int | None,
    limit: int,
    backwards: bool = False,
    priority: int | None = None,
) -> list[TicketRow]:
    """A page in the priority order (most urgent first, newest first within a priority) of
    the tickets whose title holds ``gram`` and that match ``where`` and one of ``each``.

    The gram's postings are walked in that order (``ix_ticket_gram_by_priority``) and each
    posting's ticket is checked by key: the page costs the postings read before it is full,
    however the term's tickets fall over the priorities (printer faults are P4: walking the
    tickets by priority passes every P1–P3 ticket first). The ticket's conditions are an
    ``EXISTS`` of the posting, so that the posting index stays the outer loop, in order.
    ``backwards``, ``after``: as :func:`queue_page`; ``priority``: one priority's postings
    only (a page filtered to it)."""
    if not each:
        return []
    cursor = None if after is None else cursor_of(session, "priority", after)
    if after is not None and cursor is None:
        return []
    gram_c = core_table(TicketGram).c
    ticket = core_table(Ticket)
    holds = (
        sa.select(sa.literal(1))
        .select_from(ticket)
        .where(
            ticket.c.id == gram_c.ticket_id,
            *where,
            sa.or_(*(and_(true(), *alt) for alt in each)),
        )
        .exists()
    )
    order: Order = _reversed("priority") if backwards else SORTS["priority"]
    columns = {"priority": gram_c.priority, "id": gram_c.ticket_id}
    parts: list[tuple[list[Any], Order]]
    if cursor is None:
        parts = [([], order)]
    else:
        value, cursor_id = cursor
        (_, id_asc) = order[-1]
        (_, asc) = order[0]
        tie = gram_c.ticket_id > cursor_id if id_asc else gram_c.ticket_id < cursor_id
        beyond = gram_c.priority > value if asc else gram_c.priority < value
        parts = [([gram_c.priority == value, tie], order[-1:]), ([beyond], order)]
    own = [] if priority is None else [gram_c.priority == priority]
    conn = session.connection()
    ids: list[int] = []
    for conds, by in parts:
        if len(ids) >= limit:
            break
        stmt = (
            sa.select(gram_c.ticket_id)
            .where(gram_c.gram == gram, *own, *conds, holds)
            .order_by(*(columns[n].asc() if a else columns[n].desc() for n, a in by))
            .limit(limit - len(ids))
        )
        ids += conn.execute(stmt).scalars().all()
    return _rows_in_order(conn, ids, "priority")


def count_up_to(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    each: Sequence[Sequence[ColumnElement[bool]]],
    cap: int,
) -> int:
    """How many tickets match ``where`` and one of ``each``, counted no further than ``cap``
    + 1 (each alternative an index range of at most that many entries): says "few" or
    "many" for the price of a few thousand index entries, whatever the queue's size."""
    found = 0
    conn = session.connection()
    for alt in each:
        capped = (
            sa.select(col(Ticket.id))
            .where(and_(true(), *where, *alt))
            .limit(cap + 1 - found)
            .subquery()
        )
        found += int(conn.execute(sa.select(func.count()).select_from(capped)).scalar_one())
        if found > cap:
            break
    return found


def window_page(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    *,
    each: Sequence[Sequence[ColumnElement[bool]]],
    after: int | None,
    limit: int,
    sort: str,
    cap: int,
    backwards: bool = False,
    count_first: bool = True,
) -> list[TicketRow] | None:
    """A page of a queue whose ``where`` is a narrow time window (at risk, breached), or
    None when more than ``cap`` tickets are in it.

    The window is read as index ranges (``ix_ticket_status_due``/``…_warn``), ids and sort
    keys only, at most ``cap`` + 1 of them, and the page is cut from them here: its cost is
    the window's size, never the number of open tickets. Walking a sort index and testing
    each row (the plan the databases chose) costs the open tickets the window lacks: the
    whole open queue when few are at risk. When the window is wider than ``cap``, it is dense
    enough that walking fills a page soon, and the caller reads the page that way."""
    if not each:
        return []
    order = SORTS[sort]
    conn = session.connection()
    window = window_ids(where, each, sort, cap)
    # Counted first (in the database, from the same ranges): a window wider than ``cap`` is
    # then walked without its cap + 1 rows carried to Python first (~4 ms of CPU at 2,001).
    # Not when ``where`` is tested on the table's rows (``count_first`` False: a title
    # search), which the count would read as well: then read once, cap + 1 rows at most.
    if count_first:
        counted = sa.select(func.count()).select_from(window.subquery())
        if conn.execute(counted).scalar_one() > cap:
            return None
    found = [tuple(r) for r in conn.execute(window).all()]
    if len(found) > cap:
        return None
    rank = _ranker(order)
    ranked = sorted(found, key=rank)
    if after is not None:
        cursor = cursor_of(session, sort, after)
        if cursor is None:
            return []
        mark = rank((cursor[-1], *cursor[:-1]))
        if backwards:
            ranked = [r for r in ranked if rank(r) < mark][-limit:]
        else:
            ranked = [r for r in ranked if rank(r) > mark][:limit]
    else:
        ranked = ranked[-limit:] if backwards else ranked[:limit]
    ids = [r[0] for r in ranked]
    return _rows_in_order(conn, ids, sort)


def window_ids(
    where: Sequence[ColumnElement[bool]],
    each: Sequence[Sequence[ColumnElement[bool]]],
    sort: str,
    cap: int,
) -> Any:
    """The statement :func:`window_page` reads a window by: ids and ``sort``'s keys of at most
    ``cap`` + 1 rows matching ``where`` and one of ``each``, in no order. One statement (one
    round trip however many ranges: a supervisor's breached window is one per status and
    priority), whose arms are read in turn until the rows are found."""
    keys = [col(Ticket.id), *(getattr(Ticket, n) for n, _ in SORTS[sort][:-1])]
    arms = [sa.select(*keys).where(*where, *alt) for alt in each]
    union = arms[0] if len(arms) == 1 else sa.union_all(*arms).subquery("window").select()
    return union.limit(cap + 1)


def _ranker(order: Order) -> Any:
    """A sort key for (id, *sort values) tuples in ``order``: a NULL after every value, as
    the queue orders put tickets without a deadline last."""
    # (position in the tuple, ascending, nullable) per column of the order, the id last.
    spec = [(0 if n == "id" else i + 1, asc, n in NULLABLE) for i, (n, asc) in enumerate(order)]

    def rank(row: tuple[Any, ...]) -> tuple[Any, ...]:
        out: list[Any] = []
        for at, asc, nullable in spec:
            value = row[at]
            if nullable:
                out.append(value is None)
                value = 0.0 if value is None else value.timestamp()
            out.append(value if asc else -value)
        return tuple(out)

    return rank


def _rows_in_order(conn: sa.Connection, ids: Sequence[int], sort: str) -> list[TicketRow]:
    """The rows of a page's ``ids``, in the page's ``sort`` order. The order is put back on
    its ≤ limit rows here rather than by an ORDER BY (the database would sort them in a
    temporary B-tree: cheap, but it hides in the plan the one sort that matters, the one the
    page's ids must never need)."""
    if not ids:
        return []
    rows = conn.execute(_rows_by_id(), {"ids": ids}).all()
    return sorted(map(TicketRow.of, rows), key=_sort_key(sort))


@functools.cache
def _rows_by_id() -> Any:
    """A page's rows by their ids, with names and the first CI joined for those rows alone
    (joined before the LIMIT, SQLite joined every open ticket, then sorted). Built once:
    building this 20-column join took a queue page about as long as running it; its SQL is
    compiled once too (SQLAlchemy's statement cache), the ids an expanding parameter."""
    assignee = aliased(Staff)
    return (
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
        .select_from(Ticket)
        .join(Caller, col(Caller.id) == Ticket.caller_id, isouter=True)
        .join(AssignmentGroup, col(AssignmentGroup.id) == Ticket.group_id, isouter=True)
        .join(assignee, col(assignee.id) == Ticket.assignee_id, isouter=True)
        .where(col(Ticket.id).in_(sa.bindparam("ids", expanding=True)))
    )


def plan(session: Session, stmt: Any) -> list[str]:
    """How the database would run ``stmt``: SQLite's EXPLAIN QUERY PLAN details, or
    PostgreSQL's EXPLAIN lines (the queue tests and ``benchmarks/queues.py`` read these)."""
    conn = session.connection()
    # (An IN list's values rendered as parameters of their own: EXPLAIN takes no expanding one.)
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    if conn.dialect.name == "sqlite":
        params = tuple(compiled.params[name] for name in compiled.positiontup or ())
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params).all()
        return [str(row[-1]) for row in rows]
    rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).all()
    return [str(row[0]) for row in rows]


def _sort_key(sort: str) -> Any:
    if sort == "priority":
        return lambda r: (r.priority, -r.id)
    if sort == "due":
        return lambda r: (r.resolution_due_at is None, r.resolution_due_at or 0, r.id)
    return (lambda r: r.id) if SORTS[sort][0][1] else (lambda r: -r.id)


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


def resolutions(
    session: Session, ids: Sequence[int]
) -> dict[int, tuple[str | None, str | None, Any]]:
    """Each ticket's resolution code, text and resolution time, by id (a page's ids: one
    read by key)."""
    if not ids:
        return {}
    rows = session.execute(
        sa.select(
            col(Ticket.id),
            col(Ticket.resolution_code),
            col(Ticket.resolution_text),
            col(Ticket.resolved_at),
        ).where(col(Ticket.id).in_(list(ids)))
    ).all()
    return {row[0]: (row[1], row[2], row[3]) for row in rows}
