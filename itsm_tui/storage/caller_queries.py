"""Finding callers as the agent types: prefix ranges on indexed columns, then a bounded
substring pass. Never reads the whole directory."""

from __future__ import annotations

from sqlalchemy import and_, case, or_
from sqlmodel import Session, col, select

from itsm_tui.storage.tables import Caller, Ticket
from itsm_tui.storage.text_match import contains as has_text
from itsm_tui.storage.text_match import starts_with


def search(session: Session, text: str, limit: int, after: int | None = None) -> list[Caller]:
    """Up to ``limit`` active callers matching ``text``, after the caller ``after``: first those
    whose name, phone, department or employee number starts with it (index ranges), then those
    whose name or department merely contains it. Each group is in (name, id) order, so a page
    ends at a caller and the next page starts after them (keyset paging, no OFFSET)."""
    text = text.strip()
    if not text:
        return []
    prefix = or_(
        starts_with(col(Caller.name), text),
        starts_with(col(Caller.phone), text),
        starts_with(col(Caller.department), text),
        col(Caller.employee_no) == text,
    )
    # NULL columns make ``prefix`` NULL, not false: "not a prefix match" must count them in.
    contains = and_(
        or_(has_text(col(Caller.name), text), has_text(col(Caller.department), text)),
        case((prefix, 1), else_=0) == 0,
    )
    groups = [prefix, contains]
    start = session.get(Caller, after) if after is not None else None
    if (
        start is not None
        and not session.exec(select(Caller.id).where(prefix, col(Caller.id) == after)).first()
    ):
        groups = [contains]  # the previous page ended among the substring matches
    found: list[Caller] = []
    for i, where in enumerate(groups):
        conditions = [where, col(Caller.active)]
        if start is not None and i == 0:
            conditions.append(
                or_(
                    col(Caller.name) > start.name,
                    and_(col(Caller.name) == start.name, col(Caller.id) > start.id),
                )
            )
        found += session.exec(
            select(Caller)
            .where(*conditions)
            .order_by(col(Caller.name), col(Caller.id))
            .limit(limit - len(found))
        ).all()
        if len(found) >= limit:
            break
    return found


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
