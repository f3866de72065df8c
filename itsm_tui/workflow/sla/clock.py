"""The SLA clocks of one ticket, derived from its journal, and their refresh on every change.

Why from the journal: the journal already records every status, pending reason, tier and
priority change with its instant, so the clocks can be rebuilt exactly at any time. A change of
priority, policy or calendar then recomputes a running ticket without losing the time already
spent or paused (the GLPI/Zammad failure): the whole history is re-measured, on the current
policy's calendar, against the current policy's targets. That is ServiceNow's "retroactive
start" with "retroactive pause": a P3 raised to P1 is measured as if it had been P1 since it was
opened, pauses and all.

The clocks:

* response — runs from opening to the first response (claim, first public reply or
  resolution: ``Ticket.first_response_at``); it never pauses.
* resolution — runs while the ticket is open, pauses while it is Pending customer or Pending
  vendor (``states.PAUSING_PENDING_REASONS``; Pending change runs on), stops at resolution or
  cancellation, and continues from where it stopped after a reopen.
* tier budget — the resolution clock's running time since the ticket entered its current tier;
  when it reaches the policy's budget for that tier, the scan escalates it to the next tier.

Business minutes are counted per running stretch (``minutes_between`` floors each to whole
minutes), so each pause can give back at most one minute: in the ticket's favour, never against.

:func:`refresh` is called by ``tickets.core.apply`` and ``tickets.create.open_ticket`` after
every change, in the same transaction: it costs one indexed read of the ticket's journal (a few
dozen rows) and of its fired thresholds, and a few microsecond-cheap calendar calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from itsm_tui.domain import OPEN_STATUSES, TicketStatus
from itsm_tui.storage.tables import (
    Category,
    ConfigurationItem,
    JournalEntry,
    SlaEvent,
    Ticket,
    TicketCI,
)
from itsm_tui.workflow.business_calendar import BusinessCalendar
from itsm_tui.workflow.sla import config as cfg
from itsm_tui.workflow.tickets.states import PAUSING_PENDING_REASONS

_OPEN = frozenset(s.value for s in OPEN_STATUSES)


@dataclass(frozen=True)
class Stretch:
    """One stretch of a ticket's life as the resolution clock sees it (``end`` None: now on)."""

    start: datetime
    end: datetime | None
    running: bool
    state: str  # "running", "paused: customer", "stopped: resolved" …


@dataclass(frozen=True)
class Threshold:
    """One moment something is due: ``kind`` as stored in ``sla_event``."""

    kind: str
    clock: str  # response | resolution | tier
    percent: int  # of the clock's target (tier budgets: 100)
    at: datetime
    targets: tuple[str, ...]
    fired: bool


@dataclass(frozen=True)
class Clocks:
    """Everything the SLA knows about one ticket at one instant."""

    policy: cfg.Policy
    calendar: BusinessCalendar
    opened_at: datetime
    first_response_at: datetime | None
    response_due_at: datetime
    resolution_due_at: datetime | None  # None while paused
    resolution_elapsed: int  # business minutes so far
    stretches: tuple[Stretch, ...]
    tier: int
    tier_since: datetime
    tier_elapsed: int
    state: str  # running | paused | stopped
    thresholds: tuple[Threshold, ...]

    @property
    def next_due(self) -> datetime | None:
        """The earliest threshold not yet handled (possibly past: the scan picks it up)."""
        pending = [t.at for t in self.thresholds if not t.fired]
        return min(pending) if pending else None


def _running(status: str, reason: str | None) -> bool:
    if status not in _OPEN:
        return False
    return not (status == TicketStatus.PENDING and reason in PAUSING_PENDING_REASONS)


def _state(status: str, reason: str | None) -> str:
    if _running(status, reason):
        return "running"
    if status in _OPEN:
        return f"paused: {reason}"
    return f"stopped: {status}"


def stretches(journal: Sequence[JournalEntry], opened_at: datetime) -> list[Stretch]:
    """The resolution clock's stretches, from the status and pending-reason changes."""
    status, reason = TicketStatus.NEW.value, None
    result: list[Stretch] = []
    start = opened_at
    for entry in journal:
        changes = entry.changes or {}
        new_status = changes["status"][1] if "status" in changes else status
        new_reason = changes["pending_reason"][1] if "pending_reason" in changes else reason
        if _state(new_status, new_reason) != _state(status, reason):
            if entry.at > start:
                result.append(
                    Stretch(start, entry.at, _running(status, reason), _state(status, reason))
                )
            start = entry.at
        status, reason = new_status, new_reason
    result.append(Stretch(start, None, _running(status, reason), _state(status, reason)))
    return result


def instant_at(
    cal: BusinessCalendar, spans: Sequence[tuple[datetime, datetime | None]], minutes: int
) -> datetime | None:
    """When the business time counted over ``spans`` reaches ``minutes`` (None: it does not,
    within them). The last span may be open-ended (the clock is still running)."""
    counted = 0
    for start, end in spans:
        candidate = cal.add_minutes(start, minutes - counted)
        if end is None or candidate <= end:
            return candidate
        counted += cal.minutes_between(start, end)
    return None


def elapsed(
    cal: BusinessCalendar, spans: Sequence[tuple[datetime, datetime | None]], now: datetime
) -> int:
    return sum(cal.minutes_between(s, min(e or now, now)) for s, e in spans)


def _journal(session: Session, ticket_id: int) -> list[JournalEntry]:
    return list(
        session.exec(
            select(JournalEntry)
            .where(JournalEntry.entity == "ticket", JournalEntry.entity_id == ticket_id)
            .order_by(col(JournalEntry.id))
        ).all()
    )


def _qualifiers(session: Session, ticket: Ticket) -> tuple[list[str], list[str]]:
    cats: list[str] = []
    category = session.get(Category, ticket.category_id) if ticket.category_id else None
    if category is not None:
        cats.append(category.code)
        parent = session.get(Category, category.parent_id) if category.parent_id else None
        if parent is not None:
            cats.append(parent.code)
    services = session.exec(
        select(ConfigurationItem.name)
        .join(TicketCI, col(TicketCI.ci_id) == ConfigurationItem.id)
        .where(TicketCI.ticket_id == ticket.id)
    ).all()
    return cats, list(services)


def policy_for(session: Session, ticket: Ticket, config: cfg.SlaConfig) -> cfg.Policy:
    if not config.qualified:
        return config.match(ticket.priority)
    cats, services = _qualifiers(session, ticket)
    return config.match(ticket.priority, cats, services)


def fired_kinds(session: Session, ticket_id: int) -> set[str]:
    return set(session.exec(select(SlaEvent.kind).where(SlaEvent.ticket_id == ticket_id)).all())


def compute(session: Session, ticket: Ticket, now: datetime) -> Clocks:
    """The ticket's clocks as of ``now``, from its journal and the site's configuration."""
    assert ticket.id is not None
    config = cfg.read_config(session)
    policy = policy_for(session, ticket, config)
    cal = cfg.calendar(session, policy.calendar)
    journal = _journal(session, ticket.id)
    opened = ticket.opened_at
    parts = stretches(journal, opened)
    runs = [(s.start, s.end) for s in parts if s.running]
    current = parts[-1]
    state = current.state.split(":")[0]
    tier_since = max((e.at for e in journal if "tier" in (e.changes or {})), default=opened)
    tier_runs = [(max(s, tier_since), e) for s, e in runs if e is None or e > tier_since]

    # Due times: the response clock from opening; resolution projected over its running time
    # (open-ended while it runs; stopped: as if it had run on from where it stopped).
    response_due = cal.add_minutes(opened, policy.response)
    resolution_due = None
    if state != "paused":
        tail = [*runs[:-1], (runs[-1][0], None)] if runs else [(now, None)]
        resolution_due = instant_at(cal, tail, policy.resolution)

    fired = fired_kinds(session, ticket.id)
    thresholds: list[Threshold] = []
    open_ticket = ticket.status in _OPEN
    if open_ticket and ticket.first_response_at is None:
        for step in policy.ladder:
            m = policy.threshold_minutes(policy.response, step.percent)
            at = cal.add_minutes(opened, m)
            kind = f"response:{step.percent}"
            thresholds.append(
                Threshold(kind, "response", step.percent, at, step.targets, kind in fired)
            )
    if state == "running":
        for step in policy.ladder:
            m = policy.threshold_minutes(policy.resolution, step.percent)
            at = instant_at(cal, runs, m)
            kind = f"resolution:{step.percent}"
            if at is not None:
                thresholds.append(
                    Threshold(kind, "resolution", step.percent, at, step.targets, kind in fired)
                )
        budget = policy.tier_budgets.get(ticket.tier)
        if budget and ticket.tier < 3:
            at = instant_at(cal, tier_runs, budget)
            kind = f"tier{ticket.tier}_budget"
            if at is not None:
                thresholds.append(
                    Threshold(kind, "tier", 100, at, cfg.BUDGET_TARGETS, kind in fired)
                )
    return Clocks(
        policy=policy,
        calendar=cal,
        opened_at=opened,
        first_response_at=ticket.first_response_at,
        response_due_at=response_due,
        resolution_due_at=resolution_due,
        resolution_elapsed=elapsed(cal, runs, now),
        stretches=tuple(parts),
        tier=ticket.tier,
        tier_since=tier_since,
        tier_elapsed=elapsed(cal, tier_runs, now),
        state=state,
        thresholds=tuple(sorted(thresholds, key=lambda t: t.at)),
    )


def refresh(
    session: Session, ticket: Ticket, now: datetime, clocks: Clocks | None = None
) -> Clocks:
    """Recompute and store the ticket's due times and its next SLA moment (no version bump and
    no journal entry of its own: these columns are derived from what was just journaled).

    ``clocks``: already computed for this ticket as it now stands (the scan passes them)."""
    clocks = clocks or compute(session, ticket, now)
    values = {
        "response_due_at": clocks.response_due_at,
        "resolution_due_at": clocks.resolution_due_at,
        "next_sla_at": clocks.next_due,
        "sla_policy": clocks.policy.key,
        "resolution_elapsed_min": clocks.resolution_elapsed,
    }
    if any(getattr(ticket, k) != v for k, v in values.items()):
        # A Core UPDATE: the ORM's synchronising UPDATE costs milliseconds per row in a scan.
        table = Ticket.__table__
        session.connection().execute(
            update(table).where(table.c.id == ticket.id).values(**values)  # type: ignore[attr-defined]
        )
        for key, value in values.items():
            set_committed_value(ticket, key, value)
    return clocks
