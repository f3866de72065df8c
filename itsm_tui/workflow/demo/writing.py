"""Writing demo rows: explicit ids, the driver's own executemany, and clash checks first.

Why explicit ids: tickets, contacts, journal entries and notes refer to each other, and handing
ids out in Python (from ``bulk.next_id``) lets one pass generate all of them without reading
anything back. Why clash checks: the demo may be loaded into a site that already holds some
reference data; a clash is refused up front with the names involved instead of failing half-way
through on a unique constraint.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, select, tuple_
from sqlmodel import SQLModel

from itsm_tui.common.errors import Invalid
from itsm_tui.storage import bulk

#: Tables the demo hands ids out for: their sequences are reset after the load.
ID_TABLES: tuple[str, ...] = (
    "location",
    "category",
    "configuration_item",
    "staff",
    "assignment_group",
    "caller",
    "ticket",
    "contact",
    "ticket_note",
    "journal_entry",
    "inspection_template",
    "inspection_item",
    "inspection_schedule",
    "inspection_round",
    "inspection_answer",
)


def table_of(name: str) -> Table:
    """The mapped table called ``name`` (one place, so a renamed table fails loudly here)."""
    return SQLModel.metadata.tables[name]


def write(
    conn: Connection, name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert driver-ready tuples into table ``name`` through ``bulk.bulk_insert``."""
    return bulk.bulk_insert(conn, table_of(name), columns, rows)


def refuse_clashes(
    conn: Connection, name: str, columns: Sequence[str], keys: Iterable[Any]
) -> None:
    """Refuse with ``Invalid`` if any of ``keys`` (values of ``columns``) already exists."""
    wanted = list(keys)
    if not wanted:
        return
    mapped = table_of(name)
    cols = [mapped.c[c] for c in columns]
    target = cols[0] if len(cols) == 1 else tuple_(*cols)
    found: list[Any] = []
    for start in range(0, len(wanted), 500):
        batch = wanted[start : start + 500]
        stmt = select(*cols).where(target.in_(batch)).limit(5)
        found.extend(tuple(row) if len(cols) > 1 else row[0] for row in conn.execute(stmt))
        if found:
            break
    if found:
        shown = ", ".join(str(f) for f in found[:5])
        raise Invalid(
            "The database already has {name} rows the demo would create ({shown}); load the "
            "demo into a new database.",
            field=name,
            name=name,
            shown=shown,
        )


def reset_sequences(conn: Connection) -> None:
    """Move PostgreSQL's id sequences past the explicit ids (a no-op on SQLite)."""
    for name in ID_TABLES:
        bulk.reset_sequence(conn, table_of(name))
