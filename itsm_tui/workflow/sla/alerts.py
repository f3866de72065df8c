"""The alert inbox's reads: my SLA alerts, newest first, then only what came after.

Apart from ``service`` (which re-exports them) so the console's inbox does not import the SLA
scan, the clocks and the policy editor with it.
"""

from __future__ import annotations

from sqlmodel import col, select

from itsm_tui.common.errors import Invalid
from itsm_tui.storage.tables import SlaAlert, Staff, Ticket
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.permissions import Action, allowed
from itsm_tui.workflow.sla.alert_rows import AlertRow

MAX_ALERTS = 500


@query(Action.VIEW_TICKETS)
def list_alerts(
    read: Read, *, mine: bool = True, since_id: int = 0, limit: int = 100
) -> list[AlertRow]:
    """Alerts after ``since_id``, oldest first: the console polls with the last id it showed
    (``ix_sla_alert_staff`` for "mine"; the primary key for everyone's). Only supervisors may
    read other people's alerts."""
    if not 1 <= limit <= MAX_ALERTS:
        raise Invalid(f"limit must be 1 to {MAX_ALERTS}.", field="limit")
    if not mine and not allowed(read.actor.roles, Action.SUPERVISE):
        mine = True
    stmt = (
        select(SlaAlert, Ticket.number, Staff.login)
        .join(Ticket, col(Ticket.id) == SlaAlert.ticket_id)
        .join(Staff, col(Staff.id) == SlaAlert.staff_id)
        .where(col(SlaAlert.id) > since_id)
    )
    if mine:
        stmt = stmt.where(SlaAlert.staff_id == read.actor.id)
    rows = read.session.exec(stmt.order_by(col(SlaAlert.id)).limit(limit)).all()
    return [
        AlertRow(a.id or 0, num, a.kind, login, a.target, a.message, a.due_at, a.created_at)
        for a, num, login in rows
    ]


@query(Action.VIEW_TICKETS)
def recent_alerts(read: Read, *, limit: int = 20) -> list[AlertRow]:
    """My newest alerts, newest first: what the console's inbox shows when it opens (then it
    asks :func:`list_alerts` only for what came after the newest one it holds)."""
    return newest_alerts(read, limit)


def newest_alerts(read: Read, limit: int) -> list[AlertRow]:
    """:func:`recent_alerts` inside a read already open (the dashboard reads them with its
    figures, in one transaction)."""
    if not 1 <= limit <= MAX_ALERTS:
        raise Invalid(f"limit must be 1 to {MAX_ALERTS}.", field="limit")
    rows = read.session.exec(
        select(SlaAlert, Ticket.number, Staff.login)
        .join(Ticket, col(Ticket.id) == SlaAlert.ticket_id)
        .join(Staff, col(Staff.id) == SlaAlert.staff_id)
        .where(SlaAlert.staff_id == read.actor.id)
        .order_by(col(SlaAlert.id).desc())
        .limit(limit)
    ).all()
    return [
        AlertRow(a.id or 0, num, a.kind, login, a.target, a.message, a.due_at, a.created_at)
        for a, num, login in rows
    ]
