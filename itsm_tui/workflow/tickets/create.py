"""Opening a ticket: validation, number, priority from the matrix, first group, CIs, journal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case
from sqlmodel import Session, col, select

from itsm_tui.common.domain import IMPACT_LEVELS, URGENCY_LEVELS, TicketStatus, TicketType
from itsm_tui.common.errors import Invalid
from itsm_tui.storage import title_grams
from itsm_tui.storage.tables import AssignmentGroup, GroupMember, Ticket, TicketCI
from itsm_tui.workflow import text_input
from itsm_tui.workflow.context import Tx, mutation
from itsm_tui.workflow.lookup import find_caller, find_category, find_cis, find_group, find_staff
from itsm_tui.workflow.numbering import next_number
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site_settings import priority_for
from itsm_tui.workflow.sla import clock as sla_clock
from itsm_tui.workflow.tickets.core import TEXT_LIMITS, member_of
from itsm_tui.workflow.tickets.views import TicketView, ticket_view

#: The ticket texts that hold one line (the rest — description, notes, reasons — hold many).
ONE_LINE = frozenset({"title"})


def check_text(name: str, value: str, *, required: bool = False) -> str:
    """Refuse empty required text, text over its limit, text that is not text (NUL) and a
    title of more than one line, naming the field (``workflow.text_input`` says why).

    The text itself is kept exactly as typed (no trimming inside, no markup interpretation).
    """
    limit = TEXT_LIMITS[name]
    if name in ONE_LINE:
        text_input.one_line(name, value, hint="; put the details in the description")
    else:
        text_input.storable(name, value)
    if required and not value.strip():
        raise Invalid("{name} must not be empty.", field=name, name=name)
    if len(value) > limit:
        raise Invalid(
            "{name} is {count:,} characters; the limit is {limit:,}.",
            field=name,
            name=name,
            count=len(value),
            limit=limit,
        )
    return value


def parse_type(value: str) -> TicketType:
    try:
        return TicketType(value)
    except ValueError:
        raise Invalid(
            "type must be one of: {names}.",
            field="type",
            names=", ".join(t.value for t in TicketType),
        ) from None


def first_group(session: Session, staff_id: int | None) -> AssignmentGroup | None:
    """The group a ticket someone opens lands in when they name none: their own lowest-tier
    group (a hotline agent's tickets land in the hotline); for someone in no group — a
    supervisor, the first run's admin — the service desk: the lowest-tier group, one they
    supervise first. A call enters through the desk (ITIL's single point of contact) even when
    a tier-2 supervisor takes it; they choose another group on the form if they mean to. None:
    they must name one (as the system, which belongs to no group, must)."""
    if staff_id is None:
        return None
    own = session.exec(
        select(AssignmentGroup)
        .join(GroupMember, col(GroupMember.group_id) == AssignmentGroup.id)
        .where(GroupMember.staff_id == staff_id, AssignmentGroup.active)
        .order_by(col(AssignmentGroup.tier), col(AssignmentGroup.id))
    ).first()
    if own is not None:
        return own
    theirs = case((col(AssignmentGroup.supervisor_id) == staff_id, 0), else_=1)
    return session.exec(
        select(AssignmentGroup)
        .where(AssignmentGroup.active)
        .order_by(col(AssignmentGroup.tier), theirs, col(AssignmentGroup.id))
    ).first()


def default_group(tx: Tx) -> AssignmentGroup:
    """:func:`first_group` of the creator, or a refusal asking for a group."""
    group = first_group(tx.session, tx.actor.id)
    if group is None:
        raise Invalid("You belong to no assignment group: name one for the ticket.", field="group")
    return group


@dataclass(frozen=True)
class TicketDraft:
    """What a person fills in to open a ticket; references are names, resolved on creation."""

    title: str
    description: str = ""
    type: str = TicketType.INCIDENT.value
    caller: str | None = None  # id (#12), employee number, phone or exact name
    category: str | None = None  # code, name or "parent/child"
    impact: int = IMPACT_LEVELS[-1]  # the lowest of each, unless the caller says otherwise
    urgency: int = URGENCY_LEVELS[-1]
    group: str | None = None  # code or name; default: the creator's lowest-tier group
    assignee: str | None = None  # login, a member of the group
    cis: Sequence[str] = ()  # CI names (or class:name)


def open_ticket(tx: Tx, draft: TicketDraft) -> Ticket:
    """The body of :func:`create_ticket`, for operations that open a ticket as one of their
    steps (logging a call, a follow-up of a closed ticket)."""
    kind = parse_type(draft.type)
    check_text("title", draft.title, required=True)
    check_text("description", draft.description)
    session = tx.session
    caller = find_caller(session, draft.caller) if draft.caller else None
    category = find_category(session, draft.category) if draft.category else None
    priority = priority_for(session, draft.impact, draft.urgency)
    group = find_group(session, draft.group) if draft.group else default_group(tx)
    assignee = find_staff(session, draft.assignee) if draft.assignee else None
    if assignee and not member_of(session, assignee.id, group.id):
        raise Invalid(
            "{login} is not a member of {code}.",
            field="assignee",
            login=assignee.login,
            code=group.code,
        )
    cis = find_cis(session, draft.cis)
    ticket = Ticket(
        number=next_number(session, kind),
        type=kind.value,
        title=draft.title,
        description=draft.description,
        caller_id=caller.id if caller else None,
        category_id=category.id if category else None,
        impact=draft.impact,
        urgency=draft.urgency,
        priority=priority,
        status=(TicketStatus.ASSIGNED if assignee else TicketStatus.NEW).value,
        group_id=group.id,
        assignee_id=assignee.id if assignee else None,
        tier=group.tier,
        left_first_line=group.tier > 1,
        opened_by_id=tx.actor.id,
        opened_at=tx.now,
        updated_at=tx.now,
    )
    session.add(ticket)
    session.flush()
    assert ticket.id is not None
    session.add_all(TicketCI(ticket_id=ticket.id, ci_id=ci.id) for ci in cis if ci.id)
    title_grams.index_title(  # search
        session.connection(),
        ticket.id,
        draft.title,
        priority,
        open_=title_grams.is_open(ticket.status),
    )
    tx.journal(
        "ticket",
        ticket.id,
        "create",
        {
            "number": ticket.number,
            "type": kind.value,
            "title": draft.title,
            "priority": priority,
            "group": group.code,
            "assignee": assignee.login if assignee else None,
            "caller": caller.name if caller else None,
            "cis": [ci.name for ci in cis],
        },
    )
    sla_clock.refresh(session, ticket, tx.now)  # the clocks start now
    return ticket


@mutation(Action.CREATE_TICKET)
def create_ticket(tx: Tx, draft: TicketDraft) -> TicketView:
    """Open an incident or service request; priority comes from the site's matrix."""
    return ticket_view(tx.session, open_ticket(tx, draft), tx.actor)
