"""Writing a versioned record that is not a ticket (a problem, a knowledge article): the
conditional UPDATE tickets use (``tickets.core.apply``), one journal entry of what changed.

Tickets keep their own ``apply`` because each of their changes also re-measures the SLA
clocks; what the two share is the rule: ``version = version + 1 WHERE version = :seen``, and a
conflict that names who changed it last, so a person reloads instead of overwriting.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Table, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from itsm_tui.common.errors import Conflict
from itsm_tui.common.i18n import N_
from itsm_tui.storage.tables import JournalEntry, Staff
from itsm_tui.workflow.context import Tx


def check_version(tx: Tx, entity: str, row: Any, expected: int | None) -> None:
    """Refuse when the person worked from an older version than the row now has."""
    if expected is not None and row.version != expected:
        raise conflict(tx, entity, row, expected)


def conflict(tx: Tx, entity: str, row: Any, expected: int) -> Conflict:
    """A conflict naming who changed the record last (the journal's newest entry)."""
    last = tx.session.exec(
        select(Staff.login)
        .select_from(JournalEntry)
        .join(Staff, col(Staff.id) == JournalEntry.actor_id, isouter=True)
        .where(JournalEntry.entity == entity, JournalEntry.entity_id == row.id)
        .order_by(col(JournalEntry.id).desc())
        .limit(1)
    ).first()
    return Conflict(
        N_(
            "{number} was changed by {who}: it is at version {version}, you had version "
            "{expected}. Reload it and try again."
        ),
        number=row.number,
        who=last or "the system",
        version=row.version,
        expected=expected,
    )


def apply_versioned(
    tx: Tx,
    table: Table,
    entity: str,
    row: Any,
    action: str,
    changes: dict[str, Any],
    extra: dict[str, Any] | None = None,
    *,
    unjournaled: frozenset[str] = frozenset(),
) -> None:
    """Write ``changes`` to ``row`` only if nobody changed it since it was read, bump its
    version, and journal the fields that really changed (old → new) plus ``extra``;
    ``unjournaled`` fields (a long text kept elsewhere, such as an article's revisions) are
    written but not copied into the journal."""
    diff = {
        k: (getattr(row, k), v)
        for k, v in changes.items()
        if getattr(row, k) != v and k not in unjournaled
    }
    new_version = row.version + 1
    result = tx.session.execute(
        update(table)
        .where(table.c.id == row.id, table.c.version == row.version)
        .values(**changes, version=new_version, updated_at=tx.now)
    )
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        raise conflict(tx, entity, row, row.version)
    for key, value in {**changes, "version": new_version, "updated_at": tx.now}.items():
        set_committed_value(row, key, value)
    tx.journal(entity, row.id, action, {**diff, **(extra or {})})
