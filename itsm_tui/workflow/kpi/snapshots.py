"""The backlog at each local midnight, kept once per day, and the response minutes of tickets
answered before they were stored: what lets the KPI report read an old period without reading
about half the tickets.

**Snapshots.** ``backlog_snapshot`` holds, for each local midnight (the end of a day in the
site's zone), the backlog as section 5 defines it (``backlog.py``: opened before the end and
neither resolved nor cancelled by it), for the whole site and per group and tier
(``backlog_count``). They are computed set-based, for any number of days at once: a ticket
leaves the backlog when it is resolved (``resolved_at``) or, never resolved, cancelled
(``closed_at``), so the backlog at an end is the tickets opened before it less those that left
before it. Three grouped reads by UTC hour (openings, resolutions, cancellations) give both
counts for every end; a midnight of a zone off the whole hour is counted with the section's own
query instead. ``uq_backlog_snapshot_end`` makes each day's snapshot exactly once, whether the
nightly job, a second scheduler or the upgrade's backfill takes it.

A snapshot records the tickets as they stood when it was taken: a ticket reopened later leaves
an old period's backlog as it was then, which is what a report of that period said.

**Response minutes.** ``ticket.response_elapsed_min`` is stored by the SLA clocks with the first
response (``sla.clock``); :func:`fill_response_minutes` measures the tickets answered before the
column existed, on each ticket's own policy calendar, a keyset chunk at a time.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from itsm_tui.common.domain import TicketStatus
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.kpi_queries import hour_start, utc_hour
from itsm_tui.storage.tables import BacklogCount, BacklogSnapshot, Ticket
from itsm_tui.workflow.business_calendar import BusinessCalendar
from itsm_tui.workflow.context import Tx, mutation, system_transaction
from itsm_tui.workflow.kpi.base import Window
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.sla import config as sla_config
from itsm_tui.workflow.sla.clock import response_minutes

SNAPSHOT = core_table(BacklogSnapshot)
COUNT = core_table(BacklogCount)
_T = core_table(Ticket).c
#: Tickets measured per transaction by the response-minutes backfill.
CHUNK = 5_000

Key = tuple[int | None, int]  # (group id, tier)


# ---------------------------------------------------------------------------------------------
# Reading


def snapshot_backlog(session: Session, window: Window) -> int | None:
    """The backlog at ``window.end`` as its snapshot holds it (the window's group and tier);
    None when no snapshot was taken at that instant."""
    found = session.execute(
        select(SNAPSHOT.c.id, SNAPSHOT.c.backlog).where(SNAPSHOT.c.end_at == window.end)
    ).first()
    if found is None:
        return None
    snapshot_id, whole = found
    if window.group_id is None and window.tier is None:
        return int(whole)
    where = [COUNT.c.snapshot_id == snapshot_id]
    if window.group_id is not None:
        where.append(COUNT.c.group_id == window.group_id)
    if window.tier is not None:
        where.append(COUNT.c.tier == window.tier)
    return int(
        session.execute(
            select(func.coalesce(func.sum(COUNT.c.backlog), 0)).where(*where)
        ).scalar_one()
    )


# ---------------------------------------------------------------------------------------------
# Taking


def _midnights(zone: ZoneInfo, first: date, last: date) -> list[tuple[date, datetime]]:
    """Each local day in ``[first, last]`` with the UTC instant it ends at."""
    out = []
    day = first
    while day <= last:
        following = day + timedelta(days=1)
        end = datetime(following.year, following.month, following.day, tzinfo=zone)
        out.append((day, end.astimezone(UTC)))
        day = following
    return out


def _hourly(session: Session, column: Any, *where: Any) -> dict[Key, list[tuple[datetime, int]]]:
    """Tickets per UTC hour of ``column`` and per (group, tier), each key's hours in order."""
    dialect = session.get_bind().dialect.name
    hour = utc_hour(column, dialect)
    rows = session.execute(
        select(hour, _T.group_id, _T.tier, func.count())
        .where(column.is_not(None), *where)
        .group_by(hour, _T.group_id, _T.tier)
    ).all()
    out: dict[Key, list[tuple[datetime, int]]] = defaultdict(list)
    for h, group_id, tier, n in rows:
        out[(group_id, int(tier))].append((hour_start(h), int(n)))
    for series in out.values():
        series.sort()
    return out


def _before(series: list[tuple[datetime, int]], cumulative: list[int], end: datetime) -> int:
    """How many of ``series`` fall in hours starting before ``end`` (an hour boundary)."""
    i = bisect.bisect_left(series, (end, -1))
    return cumulative[i - 1] if i else 0


def backlog_counts(session: Session, ends: Iterable[datetime]) -> dict[datetime, dict[Key, int]]:
    """The backlog per (group, tier) at each of ``ends`` (whole UTC hours), from three grouped
    reads whatever the number of ends."""
    opened = _hourly(session, _T.opened_at)
    resolved = _hourly(session, _T.resolved_at)
    cancelled = _hourly(
        session,
        _T.closed_at,
        _T.status == TicketStatus.CANCELLED.value,
        _T.resolved_at.is_(None),
    )
    sums = {}
    for name, series_by_key in (("o", opened), ("r", resolved), ("c", cancelled)):
        for key, series in series_by_key.items():
            running, total = [], 0
            for _h, n in series:
                total += n
                running.append(total)
            sums[(name, key)] = (series, running)
    keys = set(opened)
    out: dict[datetime, dict[Key, int]] = {}
    for end in ends:
        counts = {}
        for key in keys:
            n = _before(*sums[("o", key)], end)
            for name in ("r", "c"):
                if (name, key) in sums:
                    n -= _before(*sums[(name, key)], end)
            if n:
                counts[key] = n
        out[end] = counts
    return out


def _live_counts(session: Session, end: datetime) -> dict[Key, int]:
    """The backlog per (group, tier) at an end off the whole hour, by section 5's definition."""
    not_cancelled = (
        (_T.status != TicketStatus.CANCELLED.value) | _T.closed_at.is_(None) | (_T.closed_at >= end)
    )
    rows = session.execute(
        select(_T.group_id, _T.tier, func.count())
        .where(
            _T.opened_at < end,
            (_T.resolved_at.is_(None)) | (_T.resolved_at >= end),
            and_(not_cancelled),
        )
        .group_by(_T.group_id, _T.tier)
    ).all()
    return {(g, int(t)): int(n) for g, t, n in rows}


def take_snapshots(session: Session, zone: ZoneInfo, now: datetime) -> list[date]:
    """Snapshot every local day that has ended since the last snapshot (since the first ticket
    on the first run), each in a savepoint so a day another process took is left to it; the
    days written."""
    last = session.execute(select(func.max(SNAPSHOT.c.end_at))).scalar()
    if last is None:
        first_opened = session.execute(select(func.min(_T.opened_at))).scalar()
        if first_opened is None:
            return []
        first = first_opened.replace(tzinfo=UTC).astimezone(zone).date()
    else:
        first = last.replace(tzinfo=UTC).astimezone(zone).date()  # the day that midnight starts
    yesterday = now.astimezone(zone).date() - timedelta(days=1)
    days = _midnights(zone, first, yesterday)
    if not days:
        return []
    whole_hours = [end for _d, end in days if end.minute == 0 and end.second == 0]
    counted = backlog_counts(session, whole_hours) if whole_hours else {}
    written = []
    for day, end in days:
        counts = counted[end] if end in counted else _live_counts(session, end)
        try:
            with session.begin_nested():
                snapshot_id = session.execute(
                    insert(SNAPSHOT).returning(SNAPSHOT.c.id),
                    {
                        "end_at": end,
                        "day": day.isoformat(),
                        "backlog": sum(counts.values()),
                        "taken_at": now,
                    },
                ).scalar_one()
                if counts:
                    session.execute(
                        insert(COUNT),
                        [
                            {"snapshot_id": snapshot_id, "group_id": g, "tier": t, "backlog": n}
                            for (g, t), n in counts.items()
                        ],
                    )
        except IntegrityError:  # uq_backlog_snapshot_end: taken by another process
            continue
        written.append(day)
    return written


@mutation(Action.SUPERVISE, journaled=False)  # a run that takes no day has nothing to record
def nightly_snapshots(tx: Tx) -> int:
    """The scheduler's nightly job: snapshot every day ended since the last one; how many."""
    days = take_snapshots(tx.session, tx.site.settings.zone, tx.now)
    if days:
        tx.journal(
            "kpi", 0, "backlog_snapshot", {"from": days[0].isoformat(), "to": days[-1].isoformat()}
        )
    return len(days)


# ---------------------------------------------------------------------------------------------
# Response minutes of tickets answered before the column existed


def fill_response_minutes(
    session: Session, *, after: int = 0, limit: int = CHUNK
) -> tuple[int, int]:
    """Measure and store the response minutes of up to ``limit`` tickets with a first
    response and none stored, with ids above ``after``: (how many, the last id read)."""
    rows = session.execute(
        select(_T.id, _T.priority, _T.sla_policy, _T.opened_at, _T.first_response_at)
        .where(_T.id > after, _T.first_response_at.is_not(None), _T.response_elapsed_min.is_(None))
        .order_by(_T.id)
        .limit(limit)
    ).all()
    if not rows:
        return 0, after
    config = sla_config.read_config(session)
    calendars: dict[str, BusinessCalendar] = {}
    params = []
    for ticket_id, priority, key, opened, first in rows:
        policy = config.by_key(key) or config.match(priority)
        cal = calendars.get(policy.calendar)
        if cal is None:
            cal = calendars[policy.calendar] = sla_config.calendar(session, policy.calendar)
        params.append({"b_id": ticket_id, "b_minutes": response_minutes(cal, opened, first)})
    table = core_table(Ticket)
    session.connection().execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(response_elapsed_min=bindparam("b_minutes")),
        params,
    )
    return len(rows), int(rows[-1][0])


def backfill(site: Site) -> tuple[int, int]:
    """What the upgrade to revision 0018 fills in for the past: the response minutes of every
    ticket answered before (a transaction per chunk, so a long history never holds one lock
    for long) and the backlog snapshots of every ended day; (tickets measured, days taken)."""
    measured, after = 0, 0
    while True:
        with system_transaction(site) as tx:
            n, after = fill_response_minutes(tx.session, after=after)
        if not n:
            break
        measured += n
    with system_transaction(site) as tx:
        days = take_snapshots(tx.session, site.settings.zone, tx.now)
        if measured or days:
            tx.journal("kpi", 0, "backfill", {"response_minutes": measured, "days": len(days)})
    return measured, len(days)
