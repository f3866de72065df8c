"""Configuration items one at a time: add, update, find, show, search, attach documents.

Every change is journaled as entity "ci" with ``{field: [old, new]}``; ``version`` is bumped by
each update and can be checked (``expect_version``) so two people never overwrite each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from itsm_tui.common.errors import Conflict, Invalid, NotFound
from itsm_tui.storage import ci_queries
from itsm_tui.storage.cmdb_queries import CITicket, ci_tickets
from itsm_tui.storage.tables import (
    AssignmentGroup,
    CIDocument,
    CIRelation,
    ConfigurationItem,
    Location,
)
from itsm_tui.storage.tables.cmdb import (
    DOCUMENT_NOTE_MAX,
    DOCUMENT_TITLE_MAX,
    DOCUMENT_URI_MAX,
    DOCUMENT_VERSION_MAX,
)
from itsm_tui.storage.text_match import starts_with
from itsm_tui.workflow.cmdb.classes import CLASSES, CRITICALITY
from itsm_tui.workflow.cmdb.fields import FIELD_OF, References, check_ci
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.lookup import find_cis
from itsm_tui.workflow.permissions import Action

DOCUMENT_KINDS = ("manual", "code_repository", "contract", "design", "other")


@dataclass(frozen=True)
class CIView:
    id: int
    name: str
    ci_class: str
    status: str
    criticality: int = 3
    owner_group: str | None = None
    location: str | None = None
    asset_tag: str | None = None
    serial: str | None = None
    ip: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    version: int = 1
    updated_at: datetime | None = None

    @property
    def key(self) -> str:
        return f"{self.ci_class}:{self.name}"


@dataclass(frozen=True)
class RelationView:
    id: int
    type: str
    direction: str  # "out": this CI <type> other; "in": other <type> this CI
    other_id: int
    other: str  # class:name


@dataclass(frozen=True)
class DocumentView:
    id: int
    kind: str
    title: str
    version: str
    uri: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class CIDetail:
    ci: CIView
    class_label: str
    criticality_label: str
    relations: list[RelationView]
    documents: list[DocumentView]
    tickets: list[CITicket]  # open ones first, then the most recent closed ones
    ticket_count: int  # linked in all, over the years


def ci_view(session: Session, row: ConfigurationItem) -> CIView:
    assert row.id is not None
    group = session.get(AssignmentGroup, row.owner_group_id) if row.owner_group_id else None
    place = session.get(Location, row.location_id) if row.location_id else None
    return CIView(
        id=row.id,
        name=row.name,
        ci_class=row.ci_class,
        status=row.status,
        criticality=row.criticality,
        owner_group=group.code if group else None,
        location=place.code if place else None,
        asset_tag=row.asset_tag,
        serial=row.serial,
        ip=row.ip,
        attributes=dict(row.attributes or {}),
        version=row.version,
        updated_at=row.updated_at,
    )


def find_ci(session: Session, ref: str) -> ConfigurationItem:
    """A CI by ``#id``, asset tag, name, or ``class:name``."""
    ref = ref.strip()
    if ref.startswith("#") and ref[1:].isdigit():
        row = session.get(ConfigurationItem, int(ref[1:]))
        if row is None:
            raise NotFound("No configuration item {ref}.", field="ci", ref=ref)
        return row
    tagged = session.exec(
        select(ConfigurationItem).where(ConfigurationItem.asset_tag == ref)
    ).first()
    return tagged or find_cis(session, [ref])[0]


def _unique(session: Session, values: dict[str, Any], own_id: int | None) -> None:
    same = session.exec(
        select(ConfigurationItem.id).where(
            ConfigurationItem.ci_class == values["ci_class"],
            ConfigurationItem.name == values["name"],
        )
    ).first()
    if same and same != own_id:
        raise Conflict(
            "{ci_class} '{name}' already exists.",
            field="name",
            ci_class=values["ci_class"],
            name=values["name"],
        )
    if values["asset_tag"]:
        tagged = session.exec(
            select(ConfigurationItem.id).where(ConfigurationItem.asset_tag == values["asset_tag"])
        ).first()
        if tagged and tagged != own_id:
            raise Conflict(
                "Asset tag {asset_tag} is on CI #{tagged}.",
                field="asset_tag",
                asset_tag=values["asset_tag"],
                tagged=tagged,
            )


@mutation(Action.MANAGE_CMDB)
def add_ci(
    tx: Tx,
    name: str,
    ci_class: str,
    *,
    status: str = "in_use",
    criticality: int = 3,
    owner_group: str | None = None,
    location: str | None = None,
    asset_tag: str | None = None,
    serial: str | None = None,
    ip: str | None = None,
    attributes: dict[str, Any] | None = None,
) -> CIView:
    """Register a configuration item (class + name, and the asset tag if given, are unique)."""
    raw = {
        "name": name,
        "class": ci_class,
        "status": status,
        "criticality": criticality,
        "owner_group": owner_group,
        "location": location,
        "asset_tag": asset_tag,
        "serial": serial,
        "ip": ip,
        "attributes": attributes or {},
    }
    values = check_ci(raw, References.load(tx.session.connection()))
    _unique(tx.session, values, None)
    row = ConfigurationItem(**values, created_at=tx.now, updated_at=tx.now)
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    view = ci_view(tx.session, row)
    tx.journal("ci", row.id, "create", _public(view))
    return view


def _public(view: CIView) -> dict[str, Any]:
    data = {
        "class": view.ci_class,
        "name": view.name,
        "status": view.status,
        "criticality": view.criticality,
        "owner_group": view.owner_group,
        "location": view.location,
        "asset_tag": view.asset_tag,
        "serial": view.serial,
        "ip": view.ip,
    }
    return {k: v for k, v in data.items() if v is not None} | (
        {"attributes": view.attributes} if view.attributes else {}
    )


@mutation(Action.MANAGE_CMDB)
def update_ci(
    tx: Tx, ref: str, changes: dict[str, Any], *, expect_version: int | None = None
) -> CIView:
    """Change fields of a CI. ``changes`` uses the import's field names; attributes merge
    (a blank value removes one). Journals every changed field as ``[old, new]``."""
    row = find_ci(tx.session, ref)
    if expect_version is not None and row.version != expect_version:
        raise Conflict(
            "{ci_class}:{name} is at version {version}, not {expect_version}: someone else "
            "changed it.",
            field="version",
            ci_class=row.ci_class,
            name=row.name,
            version=row.version,
            expect_version=expect_version,
        )
    before = ci_view(tx.session, row)
    merged: dict[str, Any] = {**_public(before), "attributes": dict(before.attributes)}
    for key, value in changes.items():
        if key == "attributes":
            merged["attributes"].update(value or {})
        elif key in ("class", "ci_class"):
            raise Invalid("A CI's class cannot change; retire it and add a new one.", field="class")
        elif key in CLASSES[row.ci_class].attributes:
            merged["attributes"][key] = value
        else:
            merged[key] = value
    values = check_ci(merged, References.load(tx.session.connection()))
    _unique(tx.session, values, row.id)
    diff = {
        FIELD_OF.get(k, k): (getattr(row, k), v) for k, v in values.items() if getattr(row, k) != v
    }
    if not diff:
        return before
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = tx.now
    row.version += 1
    tx.session.add(row)
    tx.session.flush()
    after = ci_view(tx.session, row)
    for name, id_field in (("owner_group", "owner_group_id"), ("location", "location_id")):
        if id_field in diff or name in diff:
            diff.pop(name, None)
            diff[name] = (getattr(before, name), getattr(after, name))
    assert row.id is not None
    tx.journal("ci", row.id, "update", diff)
    return after


def _relations(session: Session, ci_id: int) -> list[RelationView]:
    """The CI's relationships, outgoing ("this CI <type> other") then incoming, 500 each."""
    views: list[RelationView] = []
    for direction, here, there in (
        ("out", CIRelation.source_id, CIRelation.target_id),
        ("in", CIRelation.target_id, CIRelation.source_id),
    ):
        rows = session.exec(
            select(CIRelation, ConfigurationItem)
            .join(ConfigurationItem, col(ConfigurationItem.id) == there)
            .where(here == ci_id)
            .order_by(col(CIRelation.type), col(ConfigurationItem.name))
            .limit(500)
        ).all()
        views += [
            RelationView(r.id or 0, r.type, direction, c.id or 0, f"{c.ci_class}:{c.name}")
            for r, c in rows
        ]
    return views


@query(Action.VIEW_CMDB)
def ci_relations(read: Read, ref: str) -> list[RelationView]:
    """Just the CI's relationships: what the detail screen's tree reads as a node opens."""
    row = find_ci(read.session, ref)
    assert row.id is not None
    return _relations(read.session, row.id)


@query(Action.VIEW_CMDB)
def show_ci(read: Read, ref: str) -> CIDetail:
    """A CI with its relationships, documents and its tickets (open ones first)."""
    session = read.session
    row = find_ci(session, ref)
    assert row.id is not None
    relations = _relations(session, row.id)
    docs = session.exec(
        select(CIDocument)
        .where(CIDocument.ci_id == row.id)
        .order_by(col(CIDocument.kind), col(CIDocument.title), col(CIDocument.created_at))
    ).all()
    tickets, ticket_count = ci_tickets(session.connection(), row.id)
    return CIDetail(
        ci=ci_view(session, row),
        class_label=CLASSES[row.ci_class].label if row.ci_class in CLASSES else row.ci_class,
        criticality_label=CRITICALITY.get(row.criticality, str(row.criticality)),
        relations=relations,
        documents=[
            DocumentView(d.id or 0, d.kind, d.title, d.version, d.uri, d.note, d.created_at)
            for d in docs
        ],
        tickets=tickets,
        ticket_count=ticket_count,
    )


@query(Action.VIEW_CMDB)
def search_cis(
    read: Read,
    text: str = "",
    *,
    ci_class: str | None = None,
    status: str | None = None,
    limit: int = 50,
    after: int | None = None,
) -> list[CIView]:
    """CIs whose name starts with ``text`` (or whose asset tag or IP equals it), by id; page
    with ``after`` (the last id seen)."""
    stmt = select(ConfigurationItem)
    text = text.strip()
    if text:
        stmt = stmt.where(
            or_(
                starts_with(col(ConfigurationItem.name), text),
                col(ConfigurationItem.asset_tag) == text,
                col(ConfigurationItem.ip) == text,
            )
        )
    if ci_class:
        stmt = stmt.where(ConfigurationItem.ci_class == ci_class)
    if status:
        stmt = stmt.where(ConfigurationItem.status == status)
    if after is not None:
        stmt = stmt.where(col(ConfigurationItem.id) > after)
    rows = read.session.exec(stmt.order_by(col(ConfigurationItem.id)).limit(limit)).all()
    return [ci_view(read.session, r) for r in rows]


@query(Action.VIEW_CMDB)
def lookup_cis(read: Read, text: str, *, limit: int = 50) -> list[CIView]:
    """CIs as the operator types: exact asset tag or IP first, then name / IP / asset tag
    prefixes, then names containing the text (or each of its words). Retired CIs included."""
    if not 1 <= limit <= 200:
        raise Invalid("limit must be 1 to 200.", field="limit")
    return [ci_view(read.session, r) for r in ci_queries.lookup(read.session, text, limit)]


@mutation(Action.MANAGE_CMDB)
def attach_document(
    tx: Tx, ref: str, kind: str, title: str, version: str, *, uri: str = "", note: str = ""
) -> DocumentView:
    """Attach a version of a manual, code repository, contract … to a CI. A new version is a
    new row: earlier versions stay."""
    if kind not in DOCUMENT_KINDS:
        raise Invalid(
            "kind '{kind}' is not one of: {names}.",
            field="kind",
            kind=kind,
            names=", ".join(DOCUMENT_KINDS),
        )
    for name, value, limit in (
        ("title", title, DOCUMENT_TITLE_MAX),
        ("version", version, DOCUMENT_VERSION_MAX),
    ):
        if not value.strip() or len(value) > limit:
            raise Invalid(
                "{name} must be 1–{limit} characters.", field=name, name=name, limit=limit
            )
    for name, value, limit in (("uri", uri, DOCUMENT_URI_MAX), ("note", note, DOCUMENT_NOTE_MAX)):
        if len(value) > limit:
            raise Invalid(
                "{name} is limited to {limit} characters.", field=name, name=name, limit=limit
            )
    row = find_ci(tx.session, ref)
    exists = tx.session.exec(
        select(CIDocument.id).where(
            CIDocument.ci_id == row.id,
            CIDocument.kind == kind,
            CIDocument.title == title,
            CIDocument.version == version,
        )
    ).first()
    if exists:
        raise Conflict(
            "{kind} '{title}' version {version} is already attached.",
            field="version",
            kind=kind,
            title=title,
            version=version,
        )
    assert row.id is not None
    doc = CIDocument(
        ci_id=row.id, kind=kind, title=title, version=version, uri=uri, note=note, created_at=tx.now
    )
    tx.session.add(doc)
    tx.session.flush()
    assert doc.id is not None
    tx.journal("ci", row.id, "attach_document", {"kind": kind, "title": title, "version": version})
    return DocumentView(doc.id, kind, title, version, uri, note, tx.now)
