"""Finding a change, locking it for a step and writing the step: version check, one conditional
UPDATE, one journal entry — the discipline tickets follow (``workflow.tickets.core``), so two
people working one change never overwrite each other."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from itsm_tui.common.changes import CHANGE_PREFIX
from itsm_tui.common.errors import Conflict, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import AssignmentGroup, ChangeRequest, Staff
from itsm_tui.workflow.changes import states
from itsm_tui.workflow.context import Tx
from itsm_tui.workflow.numbering import DIGITS, format_number
from itsm_tui.workflow.text_input import storable

_CHANGE = core_table(ChangeRequest)


def change_number(ref: str) -> str:
    """``CHG000012`` from ``chg12``, ``12`` or ``CHG000012``."""
    wanted = storable("change", ref).strip().upper()
    digits = wanted.removeprefix(CHANGE_PREFIX)
    if digits.isdigit() and len(digits) <= DIGITS + 3:
        return format_number(CHANGE_PREFIX, int(digits))
    return wanted


def find_change(session: Session, ref: str, *, for_update: bool = False) -> ChangeRequest:
    """A change by number; ``for_update`` locks the row (PostgreSQL) until the transaction
    ends, so a second approver waits for the first instead of counting without them."""
    stmt = select(ChangeRequest).where(ChangeRequest.number == change_number(ref))
    if for_update:
        stmt = stmt.with_for_update()
    change = session.exec(stmt).first()
    if change is None:
        raise NotFound(N_("No change {number}."), field="change", number=ref)
    return change


def load(tx: Tx, number: str, operation: str, expected_version: int | None = None) -> ChangeRequest:
    """The change, locked, checked against the caller's version and the state machine."""
    change = find_change(tx.session, number, for_update=True)
    if expected_version is not None and change.version != expected_version:
        raise conflict(change, expected_version)
    states.check(change.number, change.status, operation)
    return change


def conflict(change: ChangeRequest, expected: int) -> Conflict:
    return Conflict(
        N_(
            "{number} was changed by someone else: it is at version {version}, you had "
            "version {expected}. Reload it and try again."
        ),
        number=change.number,
        version=change.version,
        expected=expected,
    )


#: Reference columns are journaled by what a person recognises, not by id.
_LABELS: dict[str, tuple[str, Any, Any]] = {
    "implementer_id": ("implementer", Staff, Staff.login),
    "group_id": ("group", AssignmentGroup, AssignmentGroup.code),
}


def _label(session: Session, key: str, value: Any) -> Any:
    if key not in _LABELS or value is None:
        return value
    _, table, column = _LABELS[key]
    found = session.exec(select(column).where(col(table.id) == value)).first()
    return found if found is not None else value


def apply(
    tx: Tx,
    change: ChangeRequest,
    action: str,
    changes: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> ChangeRequest:
    """Write ``changes`` with ``version = version + 1`` only if nobody changed the change
    meanwhile, and journal one entry with the fields that really changed (old → new)."""
    assert change.id is not None
    diff = {
        _LABELS.get(k, (k,))[0]: (
            _label(tx.session, k, getattr(change, k)),
            _label(tx.session, k, v),
        )
        for k, v in changes.items()
        if getattr(change, k) != v and k != "risk_factors"
    }
    new_version = change.version + 1
    result = tx.session.execute(
        update(_CHANGE)
        .where(_CHANGE.c.id == change.id, _CHANGE.c.version == change.version)
        .values(**changes, version=new_version, updated_at=tx.now)
    )
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        raise conflict(change, change.version)
    for key, value in {**changes, "version": new_version, "updated_at": tx.now}.items():
        set_committed_value(change, key, value)
    tx.journal("change", change.id, action, {**diff, **(extra or {})})
    return change
