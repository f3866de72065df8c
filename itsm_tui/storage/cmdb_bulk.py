"""Journal entries for CIs and relationships a bulk import has just inserted, built in SQL.

An import writes one journal entry per created CI or relationship. Built in Python, each entry
is a JSON string encoded per row and a six-value tuple sent back through the driver: about as
much work again as inserting the rows themselves. Here one ``INSERT … SELECT`` reads the rows
just inserted (every id from ``first`` on: the import holds the table's write lock, so they
are all its own) and writes each entry's JSON with the database's own string functions.

The JSON is the same text, byte for byte, that ``json.dumps(…, ensure_ascii=False,
separators=(",", ":"))`` writes: keys in column order, NULL columns left out, strings quoted by
``json_quote`` (SQLite) or ``to_json`` (PostgreSQL) — both escape exactly what Python's encoder
escapes (``"``, ``\\``, and control characters as ``\\n``-style or ``\\u00xx`` escapes) and
leave every other character as it is — and the attributes spliced in as the JSON text the
row already holds. ``tests/unit/test_cmdb_import.py`` checks this against Python's encoder on
both databases, awkward characters included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import ConfigurationItem

#: The CI columns never NULL: their journal members need no NULL test.
_CI_NOT_NULL = frozenset(c.name for c in core_table(ConfigurationItem).columns if not c.nullable)


def _quote(conn: Connection, expr: str) -> str:
    """SQL for ``expr`` (text or integer) as a JSON value."""
    if conn.dialect.name == "postgresql":
        return f"to_json({expr})::text"
    return f"json_quote({expr})"


def _text(conn: Connection, column: str) -> str:
    """A JSON column's stored text (PostgreSQL's ``json`` keeps the text it was given)."""
    return f"{column}::text" if conn.dialect.name == "postgresql" else column


def _object(conn: Connection, members: Sequence[tuple[str, str, bool]]) -> str:
    """SQL building a JSON object from ``(key, value SQL, may be NULL)``, NULL members left
    out. The first member must never be NULL (it carries the opening brace)."""
    parts = []
    for n, (key, value, nullable) in enumerate(members):
        lead = ("{" if n == 0 else ",") + f'"{key}":'
        parts.append(f"COALESCE('{lead}' || {value}, '')" if nullable else f"'{lead}' || {value}")
    return " || ".join(parts) + " || '}'"


def _insert(conn: Connection, entity: str, changes: str, source: str) -> str:
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cast = "::json" if conn.dialect.name == "postgresql" else ""
    return (
        "INSERT INTO journal_entry (entity, entity_id, action, actor_id, at, changes) "
        f"SELECT '{entity}', x.id, 'create', {mark}, {mark}, ({changes}){cast} "
        f"FROM {source} WHERE x.id >= {mark} ORDER BY x.id"
    )


def journal_created_cis(
    conn: Connection,
    first: int,
    keys: Sequence[tuple[str, str]],
    *,
    actor_id: int | None,
    at: Any,
) -> int:
    """One ``create`` entry per CI from id ``first`` on: ``{key: value}`` for each
    ``(column, key)`` of ``keys`` whose value is not NULL, the ``attributes`` column (JSON
    text) last and only when not ``{}``. The first of ``keys`` must be a column the table never
    leaves NULL (it opens the object). ``at`` is in the driver's own representation.
    Returns the entries written."""
    members = []
    for column, key in keys:
        if column == "attributes":
            attrs = _text(conn, "x.attributes")
            members.append((key, f"NULLIF({attrs}, '{{}}')", True))
        elif column in _CI_NOT_NULL:
            members.append((key, _quote(conn, f"x.{column}"), False))
        else:  # (SQLite's json_quote writes NULL as null: leave it out before quoting)
            value = f"CASE WHEN x.{column} IS NOT NULL THEN {_quote(conn, f'x.{column}')} END"
            members.append((key, value, True))
    sql = _insert(conn, "ci", _object(conn, members), "configuration_item x")
    return conn.exec_driver_sql(sql, (actor_id, at, first)).rowcount


def journal_created_relations(
    conn: Connection, first: int, *, actor_id: int | None, at: Any
) -> int:
    """One ``create`` entry per relationship from id ``first`` on:
    ``{"source": "class:name", "type": …, "target": "class:name"}``. Returns the entries
    written."""
    label = "{t}.ci_class || ':' || {t}.name"
    members = [
        ("source", _quote(conn, label.format(t="s")), False),
        ("type", _quote(conn, "x.type"), False),
        ("target", _quote(conn, label.format(t="t")), False),
    ]
    source = (
        "ci_relation x JOIN configuration_item s ON s.id = x.source_id "
        "JOIN configuration_item t ON t.id = x.target_id"
    )
    sql = _insert(conn, "ci_relation", _object(conn, members), source)
    return conn.exec_driver_sql(sql, (actor_id, at, first)).rowcount
