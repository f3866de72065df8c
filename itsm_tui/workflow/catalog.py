"""Reference data the desk classifies by: the two-level category tree (configuration items
live in ``workflow.cmdb``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from itsm_tui.common.errors import Conflict, Invalid
from itsm_tui.storage.tables import Category
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.lookup import find_category
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.text_input import one_line


@dataclass(frozen=True)
class CategoryView:
    id: int
    code: str
    name: str
    parent: str | None


@mutation(Action.MANAGE_REFERENCE)
def add_category(tx: Tx, code: str, name: str, *, parent: str | None = None) -> CategoryView:
    """Add a top-level category, or a subcategory under ``parent`` (two levels at most)."""
    if not one_line("code", code).strip() or len(code) > 40:
        raise Invalid("code must be 1–40 characters.", field="code")
    # A category is shown as "parent / name" on one line, and typed back that way.
    if not one_line("name", name).strip() or len(name) > 100 or "/" in name:
        raise Invalid("name must be 1–100 characters without '/'.", field="name")
    session = tx.session
    parent_row = find_category(session, parent) if parent else None
    if parent_row is not None and parent_row.parent_id is not None:
        raise Invalid(
            "Categories have two levels: a subcategory cannot have children.", field="parent"
        )
    if session.exec(select(Category.id).where(Category.code == code)).first():
        raise Conflict("A category with code '{code}' already exists.", field="code", code=code)
    parent_id = parent_row.id if parent_row else None
    same = session.exec(
        select(Category.id).where(Category.name == name, Category.parent_id == parent_id)
    ).first()
    if same:
        raise Conflict("Category '{name}' already exists there.", field="name", name=name)
    row = Category(code=code, name=name, parent_id=parent_id)
    session.add(row)
    session.flush()
    assert row.id is not None
    tx.journal("category", row.id, "create", {"code": code, "name": name, "parent": parent})
    return CategoryView(row.id, code, name, parent_row.name if parent_row else None)


@query(Action.VIEW_TICKETS)
def list_categories(read: Read) -> list[CategoryView]:
    return active_categories(read.session)


def active_categories(session: Session) -> list[CategoryView]:
    """The active categories by parent, then name: for a read that has already checked that
    its reader may see tickets (the intake form's choices come in the same transaction)."""
    rows = session.exec(
        select(Category)
        .where(Category.active)
        .order_by(col(Category.parent_id), col(Category.name))
    ).all()
    names = {r.id: r.name for r in rows}
    return [CategoryView(r.id or 0, r.code, r.name, names.get(r.parent_id)) for r in rows]
