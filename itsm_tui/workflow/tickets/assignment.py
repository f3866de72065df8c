"""Who holds a ticket: claiming, assigning, escalating through the three tiers, returning,
and flagging to a supervisor (hierarchical escalation).

Every change of assignment group counts as a reassignment (as ServiceNow counts it), so the
figure means "how often did this ticket change hands between teams".
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from itsm_tui.common.domain import OPEN_STATUSES, TOP_TIER, TicketStatus
from itsm_tui.common.errors import Conflict, Invalid
from itsm_tui.common.i18n import N_, Phrase
from itsm_tui.storage.tables import AssignmentGroup, Staff
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.lookup import find_group, find_staff
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.sla.alerts import raise_flag_alert
from itsm_tui.workflow.tickets import states
from itsm_tui.workflow.tickets.core import apply, load, member_of, permit
from itsm_tui.workflow.tickets.create import check_text
from itsm_tui.workflow.tickets.views import TicketView, ticket_view

S = TicketStatus


def tier_move_allowed(operation: str, from_tier: int, to_tier: int) -> bool:
    """The tier rule: an assignment stays within the tier, an escalation goes up exactly one
    tier, a return to any lower tier.

    Said once, here: :func:`assign`, :func:`escalate` and :func:`return_ticket` refuse any other
    group, and the console offers only the groups this allows."""
    if operation == "assign":
        return to_tier == from_tier
    if operation == "escalate":
        return to_tier == from_tier + 1 <= TOP_TIER
    return to_tier < from_tier


def _reason(reason: str, doing: str) -> str:
    if not reason.strip():
        raise Invalid("A reason is required to {doing}.", field="reason", doing=Phrase(doing))
    return check_text("reason", reason)


@mutation(Action.WORK_TICKET)
def claim(tx: Tx, number: str) -> TicketView:
    """Take an unassigned ticket (or start one assigned to you): of two agents claiming at
    once, exactly one wins and the other is told who has it (the row is locked while it is
    read, and the write is conditional on the version read).

    Claiming is a first response: the response clock stops here if nothing stopped it before.
    """
    ticket = load(tx, number, "claim", check_state=False)
    if ticket.assignee_id not in (None, tx.actor.id) and ticket.status in OPEN_STATUSES:
        holder = tx.session.get(Staff, ticket.assignee_id)
        name = f"{holder.display_name} ({holder.login})" if holder else Phrase(N_("someone else"))
        raise Conflict("{number} is already assigned to {name}.", number=ticket.number, name=name)
    states.check(ticket.number, ticket.status, "claim")
    permit(tx, ticket, "claim")
    changes: dict[str, Any] = {"assignee_id": tx.actor.id, "status": S.IN_PROGRESS.value}
    if ticket.first_response_at is None:
        changes["first_response_at"] = tx.now
    apply(tx, ticket, "claim", changes)
    return ticket_view(tx.session, ticket, tx.actor)


@mutation(Action.ASSIGN_TICKET)
def assign(
    tx: Tx,
    number: str,
    *,
    group: str | None = None,
    assignee: str | None = None,
    expected_version: int | None = None,
) -> TicketView:
    """Hand a ticket to a group of the same tier and/or one of its members.

    Moving it to another tier is an escalation or a return, which need a reason.
    """
    if group is None and assignee is None:
        raise Invalid("Name a group, an assignee, or both.", field="group")
    ticket = load(tx, number, "assign", expected_version)
    permit(tx, ticket, "assign")
    session = tx.session
    target = find_group(session, group) if group else session.get(AssignmentGroup, ticket.group_id)
    assert target is not None
    if not tier_move_allowed("assign", ticket.tier, target.tier):
        verb = "escalate" if target.tier > ticket.tier else "return"
        raise Invalid(
            "{code} is a tier-{tier} group and {number} is at tier {ticket_tier}: {verb} it "
            "instead (with a reason).",
            field="group",
            code=target.code,
            tier=target.tier,
            number=ticket.number,
            ticket_tier=ticket.tier,
            verb=Phrase(verb),
        )
    person = find_staff(session, assignee) if assignee else None
    if person and not member_of(session, person.id, target.id):
        raise Invalid(
            "{login} is not a member of {code}.",
            field="assignee",
            login=person.login,
            code=target.code,
        )
    changes: dict[str, Any] = {"group_id": target.id, "assignee_id": person.id if person else None}
    if target.id != ticket.group_id:
        changes["reassignment_count"] = ticket.reassignment_count + 1
    if ticket.status != S.PENDING:
        changes["status"] = (S.ASSIGNED if person else S.NEW).value
        if person and person.id == ticket.assignee_id and ticket.status == S.IN_PROGRESS:
            changes["status"] = S.IN_PROGRESS.value
    apply(tx, ticket, "assign", changes)
    return ticket_view(session, ticket, tx.actor)


def _move_tier(
    tx: Tx, number: str, operation: str, group: str, reason: str, expected_version: int | None
) -> TicketView:
    """Escalate (up one tier) or return (down) to a named group, which loses the assignee."""
    ticket = load(tx, number, operation, expected_version)
    permit(tx, ticket, operation)
    reason = _reason(reason, operation)
    session = tx.session
    target = find_group(session, group)
    up = operation == "escalate"
    if up and ticket.tier >= TOP_TIER:
        raise Invalid(
            "{number} is already at tier {top_tier}, the last one.",
            field="group",
            number=ticket.number,
            top_tier=TOP_TIER,
        )
    if up and not tier_move_allowed(operation, ticket.tier, target.tier):
        raise Invalid(
            "Escalation goes to tier {next_tier}; {code} is tier {tier}. Tier-{next_tier} "
            "groups: {names}.",
            field="group",
            next_tier=ticket.tier + 1,
            code=target.code,
            tier=target.tier,
            names=", ".join(_groups_of_tier(tx, ticket.tier + 1)),
        )
    if not up and not tier_move_allowed(operation, ticket.tier, target.tier):
        raise Invalid(
            "A return goes to a lower tier than {tier}; {code} is tier {target_tier}.",
            field="group",
            tier=ticket.tier,
            code=target.code,
            target_tier=target.tier,
        )
    changes: dict[str, Any] = {
        "group_id": target.id,
        "assignee_id": None,
        "tier": target.tier,
        "reassignment_count": ticket.reassignment_count + 1,
    }
    if ticket.status != S.PENDING:
        changes["status"] = S.NEW.value
    if up:
        changes["escalation_count"] = ticket.escalation_count + 1
        changes["left_first_line"] = True
    apply(tx, ticket, operation, changes, {"reason": reason})
    return ticket_view(session, ticket, tx.actor)


def _groups_of_tier(tx: Tx, tier: int) -> list[str]:
    rows = tx.session.exec(
        select(AssignmentGroup.code)
        .where(AssignmentGroup.tier == tier, AssignmentGroup.active)
        .order_by(col(AssignmentGroup.code))
    ).all()
    return list(rows) or ["(none)"]


@mutation(Action.ESCALATE_TICKET)
def escalate(
    tx: Tx, number: str, *, group: str, reason: str, expected_version: int | None = None
) -> TicketView:
    """Functional escalation: to a group of the next tier (1 → 2 → 3), with a reason."""
    return _move_tier(tx, number, "escalate", group, reason, expected_version)


def escalate_in(tx: Tx, number: str, *, group: str, reason: str) -> TicketView:
    """:func:`escalate` inside a transaction that is already open: the SLA scan escalates a
    ticket whose tier budget ran out in the same transaction that records the threshold, as
    ``Actor.system()``, so the escalation and its alerts happen together or not at all."""
    return _move_tier(tx, number, "escalate", group, reason, None)


@mutation(Action.ESCALATE_TICKET)
def return_ticket(
    tx: Tx, number: str, *, group: str, reason: str, expected_version: int | None = None
) -> TicketView:
    """Send a ticket back to a lower tier's group, with a reason (wrongly escalated, needs
    on-site work, …)."""
    return _move_tier(tx, number, "return", group, reason, expected_version)


@mutation(Action.ESCALATE_TICKET)
def flag(tx: Tx, number: str, *, reason: str, expected_version: int | None = None) -> TicketView:
    """Hierarchical escalation: raise the ticket to its group's supervisor's attention."""
    ticket = load(tx, number, "flag", expected_version)
    permit(tx, ticket, "flag")
    reason = _reason(reason, N_("flag a ticket to the supervisor"))
    group = tx.session.get(AssignmentGroup, ticket.group_id)
    supervisor = (
        tx.session.get(Staff, group.supervisor_id) if group and group.supervisor_id else None
    )
    apply(
        tx,
        ticket,
        "flag",
        {"flagged_at": tx.now},
        {"reason": reason, "supervisor": supervisor.login if supervisor else None},
    )
    raise_flag_alert(tx, ticket, reason)  # into the supervisor's inbox, with the flag
    return ticket_view(tx.session, ticket, tx.actor)
