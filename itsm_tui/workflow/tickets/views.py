"""Tickets as the front doors show them: names resolved, nothing lazy, safe after the session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select
from sqlmodel import Session

from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    AssignmentGroup,
    Caller,
    Category,
    ConfigurationItem,
    GroupMember,
    Staff,
    Ticket,
    TicketCI,
)
from itsm_tui.workflow.site import Actor
from itsm_tui.workflow.tickets.offered import Holding, offered_actions


@dataclass(frozen=True)
class TicketView:
    """One ticket with everything the ticket screen and ``itsm ticket show`` print."""

    id: int
    number: str
    type: str
    title: str
    description: str
    status: str
    pending_reason: str | None
    priority: int
    priority_overridden: bool
    impact: int
    urgency: int
    tier: int
    group: str | None
    group_name: str | None
    assignee: str | None
    assignee_name: str | None
    caller_id: int | None
    caller: str | None
    caller_department: str | None
    caller_phone: str | None
    category: str | None
    opened_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    resolution_warn_at: datetime | None
    flagged_at: datetime | None
    reassignment_count: int
    escalation_count: int
    reopen_count: int
    resolved_first_line: bool
    resolution_code: str | None
    resolution_text: str | None
    related_number: str | None
    version: int
    cis: list[str] = field(default_factory=list)
    #: What the reading actor may do to it now (``tickets.offered``: role, state and group).
    allowed: list[str] = field(default_factory=list)


def _names() -> Select[Any]:
    """The names a ticket's references stand for, in one read of five primary keys (each
    joined on a parameter: the ticket's values as this transaction holds them), and whether
    the reading actor belongs to the ticket's group (``offered.is_member``'s question, asked
    here to save the view a round trip of its own)."""
    group, staff, caller = core_table(AssignmentGroup), core_table(Staff), core_table(Caller)
    category, related = core_table(Category), core_table(Ticket).alias("related")
    parent = category.alias("parent")
    member = core_table(GroupMember)
    one = sa.select(sa.literal(1).label("one")).subquery("one")
    return (
        sa.select(
            group.c.code.label("group_code"),
            group.c.name.label("group_name"),
            staff.c.login,
            staff.c.display_name,
            caller.c.name.label("caller_name"),
            caller.c.department,
            caller.c.phone,
            category.c.name.label("category_name"),
            parent.c.name.label("parent_name"),
            related.c.number.label("related_number"),
            member.c.staff_id.label("member_id"),
        )
        .select_from(one)
        .outerjoin(group, group.c.id == sa.bindparam("group_id", type_=sa.Integer))
        .outerjoin(staff, staff.c.id == sa.bindparam("assignee_id", type_=sa.Integer))
        .outerjoin(caller, caller.c.id == sa.bindparam("caller_id", type_=sa.Integer))
        .outerjoin(category, category.c.id == sa.bindparam("category_id", type_=sa.Integer))
        .outerjoin(parent, parent.c.id == category.c.parent_id)
        .outerjoin(related, related.c.id == sa.bindparam("related_id", type_=sa.Integer))
        .outerjoin(
            member,
            sa.and_(
                member.c.group_id == sa.bindparam("group_id", type_=sa.Integer),
                member.c.staff_id == sa.bindparam("actor_id", type_=sa.Integer),
            ),
        )
    )


#: Built once: every operation returns a view, and building these selects cost more than
#: running them.
_NAMES = _names()
_CIS = (
    sa.select(core_table(ConfigurationItem).c.name)
    .join(core_table(TicketCI), core_table(TicketCI).c.ci_id == core_table(ConfigurationItem).c.id)
    .where(core_table(TicketCI).c.ticket_id == sa.bindparam("ticket_id"))
    .order_by(core_table(ConfigurationItem).c.name)
)


def ticket_view(session: Session, ticket: Ticket, actor: Actor) -> TicketView:
    """Resolve a ticket's references in one read, and its CIs in another; ``allowed`` is what
    ``actor`` may do to it now."""
    assert ticket.id is not None
    names = session.execute(
        _NAMES,
        {
            "group_id": ticket.group_id,
            "assignee_id": ticket.assignee_id,
            "caller_id": ticket.caller_id,
            "category_id": ticket.category_id,
            "related_id": ticket.related_ticket_id,
            "actor_id": actor.id,
        },
    ).one()
    cis = session.execute(_CIS, {"ticket_id": ticket.id}).scalars().all()
    category = names.category_name
    if category is not None and names.parent_name is not None:
        category = f"{names.parent_name}/{category}"
    return TicketView(
        id=ticket.id,
        number=ticket.number,
        type=ticket.type,
        title=ticket.title,
        description=ticket.description,
        status=ticket.status,
        pending_reason=ticket.pending_reason,
        priority=ticket.priority,
        priority_overridden=ticket.priority_overridden,
        impact=ticket.impact,
        urgency=ticket.urgency,
        tier=ticket.tier,
        group=names.group_code,
        group_name=names.group_name,
        assignee=names.login,
        assignee_name=names.display_name,
        caller_id=ticket.caller_id,
        caller=names.caller_name,
        caller_department=names.department,
        caller_phone=names.phone,
        category=category,
        opened_at=ticket.opened_at,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
        updated_at=ticket.updated_at,
        response_due_at=ticket.response_due_at,
        resolution_due_at=ticket.resolution_due_at,
        resolution_warn_at=ticket.resolution_warn_at,
        flagged_at=ticket.flagged_at,
        reassignment_count=ticket.reassignment_count,
        escalation_count=ticket.escalation_count,
        reopen_count=ticket.reopen_count,
        resolved_first_line=ticket.resolved_first_line,
        resolution_code=ticket.resolution_code,
        resolution_text=ticket.resolution_text,
        related_number=names.related_number,
        version=ticket.version,
        cis=list(cis),
        allowed=offered_actions(actor, Holding.of(ticket), names.member_id is not None),
    )
