"""The demo site's places and things: locations, the category tree, configuration items.

Why it returns lookup tables rather than rows: the ticket generator needs "the category id of
HW-PRN" or "the servers of the OA system" millions of times, so this module writes the small
reference tables once and hands back plain dicts of ids.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from itsm_tui.storage import bulk
from itsm_tui.workflow.demo.epoch import Stamper
from itsm_tui.workflow.demo.estate import load_estate
from itsm_tui.workflow.demo.issues import CATEGORY_TREE
from itsm_tui.workflow.demo.vocabulary import (
    BUILDINGS,
    MACHINE_ROOMS,
    OFFICES_PER_FLOOR,
)
from itsm_tui.workflow.demo.writing import refuse_clashes, table_of, write


@dataclass
class Catalog:
    """Ids of what tickets refer to, by the demo's own codes."""

    offices: dict[tuple[str, int], list[int]] = field(default_factory=dict)  # (building, floor)
    category: dict[str, int] = field(default_factory=dict)  # code → id
    system_ci: dict[str, int] = field(default_factory=dict)  # business-system code → CI id
    system_servers: dict[str, list[int]] = field(default_factory=dict)
    ci_by_class: dict[str, list[int]] = field(default_factory=dict)
    db_servers: list[int] = field(default_factory=list)
    ci_name: dict[int, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def create_catalog(conn: Connection, rng: random.Random, now: int, stamp: Stamper) -> Catalog:
    """Write locations, categories and CIs; return their ids."""
    catalog = Catalog()
    catalog.counts["locations"] = _locations(conn, catalog)
    catalog.counts["categories"] = _categories(conn, catalog)
    catalog.counts["configuration_items"] = _configuration_items(conn, catalog, rng, now, stamp)
    return catalog


def _locations(conn: Connection, catalog: Catalog) -> int:
    next_id = bulk.next_id(conn, table_of("location"))
    rows: list[tuple[int, str, str, str, int | None]] = []
    building_ids: dict[str, int] = {}

    def add(code: str, name: str, kind: str, parent: int | None) -> int:
        rows.append((next_id + len(rows), code, name, kind, parent))
        return rows[-1][0]

    for bcode, bname, floors in BUILDINGS:
        building = building_ids[bcode] = add(f"BLD-{bcode}", bname, "building", None)
        for floor in range(1, floors + 1):
            floor_id = add(f"BLD-{bcode}-F{floor:02d}", f"{bname} {floor}层", "floor", building)
            offices = catalog.offices[(bcode, floor)] = []
            for room in range(1, OFFICES_PER_FLOOR + 1):
                number = f"{floor}{room:02d}"
                offices.append(add(f"{bcode}-{number}", f"{bname} {number}室", "office", floor_id))
    for code, name, bcode in MACHINE_ROOMS:
        add(code, name, "machine_room", building_ids[bcode])
    refuse_clashes(conn, "location", ["code"], [r[1] for r in rows])
    return write(conn, "location", ("id", "code", "name", "kind", "parent_id"), rows)


def _categories(conn: Connection, catalog: Catalog) -> int:
    next_id = bulk.next_id(conn, table_of("category"))
    rows: list[tuple[int, str, str, int | None, bool]] = []
    for code, name, children in CATEGORY_TREE:
        parent = catalog.category[code] = next_id + len(rows)
        rows.append((parent, code, name, None, True))
        for child_code, child_name in children:
            catalog.category[child_code] = next_id + len(rows)
            rows.append((next_id + len(rows), child_code, child_name, parent, True))
    refuse_clashes(conn, "category", ["code"], [r[1] for r in rows])
    return write(conn, "category", ("id", "code", "name", "parent_id", "active"), rows)


def _configuration_items(
    conn: Connection, catalog: Catalog, rng: random.Random, now: int, stamp: Stamper
) -> int:
    """The customer's estate (``estate``): CIs with their relationships and documents, so
    impact analysis has something to show out of the box."""
    locations = dict(
        conn.execute(
            select(table_of("location").c.code, table_of("location").c.id).where(
                table_of("location").c.kind == "machine_room"
            )
        ).all()
    )
    estate = load_estate(conn, rng, now, stamp, locations=locations)
    catalog.system_ci = estate.system_ci
    catalog.system_servers = estate.system_servers
    catalog.ci_by_class = estate.ci_by_class
    catalog.db_servers = estate.db_servers
    catalog.ci_name = estate.ci_name
    catalog.counts.update(
        ci_relations=estate.counts["ci_relations"], ci_documents=estate.counts["ci_documents"]
    )
    return estate.counts["configuration_items"]
