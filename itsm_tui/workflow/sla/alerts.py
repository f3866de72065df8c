"""The alert inbox: my alerts (SLA thresholds and flags), newest first, then only what came
after; and the one way an alert that is not an SLA threshold is raised (:func:`raise_flag_alert`).

Apart from ``service`` (which re-exports the reads) so the console's inbox does not import the
SLA scan, the clocks and the policy editor with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from itsm_tui.common.domain import Role
from itsm_tui.common.errors import Invalid
from itsm_tui.storage.tables import (
    AssignmentGroup,
    ChangeRequest,
    InspectionRound,
    NotificationOutbox,
    SlaAlert,
    Staff,
    StaffRole,
    Ticket,
)
from itsm_tui.storage.tables.sla import ALERT_MESSAGE_MAX
from itsm_tui.workflow.context import Read, Tx, query
from itsm_tui.workflow.permissions import Action, allowed
from itsm_tui.workflow.sla.alert_rows import AlertRow

MAX_ALERTS = 500

#: What an alert is about, as the inbox names it: the ticket's number, the inspection round's
#: for a round not completed in time (``sla_alert.round_id``), or the change's for an approval
#: request, an overrun or a late review (``sla_alert.change_id``).
_SUBJECT = func.coalesce(
    col(Ticket.number), col(InspectionRound.number), col(ChangeRequest.number)
)


def _alerts() -> Any:
    """Alerts with their subject's number and their person's login."""
    return (
        select(SlaAlert, _SUBJECT, Staff.login)
        .outerjoin(Ticket, col(Ticket.id) == SlaAlert.ticket_id)
        .outerjoin(InspectionRound, col(InspectionRound.id) == SlaAlert.round_id)
        .outerjoin(ChangeRequest, col(ChangeRequest.id) == SlaAlert.change_id)
        .join(Staff, col(Staff.id) == SlaAlert.staff_id)
    )


@query(Action.VIEW_TICKETS)
def list_alerts(
    read: Read, *, mine: bool = True, since_id: int = 0, limit: int = 100
) -> list[AlertRow]:
    """Alerts after ``since_id``, oldest first: the console polls with the last id it showed
    (``ix_sla_alert_staff`` for "mine"; the primary key for everyone's). Only supervisors may
    read other people's alerts."""
    if not 1 <= limit <= MAX_ALERTS:
        raise Invalid("limit must be 1 to {max_alerts}.", field="limit", max_alerts=MAX_ALERTS)
    if not mine and not allowed(read.actor.roles, Action.SUPERVISE):
        mine = True
    stmt = _alerts().where(col(SlaAlert.id) > since_id)
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
        raise Invalid("limit must be 1 to {max_alerts}.", field="limit", max_alerts=MAX_ALERTS)
    mine = _alerts().where(SlaAlert.staff_id == read.actor.id).order_by(col(SlaAlert.id).desc())
    # Flags first: a person asked for the supervisor, and a burst of SLA alerts (every breach
    # goes to every manager) must not push that out of the inbox. Read from the few tickets
    # still flagged (a partial index), not from all of the supervisor's alerts.
    is_flag = col(SlaAlert.kind).startswith(f"{FLAG_KIND}:")
    flags = read.session.exec(
        mine.where(col(Ticket.flagged_at).is_not(None), is_flag).limit(limit)
    ).all()
    shown = {a.id for a, _, _ in flags}
    rest = read.session.exec(mine.limit(limit + len(flags))).all()
    rows = [*flags, *(r for r in rest if r[0].id not in shown)][:limit]
    return [
        AlertRow(a.id or 0, num, a.kind, login, a.target, a.message, a.due_at, a.created_at)
        for a, num, login in rows
    ]


#: The alert kind of a flag: one per flag (the ticket's version after the flag makes it unique,
#: so flagging again after the flag was cleared alerts again, ``uq_sla_alert`` permitting).
FLAG_KIND = "flag"


def outbox_rows(
    tx: Tx, alert_id: int, email: str | None, payload: dict[str, Any]
) -> list[dict[str, Any]]:
    """The notification rows for one alert: one per configured channel (e-mail when the site
    has an SMTP host and the person an address; the webhook when the site has one). The SLA
    scan and a flag queue their notifications through this one rule."""
    settings = tx.site.settings
    channels = []
    if settings.smtp_host and email:
        channels.append(("email", email))
    if settings.webhook_url:
        channels.append(("webhook", settings.webhook_url))
    return [
        {
            "alert_id": alert_id,
            "channel": channel,
            "address": address,
            "payload": payload,
            "attempts": 0,
            "next_attempt_at": tx.now,
            "created_at": tx.now,
        }
        for channel, address in channels
    ]


def flag_recipients(tx: Tx, ticket: Ticket) -> list[tuple[Staff, str]]:
    """Who a flag reaches, with the ladder target that names them: the supervisor of the
    ticket's group; if the group has none (or they are inactive), every active supervisor, so
    that a flag is never raised to nobody."""
    return group_recipients(tx, ticket.group_id)


def group_recipients(tx: Tx, group_id: int | None) -> list[tuple[Staff, str]]:
    """The supervisor of a group (a flag's ticket's, a low survey score's resolver's, an
    overdue inspection round's), else every active supervisor: :func:`flag_recipients` for a
    group named directly."""
    group = tx.session.get(AssignmentGroup, group_id) if group_id else None
    if group is not None and group.supervisor_id is not None:
        supervisor = tx.session.get(Staff, group.supervisor_id)
        if supervisor is not None and supervisor.active:
            return [(supervisor, "group_supervisor")]
    managers = tx.session.exec(
        select(Staff)
        .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
        .where(StaffRole.role == Role.SUPERVISOR.value, col(Staff.active))
        .order_by(col(Staff.id))
    ).all()
    return [(m, "manager") for m in managers]


def raise_flag_alert(tx: Tx, ticket: Ticket, reason: str) -> list[str]:
    """Put a flagged ticket into its supervisor's inbox, in the flag's own transaction (and
    queue their e-mail or webhook like an SLA alert): a flag the supervisor learns of only at
    the next scan, or never, is no escalation. Returns the logins alerted."""
    assert ticket.id is not None
    kind = f"{FLAG_KIND}:{ticket.version}"
    from itsm_tui.common.i18n import N_
    from itsm_tui.workflow.site_settings import site_language

    say = site_language(tx.session)  # the alert text and e-mail: the site's language
    flagged = say(N_("flagged by {who}: {reason}")).format(who=tx.actor.display_name, reason=reason)
    message = f"{ticket.number} (P{ticket.priority}) {ticket.title[:120]}: {flagged}"
    return raise_alert(tx, ticket, kind, message, flag_recipients(tx, ticket))


def raise_alert(
    tx: Tx,
    ticket: Ticket,
    kind: str,
    message: str,
    recipients: list[tuple[Staff, str]],
    *,
    at: datetime | None = None,
) -> list[str]:
    """Put an alert about ``ticket`` into each recipient's inbox in this transaction and queue
    their notifications; ``uq_sla_alert`` (ticket, kind, person) makes it once per kind.
    ``at`` dates an alert of something that happened earlier (the demo's history); the
    notification is still queued now. Returns the logins alerted."""
    from itsm_tui.workflow.site_settings import read_setting

    assert ticket.id is not None
    message = message[:ALERT_MESSAGE_MAX]
    alerted: list[str] = []
    if not recipients:
        return alerted
    # The site's language, which each notification names: one setting for every recipient.
    language = read_setting(tx.session, "language")
    for person, target in recipients:
        assert person.id is not None
        alert = SlaAlert(
            ticket_id=ticket.id,
            kind=kind,
            staff_id=person.id,
            target=target,
            message=message,
            due_at=at or tx.now,
            created_at=at or tx.now,
        )
        tx.session.add(alert)
        tx.session.flush()
        assert alert.id is not None
        payload = {
            "alert_id": alert.id,
            "ticket": ticket.number,
            "priority": ticket.priority,
            "kind": kind,
            "due_at": (at or tx.now).isoformat(),
            "staff": person.login,
            "target": target,
            "message": message,
            "language": language,
        }
        for row in outbox_rows(tx, alert.id, person.email, payload):
            tx.session.add(NotificationOutbox(**row))
        alerted.append(person.login)
    return alerted
