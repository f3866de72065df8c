"""The call drafts: one row per operator, written over on every save."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import CallDraft


def put(session: Session, staff_id: int, fields: dict[str, Any], at: datetime) -> None:
    """Insert or replace the operator's draft in one statement: two consoles of the same
    operator saving at once must not fail on the primary key (the later save wins; both are
    the same person's scratch)."""
    table = core_table(CallDraft)
    dialect = session.connection().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(staff_id=staff_id, fields=fields, saved_at=at)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.staff_id], set_={"fields": fields, "saved_at": at}
    )
    session.connection().execute(statement)


def get(session: Session, staff_id: int) -> CallDraft | None:
    return session.get(CallDraft, staff_id)


def delete(session: Session, staff_id: int) -> bool:
    """Remove the operator's draft; whether there was one."""
    row = session.get(CallDraft, staff_id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
