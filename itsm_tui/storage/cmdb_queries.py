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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, text

from itsm_tui.domain import OPEN_STATUSES, TicketType

MAX_ROWS = 20_000  # a walk that reaches more CIs than this is cut off (and says so)


@dataclass(frozen=True)
class Edges:
    """Which relationship types a walk follows from target to source, and from source to
    target ("if the CI at this end fails, the CI at the other end is hit")."""

    to_source: tuple[str, ...]
    to_target: tuple[str, ...]


def _quoted(values: Iterable[str]) -> str:
    # Values come from the fixed RelationType enum, never from user input.
    return ", ".join(f"'{v}'" for v in values) or "''"


def _step_sql(edges: Edges, ids: str = "IN :ids") -> str:
    """One step of a walk from a set of CIs (``ids``: how the SQL tests for the set): (from,
    type, to) for every edge it follows.

    Each branch is a range scan of one covering index — (target_id, type, source_id) for the
    edges walked from target to source, (source_id, type, target_id) for the others — so the
    step never reads the table itself (``tests/unit/test_cmdb_queries.py`` checks the plans;
    PostgreSQL needs its visibility map kept by (auto)vacuum for index-only scans).
    """
    branches = []
    if edges.to_source:
        branches.append(
            "SELECT target_id, type, source_id FROM ci_relation "
            f"WHERE target_id {ids} AND type IN ({_quoted(edges.to_source)})"
        )
    if edges.to_target:
        branches.append(
            "SELECT source_id, type, target_id FROM ci_relation "
            f"WHERE source_id {ids} AND type IN ({_quoted(edges.to_target)})"
        )
    return " UNION ALL ".join(branches) or "SELECT 0, '', 0 WHERE 1 = 0"


_DETAILS = "SELECT id, name, ci_class, status, criticality FROM configuration_item WHERE id {ids}"
CHUNK = 1000  # ids per query


class _Reader:
    """Queries with one set of ids, straight through the driver's cursor: a walk reads up to
    tens of thousands of rows, and result objects or a rendered ``IN`` of a thousand bound
    parameters per query would cost more than the reads. PostgreSQL gets the set as one array
    parameter (``= ANY(%s)``: one plan, whatever the set's size); SQLite as an ``IN`` list."""

    def __init__(self, conn: Connection) -> None:
        self.cursor = conn.connection.cursor()
        self.qmark = conn.dialect.paramstyle == "qmark"

    def rows(self, sql: str, ids: Sequence[int], *, repeat: int = 1) -> list[Any]:
        out: list[Any] = []
        for start in range(0, len(ids), CHUNK):
            batch = list(ids[start : start + CHUNK])
            if self.qmark:
                query = sql.format(ids=f"IN ({', '.join('?' * len(batch))})")
                self.cursor.execute(query, batch * repeat)
            else:
                self.cursor.execute(sql.format(ids="= ANY(%s)"), [batch] * repeat)
            out.extend(self.cursor.fetchall())
        return out

    def close(self) -> None:
        self.cursor.close()


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


def walk(
    conn: Connection, roots: Sequence[int], edges: Edges, *, max_depth: int, limit: int = MAX_ROWS
) -> list[WalkRow]:
    """Every CI reachable from ``roots`` over ``edges`` within ``max_depth`` hops (the roots
    themselves at depth 0), each with a shortest explaining path; nearest first, then by class
    and name, at most ``limit`` rows.

    Breadth first, one depth at a time: each step reads the edges of the CIs first reached at
    the previous depth (nothing is read twice, cycles end by themselves) and notes, for each
    CI it reaches first, its parent — the smallest (CI id, relationship type) one step nearer
    to the roots — so the explaining paths come out of the same reads. Once ``limit`` CIs are
    reached the walk goes no deeper.
    """
    reader = _Reader(conn)
    try:
        return _walk(reader, roots, edges, max_depth, limit)
    finally:
        reader.close()


def _walk(
    reader: _Reader, roots: Sequence[int], edges: Edges, max_depth: int, limit: int
) -> list[WalkRow]:
    step = _step_sql(edges, "{ids}")
    branches = bool(edges.to_source) + bool(edges.to_target)
    found: dict[int, tuple[int, int | None, str | None]] = {}  # id → (depth, parent, type)
    details = {r[0]: r[1:] for r in reader.rows(_DETAILS, sorted(set(roots)))}
    for i in details:
        found[i] = (0, None, None)
    frontier = sorted(found)
    depth = 0
    while frontier and depth < max_depth and len(found) < limit:
        depth += 1
        reached: dict[int, tuple[int, str]] = {}
        for me, kind, other in reader.rows(step, frontier, repeat=branches):
            if other in found:
                continue
            best = reached.get(other)
            if best is None or (me, kind) < best:
                reached[other] = (me, kind)
        for other, (me, kind) in reached.items():
            found[other] = (depth, me, kind)
        frontier = sorted(reached)
    new = [i for i in found if i not in details]
    details.update((r[0], r[1:]) for r in reader.rows(_DETAILS, new))
    ordered = sorted(found, key=lambda i: (found[i][0], details[i][1], details[i][0]))[:limit]
    paths: dict[int, tuple[tuple[int, ...], tuple[str, ...]]] = {}
    out = []
    for i in ordered:  # nearest first: a parent's path is known before its children's
        depth, parent, kind = found[i]
        if parent is None:
            paths[i] = ((i,), ())
        else:
            path, via = paths[parent]
            paths[i] = (*path, i), (*via, kind)
        out.append(WalkRow(i, depth, *paths[i], *details[i]))
    return out


@dataclass(frozen=True)
class OpenIncident:
    number: str
    title: str
    priority: int
    status: str
    ci_id: int


def open_incidents(conn: Connection, ci_ids: Sequence[int], *, limit: int = 500) -> list[Any]:
    """Open incidents linked to any of ``ci_ids`` (read through the ticket_ci reverse index)."""
    found: list[OpenIncident] = []
    stmt = text(
        "SELECT t.number, t.title, t.priority, t.status, tc.ci_id "
        "FROM ticket_ci tc JOIN ticket t ON t.id = tc.ticket_id "
        "WHERE tc.ci_id IN :ids AND t.type = :type AND t.status IN :open "
        "ORDER BY t.priority, t.number LIMIT :limit"
    ).bindparams(bindparam("ids", expanding=True), bindparam("open", expanding=True))
    opened = [s.value for s in OPEN_STATUSES]
    for start in range(0, len(ci_ids), 900):
        rows = conn.execute(
            stmt,
            {
                "ids": list(ci_ids[start : start + 900]),
                "type": TicketType.INCIDENT.value,
                "open": opened,
                "limit": limit,
            },
        )
        found.extend(OpenIncident(*r) for r in rows)
    found.sort(key=lambda i: (i.priority, i.number))
    return found[:limit]
