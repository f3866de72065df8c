"""The ticket state machine: which operation may start from which state, and what it leads to.

New → Assigned → In progress → Pending (customer / vendor / change) → Resolved → Closed, plus
Cancelled; Reopen from Resolved. One table, so the refusal message and the console's enabled
actions are derived from the same facts.
"""

from __future__ import annotations

from itsm_tui.common.domain import OPEN_STATUSES, PendingReason, TicketStatus, status_label
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_, Phrase, Phrases

S = TicketStatus
_OPEN = frozenset(OPEN_STATUSES)
_WORKING = frozenset({S.ASSIGNED, S.IN_PROGRESS})

#: operation → the states it may start from.
OPERATIONS: dict[str, frozenset[TicketStatus]] = {
    "claim": frozenset({S.NEW, S.ASSIGNED}),
    "assign": _OPEN,
    "escalate": _OPEN,
    "return": _OPEN,
    "flag": _OPEN,
    "pending": _WORKING,
    "resume": frozenset({S.PENDING}),
    "resolve": _OPEN,
    "close": frozenset({S.RESOLVED}),
    "reopen": frozenset({S.RESOLVED, S.CLOSED}),
    "cancel": _OPEN,
    "note": frozenset(TicketStatus) - {S.CLOSED, S.CANCELLED},
    "update": _OPEN,
    "priority": _OPEN,
}

#: The operations as a refusal names them ("Cannot claim …", "From there you can: …"), for
#: the catalogue; the keys of OPERATIONS stay the codes the CLI and the journal use.
OPERATION_WORDS = (
    N_("claim"),
    N_("assign"),
    N_("escalate"),
    N_("return"),
    N_("flag"),
    N_("pending"),
    N_("resume"),
    N_("resolve"),
    N_("close"),
    N_("reopen"),
    N_("cancel"),
    N_("note"),
    N_("update"),
    N_("priority"),
)

#: What a pending ticket may wait for, worded for the person choosing.
PENDING_REASONS: dict[PendingReason, str] = {
    PendingReason.CUSTOMER: N_("waiting for the caller"),
    PendingReason.VENDOR: N_("waiting for a vendor"),
    PendingReason.CHANGE: N_("waiting for a change to be implemented"),
}

RESOLUTION_CODES = {
    "fixed": N_("fixed permanently"),
    "workaround": N_("workaround applied"),
    "advice": N_("advice or how-to given"),
    "fulfilled": N_("request fulfilled"),
    "not_reproducible": N_("could not reproduce"),
    "duplicate": N_("duplicate of another ticket"),
    "withdrawn": N_("withdrawn by the caller"),
    "vendor": N_("resolved by the vendor"),
}


def allowed_operations(status: TicketStatus | str) -> list[str]:
    """What the state machine allows from ``status``. What a given person is offered also
    depends on their role and group: ``tickets.offered`` adds those."""
    return [op for op, states in OPERATIONS.items() if TicketStatus(status) in states]


def allows(status: str, operation: str) -> bool:
    """Whether the state machine allows ``operation`` from ``status`` (:func:`check`'s test,
    without the refusal's words)."""
    return TicketStatus(status) in OPERATIONS[operation]


def check(number: str, status: str, operation: str) -> None:
    """Refuse ``operation`` from ``status``, naming the state and what is allowed from it."""
    if allows(status, operation):
        return
    current = TicketStatus(status)
    options = Phrases(allowed_operations(current)) or Phrase(N_("nothing (it is final)"))
    raise Invalid(
        "Cannot {operation} {number}: it is {state}. From there you can: {options}.",
        field="status",
        operation=Phrase(operation),
        number=number,
        state=Phrase(status_label(current)),
        options=options,
    )
