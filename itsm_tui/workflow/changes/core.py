"""Finding a change, locking it for a step and writing the step: the version check, conditional
UPDATE and journal entry of ``workflow.versioned``, which problems and articles share, so two
people working one change never overwrite each other."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from itsm_tui.common.changes import CHANGE_PREFIX
from itsm_tui.common.errors import NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import AssignmentGroup, ChangeRequest, Staff
from itsm_tui.workflow.changes import states
from itsm_tui.workflow.context import Tx
from itsm_tui.workflow.numbering import DIGITS, format_number
from itsm_tui.workflow.text_input import storable
from itsm_tui.workflow.versioned import apply_versioned, check_version

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
    check_version(tx, "change", change, expected_version)
    states.check(change.number, change.status, operation)
    return change


#: Reference columns are journaled by what a person recognises, not by id.
_LABELS: dict[str, tuple[str, Any, Any]] = {
    "implementer_id": ("implementer", Staff, Staff.login),
    "group_id": ("group", AssignmentGroup, AssignmentGroup.code),
}

#: Written but not journaled: the risk factors are journaled by ``assess`` as the score.
_UNJOURNALED = frozenset({*_LABELS, "risk_factors"})


def _label(session: Session, key: str, value: Any) -> Any:
    if value is None:
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
    """Write ``changes`` under the shared version rule (``workflow.versioned``), journaling
    the implementer and group by login and code rather than by id, so the history reads."""
    labelled = {
        _LABELS[k][0]: (_label(tx.session, k, getattr(change, k)), _label(tx.session, k, v))
        for k, v in changes.items()
        if k in _LABELS and getattr(change, k) != v
    }
    apply_versioned(
        tx,
        _CHANGE,
        "change",
        change,
        action,
        changes,
        {**labelled, **(extra or {})},
        unjournaled=_UNJOURNALED,
    )
    return change
