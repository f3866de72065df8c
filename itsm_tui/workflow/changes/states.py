"""The RFC state machine: which operation may start from which state.

draft → submitted → assessed → awaiting approval → scheduled → implementing → implemented →
in review → closed; also rejected, cancelled and failed / backed out. A standard change is
pre-approved: it goes from assessed straight to scheduled. What each step needs besides its
state (a back-out plan, a window, the CAB's approvals) is checked by the step itself
(``changes.lifecycle``), naming the missing field.
"""

from __future__ import annotations

from itsm_tui.common.changes import STATUS_LABELS, ChangeStatus
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_

S = ChangeStatus
_EDITABLE = frozenset({S.DRAFT, S.SUBMITTED, S.ASSESSED})
_LIVE = frozenset(ChangeStatus) - {S.CLOSED, S.CANCELLED, S.REJECTED}

#: operation → the states it may start from.
OPERATIONS: dict[str, frozenset[ChangeStatus]] = {
    "update": _EDITABLE,
    "submit": frozenset({S.DRAFT}),
    "assess": frozenset({S.SUBMITTED, S.ASSESSED}),
    "request_approval": frozenset({S.ASSESSED}),
    "approve": frozenset({S.AWAITING_APPROVAL}),
    "reject": frozenset({S.AWAITING_APPROVAL}),
    "schedule": frozenset({S.ASSESSED, S.AWAITING_APPROVAL}),
    "start": frozenset({S.SCHEDULED}),
    "finish": frozenset({S.IMPLEMENTING}),
    "review": frozenset({S.IMPLEMENTED, S.FAILED, S.IN_REVIEW}),
    "close": frozenset({S.IMPLEMENTED, S.IN_REVIEW}),
    "cancel": frozenset({S.DRAFT, S.SUBMITTED, S.ASSESSED, S.AWAITING_APPROVAL, S.SCHEDULED}),
    "link": _LIVE,
}


def allowed_operations(status: str) -> list[str]:
    """What the state machine allows from ``status`` (roles and the CAB narrow it further)."""
    return [op for op, states in OPERATIONS.items() if ChangeStatus(status) in states]


def check(number: str, status: str, operation: str) -> None:
    """Refuse ``operation`` from ``status``, naming the state and what is allowed from it."""
    if ChangeStatus(status) in OPERATIONS[operation]:
        return
    raise Invalid(
        N_("Cannot {operation} {number}: it is {status}. From there you can: {options}."),
        field="status",
        operation=operation,
        number=number,
        status=STATUS_LABELS[status],
        options=", ".join(allowed_operations(status)) or "-",
    )
