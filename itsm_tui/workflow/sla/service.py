"""What the front doors call for SLA: what-ifs, calendar arithmetic, a ticket's status and
timeline, policy and calendar editing. (The alert inbox is ``sla.alerts``; time left on a
queue page or the ticket screen is ``sla.progress``.)"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from itsm_tui.common.domain import OPEN_STATUSES, PRIORITY_LEVELS, TOP_TIER, ClockState
from itsm_tui.common.errors import Invalid
from itsm_tui.storage.tables import SiteSetting, Ticket
from itsm_tui.workflow.business_calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_SPAN,
    MAX_SPAN_MINUTES,
    CalendarOverrides,
    Segment,
)
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.lookup import find_ticket
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.sla import clock as sla_clock
from itsm_tui.workflow.sla import config as cfg
from itsm_tui.workflow.sla.directory import Directory
from itsm_tui.workflow.sla.phase import RESPONSE_STOPPED, RUNNING, ClockName, ClockPhase


def parse_instant(text: str, zone: ZoneInfo | str, field: str = "from") -> datetime:
    """ISO 8601 with an offset, or without one meaning wall-clock time in ``zone``."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            "{field_name}: '{text}' is not an ISO 8601 time (e.g. 2026-09-30T16:00 or "
            "2026-09-30T16:00+08:00).",
            field=field,
            field_name=field,
            text=text,
        ) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise Invalid(
            "{field_name}: '{text}' lies outside the years {first_year}–{last_year} that the "
            "business calendars cover.",
            field=field,
            field_name=field,
            text=text,
            first_year=FIRST_YEAR,
            last_year=LAST_YEAR,
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone) if isinstance(zone, str) else zone)
    return value


def _within_span(t1: datetime, t2: datetime, field: str) -> None:
    """Refuse a what-if whose result lies further from its start than :data:`MAX_SPAN`, or
    past the years the calendars cover."""
    if t2.year > LAST_YEAR:
        raise Invalid(
            "{field_name}: the result, {date}, lies past {last_year}, the last year the "
            "business calendars cover.",
            field=field,
            field_name=field,
            date=t2.date().isoformat(),
            last_year=LAST_YEAR,
        )
    if t2 - t1 > MAX_SPAN:
        years = MAX_SPAN.days // 366
        raise Invalid(
            "{field_name}: a calculation covers at most {years} years of calendar time; this "
            "one ends {date}.",
            field=field,
            field_name=field,
            years=years,
            date=t2.date().isoformat(),
        )


# ---------------------------------------------------------------------- what-if and arithmetic
@dataclass(frozen=True)
class Deadline:
    policy: str
    calendar: str
    opened_at: datetime
    response_minutes: int
    response_due_at: datetime
    resolution_minutes: int
    resolution_due_at: datetime


@query(Action.VIEW_TICKETS)
def deadline(
    read: Read, priority: int, start: str | datetime, *, category: str | None = None
) -> Deadline:
    """When a ticket of ``priority`` opened at ``start`` would be due (nothing paused)."""
    if priority not in PRIORITY_LEVELS:
        raise Invalid(
            "priority must be {lowest} to {highest}, not {priority}.",
            field="priority",
            lowest=PRIORITY_LEVELS[0],
            highest=PRIORITY_LEVELS[-1],
            priority=priority,
        )
    policy = cfg.read_config(read.session).match(priority, [category] if category else [])
    cal = cfg.calendar(read.session, policy.calendar)
    opened = start if isinstance(start, datetime) else parse_instant(start, cal.tz)
    return Deadline(
        policy.key,
        policy.calendar,
        opened,
        policy.response,
        cal.add_minutes(opened, policy.response),
        policy.resolution,
        cal.add_minutes(opened, policy.resolution),
    )


@dataclass(frozen=True)
class Calculation:
    calendar: str
    start: datetime
    end: datetime
    minutes: int
    segments: list[Segment]


@query(Action.VIEW_TICKETS)
def calc(
    read: Read,
    calendar: str,
    start: str,
    *,
    minutes: int | None = None,
    end: str | None = None,
) -> Calculation:
    """``start`` + ``minutes`` business minutes, or the business minutes from ``start`` to
    ``end`` (exactly one of them), on a calendar with the site's overrides."""
    if (minutes is None) == (end is None):
        raise Invalid("Give either --minutes or --to.", field="minutes")
    cal = cfg.calendar(read.session, calendar)
    t1 = parse_instant(start, cal.tz, "from")
    if minutes is not None:
        if not 0 <= minutes <= MAX_SPAN_MINUTES:
            raise Invalid(
                "minutes must be from 0 to {max_span_minutes:,} (the most any calendar counts in "
                "{years} years), not {minutes:,}.",
                field="minutes",
                max_span_minutes=MAX_SPAN_MINUTES,
                years=MAX_SPAN.days // 366,
                minutes=minutes,
            )
        t2 = cal.add_minutes(t1, minutes)
        _within_span(t1, t2, "minutes")
        return Calculation(calendar, t1, t2, minutes, cal.segments(t1, t2))
    assert end is not None
    t2 = parse_instant(end, cal.tz, "to")
    if t2 < t1:
        raise Invalid("--to is before --from.", field="to")
    _within_span(t1, t2, "to")
    return Calculation(calendar, t1, t2, cal.minutes_between(t1, t2), cal.segments(t1, t2))


# ---------------------------------------------------------------------- a ticket's SLA
@dataclass(frozen=True)
class ThresholdView:
    kind: str
    at: datetime
    fired: bool
    notifies: list[str]


@dataclass(frozen=True)
class ClockView:
    """One clock as a timeline: what counted, what paused, what lay outside working hours."""

    name: ClockName
    target_minutes: int
    elapsed_minutes: int
    due_at: datetime | None
    state: ClockPhase
    segments: list[dict[str, Any]]


@dataclass(frozen=True)
class SlaStatus:
    number: str
    priority: int
    policy: str
    calendar: str
    state: ClockState  # of the resolution clock
    tier: int
    tier_since: datetime
    tier_elapsed_minutes: int
    tier_budget_minutes: int | None
    clocks: list[ClockView]
    thresholds: list[ThresholdView]
    next_threshold: ThresholdView | None
    skipped_days: list[str]


def _timeline(
    clocks: sla_clock.Clocks, parts: list[sla_clock.Stretch], now: datetime
) -> tuple[list[dict[str, Any]], set[str]]:
    rows: list[dict[str, Any]] = []
    skipped: set[str] = set()
    for part in parts:
        end = min(part.end or now, now)
        if end <= part.start:
            continue
        if not part.running:
            rows.append(
                {
                    "start": part.start,
                    "end": end,
                    "counted": 0,
                    "why": str(part.phase),
                    "working": False,
                }
            )
            continue
        for seg in clocks.calendar.segments(part.start, end):
            if seg.reason.startswith("holiday"):
                skipped.add(
                    f"{seg.start.astimezone(ZoneInfo(clocks.calendar.tz)).date()} {seg.reason}"
                )
            rows.append(
                {
                    "start": seg.start,
                    "end": seg.end,
                    "counted": seg.minutes,
                    "why": seg.reason,
                    "working": seg.working,
                }
            )
    return rows, skipped


@query(Action.VIEW_TICKETS)
def ticket_status(read: Read, number: str) -> SlaStatus:
    """Each clock of a ticket with its timeline, the thresholds and whom they notify."""
    ticket = find_ticket(read.session, number)
    now = read.now
    clocks = sla_clock.compute(read.session, ticket, now)
    policy = clocks.policy
    end = clocks.first_response_at or now
    response_part = [sla_clock.Stretch(clocks.opened_at, end, RUNNING)]
    response_rows, skipped = _timeline(clocks, response_part, now)
    resolution_rows, skipped2 = _timeline(clocks, list(clocks.stretches), now)
    directory = Directory.read(read.session, cfg.read_config(read.session))
    group = directory.escalation_group(policy, ticket.tier)
    views = []
    for th in clocks.thresholds:
        people = directory.targets(ticket, th.targets, group)
        views.append(
            ThresholdView(th.kind, th.at, th.fired, [f"{s.login} ({t})" for s, t in people])
        )
    pending = [v for v in views if not v.fired]
    return SlaStatus(
        number=ticket.number,
        priority=ticket.priority,
        policy=policy.key,
        calendar=policy.calendar,
        state=clocks.state,
        tier=clocks.tier,
        tier_since=clocks.tier_since,
        tier_elapsed_minutes=clocks.tier_elapsed,
        tier_budget_minutes=(
            policy.tier_budgets.get(ticket.tier) if ticket.tier < TOP_TIER else None
        ),
        clocks=[
            ClockView(
                ClockName.RESPONSE,
                policy.response,
                clocks.calendar.minutes_between(clocks.opened_at, end),
                clocks.response_due_at,
                RESPONSE_STOPPED if clocks.first_response_at else RUNNING,
                response_rows,
            ),
            ClockView(
                ClockName.RESOLUTION,
                policy.resolution,
                clocks.resolution_elapsed,
                clocks.resolution_due_at,
                clocks.stretches[-1].phase,
                resolution_rows,
            ),
        ],
        thresholds=views,
        next_threshold=pending[0] if pending else None,
        skipped_days=sorted(skipped | skipped2),
    )


# ---------------------------------------------------------------------- policies and calendars
def _store(tx: Tx, key: str, value: Any) -> Any:
    row = tx.session.get(SiteSetting, key)
    old = None if row is None else row.value
    if row is None:
        row = SiteSetting(key=key, value=value, updated_at=tx.now)
    else:
        row.value, row.updated_at, row.version = value, tx.now, row.version + 1
    tx.session.add(row)
    tx.session.flush()
    cfg.forget(tx.session)
    tx.journal("setting", 0, "set", {"key": key, "value": (old, value)})
    return old


def recompute_open(tx: Tx, batch: int = 500) -> int:
    """Refresh every open ticket's clocks after a policy or calendar change (keyset batches,
    in this transaction, so the new configuration and the due times it implies commit
    together). Costs one journal read per open ticket: an administrative, not a routine, cost."""
    count, after = 0, 0
    open_values = [s.value for s in OPEN_STATUSES]
    while True:
        tickets = tx.session.exec(
            select(Ticket)
            .where(col(Ticket.status).in_(open_values), col(Ticket.id) > after)
            .order_by(col(Ticket.id))
            .limit(batch)
        ).all()
        if not tickets:
            return count
        for ticket in tickets:
            sla_clock.refresh(tx.session, ticket, tx.now)
        count += len(tickets)
        after = tickets[-1].id or after


@query(Action.VIEW_TICKETS)
def show_policies(read: Read) -> dict[str, Any]:
    return cfg.read_config(read.session).to_json()


@mutation(Action.MANAGE_SLA)
def replace_policies(tx: Tx, data: Mapping[str, Any], source: str = "policies") -> int:
    """Replace the whole configuration (validated first); returns how many open tickets were
    recomputed."""
    config = cfg.parse_config(data, source)
    _store(tx, cfg.POLICIES_KEY, config.to_json())
    return recompute_open(tx)


def load_toml(path: str | Path, what: str) -> dict[str, Any]:
    try:
        with Path(path).open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise Invalid(
            "{path}: cannot read the {what} file: {strerror}.",
            field="file",
            path=path,
            what=what,
            strerror=exc.strerror,
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise Invalid("{path}: not valid TOML: {exc}.", field="file", path=path, exc=exc) from None


@mutation(Action.MANAGE_SLA)
def set_policy(tx: Tx, priority: int, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Change (or add) one policy: ``changes`` may hold response, resolution, calendar,
    tier_budgets, auto_escalate, escalation_groups, ladder; category/service pick a qualified
    policy (created from the priority's own when new)."""
    config = cfg.read_config(tx.session)
    base = config.match(priority)
    key_fields = {"category": changes.get("category"), "service": changes.get("service")}
    current = next(
        (
            p
            for p in config.policies
            if p.priority == priority
            and p.category == key_fields["category"]
            and p.service == key_fields["service"]
        ),
        None,
    )
    data = {**(current or base).to_json(), **{k: v for k, v in changes.items() if v is not None}}
    policy = cfg.parse_policy(data, f"P{priority}")
    policies = [p for p in config.policies if p is not current] + [policy]
    policies.sort(key=lambda p: (p.priority, p.key))
    new = cfg.SlaConfig(tuple(policies), config.managers)
    cfg.parse_config(new.to_json())
    _store(tx, cfg.POLICIES_KEY, new.to_json())
    recompute_open(tx)
    return policy.to_json()


@dataclass(frozen=True)
class CalendarInfo:
    name: str
    zone: str
    hours: dict[str, list[str]]
    year: int
    holidays: dict[str, str]
    workdays: dict[str, str]
    site_overrides: dict[str, Any]


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@query(Action.VIEW_TICKETS)
def show_calendar(read: Read, name: str = "office", year: int | None = None) -> CalendarInfo:
    """A calendar's hours, zone, and the year's days off and make-up days (official list with
    the site's overrides applied)."""
    cal = cfg.calendar(read.session, name)
    year = year or read.now.year
    overrides = cfg.overrides_json(cfg.read_overrides(read.session))
    if cal.always_open:
        return CalendarInfo(name, cal.tz, {"every day": ["00:00-24:00"]}, year, {}, {}, {})
    hol, work = cal._day_tables(year)
    hours = {
        _WEEKDAYS[d]: [
            f"{s // 3600:02}:{s % 3600 // 60:02}-{e // 3600:02}:{e % 3600 // 60:02}"
            for s, e in cal._hours[d]
        ]
        for d in range(7)
        if cal._hours[d]
    }

    def iso(days: Mapping[date, str]) -> dict[str, str]:
        return {d.isoformat(): n for d, n in sorted(days.items())}

    return CalendarInfo(name, cal.tz, hours, year, iso(hol), iso(work), overrides)


@mutation(Action.MANAGE_SLA)
def import_calendar(tx: Tx, path: str | Path) -> dict[str, Any]:
    """Replace the site's holiday overrides with those in a TOML file (all or nothing), then
    recompute every open ticket on the new calendar."""
    data = load_toml(path, "calendar")
    overrides = CalendarOverrides.from_mapping(data, source=str(path))  # refuses with Invalid
    value = cfg.overrides_json(overrides)
    _store(tx, cfg.OVERRIDES_KEY, value)
    recompute_open(tx)
    return value
