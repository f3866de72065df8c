"""Who may do what to which ticket: the one rule that both offers an action and refuses it.

Why one rule: the console's footer and palette, the CLI's "you can" list and the operations
themselves used to answer "may I?" and "do it" from different facts (the footer from the state
alone, the operation from the state, the role and the group), so a tier-1 agent was offered
Claim, Escalate and Resolve on another group's tier-2 ticket and was then refused each time.
Now :func:`refusal` decides; :func:`offered_actions` is the operations it does not refuse, and
every ticket operation calls :func:`permit`, which raises what :func:`refusal` returns.

The rule, in order:

1. **Role** — the operation's permission (``workflow.permissions``) must be held.
2. **State** — the state machine (``tickets.states``) must allow it from the ticket's status;
   nothing escalates past the top tier, and nothing returns from tier 1.
3. **Holder** — a claim of a ticket someone else holds is refused (ask them, or assign it).
4. **Involvement** — working a ticket (claim, assign, escalate, return, flag, pending, resume,
   resolve, cancel, update, priority, a public reply) is for the ticket's assignee, the members
   of its group and supervisors. Two operations reach further, as ITIL has the service desk own
   the incident's lifecycle:

   - an internal **work note** may be added by anyone on the desk who may work tickets: the
     hotline records "the caller rang again" on a ticket another group holds, and nobody
     outside sees it;
   - **close** and **reopen** are also for tier-1 staff (the service desk: hotline and
     on-site engineers), whatever group holds the ticket: the desk closes with the caller once
     the caller confirms the fix, and reopens when the caller rings to say it is not fixed.
     A tier-2 or tier-3 member of another group may do neither.

The system actor (the scheduler: auto-close, automatic escalation) passes every check but the
state machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select
from sqlmodel import Session

from itsm_tui.common.domain import OPEN_STATUSES, TOP_TIER
from itsm_tui.common.errors import Conflict, DomainError, Forbidden, Invalid
from itsm_tui.common.i18n import N_, Phrase, Phrases
from itsm_tui.common.ticket_rows import TicketRow
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import GroupMember, Ticket
from itsm_tui.workflow.permissions import PERMISSIONS, Action, allowed
from itsm_tui.workflow.site import Actor
from itsm_tui.workflow.tickets import states

#: Every operation on an existing ticket → the permission it needs. The order is the order
#: the "you can" list and the console show them in.
OPERATION_ACTIONS: dict[str, Action] = {
    "claim": Action.WORK_TICKET,
    "assign": Action.ASSIGN_TICKET,
    "escalate": Action.ESCALATE_TICKET,
    "return": Action.ESCALATE_TICKET,
    "flag": Action.ESCALATE_TICKET,
    "pending": Action.WORK_TICKET,
    "resume": Action.WORK_TICKET,
    "resolve": Action.WORK_TICKET,
    "close": Action.CLOSE_TICKET,
    "reopen": Action.CLOSE_TICKET,
    "cancel": Action.CLOSE_TICKET,
    "note": Action.WORK_TICKET,
    "reply": Action.WORK_TICKET,
    "update": Action.WORK_TICKET,
    "priority": Action.OVERRIDE_PRIORITY,
}

#: An operation whose state-machine row has another name (a reply is a note to the caller).
_STATE_OP = {"reply": "note"}

#: Operations that anyone allowed by role may take, whatever group holds the ticket.
_ANY_GROUP = frozenset({"note"})

#: Operations the service desk (tier 1) may also take on another group's ticket.
_SERVICE_DESK = frozenset({"close", "reopen"})
SERVICE_DESK_TIER = 1

#: How a refusal names the operation: "may not <this> INC000123".
_DOING = {
    "return": N_("return"),
    "flag": N_("flag"),
    "pending": N_("set pending"),
    "note": N_("add a note to"),
    "reply": N_("reply publicly on"),
    "update": N_("update"),
    "priority": N_("override the priority of"),
}


@dataclass(frozen=True)
class Holding:
    """The facts of a ticket the rule reads: its number, state, holder and group."""

    number: str
    status: str
    tier: int
    assignee_id: int | None
    group_id: int | None

    @classmethod
    def of(cls, ticket: Ticket) -> Holding:
        return cls(ticket.number, ticket.status, ticket.tier, ticket.assignee_id, ticket.group_id)


def refusal(operation: str, actor: Actor, ticket: Holding, in_group: bool) -> DomainError | None:
    """Why ``actor`` may not take ``operation`` on ``ticket`` (None: they may).

    ``in_group``: whether the actor is a member of the ticket's group (:func:`is_member`).
    """
    why = _refused(operation, actor, ticket, in_group)
    return None if why is None else _error(why, operation, actor, ticket)


def _refused(operation: str, actor: Actor, ticket: Holding, in_group: bool) -> str | None:
    """The rule itself: which of its checks refuses ``operation`` (None: none does). Apart
    from :func:`_error`, which words the refusal, so that :func:`offered_actions`, asking
    every operation of every ticket it shows, builds no message it will not show."""
    if not actor.is_system and not allowed(actor.roles, OPERATION_ACTIONS[operation]):
        return "role"
    if not states.allows(ticket.status, _STATE_OP.get(operation, operation)):
        return "state"
    if operation == "escalate" and ticket.tier >= TOP_TIER:
        return "top"
    if operation == "return" and ticket.tier <= 1:
        return "bottom"
    if actor.is_system:
        return None
    if (
        operation == "claim"
        and ticket.assignee_id not in (None, actor.id)
        and ticket.status in OPEN_STATUSES
    ):
        return "held"
    if operation in _ANY_GROUP or _involved(actor, ticket, in_group):
        return None
    if operation in _SERVICE_DESK and actor.tier == SERVICE_DESK_TIER:
        return None
    return "desk" if operation in _SERVICE_DESK else "group"


def _error(why: str, operation: str, actor: Actor, ticket: Holding) -> DomainError:
    """The refusal :func:`_refused` found, as the person reads it."""
    doing = _DOING.get(operation, operation)
    if why == "role":
        action = OPERATION_ACTIONS[operation]
        may = Phrases(sorted(PERMISSIONS[action]))
        held = Phrases(sorted(actor.roles)) or Phrase(N_("no role"))
        return Forbidden(
            "{login} ({held}) may not {action}; that needs one of: {may}.",
            login=actor.login,
            held=held,
            action=Phrase(action),
            may=may,
        )
    if why == "state":
        try:
            states.check(ticket.number, ticket.status, _STATE_OP.get(operation, operation))
        except Invalid as error:
            return error
    if why == "top":
        return Invalid(
            "{number} is already at tier {top_tier}, the last one.",
            field="group",
            number=ticket.number,
            top_tier=TOP_TIER,
        )
    if why == "bottom":
        return Invalid(
            "{number} is at tier 1: there is no lower tier.", field="group", number=ticket.number
        )
    if why == "held":
        return Conflict("{number} is already assigned to someone else.", number=ticket.number)
    if why == "desk":
        return Forbidden(
            "{login} may not {doing} {number}: it belongs to another group (its assignee, "
            "its group's members and the service desk (tier 1) and supervisors may).",
            login=actor.login,
            doing=Phrase(doing),
            number=ticket.number,
        )
    return Forbidden(
        "{login} may not {doing} {number}: it belongs to another group (its assignee, "
        "its group's members and supervisors may).",
        login=actor.login,
        doing=Phrase(doing),
        number=ticket.number,
    )


def _involved(actor: Actor, ticket: Holding, in_group: bool) -> bool:
    return (
        allowed(actor.roles, Action.SUPERVISE)
        or (actor.id is not None and ticket.assignee_id == actor.id)
        or in_group
    )


def offered_actions(actor: Actor, ticket: Holding, in_group: bool) -> list[str]:
    """The operations ``actor`` may take on ``ticket`` now, in :data:`OPERATION_ACTIONS` order:
    exactly those :func:`refusal` does not refuse."""
    return [op for op in OPERATION_ACTIONS if _refused(op, actor, ticket, in_group) is None]


def offered_on_row(actor: Actor, row: TicketRow, in_group: bool = False) -> list[str]:
    """:func:`offered_actions` for a queue row (the dashboard's lists act on rows, not on
    loaded tickets). A row names its holder by login; the rule only asks whether that is the
    actor, so another holder stands in as an id no one has."""
    if row.assignee_login is None:
        holder = None
    elif row.assignee_login == actor.login:
        holder = actor.id
    else:
        holder = -1
    holding = Holding(row.number, row.status, row.tier, holder, None)
    return offered_actions(actor, holding, in_group)


_MEMBER = core_table(GroupMember)
#: Built once, read as a plain row: the ORM's identity-map ``get`` cost more than the read, and
#: a miss (not a member) was read again by every later call in the transaction.
_IS_MEMBER = select(
    exists().where(
        _MEMBER.c.group_id == bindparam("group_id"), _MEMBER.c.staff_id == bindparam("staff_id")
    )
)


def is_member(session: Session, actor: Actor, group_id: int | None) -> bool:
    """Whether ``actor`` belongs to the group (one primary-key read)."""
    if actor.id is None or group_id is None:
        return False
    return bool(session.execute(_IS_MEMBER, {"group_id": group_id, "staff_id": actor.id}).scalar())


def permit(session: Session, actor: Actor, ticket: Ticket, operation: str) -> None:
    """Raise what :func:`refusal` says about ``operation``: every ticket operation calls this,
    so what is offered and what is done cannot disagree."""
    error = refusal(
        operation, actor, Holding.of(ticket), is_member(session, actor, ticket.group_id)
    )
    if error is not None:
        raise error
