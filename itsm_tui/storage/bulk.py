"""Bulk loading at close to the driver's own speed, for demo data and imports.

ORM objects one by one cost ~100 µs a row and gigabytes of memory at a million rows; even Core
``insert()`` runs each value through bind processors. Here rows arrive as plain tuples already in
the database's own representation and go straight to the driver's ``executemany`` in chunks, so
memory stays flat and the rate stays near the raw driver's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table

from itsm_tui.storage.types import sqlite_timestamp

CHUNK = 10_000


def insert_sql(conn: Connection, table: Table, columns: Sequence[str]) -> str:
    """An INSERT statement in the driver's own parameter style (qmark or format)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cols = ", ".join(columns)
    return f"INSERT INTO {table.name} ({cols}) VALUES ({', '.join([mark] * len(columns))})"


def timestamp_adapter(conn: Connection) -> Any:
    """How to pass an aware UTC datetime to this driver, matching what the ORM stores."""
    if conn.dialect.name == "sqlite":
        return sqlite_timestamp
    return lambda value: value.replace(tzinfo=None)


def bulk_insert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    chunk: int = CHUNK,
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order, driver-ready values) in chunks.

    Runs inside the caller's transaction, so a failure part-way writes nothing.
    """
    sql = insert_sql(conn, table, columns)
    it = iter(rows)
    total = 0
    while batch := list(islice(it, chunk)):
        conn.exec_driver_sql(sql, batch)
        total += len(batch)
    return total


#: The journal's columns as :func:`insert_journal` writes them.
JOURNAL_COLUMNS = ("entity", "entity_id", "action", "actor_id", "at", "changes")


def insert_journal(
    conn: Connection,
    table: Table,
    entity: str,
    action: str,
    actor_id: int | None,
    at: datetime,
    entries: Iterable[tuple[int, str]],
) -> None:
    """Append journal rows of one entity, action, actor and time, each ``(entity_id, changes
    as JSON text)``, through the driver's executemany: the time is converted once for all of
    them, where a Core insert ran every row's time and JSON through bind processors (most of
    the cost of journaling a year of inspection slots, 36,500 entries)."""
    stamp = timestamp_adapter(conn)(at)
    bulk_insert(
        conn,
        table,
        JOURNAL_COLUMNS,
        ((entity, entity_id, action, actor_id, stamp, changes) for entity_id, changes in entries),
    )


def to_db_time(conn: Connection, value: datetime | None) -> Any:
    """One value through :func:`timestamp_adapter` (None stays None)."""
    return None if value is None else timestamp_adapter(conn)(value)


def next_id(conn: Connection, table: Table) -> int:
    """The first free primary key, for loads that hand out ids themselves."""
    value = conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table.name}").scalar()
    return int(value or 0) + 1


def reset_sequence(conn: Connection, table: Table) -> None:
    """After a load with explicit ids, move PostgreSQL's id sequence past them (SQLite needs
    nothing: it takes MAX(rowid) + 1)."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
    )


#: A load of at least this many rows refreshes PostgreSQL's statistics for its table.
ANALYZE_AFTER = 10_000


def analyze_after_load(conn: Connection, table: Table, rows: int) -> None:
    """After a big load, ANALYZE ``table`` on PostgreSQL (in the load's transaction).

    A table loaded in bulk has no or stale statistics until autovacuum gets to it (a minute
    later, or never where it is off). Meanwhile psycopg's prepared look-ups run on a generic
    plan that scans the whole table for every ``IN (…)`` batch: re-importing 100,000 CIs
    right after loading them took five minutes instead of seconds. SQLite needs nothing.
    """
    if conn.dialect.name == "postgresql" and rows >= ANALYZE_AFTER:
        conn.exec_driver_sql(f"ANALYZE {table.name}")
