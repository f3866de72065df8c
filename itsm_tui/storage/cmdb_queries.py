"""The CMDB's graph walks, in the database: one indexed read per depth, on SQLite and PostgreSQL.

Why in SQL: the graph has 100,000 CIs and 300,000 relationships; loading it into Python for
each question would cost seconds and memory. A walk starts from a handful of CIs and touches
only the edges it follows, through the covering indexes on (target_id, type, source_id) and
(source_id, type, target_id).

Why breadth first, one query per depth, and not one recursive CTE: a recursive CTE cannot look
at what it has already found, so it expands a CI again at every depth it is reached at (UNION
drops only repeated (id, depth) rows — up to CIs × (depth + 1) of them) and the explanation
then needs a second pass over the same edges. Walking a depth at a time, each CI is expanded
once, at its smallest depth, its parent is noted as it is found, and the walk stops going deeper
once it has reached its row limit. A walk of depth 6 is at most 6 steps (more only when a depth
reaches over a thousand CIs), each a few index range scans.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, exists, func
from sqlmodel import col, select

from itsm_tui.common.domain import OPEN_STATUSES, TicketType
from itsm_tui.storage.tables import Ticket, TicketCI

# A walk stops when it has reached this many CIs (and says it was cut off): enough for any
# single server, rack or service; a core switch or a machine room reaches more — most of the
# estate — and its interactive answer is "cut off, N services found so far". A report that
# must be complete passes a larger limit (``itsm ci impact --all``).
MAX_ROWS = 10_000
WHOLE_ESTATE = 10_000_000


@dataclass(frozen=True)
class Edges:
    """Which relationship types a walk follows from target to source, and from source to
    target ("if the CI at this end fails, the CI at the other end is hit")."""

    to_source: tuple[str, ...]
    to_target: tuple[str, ...]


def _quoted(values: Iterable[str]) -> str:
    # Values come from the fixed RelationType enum, never from user input.
    return ", ".join(f"'{v}'" for v in values) or "''"


def _step_sql(edges: Edges, ids: str = "IN :ids", *, kinds: bool = True) -> str:
    """One step of a walk from a set of CIs (``ids``: how the SQL tests for the set): (from,
    type, to) for every edge it follows, or (from, to) without ``kinds`` (a walk that explains
    nothing need not build a string for each edge's type).

    Each branch is a range scan of one covering index — (target_id, type, source_id) for the
    edges walked from target to source, (source_id, type, target_id) for the others — so the
    step never reads the table itself (``tests/unit/test_cmdb_queries.py`` checks the plans;
    PostgreSQL needs its visibility map kept by (auto)vacuum for index-only scans).
    """
    kind = "type, " if kinds else ""
    branches = []
    if edges.to_source:
        branches.append(
            f"SELECT target_id, {kind}source_id FROM ci_relation "
            f"WHERE target_id {ids} AND type IN ({_quoted(edges.to_source)})"
        )
    if edges.to_target:
        branches.append(
            f"SELECT source_id, {kind}target_id FROM ci_relation "
            f"WHERE source_id {ids} AND type IN ({_quoted(edges.to_target)})"
        )
    empty = "SELECT 0, '', 0 WHERE 1 = 0" if kinds else "SELECT 0, 0 WHERE 1 = 0"
    return " UNION ALL ".join(branches) or empty


_DETAILS = "SELECT id, name, ci_class, status, criticality FROM configuration_item WHERE id {ids}"
_FIRST, _OTHER = itemgetter(0), itemgetter(2)  # a row's id; a step row's (from, type, to) → to
CHUNK = 1000  # ids per query
_PARALLEL = "max_parallel_workers_per_gather"
SERIAL_FROM = 200  # ids in one query past which PostgreSQL runs the reader's queries serially
FIRST_CHUNK = 50  # ids in a walk's first query at each depth (then 200, 800, 1000, …)


class _Reader:
    """Queries with one set of ids, straight through the driver's cursor: a walk reads up to
    tens of thousands of rows, and result objects or a rendered ``IN`` of a thousand bound
    parameters per query would cost more than the reads. PostgreSQL gets the set as one array
    parameter (``= ANY(%s)``: one plan, whatever the set's size); SQLite as an ``IN`` list.

    On PostgreSQL the reader turns parallel query off before its first query of more than
    :data:`SERIAL_FROM` ids, and puts the setting back when closed. Each of its queries takes a
    few milliseconds, but from about 400 ids in the array the planner expects enough rows to
    start two parallel workers — which costs more than the query: on the benchmark graph a
    core switch's upstream walk took ~100 ms with workers and ~50 ms without, a distribution
    switch's ~220 and ~120. Narrow walks (most of them) never send that many ids and skip the
    two extra round trips."""

    def __init__(self, conn: Connection) -> None:
        self.cursor = conn.connection.cursor()
        self.qmark = conn.dialect.paramstyle == "qmark"
        self._parallel: str | None = None  # the setting to put back, once changed

    def _serial(self) -> None:
        self.cursor.execute(
            f"SELECT current_setting('{_PARALLEL}'), set_config('{_PARALLEL}', '0', true)"
        )
        self._parallel = str(self.cursor.fetchall()[0][0])

    def rows(self, sql: str, ids: Sequence[int], *, repeat: int = 1) -> list[Any]:
        return [row for chunk in self.chunks(sql, ids, repeat=repeat) for row in chunk]

    def chunks(
        self, sql: str, ids: Sequence[int], *, repeat: int = 1, first: int = CHUNK
    ) -> Iterator[Sequence[Any]]:
        """The rows for each run of ids in turn, so a caller can stop early: ``first`` ids,
        then four times as many each time up to ``CHUNK`` (a thousand access switches have
        80,000 desktops behind them; a walk that needs 2,000 more CIs should not read them
        all)."""
        start, size = 0, first
        while start < len(ids):
            batch = list(ids[start : start + size])
            start, size = start + size, min(CHUNK, size * 4)
            if self.qmark:
                query = sql.format(ids=f"IN ({', '.join('?' * len(batch))})")
                self.cursor.execute(query, batch * repeat)
            else:
                # The array as one text literal: psycopg's own list dumpers pack each id in
                # Python (~0.8 µs an id; a wide walk sends tens of thousands of ids), while
                # str.join runs in C. The cast matches the id columns' type, as before.
                if len(batch) > SERIAL_FROM and self._parallel is None:
                    self._serial()
                array = "{" + ",".join(map(str, batch)) + "}"
                self.cursor.execute(sql.format(ids="= ANY(%s::integer[])"), [array] * repeat)
            yield self.cursor.fetchall()

    def close(self) -> None:
        # Back to what the transaction had before (a failed transaction ends with it anyway,
        # and takes no more commands: the error that failed it is the one to see).
        if self._parallel is not None and not _failed(self.cursor):
            self.cursor.execute(f"SELECT set_config('{_PARALLEL}', %s, true)", [self._parallel])
        self.cursor.close()


def _failed(cursor: Any) -> bool:
    from psycopg.pq import TransactionStatus  # only PostgreSQL gets here

    return bool(cursor.connection.info.transaction_status == TransactionStatus.INERROR)


@dataclass(frozen=True)
class WalkRow:
    id: int
    depth: int
    path: tuple[int, ...]  # root … this CI
    via: tuple[str, ...]  # the relationship type of each hop
    name: str
    ci_class: str
    status: str
    criticality: int


@dataclass(frozen=True)
class Walk:
    """What a walk reached, kept as ids: a failing machine room reaches tens of thousands of
    CIs, and building a row with its explaining path for each would cost more than the walk.
    The caller asks for rows only for what it shows (:meth:`nearest`, :meth:`of_class`)."""

    levels: list[list[int]]  # the CIs first reached at each depth (the roots at 0)
    # id → the step row that first reached it, (parent, relationship, id), kept as read: a
    # wide walk reaches 10,000 CIs, and a tuple rebuilt for each cost ~1.5 µs apiece. A root's
    # is (None, None, id).
    found: dict[int, tuple[int | None, str | None, int]]
    depth: dict[int, int]  # id → its depth
    # id → (id, name, class, status, criticality): the details query's rows as they come
    details: dict[int, tuple[int, str, str, str, int]]
    truncated: bool  # the walk reached its limit and stopped there

    def count(self, *, min_depth: int = 0) -> int:
        return sum(len(level) for level in self.levels[min_depth:])

    def by_class(self, *, min_depth: int = 1) -> dict[str, int]:
        details = self.details
        counts = Counter(details[i][2] for level in self.levels[min_depth:] for i in level)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def nearest(self, limit: int | None, *, min_depth: int = 0) -> list[WalkRow]:
        """Up to ``limit`` rows (None: all), nearest first, then by class and name.

        Rows (each with its explaining path) are built only for the CIs returned: the level
        that fills the limit may hold thousands more (a machine room's third depth)."""
        out: list[WalkRow] = []
        for level in self.levels[min_depth:]:
            wanted = len(level) if limit is None else limit - len(out)
            if wanted <= 0:
                break
            ordered = sorted(level, key=lambda i: (self.details[i][2], self.details[i][1]))
            out.extend(self.row(i) for i in ordered[:wanted])
        return out

    def of_class(self, ci_class: str) -> list[WalkRow]:
        return [self.row(i) for i in self.found if self.details[i][2] == ci_class]

    def row(self, i: int) -> WalkRow:
        path, via = [i], []
        parent, kind, _ = self.found[i]
        while parent is not None:  # each parent is one step nearer to the roots
            path.append(parent)
            via.append(kind or "")
            parent, kind, _ = self.found[parent]
        _, name, ci_class, status, criticality = self.details[i]
        return WalkRow(
            i,
            self.depth[i],
            tuple(reversed(path)),
            tuple(reversed(via)),
            name,
            ci_class,
            status,
            criticality,
        )

    def label(self, i: int) -> str:
        _, name, ci_class, _, _ = self.details[i]
        return f"{ci_class}:{name}"


def walk(
    conn: Connection, roots: Sequence[int], edges: Edges, *, max_depth: int, limit: int = MAX_ROWS
) -> Walk:
    """Every CI reachable from ``roots`` over ``edges`` within ``max_depth`` hops (the roots
    themselves at depth 0), each with the parent of a shortest explaining path.

    Breadth first, one depth at a time: each step reads the edges of the CIs first reached at
    the previous depth (nothing is read twice, cycles end by themselves) and notes, for each
    CI it reaches first, its parent — the smallest (CI id, relationship type) one step nearer
    to the roots — so the explaining paths come out of the same reads. The walk stops as soon
    as it has reached ``limit`` CIs, part way through a depth if need be (the smallest ids of
    that depth are kept), and says it was cut off.
    """
    reader = _Reader(conn)
    try:
        return _walk(reader, roots, edges, max_depth, limit)
    finally:
        reader.close()


def _walk(reader: _Reader, roots: Sequence[int], edges: Edges, max_depth: int, limit: int) -> Walk:
    # Ordered by (from, type): the first edge that reaches a CI names its smallest parent.
    # The frontier is read in ascending id chunks, so the chunks' rows stay in that order.
    step = f"SELECT * FROM ({_step_sql(edges, '{ids}')}) AS step ORDER BY 1, 2"
    branches = bool(edges.to_source) + bool(edges.to_target)
    details = _by_id(reader.rows(_DETAILS, sorted(set(roots))))
    found: dict[int, tuple[int | None, str | None, int]] = {i: (None, None, i) for i in details}
    depth_of = dict.fromkeys(found, 0)
    levels = [sorted(found)]
    while levels[-1] and len(levels) <= max_depth and len(found) < limit:
        depth, level = len(levels), []
        for rows in reader.chunks(step, levels[-1], repeat=branches, first=FIRST_CHUNK):
            # Built back to front, so the first (smallest) parent of each CI is the one kept;
            # the chunks come in ascending parent order, so an earlier chunk's parent wins.
            # (Built in C from the rows as they are: a wide step reads tens of thousands.)
            first = dict(zip(map(_OTHER, reversed(rows)), reversed(rows), strict=True))
            new = sorted(first.keys() - found.keys())[: limit - len(found)]
            found.update(zip(new, map(first.__getitem__, new), strict=True))
            depth_of.update(dict.fromkeys(new, depth))
            level += new
            if len(found) >= limit:  # a core switch reaches most of the estate: stop reading
                break
        levels.append(level)
    if not levels[-1]:
        levels.pop()
    details.update(_by_id(reader.rows(_DETAILS, [i for i in found if i not in details])))
    return Walk(levels, found, depth_of, details, len(found) >= limit)


def reach_by_source(
    conn: Connection,
    sources: Sequence[Iterable[int]],
    edges: Edges,
    *,
    max_depth: int,
    limit: int = MAX_ROWS,
) -> dict[int, int]:
    """For many sources at once — each a set of root CIs, such as a change's — every CI each
    one reaches over ``edges`` within ``max_depth`` hops: CI id → a bit mask of the sources
    reaching it (bit ``i`` for ``sources[i]``).

    The same breadth-first steps as :func:`walk`, but one walk for all the sources: each depth
    is one read of the edges of every CI that some source reached first at the previous depth,
    and a CI goes on only with the sources new to it, so a cycle or two sources meeting end as
    they do in a single walk. Hundreds of sources cost the queries of one walk, not hundreds
    of walks; the masks are Python ints, so meeting sources are merged in C.

    ``limit`` caps each source, as :func:`walk` caps a walk from it: a source stops going on
    once it has reached ``limit`` CIs (counted from the end of the read at which ``limit`` CIs
    are reached in all: until then no source can have reached that many), and the others go
    on. One cap for all of them together would let one source on a core switch (most of the
    estate) stop every other source short of its own depth, and miss what they reach. Nothing
    is counted until then, so a walk that stays under ``limit`` costs what it did without caps.
    """
    reached: dict[int, int] = {}
    for bit, roots in enumerate(sources):
        for ci in roots:
            reached[ci] = reached.get(ci, 0) | (1 << bit)
    counts: list[int] | None = None  # CIs reached per source, once ``limit`` could be hit
    stopped = 0  # the sources that have reached ``limit`` CIs (none while counts is None)

    def count(mask: int) -> int:
        """Count ``mask``'s new reach; the sources that reach ``limit`` with it."""
        assert counts is not None
        full = 0
        while mask:
            low = mask & -mask
            bit = low.bit_length() - 1
            counts[bit] += 1
            if counts[bit] >= limit:
                full |= low
            mask ^= low
        return full

    def start_counting() -> int:
        nonlocal counts
        counts = [0] * len(sources)
        full = 0
        for mask in reached.values():
            full |= count(mask)
        return full

    if len(reached) >= limit:
        stopped = start_counting()
    frontier = {ci: m & ~stopped for ci, m in reached.items() if m & ~stopped}
    step = _step_sql(edges, "{ids}", kinds=False)
    branches = bool(edges.to_source) + bool(edges.to_target)
    reader = _Reader(conn)
    try:
        for _depth in range(max_depth):
            if not frontier:
                break
            following: dict[int, int] = {}
            live = _union(frontier.values()) if counts is not None else 0  # sources going on
            for rows in reader.chunks(step, sorted(frontier), repeat=branches):
                if counts is None:  # the common case, as fast as an uncapped walk
                    for origin, ci in rows:
                        known = reached.get(ci, 0)
                        new = frontier[origin] & ~known
                        if new:
                            reached[ci] = known | new
                            following[ci] = following.get(ci, 0) | new
                    if len(reached) >= limit:
                        stopped, live = start_counting(), _union(frontier.values())
                    continue
                if not live & ~stopped:  # a core switch's source alone, and it is full
                    break
                for origin, ci in rows:
                    known = reached.get(ci, 0)
                    new = frontier[origin] & ~known & ~stopped
                    if new:
                        reached[ci] = known | new
                        following[ci] = following.get(ci, 0) | new
                        stopped |= count(new)
            frontier = (
                {ci: m & ~stopped for ci, m in following.items() if m & ~stopped}
                if stopped
                else following
            )
    finally:
        reader.close()
    return reached


def _union(masks: Iterable[int]) -> int:
    out = 0
    for mask in masks:
        out |= mask
    return out


def reversed_edges(edges: Edges) -> Edges:
    """The same relationships walked the other way: what reaches a CI instead of what it
    reaches."""
    return Edges(to_source=edges.to_target, to_target=edges.to_source)


def _by_id(rows: Sequence[Any]) -> dict[int, Any]:
    """Rows keyed by their first column (the id), built in C: a wide walk has 10,000."""
    return dict(zip(map(_FIRST, rows), rows, strict=True))


@dataclass(frozen=True)
class OpenIncident:
    number: str
    title: str
    priority: int
    status: str
    ci_id: int


def open_incidents(
    conn: Connection, ci_ids: Sequence[int], *, limit: int = 500
) -> list[OpenIncident]:
    """Open incidents linked to any of ``ci_ids`` (read through the ticket_ci reverse index),
    most urgent first. A machine room's walk hands over tens of thousands of ids, so the reads
    go through the bare cursor like the walk's."""
    sql = (
        "SELECT t.number, t.title, t.priority, t.status, tc.ci_id "
        "FROM ticket_ci tc JOIN ticket t ON t.id = tc.ticket_id "
        f"WHERE tc.ci_id {{ids}} AND t.type = '{TicketType.INCIDENT.value}' "
        f"AND t.status IN ({_quoted(s.value for s in OPEN_STATUSES)}) "
        f"ORDER BY t.priority, t.number LIMIT {int(limit)}"
    )
    reader = _Reader(conn)
    try:
        found = [OpenIncident(*r) for r in reader.rows(sql, list(ci_ids))]
    finally:
        reader.close()
    found.sort(key=lambda i: (i.priority, i.number))
    return found[:limit]


@dataclass(frozen=True)
class CITicket:
    number: str
    type: str
    title: str
    priority: int
    status: str
    opened_at: datetime
    is_open: bool


MANY_TICKETS = 1_000  # past this many links, a CI's open tickets are found from the open side


def ci_tickets(conn: Connection, ci_id: int, *, limit: int = 50) -> tuple[list[CITicket], int]:
    """The tickets linked to one CI, open ones first (most urgent, then newest), then the most
    recent closed ones, up to ``limit``; and how many are linked in all.

    A business system can be linked to tens of thousands of tickets over the years. The closed
    ones are read newest first down the (ci_id, ticket_id) index and stop at ``limit``. The open
    ones are read through the CI's links when it has few, and otherwise from the open tickets
    (the status index) with a key probe for the link: at 1,000,000 tickets, 55,000 links cost
    ~125 ms the first way and ~10 ms the second (SQLite would take the first unasked)."""
    opened = [s.value for s in OPEN_STATUSES]
    total = conn.execute(
        select(func.count()).select_from(TicketCI).where(col(TicketCI.ci_id) == ci_id)
    ).scalar_one()
    # SQLAlchemy's own select: SQLModel's is typed for at most four columns.
    linked = sa.select(
        col(Ticket.number),
        col(Ticket.type),
        col(Ticket.title),
        col(Ticket.priority),
        col(Ticket.status),
        col(Ticket.opened_at),
    ).limit(limit)
    if total > MANY_TICKETS:
        link = exists().where(col(TicketCI.ticket_id) == Ticket.id, col(TicketCI.ci_id) == ci_id)
        open_stmt = linked.where(link)
    else:
        open_stmt = linked.join(TicketCI, col(TicketCI.ticket_id) == Ticket.id).where(
            col(TicketCI.ci_id) == ci_id
        )
    open_rows = conn.execute(
        open_stmt.where(col(Ticket.status).in_(opened)).order_by(
            col(Ticket.priority), col(Ticket.id).desc()
        )
    ).all()
    closed_rows = conn.execute(
        linked.join(TicketCI, col(TicketCI.ticket_id) == Ticket.id)
        .where(col(TicketCI.ci_id) == ci_id, col(Ticket.status).not_in(opened))
        .order_by(col(TicketCI.ticket_id).desc())
    ).all()
    rows = [CITicket(*r, is_open=True) for r in open_rows]
    rows += [CITicket(*r, is_open=False) for r in closed_rows]
    return rows[:limit], int(total)
