"""Tickets as the front doors show them: names resolved, nothing lazy, safe after the session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from itsm_tui.storage.tables import (
    AssignmentGroup,
    Caller,
    Category,
    ConfigurationItem,
    Staff,
    Ticket,
    TicketCI,
)
from itsm_tui.workflow.site import Actor
from itsm_tui.workflow.tickets.offered import offered_for


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


def _get(session: Session, table: Any, key: int | None) -> Any:
    return None if key is None else session.get(table, key)


def category_path(session: Session, category_id: int | None) -> str | None:
    category = _get(session, Category, category_id)
    if category is None:
        return None
    parent = _get(session, Category, category.parent_id)
    return f"{parent.name}/{category.name}" if parent else category.name


def ticket_view(session: Session, ticket: Ticket, actor: Actor) -> TicketView:
    """Resolve a ticket's references with a handful of primary-key reads; ``allowed`` is what
    ``actor`` may do to it now."""
    assert ticket.id is not None
    group = _get(session, AssignmentGroup, ticket.group_id)
    assignee = _get(session, Staff, ticket.assignee_id)
    caller = _get(session, Caller, ticket.caller_id)
    related = _get(session, Ticket, ticket.related_ticket_id)
    cis = session.exec(
        select(ConfigurationItem.name)
        .join(TicketCI, col(TicketCI.ci_id) == ConfigurationItem.id)
        .where(TicketCI.ticket_id == ticket.id)
        .order_by(ConfigurationItem.name)
    ).all()
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
        group=group.code if group else None,
        group_name=group.name if group else None,
        assignee=assignee.login if assignee else None,
        assignee_name=assignee.display_name if assignee else None,
        caller_id=ticket.caller_id,
        caller=caller.name if caller else None,
        caller_department=caller.department if caller else None,
        caller_phone=caller.phone if caller else None,
        category=category_path(session, ticket.category_id),
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
        related_number=related.number if related else None,
        version=ticket.version,
        cis=list(cis),
        allowed=offered_for(session, actor, ticket),
    )
