"""The periodic SLA scan: every threshold that has come is handled exactly once.

Why it stands apart from ``workflow/sla/``: the scan acts on tickets (automatic escalation,
auto-close) through the ticket operations, and the ticket operations keep their SLA clocks
through ``workflow/sla/``. So ``tickets`` stands above ``sla``, and this module above both;
the layering contract in ``pyproject.toml`` holds them so.

The scan reads ``ticket.next_sla_at <= now`` through ``ix_ticket_next_sla`` — only what is due,
never every open ticket — and handles the due tickets in chunks of ``per_transaction``, one
transaction per chunk, as ``Actor.system()``: lock the chunk's tickets, recompute their clocks,
and for each threshold due insert its ``sla_event`` (unique per ticket and kind). Only the
thresholds whose insert succeeds raise their alerts (unique per ticket, kind and target), queue
their notifications, are journaled and, when a tier's budget ran out, escalate the ticket
through the workflow. Then each ticket's ``next_sla_at`` moves on to its next threshold.

Why set-based: a ticket costs a few dozen microseconds of calendar arithmetic but, handled on
its own, some nine statements (its journal, its fired thresholds, the event, each target, each
alert, the journal entry, the notifications, the update) — milliseconds per ticket, seconds per
thousand. So a chunk is handled with a fixed number of statements whatever its size: one read
each of the chunk's journals and fired thresholds (:mod:`.clock`), one multi-row insert each of
events, alerts, notifications and journal entries, and one executemany UPDATE; who can be
alerted (groups, members, managers, active staff) and the policies are read once per scan
(:class:`Reference`). Only automatic escalation, which is rare, goes ticket by ticket through
``escalate_in`` like any other escalation.

Exactly once stays the database's job: the events are inserted with ``ON CONFLICT DO NOTHING
RETURNING ticket_id, kind``, and only the rows returned — the thresholds this scanner won —
raise alerts; the alerts themselves are inserted the same way. So a scheduler killed mid-scan
loses nothing (the chunk's transaction rolls back and the next scan redoes it), and two
schedulers racing alert once (PostgreSQL: the chunk's rows are locked ``FOR UPDATE`` in id
order, which serialises them without deadlock, and the unique constraints back it up; SQLite:
write transactions are serialised anyway, ``BEGIN IMMEDIATE``).

Ladder targets, resolved when a threshold fires:

* ``assignee`` — the ticket's assignee; an unassigned ticket's group supervisor instead (the
  warning must reach someone who can act on it);
* ``group_supervisor`` — the supervisor of the ticket's group;
* ``manager`` — the logins in the policy file's ``managers``; if none are named, every active
  staff member with the supervisor role;
* ``next_tier`` — the members of the group the ticket would be escalated to.

All thresholds due at one scan are judged against the ticket as the scan found it: when a tier
budget escalates a ticket, its other thresholds of the same scan still alert its tier's people.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Session, col, select

from itsm_tui.common.domain import TicketStatus
from itsm_tui.common.errors import DomainError
from itsm_tui.common.i18n import N_, _, translator
from itsm_tui.common.timefmt import local
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.engine import read_session, retry_locked, write_session
from itsm_tui.storage.tables import (
    NotificationOutbox,
    SlaAlert,
    SlaEvent,
    Ticket,
)
from itsm_tui.storage.tables.sla import ALERT_MESSAGE_MAX
from itsm_tui.workflow.context import Tx
from itsm_tui.workflow.history_text import CLOCK_WORDS
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.site_settings import read_setting, site_language
from itsm_tui.workflow.sla import clock as sla_clock
from itsm_tui.workflow.sla.alerts import outbox_rows
from itsm_tui.workflow.sla.clock import Clocks, Threshold
from itsm_tui.workflow.sla.directory import Directory, Person, Reference
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


# ---------------------------------------------------------------------- the scan
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


#: Tickets per scan transaction. Each commit costs SQLite a WAL sync (and now and then a
#: checkpoint): 200 keeps a 1,000-ticket scan to five commits while holding the write lock for
#: well under 0.1 s at a time, which operators' own writes wait out unnoticed.
PER_TRANSACTION = 200


def scan(site: Site, *, limit: int = BATCH, per_transaction: int = PER_TRANSACTION) -> ScanReport:
    """Handle every ticket whose next SLA moment has come (read in pages of ``limit``, handled
    ``per_transaction`` tickets to a transaction with a fixed number of statements each: a kill
    rolls back at most that many, which the next scan redoes; a chunk that fails is retried
    ticket by ticket, so one bad ticket cannot block the rest)."""
    report = ScanReport()
    now = site.clock.now()
    seen: set[int] = set()
    ref: Reference | None = None
    while True:
        with read_session(site.engine) as session:
            ids = [i for i in due_ticket_ids(session, now, limit) if i not in seen]
            if ids and ref is None:
                ref = Reference.read(session)
        if not ids or ref is None:
            return report
        seen.update(ids)
        for start in range(0, len(ids), per_transaction):
            chunk = sorted(ids[start : start + per_transaction])  # lock in id order: no deadlock
            try:
                retry_locked(functools.partial(_handle, site, ref, chunk, now, report))
            except Exception:
                if len(chunk) == 1:
                    log.exception("SLA scan failed on ticket id %s", chunk[0])
                    continue
                for one in chunk:
                    try:
                        retry_locked(functools.partial(_handle, site, ref, [one], now, report))
                    except Exception:
                        log.exception("SLA scan failed on ticket id %s", one)


@dataclass(frozen=True)
class _Due:
    """One threshold of one ticket whose moment has come."""

    ticket_id: int  # the loaded ticket's id (the model's ``id`` is None only before insert)
    ticket: Ticket
    clocks: Clocks
    threshold: Threshold


def _handle(
    site: Site, ref: Reference, ticket_ids: list[int], now: datetime, report: ScanReport
) -> None:
    """One chunk, one transaction (the report is only added to once it committed)."""
    partial = ScanReport()
    with write_session(site.engine) as session:
        tickets = session.exec(
            select(Ticket)
            .where(col(Ticket.id).in_(ticket_ids))
            .order_by(col(Ticket.id))
            .with_for_update()
        ).all()
        # Handled meanwhile by another scanner or a change to the ticket: not due any more.
        tickets = [t for t in tickets if t.next_sla_at is not None and t.next_sla_at <= now]
        if not tickets:
            return
        tx = Tx(site, session, Actor.system(), now)
        measured = _clocks(session, ref, tickets, now)
        due = [
            _Due(ticket_id, t, clocks, th)
            for ticket_id, (t, clocks) in measured.items()
            for th in clocks.thresholds
            if not th.fired and th.at <= now
        ]
        won = _record(tx, due)
        firing = [d for d in due if (d.ticket_id, d.threshold.kind) in won]
        _alert(tx, ref.directory, firing, partial)
        escalated = _escalate(tx, ref.directory, firing, partial)
        fired: dict[int, set[str]] = {}
        for d in firing:
            fired.setdefault(d.ticket_id, set()).add(d.threshold.kind)
        sla_clock.refresh_many(
            session,
            [
                (t, _mark(clocks, fired.get(ticket_id, set())))
                for ticket_id, (t, clocks) in measured.items()
                if ticket_id not in escalated  # escalated: its own refresh recomputed everything
            ],
        )
        session.commit()
    partial.tickets = len(tickets)
    partial.thresholds = len(firing)
    report.tickets += partial.tickets
    report.thresholds += partial.thresholds
    report.alerts += partial.alerts
    report.escalated += partial.escalated


def _clocks(
    session: Session, ref: Reference, tickets: Sequence[Ticket], now: datetime
) -> dict[int, tuple[Ticket, Clocks]]:
    """Every ticket with its clocks, by id and in the order given, from one read each of
    their journals and fired thresholds."""
    ids = [t.id for t in tickets if t.id is not None]
    journals = sla_clock.journals(session, ids)
    fired = sla_clock.fired_kinds_of(session, ids)
    policies = sla_clock.policies_for(session, tickets, ref.config)
    result: dict[int, tuple[Ticket, Clocks]] = {}
    for t in tickets:
        assert t.id is not None
        policy = policies[t.id]
        cal = ref.calendars[policy.calendar]
        result[t.id] = (t, sla_clock.measure(t, now, policy, cal, journals[t.id], fired[t.id]))
    return result


def _mark(clocks: Clocks, fired: set[str]) -> Clocks:
    if not fired:
        return clocks
    marked = tuple(replace(t, fired=True) if t.kind in fired else t for t in clocks.thresholds)
    return replace(clocks, thresholds=marked)


def _record(tx: Tx, due: Sequence[_Due]) -> set[tuple[int, str]]:
    """Insert the chunk's thresholds in one statement; the ``(ticket_id, kind)`` returned are
    those this scanner won (a conflict: another scanner recorded it first, and acts on it)."""
    if not due:
        return set()
    table = core_table(SlaEvent)
    # RETURNING, not rowcount: psycopg reports -1 for INSERT … ON CONFLICT.
    rows = tx.session.connection().execute(
        _insert_ignore(tx.site.engine, table).returning(table.c.ticket_id, table.c.kind),
        [
            {
                "ticket_id": d.ticket_id,
                "kind": d.threshold.kind,
                "due_at": d.threshold.at,
                "fired_at": tx.now,
            }
            for d in due
        ],
    )
    return {(tid, kind) for tid, kind in rows}


def _alert(tx: Tx, directory: Directory, firing: Sequence[_Due], report: ScanReport) -> None:
    """Raise the won thresholds' alerts, queue their notifications and journal each threshold:
    one statement each for the whole chunk."""
    alerts: list[dict[str, Any]] = []
    raised: dict[tuple[int, str, int], tuple[_Due, Person, str, str]] = {}
    journal: list[tuple[int, dict[str, Any]]] = []
    # The site's language, read once for the chunk: the alert texts and e-mails are worded
    # in it, and each notification names it for the channel that sends it.
    language = read_setting(tx.session, "language")
    say = translator(language)
    for d in firing:
        ticket, th = d.ticket, d.threshold
        group = directory.escalation_group(d.clocks.policy, ticket.tier)
        people = directory.targets(ticket, th.targets, group)
        message = describe(tx, ticket, th, say)
        for person, target in people:
            alerts.append(_raise_alert(tx, ticket, th, person, target, message))
            raised[(d.ticket_id, th.kind, person.id)] = (d, person, target, message)
        journal.append(
            (
                d.ticket_id,
                {"kind": th.kind, "due_at": th.at, "notified": [p.login for p, _ in people]},
            )
        )
    if alerts:
        table = core_table(SlaAlert)
        rows = tx.session.connection().execute(
            _insert_ignore(tx.site.engine, table).returning(
                table.c.id, table.c.ticket_id, table.c.kind, table.c.staff_id
            ),
            alerts,
        )
        outbox: list[dict[str, Any]] = []
        for alert_id, tid, kind, staff_id in sorted(rows):
            report.alerts += 1
            d, person, target, message = raised[(tid, kind, staff_id)]
            outbox += _notifications(
                tx, alert_id, person, d.ticket, d.threshold, target, message, language
            )
        if outbox:
            outbox_table = core_table(NotificationOutbox)
            tx.session.connection().execute(_insert_ignore(tx.site.engine, outbox_table), outbox)
    tx.journal_many("ticket", "sla_alert", journal)


def _escalate(tx: Tx, directory: Directory, firing: Sequence[_Due], report: ScanReport) -> set[int]:
    """Escalate each ticket whose tier budget ran out (and whose policy says so) through the
    workflow, as the system: rare, so ticket by ticket. Returns the ids escalated."""
    escalated: set[int] = set()
    say: Callable[[str], str] | None = None  # read at the first escalation (they are rare)
    for d in firing:
        ticket, th, policy = d.ticket, d.threshold, d.clocks.policy
        if th.clock != "tier" or not policy.auto_escalate:
            continue
        group = directory.escalation_group(policy, ticket.tier)
        if group is None:
            continue
        budget = policy.tier_budgets[ticket.tier]
        say = say or site_language(tx.session)  # the reason is journaled: the site's language
        escalate_in(
            tx,
            ticket.number,
            group=group.code,
            reason=say(
                N_("Tier {tier} time budget of {budget} business minutes ({policy}) ran out.")
            ).format(tier=ticket.tier, budget=budget, policy=policy.key),
        )
        report.escalated.append(ticket.number)
        escalated.add(d.ticket_id)
    return escalated


def describe(tx: Tx, ticket: Ticket, th: Threshold, say: Callable[[str], str] = _) -> str:
    """The alert's text, in ``say``'s language (the site's: ``site_settings.site_language``)."""
    when = local(th.at, tx.site.settings.zone)
    clock = say(CLOCK_WORDS.get(th.clock, th.clock))
    if th.clock == "tier":
        what = say(N_("tier {tier} time budget ran out at {when}")).format(
            tier=ticket.tier, when=when
        )
    elif th.percent >= 100:
        what = say(N_("{clock} time breached at {when}")).format(clock=clock, when=when)
    else:
        what = say(N_("{percent} per cent of its {clock} time used at {when}")).format(
            percent=th.percent, clock=clock, when=when
        )
    return f"{ticket.number} (P{ticket.priority}) {ticket.title[:120]}: {what}"


def _raise_alert(
    tx: Tx, ticket: Ticket, th: Threshold, person: Person, target: str, message: str
) -> dict[str, Any]:
    """One person's alert for one threshold: the row the chunk's alert insert writes (unless
    that person already has it: ``uq_sla_alert``)."""
    return {
        "ticket_id": ticket.id,
        "kind": th.kind,
        "staff_id": person.id,
        "target": target,
        "message": message[:ALERT_MESSAGE_MAX],
        "due_at": th.at,
        "created_at": tx.now,
    }


def _notifications(
    tx: Tx,
    alert_id: int,
    person: Person,
    ticket: Ticket,
    th: Threshold,
    target: str,
    message: str,
    language: str | None,
) -> list[dict[str, Any]]:
    """One outbox row per configured channel; the delivery job sends them (``outbox``)."""
    payload = {
        "alert_id": alert_id,
        "ticket": ticket.number,
        "priority": ticket.priority,
        "kind": th.kind,
        "due_at": th.at.isoformat(),
        "staff": person.login,
        "target": target,
        "message": message,
        "language": language,
    }
    return outbox_rows(tx, alert_id, person.email, payload)


# ---------------------------------------------------------------------- auto-close
def auto_close(site: Site, days: int | None = None, *, limit: int = BATCH) -> list[str]:
    """Close tickets resolved more than ``days`` days ago (through ``close``, as the system);
    ``days`` defaults to the site's ``auto_close_days`` setting, 0 meaning never.

    Reads ``ix_ticket_resolved_kpi``; a ticket reopened or closed meanwhile is skipped.
    """
    with read_session(site.engine) as session:
        if days is None:
            days = int(read_setting(session, "auto_close_days"))
        if days <= 0:
            return []
        cutoff = site.clock.now() - timedelta(days=days)
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
