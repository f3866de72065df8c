"""The CMDB's graph walks, in the database: recursive CTEs that run on SQLite and PostgreSQL.

Why in SQL: the graph has 100,000 CIs and 300,000 relationships; loading it into Python for
each question would cost seconds and memory. A walk starts from a handful of CIs and touches
only the edges it follows, through the covering indexes on (target_id, type, source_id) and
(source_id, type, target_id).

Why the walk carries (id, depth) and not the path: carrying every path (",1,5,9,") makes the
number of rows grow with the number of distinct paths, which explodes in a densely meshed graph
(servers depending on each other: nine in-edges a node is 9^6 paths at depth 6). ``UNION``
(not ``UNION ALL``) drops a repeated (id, depth), so a walk has at most CIs × (depth + 1) rows,
and cycles end at the depth limit. The explanation is rebuilt afterwards, still in SQL: each
CI reached at depth d gets one parent reached at depth d - 1 through an edge, and following
those parents gives a shortest path from a starting CI.
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


def _walk_sql(edges: Edges) -> str:
    to_source, to_target = _quoted(edges.to_source), _quoted(edges.to_target)
    # The CI at the other end of r, seen from the CI ``me``.
    other = "CASE WHEN r.type IN ({t}) AND r.source_id = {me} THEN r.target_id ELSE r.source_id END"
    step = (
        f"(r.target_id = {{me}} AND r.type IN ({to_source})) OR "
        f"(r.source_id = {{me}} AND r.type IN ({to_target}))"
    )
    back = (
        f"(r.source_id = {{me}} AND r.type IN ({to_source})) OR "
        f"(r.target_id = {{me}} AND r.type IN ({to_target}))"
    )
    back_other = (
        "CASE WHEN r.type IN ({s}) AND r.source_id = {me} THEN r.target_id ELSE r.source_id END"
    )
    return f"""
WITH RECURSIVE walk(id, depth) AS (
    SELECT id, 0 FROM configuration_item WHERE id IN :roots
    UNION
    SELECT {other.format(t=to_target, me="w.id")}, w.depth + 1
    FROM walk w JOIN ci_relation r ON {step.format(me="w.id")}
    WHERE w.depth < :max_depth
),
best AS (SELECT id, MIN(depth) AS depth FROM walk GROUP BY id),
hops AS (
    SELECT b.id, b.depth, p.id AS parent, r.type,
           ROW_NUMBER() OVER (PARTITION BY b.id ORDER BY p.id, r.type) AS rank
    FROM best b
    JOIN ci_relation r ON {back.format(me="b.id")}
    JOIN best p ON p.id = {back_other.format(s=to_source, me="b.id")} AND p.depth = b.depth - 1
    WHERE b.depth > 0
),
found AS (
    SELECT id, depth, parent, type FROM hops WHERE rank = 1
    UNION ALL
    SELECT id, 0, NULL, NULL FROM best WHERE depth = 0
)
SELECT f.id, f.depth, f.parent, f.type, c.name, c.ci_class, c.status, c.criticality
FROM found f JOIN configuration_item c ON c.id = f.id
ORDER BY f.depth, c.ci_class, c.name
LIMIT :limit
"""


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
    themselves at depth 0), each with a shortest explaining path."""
    stmt = text(_walk_sql(edges)).bindparams(bindparam("roots", expanding=True))
    rows = conn.execute(stmt, {"roots": list(roots), "max_depth": max_depth, "limit": limit}).all()
    parent = {r[0]: (r[2], r[3]) for r in rows}
    out = []
    for r in rows:
        path, via, at = [r[0]], [], r[0]
        while parent.get(at, (None, None))[0] is not None and len(path) <= max_depth:
            at, hop = parent[at]
            path.append(at)
            via.append(hop)
        out.append(WalkRow(r[0], r[1], tuple(reversed(path)), tuple(reversed(via)), *r[4:8]))
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


def names_of(conn: Connection, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``id → (class, name)`` for a bounded set of ids (the CIs named in explaining paths)."""
    wanted = sorted(set(ids))
    out: dict[int, tuple[str, str]] = {}
    stmt = text("SELECT id, ci_class, name FROM configuration_item WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    for start in range(0, len(wanted), 900):
        for r in conn.execute(stmt, {"ids": wanted[start : start + 900]}):
            out[r[0]] = (r[1], r[2])
    return out
