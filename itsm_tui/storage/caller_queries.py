"""Finding callers as the agent types: prefix ranges on indexed columns, then a bounded
substring pass. Never reads the whole directory."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from itsm_tui.storage.tables import Caller, Ticket
from itsm_tui.storage.text_match import starts_with


def search(session: Session, text: str, limit: int) -> list[Caller]:
    """Callers whose name, phone, department or employee number starts with ``text`` (index
    ranges), then those whose name or department merely contains it."""
    text = text.strip()
    if not text:
        return []
    active = col(Caller.active)
    found: dict[int, Caller] = {}
    prefix = or_(
        starts_with(col(Caller.name), text),
        starts_with(col(Caller.phone), text),
        starts_with(col(Caller.department), text),
        col(Caller.employee_no) == text,
    )
    for caller in session.exec(
        select(Caller).where(prefix, active).order_by(col(Caller.name)).limit(limit)
    ).all():
        found[caller.id or 0] = caller
    if len(found) < limit:
        contains = or_(col(Caller.name).contains(text), col(Caller.department).contains(text))
        for caller in session.exec(
            select(Caller).where(contains, active).order_by(col(Caller.name)).limit(limit)
        ).all():
            found.setdefault(caller.id or 0, caller)
    return list(found.values())[:limit]


def recent_tickets(session: Session, caller_id: int, limit: int) -> list[Ticket]:
    """The caller's newest tickets (``ix_ticket_caller``): is this a repeat call?"""
    return list(
        session.exec(
            select(Ticket)
            .where(Ticket.caller_id == caller_id)
            .order_by(col(Ticket.opened_at).desc())
            .limit(limit)
        ).all()
    )
