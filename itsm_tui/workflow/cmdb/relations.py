"""Typed, directed relationships between CIs: "source <type> target", class pairs checked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from itsm_tui.common.errors import Conflict, Invalid, NotFound
from itsm_tui.storage.tables import CIRelation
from itsm_tui.workflow.cmdb.classes import check_pair, relation_type
from itsm_tui.workflow.cmdb.items import find_ci
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.permissions import Action


@dataclass(frozen=True)
class LinkView:
    id: int
    source: str  # class:name
    type: str
    target: str


@mutation(Action.MANAGE_CMDB)
def link(tx: Tx, source: str, kind: str, target: str) -> LinkView:
    """Record that ``source`` <kind> ``target`` (e.g. an application runs_on a server)."""
    rel = relation_type(kind)
    src, dst = find_ci(tx.session, source), find_ci(tx.session, target)
    assert src.id is not None and dst.id is not None
    if src.id == dst.id:
        raise Invalid("A CI cannot be related to itself.", field="target")
    check_pair(rel, src.ci_class, dst.ci_class)
    exists = tx.session.exec(
        select(CIRelation.id).where(
            CIRelation.source_id == src.id,
            CIRelation.target_id == dst.id,
            CIRelation.type == rel.value,
        )
    ).first()
    if exists:
        raise Conflict(
            "{name} {rel} {dst_name} is already recorded.",
            field="type",
            name=src.name,
            rel=rel,
            dst_name=dst.name,
        )
    row = CIRelation(source_id=src.id, target_id=dst.id, type=rel.value, created_at=tx.now)
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    view = LinkView(row.id, f"{src.ci_class}:{src.name}", rel.value, f"{dst.ci_class}:{dst.name}")
    tx.journal("ci_relation", row.id, "create", {"source": view.source, "type": view.type,
                                                  "target": view.target})  # fmt: skip
    return view


@mutation(Action.MANAGE_CMDB)
def unlink(tx: Tx, source: str, kind: str, target: str) -> LinkView:
    """Remove the relationship ``source`` <kind> ``target`` (journaled with what it joined)."""
    rel = relation_type(kind)
    src, dst = find_ci(tx.session, source), find_ci(tx.session, target)
    row = tx.session.exec(
        select(CIRelation).where(
            CIRelation.source_id == src.id,
            CIRelation.target_id == dst.id,
            CIRelation.type == rel.value,
        )
    ).first()
    if row is None or row.id is None:
        raise NotFound(
            "No relationship {name} {rel} {dst_name}.",
            field="type",
            name=src.name,
            rel=rel,
            dst_name=dst.name,
        )
    view = LinkView(row.id, f"{src.ci_class}:{src.name}", rel.value, f"{dst.ci_class}:{dst.name}")
    tx.session.delete(row)
    tx.journal("ci_relation", row.id, "delete", {"source": view.source, "type": view.type,
                                                  "target": view.target})  # fmt: skip
    return view
