"""Daily rollups of the tickets resolved: what lets the KPI report count a month, or the
console's twelve months, without reading each period's tickets once per figure.

**What is counted.** :data:`RESOLVED` is the one definition of the counts the sections take
from the tickets resolved in a period (``Window.resolved``): how many, at first line, their
reassignments, how many had been reopened, and how many were measured against and met their
resolution and response deadlines. A section asks :func:`resolved_counts` for a window; it sums
the rolled-up days inside the window and counts the rest of it live, with the same expressions.

**Which days are rolled.** Only final ones: a ticket can be reopened only while resolved and
within the reopen window (``reopen_window_days``) of its resolution, and a reopen is the only
way a resolved ticket leaves a day's count. So a day whose end lies more than the window back
is final, its rollup stays equal to a live count, and the days after it (a week by default)
are always counted live. The nightly job rolls each day as it becomes final, each day once
(``uq_kpi_day_end``, as the backlog snapshots); the upgrade to revision 0020 rolls the past.
Raising ``reopen_window_days`` makes the days rolled under the old window that the new one
reaches open again: a ticket resolved on them may now be reopened. The setting's change drops
those days (:func:`drop_unfinal`, in the same transaction), so they are counted live and rolled
again once final under the new window.

**Why not medians.** Percentiles cannot be summed: response and resolution times are read
per period through the covering indexes (``times.py``), counted per whole minute by the
database, and ranked from those counts.

Days are the site's local days: a rollup is kept by the UTC instants it covers, so after a
change of ``ITSM_TIMEZONE`` no old day lines up with a period any more and everything is
counted live until the days are rolled again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, and_, case, cast, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import KpiDay, KpiDayCount
from itsm_tui.workflow.context import Read, Tx, mutation, system_transaction
from itsm_tui.workflow.kpi.base import T, Window
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.site_settings import read_setting

DAY = core_table(KpiDay)
COUNT = core_table(KpiDayCount)
D, C = DAY.c, COUNT.c


def _yes(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


#: Of the tickets resolved in a window: the aggregate behind each count, by name (the names
#: are ``kpi_day_count``'s columns). A deadline never set compares as unknown: not met.
RESOLVED: dict[str, Any] = {
    "resolved": func.count(),
    "first_line": _yes(T.resolved_first_line == True),  # noqa: E712 (SQL, not Python)
    "reassignments": func.coalesce(func.sum(cast(T.reassignment_count, Integer)), 0),
    "reopened": _yes(T.reopen_count > 0),
    "sla_measured": _yes(T.resolution_due_at.is_not(None)),
    "sla_met": _yes(T.resolved_at <= T.resolution_due_at),
    "response_measured": _yes(T.response_due_at.is_not(None)),
    "response_met": _yes(
        and_(T.first_response_at.is_not(None), T.first_response_at <= T.response_due_at)
    ),
}
NAMES: tuple[str, ...] = tuple(RESOLVED)

#: What :func:`resolved_counts` can split by: a column of both the ticket and the rollup.
SPLITS = ("priority", "group_id", "tier")


@dataclass(frozen=True)
class Freshness:
    """How far the rollups reach: the last local day rolled and when it was taken (None:
    nothing rolled yet, every figure is counted live)."""

    through: str | None
    taken_at: datetime | None


# ---------------------------------------------------------------------------------------------
# Reading


def resolved_counts(read: Read, window: Window, by: str | None = None) -> dict[Any, dict[str, int]]:
    """The :data:`RESOLVED` counts of ``window`` (its group and tier), split by one of
    :data:`SPLITS` (``None``: one entry, key ``None``): the window's rolled-up days summed,
    its other instants counted live. A split value with nothing resolved has no entry."""
    assert by is None or by in SPLITS
    rolled = _rolled_run(read.session, window)
    live = [window] if rolled is None else _outside(window, *rolled)
    out: dict[Any, dict[str, int]] = {}
    if rolled is not None:
        where = [D.start_at >= rolled[0], D.end_at <= rolled[1], *_scope(window)]
        key = [C[by]] if by else []
        statement = (
            select(*key, *(func.coalesce(func.sum(C[n]), 0) for n in NAMES))
            .select_from(DAY.join(COUNT, C.day_id == D.id))
            .where(*where)
        )
        if by:
            statement = statement.group_by(C[by])
        _add(out, read.session.execute(statement).all(), bool(by))
    for part in live:
        key = [T[by]] if by else []
        statement = select(*key, *RESOLVED.values()).where(part.resolved())
        if by:
            statement = statement.group_by(T[by])
        _add(out, read.session.execute(statement).all(), bool(by))
    if not by:
        return {None: out.get(None, dict.fromkeys(NAMES, 0))}
    return {k: v for k, v in out.items() if v["resolved"]}


def freshness(session: Session) -> Freshness:
    """The newest rolled-up day and when it was taken."""
    found = session.execute(select(D.day, D.taken_at).order_by(D.end_at.desc()).limit(1)).first()
    if found is None:
        return Freshness(None, None)
    return Freshness(
        found[0], found[1].replace(tzinfo=UTC) if found[1].tzinfo is None else found[1]
    )


def _scope(window: Window) -> list[Any]:
    where = []
    if window.group_id is not None:
        where.append(C.group_id == window.group_id)
    if window.tier is not None:
        where.append(C.tier == window.tier)
    return where


def _rolled_run(session: Session, window: Window) -> tuple[datetime, datetime] | None:
    """The instants of the window's rolled-up days, when they follow each other without a
    gap (None: no day, or a gap — then the whole window is counted live)."""
    days = session.execute(
        select(D.start_at, D.end_at)
        .where(D.start_at >= window.start, D.end_at <= window.end)
        .order_by(D.start_at)
    ).all()
    if not days:
        return None
    for (_, end), (start, _) in pairwise(days):
        if start != end:
            return None
    return _aware(days[0][0]), _aware(days[-1][1])


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def _outside(window: Window, start: datetime, end: datetime) -> list[Window]:
    """The parts of ``window`` before ``start`` and from ``end`` on."""
    parts = []
    if window.start < start:
        parts.append(Window(window.start, start, window.group_id, window.tier))
    if end < window.end:
        parts.append(Window(end, window.end, window.group_id, window.tier))
    return parts


def _add(out: dict[Any, dict[str, int]], found: Sequence[Any], keyed: bool) -> None:
    for row in found:
        key, values = (row[0], row[1:]) if keyed else (None, row)
        totals = out.setdefault(key, dict.fromkeys(NAMES, 0))
        for name, value in zip(NAMES, values, strict=True):
            totals[name] += int(value or 0)


# ---------------------------------------------------------------------------------------------
# Taking


def final_before(session: Session, now: datetime) -> datetime:
    """Days ending at or before this instant are final: past the reopen window."""
    return now - timedelta(days=int(read_setting(session, "reopen_window_days")), minutes=1)


def drop_unfinal(session: Session, now: datetime) -> int:
    """Drop the rolled-up days that are not final under the reopen window now in force (after
    it was raised), with their counts; how many. ``take_rollups`` rolls them again once they
    are final, since it starts after the newest day left."""
    limit = final_before(session, now)
    days = select(D.id).where(D.end_at > limit).scalar_subquery()
    session.execute(delete(COUNT).where(C.day_id.in_(days)))
    result = session.execute(delete(DAY).where(D.end_at > limit))
    return int(getattr(result, "rowcount", 0) or 0)


def _local_days(
    zone: ZoneInfo, first: date, limit: datetime
) -> list[tuple[date, datetime, datetime]]:
    """Each local day from ``first`` on that ends by ``limit``: (day, start, end) in UTC."""
    out: list[tuple[date, datetime, datetime]] = []
    day = first
    start = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
    while True:
        following = day + timedelta(days=1)
        end = datetime(following.year, following.month, following.day, tzinfo=zone)
        end_utc = end.astimezone(UTC)
        if end_utc > limit:
            return out
        out.append((day, start, end_utc))
        day, start = following, end_utc


def take_rollups(session: Session, zone: ZoneInfo, now: datetime) -> list[date]:
    """Roll up every final day since the last one rolled (since the first resolution on the
    first run), each in a savepoint so a day another process rolled is left to it; the days
    written."""
    last = session.execute(select(func.max(D.end_at))).scalar()
    if last is None:
        first_resolved = session.execute(select(func.min(T.resolved_at))).scalar()
        if first_resolved is None:
            return []
        first = _aware(first_resolved).astimezone(zone).date()
    else:
        first = _aware(last).astimezone(zone).date()  # the day that midnight starts
    written = []
    for day, start, end in _local_days(zone, first, final_before(session, now)):
        found = session.execute(
            select(T.group_id, T.tier, T.priority, *RESOLVED.values())
            .where(Window(start, end).resolved())
            .group_by(T.group_id, T.tier, T.priority)
        ).all()
        try:
            with session.begin_nested():
                day_id = session.execute(
                    insert(DAY).returning(D.id),
                    {"start_at": start, "end_at": end, "day": day.isoformat(), "taken_at": now},
                ).scalar_one()
                if found:
                    session.execute(
                        insert(COUNT),
                        [
                            {
                                "day_id": day_id,
                                "group_id": g,
                                "tier": int(t),
                                "priority": int(p),
                                **{n: int(v or 0) for n, v in zip(NAMES, rest, strict=True)},
                            }
                            for g, t, p, *rest in found
                        ],
                    )
        except IntegrityError:  # uq_kpi_day_end: rolled by another process
            continue
        written.append(day)
    return written


@mutation(Action.SUPERVISE, journaled=False)  # a run that rolls no day has nothing to record
def nightly_rollups(tx: Tx) -> int:
    """The scheduler's nightly job: roll up every day that has become final; how many."""
    days = take_rollups(tx.session, tx.site.settings.zone, tx.now)
    if days:
        tx.journal("kpi", 0, "rollup", {"from": days[0].isoformat(), "to": days[-1].isoformat()})
    return len(days)


def backfill(site: Site) -> int:
    """What the upgrade to revision 0020 fills in for the past: the rollup of every final
    day; how many days."""
    with system_transaction(site) as tx:
        days = take_rollups(tx.session, site.settings.zone, tx.now)
        if days:
            tx.journal("kpi", 0, "rollup_backfill", {"days": len(days)})
    return len(days)
