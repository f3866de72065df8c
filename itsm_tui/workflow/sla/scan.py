"""The periodic SLA scan: every threshold that has come is handled exactly once.

The scan reads ``ticket.next_sla_at <= now`` through ``ix_ticket_next_sla`` — only what is due,
never every open ticket — and handles each ticket in a transaction of its own, as
``Actor.system()``: lock the ticket, recompute its clocks, and for each threshold due insert its
``sla_event`` (unique per ticket and kind). Only the transaction whose insert succeeds raises
the alerts (unique per ticket, kind and target), queues their notifications, journals the
threshold and, when a tier's budget ran out, escalates the ticket through the workflow. Then
the ticket's ``next_sla_at`` moves on to its next threshold.

So a scheduler killed mid-scan loses nothing (the ticket's transaction rolls back and the next
scan redoes it), and two schedulers racing alert once (PostgreSQL: the row lock serialises them
and the unique constraints back it up; SQLite: write transactions are serialised anyway).

Ladder targets, resolved when a threshold fires:

* ``assignee`` — the ticket's assignee; an unassigned ticket's group supervisor instead (the
  warning must reach someone who can act on it);
* ``group_supervisor`` — the supervisor of the ticket's group;
* ``manager`` — the logins in the policy file's ``managers``; if none are named, every active
  staff member with the supervisor role;
* ``next_tier`` — the members of the group the ticket would be escalated to.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Session, col, select

from itsm_tui.domain import Role, TicketStatus
from itsm_tui.storage.engine import read_session, retry_locked, write_session
from itsm_tui.storage.tables import (
    AssignmentGroup,
    GroupMember,
    NotificationOutbox,
    SlaAlert,
    SlaEvent,
    Staff,
    StaffRole,
    Ticket,
)
from itsm_tui.timefmt import local
from itsm_tui.workflow.context import Actor, Site, Tx
from itsm_tui.workflow.errors import DomainError
from itsm_tui.workflow.sla import clock as sla_clock
from itsm_tui.workflow.sla import config as cfg
from itsm_tui.workflow.sla.clock import Threshold
from itsm_tui.workflow.tickets.assignment import escalate_in
from itsm_tui.workflow.tickets.lifecycle import close

log = logging.getLogger("itsm.sla")

BATCH = 500


@dataclass
class ScanReport:
    """What one scan did (the scheduler logs it)."""

    tickets: int = 0
    thresholds: int = 0
    alerts: int = 0
    escalated: list[str] = field(default_factory=list)


def _insert_ignore(engine: Engine, table: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: a duplicate means another scanner got there first."""
    # The dialect modules are imported here: the PostgreSQL one pulls in asyncpg support
    # (~45 ms), and the console imports this module (its alert inbox) at start-up.
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    if engine.dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table).on_conflict_do_nothing()
    return insert(table)


def due_ticket_ids(session: Session, now: datetime, limit: int = BATCH) -> list[int]:
    """Tickets with something due, earliest first (an index range on ``next_sla_at``)."""
    stmt = (
        select(Ticket.id)
        .where(col(Ticket.next_sla_at) <= now)
        .order_by(col(Ticket.next_sla_at))
        .limit(limit)
    )
    return [i for i in session.exec(stmt).all() if i is not None]


def scan(site: Site, *, limit: int = BATCH, per_transaction: int = 50) -> ScanReport:
    """Handle every ticket whose next SLA moment has come (read in pages of ``limit``, handled
    ``per_transaction`` tickets to a transaction: a kill rolls back at most that many, which
    the next scan redoes; a ticket that fails is retried alone so it cannot block the rest)."""
    report = ScanReport()
    now = site.clock.now()
    seen: set[int] = set()
    while True:
        with read_session(site.engine) as session:
            ids = [i for i in due_ticket_ids(session, now, limit) if i not in seen]
        if not ids:
            return report
        seen.update(ids)
        for start in range(0, len(ids), per_transaction):
            chunk = sorted(ids[start : start + per_transaction])  # lock in id order: no deadlock
            try:
                retry_locked(lambda c=chunk: _handle(site, c, now, report))  # type: ignore[misc]
            except Exception:
                if len(chunk) == 1:
                    log.exception("SLA scan failed on ticket id %s", chunk[0])
                    continue
                for one in chunk:
                    try:
                        retry_locked(lambda o=one: _handle(site, [o], now, report))  # type: ignore[misc]
                    except Exception:
                        log.exception("SLA scan failed on ticket id %s", one)


def _handle(site: Site, ticket_ids: list[int], now: datetime, report: ScanReport) -> None:
    partial = ScanReport()
    with write_session(site.engine) as session:
        tickets = session.exec(
            select(Ticket)
            .where(col(Ticket.id).in_(ticket_ids))
            .order_by(col(Ticket.id))
            .with_for_update()
        ).all()
        tx = Tx(site, session, Actor.system(), now)
        for ticket in tickets:
            if ticket.next_sla_at is None or ticket.next_sla_at > now:
                continue  # handled meanwhile by another scanner or a change to the ticket
            partial.tickets += 1
            clocks = sla_clock.compute(session, ticket, now)
            tier = ticket.tier
            fired = set()
            for threshold in clocks.thresholds:
                if threshold.fired or threshold.at > now:
                    continue
                if fire(tx, ticket, clocks.policy, threshold, partial):
                    partial.thresholds += 1
                    fired.add(threshold.kind)
            if ticket.tier != tier:  # escalated: its own refresh recomputed everything
                continue
            marked = tuple(replace(t, fired=t.fired or t.kind in fired) for t in clocks.thresholds)
            sla_clock.refresh(session, ticket, now, replace(clocks, thresholds=marked))
        session.commit()
    report.tickets += partial.tickets
    report.thresholds += partial.thresholds
    report.alerts += partial.alerts
    report.escalated += partial.escalated


def fire(tx: Tx, ticket: Ticket, policy: cfg.Policy, th: Threshold, report: ScanReport) -> bool:
    """Record one threshold and act on it; False if it was already recorded by someone else."""
    session = tx.session
    assert ticket.id is not None
    # RETURNING, not rowcount: psycopg reports -1 for INSERT … ON CONFLICT through the ORM.
    inserted = session.execute(
        _insert_ignore(tx.site.engine, SlaEvent)
        .values(ticket_id=ticket.id, kind=th.kind, due_at=th.at, fired_at=tx.now)
        .returning(SlaEvent.id)
    ).scalar()
    if inserted is None:
        return False
    escalation_group = _escalation_group(session, policy, ticket.tier)
    people = targets(session, ticket, th.targets, escalation_group)
    message = describe(tx, ticket, th)
    for staff, target in people:
        alert_id = _raise_alert(tx, ticket, th, staff, target, message)
        if alert_id is not None:
            report.alerts += 1
            _queue_notifications(tx, alert_id, staff, ticket, th, target, message)
    tx.journal(
        "ticket",
        ticket.id,
        "sla_alert",
        {
            "kind": th.kind,
            "due_at": th.at,
            "notified": [s.login for s, _ in people],
        },
    )
    if th.clock == "tier" and policy.auto_escalate and escalation_group is not None:
        budget = policy.tier_budgets[ticket.tier]
        escalate_in(
            tx,
            ticket.number,
            group=escalation_group.code,
            reason=f"Tier {ticket.tier} time budget of {budget} business minutes "
            f"({policy.key}) ran out.",
        )
        report.escalated.append(ticket.number)
    return True


def describe(tx: Tx, ticket: Ticket, th: Threshold) -> str:
    when = local(th.at, tx.site.settings.zone)
    if th.clock == "tier":
        what = f"tier {ticket.tier} time budget ran out at {when}"
    elif th.percent >= 100:
        what = f"{th.clock} time breached at {when}"
    else:
        what = f"{th.percent} % of its {th.clock} time used at {when}"
    return f"{ticket.number} (P{ticket.priority}) {ticket.title[:120]}: {what}"


def _escalation_group(session: Session, policy: cfg.Policy, tier: int) -> AssignmentGroup | None:
    """The group a ticket at ``tier`` goes up to: the policy's choice, else the first active
    group of the next tier (lowest id: the one the site created first)."""
    if tier >= 3:
        return None
    code = policy.escalation_groups.get(tier + 1)
    stmt = select(AssignmentGroup).where(AssignmentGroup.active, AssignmentGroup.tier == tier + 1)
    if code:
        stmt = stmt.where(AssignmentGroup.code == code)
    return session.exec(stmt.order_by(col(AssignmentGroup.id))).first()


def targets(
    session: Session,
    ticket: Ticket,
    names: tuple[str, ...],
    escalation_group: AssignmentGroup | None,
) -> list[tuple[Staff, str]]:
    """The staff each ladder target names, each person once (with the first target naming
    them), active members only."""
    group = session.get(AssignmentGroup, ticket.group_id) if ticket.group_id else None
    supervisor = group.supervisor_id if group else None
    found: dict[int, tuple[Staff, str]] = {}

    def add(ids: list[int | None], target: str) -> None:
        for staff_id in ids:
            if staff_id is None or staff_id in found:
                continue
            staff = session.get(Staff, staff_id)
            if staff is not None and staff.active:
                found[staff_id] = (staff, target)

    for name in names:
        if name == "assignee":
            add([ticket.assignee_id or supervisor], name)
        elif name == "group_supervisor":
            add([supervisor], name)
        elif name == "manager":
            add(_managers(session), name)
        elif name == "next_tier" and escalation_group is not None:
            members = session.exec(
                select(GroupMember.staff_id)
                .where(GroupMember.group_id == escalation_group.id)
                .order_by(col(GroupMember.staff_id))
            ).all()
            add(list(members), name)
    return list(found.values())


def _managers(session: Session) -> list[int | None]:
    logins = cfg.read_config(session).managers
    if logins:
        stmt = select(Staff.id).where(col(Staff.login).in_(logins))
    else:
        stmt = (
            select(Staff.id)
            .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
            .where(StaffRole.role == Role.SUPERVISOR.value, Staff.active)
        )
    return list(session.exec(stmt.order_by(col(Staff.id))).all())


def _raise_alert(
    tx: Tx, ticket: Ticket, th: Threshold, staff: Staff, target: str, message: str
) -> int | None:
    result = tx.session.execute(
        _insert_ignore(tx.site.engine, SlaAlert)
        .values(
            ticket_id=ticket.id,
            kind=th.kind,
            staff_id=staff.id,
            target=target,
            message=message[:500],
            due_at=th.at,
            created_at=tx.now,
        )
        .returning(SlaAlert.id)
    )
    return result.scalar()


def _queue_notifications(
    tx: Tx, alert_id: int, staff: Staff, ticket: Ticket, th: Threshold, target: str, message: str
) -> None:
    """One outbox row per configured channel; the delivery job sends them (``outbox``)."""
    settings = tx.site.settings
    payload = {
        "alert_id": alert_id,
        "ticket": ticket.number,
        "priority": ticket.priority,
        "kind": th.kind,
        "due_at": th.at.isoformat(),
        "staff": staff.login,
        "target": target,
        "message": message,
    }
    channels = []
    if settings.smtp_host and staff.email:
        channels.append(("email", staff.email))
    if settings.webhook_url:
        channels.append(("webhook", settings.webhook_url))
    for channel, address in channels:
        tx.session.execute(
            _insert_ignore(tx.site.engine, NotificationOutbox).values(
                alert_id=alert_id,
                channel=channel,
                address=address,
                payload=payload,
                attempts=0,
                next_attempt_at=tx.now,
                created_at=tx.now,
            )
        )


# ---------------------------------------------------------------------- auto-close
def auto_close(site: Site, days: int, *, limit: int = BATCH) -> list[str]:
    """Close tickets resolved more than ``days`` days ago (through ``close``, as the system).

    Reads ``ix_ticket_resolved_at``; a ticket reopened or closed meanwhile is skipped.
    """
    if days <= 0:
        return []
    cutoff = site.clock.now() - timedelta(days=days)
    with read_session(site.engine) as session:
        numbers = session.exec(
            select(Ticket.number)
            .where(
                col(Ticket.resolved_at) <= cutoff,
                Ticket.status == TicketStatus.RESOLVED.value,
            )
            .order_by(col(Ticket.resolved_at))
            .limit(limit)
        ).all()
    closed = []
    for number in numbers:
        try:
            close(site, Actor.system(), number)
            closed.append(number)
        except DomainError as exc:  # reopened or closed by someone a moment ago
            log.info("auto-close skipped %s: %s", number, exc.message)
    return closed
