"""Export of CIs and relationships to CSV or JSON, streamed a page at a time.

User text is data: a CSV cell that a spreadsheet would run as a formula (one starting with
= + - @, a tab or a carriage return) gets a leading apostrophe; so does a cell that starts
with an apostrophe itself, so that import can take off exactly the one export added and an
export re-imports unchanged. JSON is written plain (and read plain).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from sqlalchemy import Connection, text

from itsm_tui.common.errors import Invalid
from itsm_tui.workflow.cmdb.classes import CLASSES
from itsm_tui.workflow.cmdb.fields import COMMON, References
from itsm_tui.workflow.cmdb.files import NEUTRALISED
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.permissions import Action

PAGE = 2_000
#: Every class attribute as a CSV column, in class order (one column per distinct name).
ATTRIBUTE_COLUMNS = tuple(dict.fromkeys(a for c in CLASSES.values() for a in c.attributes))
RELATION_COLUMNS = ("source", "type", "target")


def neutralise(value: Any) -> str:
    """The cell text, with an apostrophe before a leading formula character or apostrophe."""
    cell = "" if value is None else str(value)
    if isinstance(value, bool):
        cell = "true" if value else "false"
    return "'" + cell if cell.startswith(NEUTRALISED) else cell


def _pages(conn: Connection, sql: str, params: dict[str, Any]) -> Iterator[Any]:
    after = 0
    while True:
        rows = conn.execute(text(sql), {**params, "after": after, "page": PAGE}).mappings().all()
        yield from rows
        if len(rows) < PAGE:
            return
        after = rows[-1]["id"]


def _cis(conn: Connection, ci_class: str | None) -> Iterator[dict[str, Any]]:
    refs = References.load(conn)
    groups, places = refs.group_codes(), refs.location_codes()
    where = "AND ci_class = :cls " if ci_class else ""
    sql = (
        "SELECT id, asset_tag, ci_class, name, status, criticality, owner_group_id, location_id,"
        f" serial, ip, attributes FROM configuration_item WHERE id > :after {where}"
        "ORDER BY id LIMIT :page"
    )
    for row in _pages(conn, sql, {"cls": ci_class}):
        attrs = row["attributes"]
        yield {
            "asset_tag": row["asset_tag"],
            "class": row["ci_class"],
            "name": row["name"],
            "status": row["status"],
            "criticality": row["criticality"],
            "owner_group": groups.get(row["owner_group_id"]),
            "location": places.get(row["location_id"]),
            "serial": row["serial"],
            "ip": row["ip"],
            "attributes": json.loads(attrs) if isinstance(attrs, str) else dict(attrs or {}),
        }


def _ref(tag: str | None, ci_class: str, name: str) -> str:
    return tag or f"{ci_class}:{name}"


def _relations(conn: Connection) -> Iterator[dict[str, Any]]:
    sql = (
        "SELECT r.id, r.type, s.asset_tag AS s_tag, s.ci_class AS s_class, s.name AS s_name, "
        "t.asset_tag AS t_tag, t.ci_class AS t_class, t.name AS t_name FROM ci_relation r "
        "JOIN configuration_item s ON s.id = r.source_id "
        "JOIN configuration_item t ON t.id = r.target_id "
        "WHERE r.id > :after ORDER BY r.id LIMIT :page"
    )
    for row in _pages(conn, sql, {}):
        yield {
            "source": _ref(row["s_tag"], row["s_class"], row["s_name"]),
            "type": row["type"],
            "target": _ref(row["t_tag"], row["t_class"], row["t_name"]),
        }


@query(Action.VIEW_CMDB)
def export(
    read: Read, out: TextIO, *, fmt: str = "csv", kind: str = "cis", ci_class: str | None = None
) -> int:
    """Write every CI (or of one class), or every relationship, to ``out``; return the count."""
    if fmt not in ("csv", "json"):
        raise Invalid("format '{fmt}' is not csv or json.", field="format", fmt=fmt)
    if kind not in ("cis", "relations"):
        raise Invalid("kind '{kind}' is not cis or relations.", field="kind", kind=kind)
    conn = read.session.connection()
    rows = _relations(conn) if kind == "relations" else _cis(conn, ci_class)
    if fmt == "json":
        return _json(out, rows)
    columns = RELATION_COLUMNS if kind == "relations" else (*COMMON, *ATTRIBUTE_COLUMNS)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        flat = {**row, **row.pop("attributes", {})}
        writer.writerow([neutralise(flat.get(c)) for c in columns])
        count += 1
    return count


def _json(out: TextIO, rows: Iterator[dict[str, Any]]) -> int:
    out.write("[")
    count = 0
    for row in rows:
        clean = {k: v for k, v in row.items() if v not in (None, {})}
        out.write(("\n" if count == 0 else ",\n") + json.dumps(clean, ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count
