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
  resolution: ``Ticket.first_response_at``); it never pauses. Its business minutes are stored
  with the first response (``Ticket.response_elapsed_min``).
* resolution — runs while the ticket is open, pauses while it is Pending customer or Pending
  vendor (``domain.PAUSING_PENDING_REASONS``; Pending change runs on), stops at resolution or
  cancellation, and continues from where it stopped after a reopen (``phase.phase_of``).
* tier budget — the resolution clock's running time since the ticket entered its current tier;
  when it reaches the policy's budget for that tier, the scan escalates it to the next tier.

Business minutes are counted per running stretch (``minutes_between`` floors each to whole
minutes), so each pause can give back at most one minute: in the ticket's favour, never against.

:func:`refresh` is called by ``tickets.core.apply`` and ``tickets.create.open_ticket`` after
every change, in the same transaction: it costs one indexed read of the ticket's journal (a few
dozen rows) and of its fired thresholds, and a few microsecond-cheap calendar calls.

The measuring itself (:func:`measure`) is pure: it takes the journal rows and fired thresholds
already read. :func:`compute` reads them for one ticket; the periodic scan reads them for a
whole chunk of due tickets at once (:func:`journals`, :func:`fired_kinds_of`,
:func:`policies_for`) and stores the results with one statement (:func:`refresh_many`), because
at thousands of due tickets the per-ticket round trips, not the arithmetic, were the cost.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from sqlalchemy import Update, bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from itsm_tui.common.domain import OPEN_STATUSES, TOP_TIER, ClockState, TicketStatus
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
from itsm_tui.workflow.sla.phase import ClockName, ClockPhase, phase_of

_OPEN = frozenset(s.value for s in OPEN_STATUSES)


@dataclass(frozen=True)
class Stretch:
    """One stretch of a ticket's life as the resolution clock sees it (``end`` None: now on)."""

    start: datetime
    end: datetime | None
    phase: ClockPhase

    @property
    def running(self) -> bool:
        return self.phase.running


@dataclass(frozen=True)
class Threshold:
    """One moment something is due: ``kind`` as stored in ``sla_event``."""

    kind: str
    clock: ClockName
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
    resolution_warn_at: datetime | None  # the last warning step before 100 %; None unless running
    resolution_elapsed: int  # business minutes so far
    response_elapsed: int | None  # business minutes to the first response; None before it
    stretches: tuple[Stretch, ...]
    tier: int
    tier_since: datetime
    tier_elapsed: int
    state: ClockState  # of the resolution clock, now
    thresholds: tuple[Threshold, ...]

    @property
    def next_due(self) -> datetime | None:
        """The earliest threshold not yet handled (possibly past: the scan picks it up)."""
        pending = [t.at for t in self.thresholds if not t.fired]
        return min(pending) if pending else None


class ClockTicket(Protocol):
    """What the clocks read of a ticket: a ``Ticket``, or a plain value the demo loader builds
    for a ticket it is about to insert (so its figures come from this one rule, not a copy)."""

    @property
    def opened_at(self) -> datetime: ...

    @property
    def status(self) -> str: ...

    @property
    def first_response_at(self) -> datetime | None: ...

    @property
    def tier(self) -> int: ...


class JournalRow(Protocol):
    """What the clocks read of a journal entry (a ``JournalEntry`` or a row of its columns)."""

    @property
    def at(self) -> datetime: ...

    @property
    def changes(self) -> dict[str, Any] | None: ...


def stretches(journal: Sequence[JournalRow], opened_at: datetime) -> list[Stretch]:
    """The resolution clock's stretches, from the status and pending-reason changes."""
    status, reason = TicketStatus.NEW.value, None
    phase = phase_of(status, reason)
    result: list[Stretch] = []
    start = opened_at
    for entry in journal:
        changes = entry.changes or {}
        status = changes["status"][1] if "status" in changes else status
        reason = changes["pending_reason"][1] if "pending_reason" in changes else reason
        new_phase = phase_of(status, reason)
        if new_phase != phase:
            if entry.at > start:
                result.append(Stretch(start, entry.at, phase))
            start, phase = entry.at, new_phase
    result.append(Stretch(start, None, phase))
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


def journals(session: Session, ticket_ids: Collection[int]) -> dict[int, list[JournalRow]]:
    """The journals of several tickets in one read of ``ix_journal_entity`` (each in order),
    only the columns the clocks need."""
    result: dict[int, list[JournalRow]] = {i: [] for i in ticket_ids}
    if not ticket_ids:
        return result
    rows = session.execute(
        select(JournalEntry.entity_id, JournalEntry.at, JournalEntry.changes)
        .where(JournalEntry.entity == "ticket", col(JournalEntry.entity_id).in_(ticket_ids))
        .order_by(col(JournalEntry.entity_id), col(JournalEntry.id))
    ).all()
    for row in rows:
        result[row.entity_id].append(row)
    return result


#: One ticket's clock inputs, the reads every ticket operation makes: built once, because
#: building a select costs more than running it on its index.
_JOURNAL_OF_ONE = (
    select(JournalEntry.entity_id, JournalEntry.at, JournalEntry.changes)
    .where(JournalEntry.entity == "ticket", JournalEntry.entity_id == bindparam("ticket_id"))
    .order_by(col(JournalEntry.id))
)
_FIRED_OF_ONE = select(SlaEvent.kind).where(SlaEvent.ticket_id == bindparam("ticket_id"))


def _journal(session: Session, ticket_id: int) -> list[JournalRow]:
    return list(session.execute(_JOURNAL_OF_ONE, {"ticket_id": ticket_id}).all())


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


def policies_for(
    session: Session, tickets: Sequence[Ticket], config: cfg.SlaConfig
) -> dict[int, cfg.Policy]:
    """:func:`policy_for` for several tickets: the categories and linked services they need (if
    any policy is qualified at all) in three reads, whatever the number of tickets."""
    ids = [t.id for t in tickets if t.id is not None]
    if not config.qualified:
        return {t.id: config.match(t.priority) for t in tickets if t.id is not None}
    codes: dict[int, tuple[str, int | None]] = {}
    wanted = {t.category_id for t in tickets if t.category_id is not None}
    for _ in range(2):  # the categories, then their parents
        wanted -= set(codes)
        if not wanted:
            break
        for cid, code, parent in session.execute(
            select(Category.id, Category.code, Category.parent_id).where(
                col(Category.id).in_(wanted)
            )
        ).all():
            codes[cid] = (code, parent)
        wanted = {p for _, p in codes.values() if p is not None}
    services: dict[int, list[str]] = {i: [] for i in ids}
    for tid, name in session.execute(
        select(TicketCI.ticket_id, ConfigurationItem.name)
        .join(ConfigurationItem, col(TicketCI.ci_id) == ConfigurationItem.id)
        .where(col(TicketCI.ticket_id).in_(ids))
    ).all():
        services[tid].append(name)
    result = {}
    for t in tickets:
        if t.id is None:
            continue
        cats: list[str] = []
        if t.category_id in codes:
            code, parent = codes[t.category_id]
            cats.append(code)
            if parent in codes:
                cats.append(codes[parent][0])
        result[t.id] = config.match(t.priority, cats, services[t.id])
    return result


def fired_kinds(session: Session, ticket_id: int) -> set[str]:
    return set(session.execute(_FIRED_OF_ONE, {"ticket_id": ticket_id}).scalars())


def fired_kinds_of(session: Session, ticket_ids: Collection[int]) -> dict[int, set[str]]:
    """:func:`fired_kinds` of several tickets in one read of ``uq_sla_event``."""
    result: dict[int, set[str]] = {i: set() for i in ticket_ids}
    if ticket_ids:
        for tid, kind in session.execute(
            select(SlaEvent.ticket_id, SlaEvent.kind).where(col(SlaEvent.ticket_id).in_(ticket_ids))
        ).all():
            result[tid].add(kind)
    return result


def compute(
    session: Session, ticket: Ticket, now: datetime, pending: JournalRow | None = None
) -> Clocks:
    """The ticket's clocks as of ``now``, from its journal and the site's configuration.

    ``pending``: the entry this transaction is about to journal for the change the ticket
    already holds in memory (``tickets.core.apply`` measures before it writes, so the change
    and its due times go in one UPDATE); the clocks read it as the journal's newest entry."""
    assert ticket.id is not None
    config = cfg.read_config(session)
    policy = policy_for(session, ticket, config)
    cal = cfg.calendar(session, policy.calendar)
    journal = _journal(session, ticket.id)
    if pending is not None:
        journal.append(pending)
    return measure(ticket, now, policy, cal, journal, fired_kinds(session, ticket.id))


def measure(
    ticket: ClockTicket,
    now: datetime,
    policy: cfg.Policy,
    cal: BusinessCalendar,
    journal: Sequence[JournalRow],
    fired: Collection[str],
) -> Clocks:
    """The ticket's clocks as of ``now`` from what is already read: its policy and that
    policy's calendar, its journal (in order) and the kinds of its thresholds already fired."""
    opened = ticket.opened_at
    parts = stretches(journal, opened)
    runs = [(s.start, s.end) for s in parts if s.running]
    state = parts[-1].phase.state
    tier_since = max((e.at for e in journal if "tier" in (e.changes or {})), default=opened)
    tier_runs = [(max(s, tier_since), e) for s, e in runs if e is None or e > tier_since]

    # Due times: the response clock from opening; resolution projected over its running time
    # (open-ended while it runs; stopped: as if it had run on from where it stopped).
    response_due = cal.add_minutes(opened, policy.response)
    resolution_due = None
    if state is not ClockState.PAUSED:
        tail = [*runs[:-1], (runs[-1][0], None)] if runs else [(now, None)]
        resolution_due = instant_at(cal, tail, policy.resolution)

    thresholds: list[Threshold] = []
    open_ticket = ticket.status in _OPEN
    if open_ticket and ticket.first_response_at is None:
        for step in policy.ladder:
            m = policy.threshold_minutes(policy.response, step.percent)
            at = cal.add_minutes(opened, m)
            kind = f"{ClockName.RESPONSE}:{step.percent}"
            thresholds.append(
                Threshold(kind, ClockName.RESPONSE, step.percent, at, step.targets, kind in fired)
            )
    if state is ClockState.RUNNING:
        for step in policy.ladder:
            m = policy.threshold_minutes(policy.resolution, step.percent)
            due = instant_at(cal, runs, m)
            kind = f"{ClockName.RESOLUTION}:{step.percent}"
            if due is not None:
                thresholds.append(
                    Threshold(
                        kind, ClockName.RESOLUTION, step.percent, due, step.targets, kind in fired
                    )
                )
        budget = policy.tier_budgets.get(ticket.tier)
        if budget and ticket.tier < TOP_TIER:
            reached = instant_at(cal, tier_runs, budget)
            kind = f"tier{ticket.tier}_budget"
            if reached is not None:
                thresholds.append(
                    Threshold(kind, ClockName.TIER, 100, reached, cfg.BUDGET_TARGETS, kind in fired)
                )
    warnings = [t for t in thresholds if t.clock is ClockName.RESOLUTION and t.percent < 100]
    return Clocks(
        policy=policy,
        calendar=cal,
        opened_at=opened,
        first_response_at=ticket.first_response_at,
        response_due_at=response_due,
        resolution_due_at=resolution_due,
        resolution_warn_at=max(warnings, key=lambda t: t.percent).at if warnings else None,
        resolution_elapsed=elapsed(cal, runs, now),
        response_elapsed=response_minutes(cal, opened, ticket.first_response_at),
        stretches=tuple(parts),
        tier=ticket.tier,
        tier_since=tier_since,
        tier_elapsed=elapsed(cal, tier_runs, now),
        state=state,
        thresholds=tuple(sorted(thresholds, key=lambda t: t.at)),
    )


def response_minutes(
    cal: BusinessCalendar, opened: datetime, first_response: datetime | None
) -> int | None:
    """The response clock's business minutes, opening to first response (it never pauses);
    None before the first response. Stored on the ticket when the response happens, so the
    KPI report aggregates response times in SQL."""
    if first_response is None:
        return None
    return cal.minutes_between(opened, first_response)


def derived(clocks: Clocks) -> dict[str, Any]:
    """The ticket columns derived from its clocks (the demo loader writes the same ones)."""
    return {
        "response_due_at": clocks.response_due_at,
        "resolution_due_at": clocks.resolution_due_at,
        "resolution_warn_at": clocks.resolution_warn_at,
        "next_sla_at": clocks.next_due,
        "sla_policy": clocks.policy.key,
        "resolution_elapsed_min": clocks.resolution_elapsed,
        "response_elapsed_min": clocks.response_elapsed,
    }


def refresh(
    session: Session, ticket: Ticket, now: datetime, clocks: Clocks | None = None
) -> Clocks:
    """Recompute and store the ticket's due times and its next SLA moment (no version bump and
    no journal entry of its own: these columns are derived from what was just journaled).

    ``clocks``: already computed for this ticket as it now stands."""
    clocks = clocks or compute(session, ticket, now)
    refresh_many(session, [(ticket, clocks)])
    return clocks


@cache
def _derived_update(keys: tuple[str, ...]) -> Update:
    """The executemany UPDATE of the derived columns ``keys``, built once."""
    table = Ticket.metadata.tables["ticket"]
    return (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({k: bindparam(f"b_{k}", type_=table.c[k].type) for k in keys})
    )


def refresh_many(session: Session, measured: Iterable[tuple[Ticket, Clocks]]) -> int:
    """Store the derived columns of every ticket whose clocks changed them, in one executemany
    UPDATE (a Core one: the ORM's synchronising UPDATE costs milliseconds per row in a scan);
    returns how many tickets were written."""
    changed: list[tuple[Ticket, dict[str, Any]]] = []
    for ticket, clocks in measured:
        values = derived(clocks)
        if any(getattr(ticket, k) != v for k, v in values.items()):
            changed.append((ticket, values))
    if not changed:
        return 0
    stmt = _derived_update(tuple(changed[0][1]))
    params: list[Mapping[str, Any]] = [
        {"b_id": t.id, **{f"b_{k}": v for k, v in values.items()}} for t, values in changed
    ]
    session.connection().execute(stmt, params)
    for ticket, values in changed:
        for key, value in values.items():
            set_committed_value(ticket, key, value)
    return len(changed)
