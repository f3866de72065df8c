"""The CMDB's graph walks, in the database: recursive CTEs that run on SQLite and PostgreSQL.

Why in SQL: the graph has 100,000 CIs and 300,000 relationships; loading it into Python for
each question would cost seconds and memory. A walk starts from a handful of CIs and touches
only the edges it follows, through the covering indexes on (target_id, type, source_id) and
(source_id, type, target_id).

Each walk row carries its depth, the ids it came through (``path``, ",1,5,9,") and the
relationship types it followed (``via``, "runs_on,part_of,"). A step onto an id already in the
path is refused, so cycles end; the depth limit bounds the rest. Of all the paths that reach a
CI, the shortest (then the lexically first) is kept, as the explanation.
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
    nxt = (
        f"CASE WHEN r.type IN ({_quoted(edges.to_target)}) AND r.source_id = w.id "
        "THEN r.target_id ELSE r.source_id END"
    )
    return f"""
WITH RECURSIVE walk(id, depth, path, via) AS (
    SELECT id, 0, ',' || CAST(id AS VARCHAR(20)) || ',', ''
    FROM configuration_item WHERE id IN :roots
    UNION ALL
    SELECT {nxt}, w.depth + 1,
           w.path || CAST({nxt} AS VARCHAR(20)) || ',',
           w.via || r.type || ','
    FROM walk w
    JOIN ci_relation r
      ON (r.target_id = w.id AND r.type IN ({_quoted(edges.to_source)}))
      OR (r.source_id = w.id AND r.type IN ({_quoted(edges.to_target)}))
    WHERE w.depth < :max_depth
      AND w.path NOT LIKE '%,' || CAST({nxt} AS VARCHAR(20)) || ',%'
),
best AS (
    SELECT id, depth, path, via,
           ROW_NUMBER() OVER (PARTITION BY id ORDER BY depth, path) AS rank
    FROM walk
)
SELECT b.id, b.depth, b.path, b.via, c.name, c.ci_class, c.status, c.criticality
FROM best b JOIN configuration_item c ON c.id = b.id
WHERE b.rank = 1
ORDER BY b.depth, c.ci_class, c.name
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
    themselves at depth 0), each with its shortest explaining path."""
    stmt = text(_walk_sql(edges)).bindparams(bindparam("roots", expanding=True))
    rows = conn.execute(stmt, {"roots": list(roots), "max_depth": max_depth, "limit": limit}).all()
    return [
        WalkRow(
            id=r[0],
            depth=r[1],
            path=tuple(int(p) for p in r[2].strip(",").split(",")),
            via=tuple(v for v in r[3].split(",") if v),
            name=r[4],
            ci_class=r[5],
            status=r[6],
            criticality=r[7],
        )
        for r in rows
    ]


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
