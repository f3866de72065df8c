"""Freeze windows (封网期): the National Day holiday, the two sessions (两会), year-end closing.
A normal or standard change may not be scheduled into one; an emergency change may, with a
reason (``changes.lifecycle.schedule``).

A site keeps its list here, and can import it as TOML::

    [[freeze]]
    name = "国庆节封网"
    holiday = "国庆节"        # the whole break around the holiday, from the office calendar
    year = 2026
    days_before = 1           # optional: start this many days earlier
    reason = "国庆长假重要保障期"

    [[freeze]]
    name = "全国两会"
    start = "2026-03-04 00:00"  # the site's time zone
    end = "2026-03-12 00:00"
    reason = "重要会议保障"

A holiday's break is every day off around it on the office calendar (official holidays, the
site's own, and the weekends between), so a make-up working day (调休) ends it: National Day
2026 is 1–7 October, and Saturday 10 October, worked instead, is outside the freeze.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from itsm_tui.common.errors import Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.tables import ChangeFreeze
from itsm_tui.storage.tables.changes import FREEZE_NAME_MAX
from itsm_tui.workflow import text_input
from itsm_tui.workflow.business_calendar import BusinessCalendar
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.official_days import china_official_days
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.sla.config import calendar

#: The holidays people name in Chinese, as the official table names them.
HOLIDAY_NAMES: dict[str, str] = {
    "元旦": "New Year",
    "春节": "Spring Festival",
    "清明节": "Tomb-Sweeping",
    "劳动节": "Labor Day",
    "端午节": "Dragon Boat",
    "中秋节": "Mid-Autumn",
    "国庆节": "National Day",
}
MAX_BREAK_DAYS = 20  # a break longer than this is a calendar error, not a holiday


@dataclass(frozen=True)
class FreezeView:
    id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    reason: str


def _view(row: ChangeFreeze) -> FreezeView:
    assert row.id is not None
    return FreezeView(row.id, row.name, row.starts_at, row.ends_at, row.reason)


def overlapping(session: Session, start: datetime, end: datetime) -> ChangeFreeze | None:
    """The first freeze that overlaps ``[start, end)``, if any (read by its end, indexed)."""
    return session.exec(
        select(ChangeFreeze)
        .where(col(ChangeFreeze.ends_at) > start, col(ChangeFreeze.starts_at) < end)
        .order_by(col(ChangeFreeze.starts_at))
        .limit(1)
    ).first()


def freezes_between(session: Session, start: datetime, end: datetime) -> list[FreezeView]:
    rows = session.exec(
        select(ChangeFreeze)
        .where(col(ChangeFreeze.ends_at) > start, col(ChangeFreeze.starts_at) < end)
        .order_by(col(ChangeFreeze.starts_at))
    ).all()
    return [_view(r) for r in rows]


def day_off(office: BusinessCalendar, day: date) -> bool:
    zone = ZoneInfo(office.tz)
    start = datetime.combine(day, time(), zone)
    return office.minutes_between(start, start + timedelta(days=1)) == 0


def holiday_break(office: BusinessCalendar, holiday: str, year: int) -> tuple[date, date]:
    """The first and last day of the break around ``holiday`` in ``year`` (its days off, the
    weekends joined to them, the site's own holidays), ended by the make-up working days."""
    wanted = HOLIDAY_NAMES.get(holiday.strip(), holiday.strip())
    days = sorted(d for d, name in china_official_days(year)[0].items() if wanted in name)
    if not days:
        raise Invalid(
            N_("No holiday '{holiday}' in {year}; holidays are: {names}."),
            field="holiday",
            holiday=holiday,
            year=year,
            names=", ".join(HOLIDAY_NAMES),
        )
    first = last = days[0]
    while day_off(office, first - timedelta(days=1)) and (days[0] - first).days < MAX_BREAK_DAYS:
        first -= timedelta(days=1)
    while day_off(office, last + timedelta(days=1)) and (last - days[0]).days < MAX_BREAK_DAYS:
        last += timedelta(days=1)
    return first, last


def _check_name(name: str) -> str:
    text_input.one_line("name", name)
    if not name.strip():
        raise Invalid(N_("{name} must not be empty."), field="name", name="name")
    if len(name) > FREEZE_NAME_MAX:
        raise Invalid(
            N_("{name} is {length} characters; the limit is {limit}."),
            field="name",
            name="name",
            length=len(name),
            limit=FREEZE_NAME_MAX,
        )
    return name.strip()


def _add(tx: Tx, name: str, start: datetime, end: datetime, reason: str) -> ChangeFreeze:
    name = _check_name(name)
    text_input.storable("reason", reason)
    if end <= start:
        raise Invalid(N_("The freeze {name} ends before it starts."), field="end", name=name)
    row = tx.session.exec(
        select(ChangeFreeze).where(ChangeFreeze.name == name, ChangeFreeze.starts_at == start)
    ).first()
    if row is None:
        row = ChangeFreeze(
            name=name, starts_at=start, ends_at=end, reason=reason, created_at=tx.now
        )
    else:  # imported again: the file's span and reason win
        row.ends_at, row.reason = end, reason
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    tx.journal(
        "change_freeze",
        row.id,
        "set",
        {"name": name, "starts_at": start, "ends_at": end, "reason": reason},
    )
    return row


@mutation(Action.MANAGE_FREEZES)
def add_freeze(
    tx: Tx, name: str, start: datetime, end: datetime, *, reason: str = ""
) -> FreezeView:
    """Add a freeze window (or change the end and reason of one with this name and start)."""
    return _view(_add(tx, name, start, end, reason))


@mutation(Action.MANAGE_FREEZES)
def remove_freeze(tx: Tx, freeze_id: int) -> FreezeView:
    """Remove a freeze window (entered by mistake, or the holiday moved); the journal keeps
    what it was, and the removed window is returned so the caller can say which it was."""
    row = tx.session.get(ChangeFreeze, freeze_id)
    if row is None:
        raise NotFound(N_("No freeze #{id}."), field="freeze", id=freeze_id)
    removed = _view(row)
    tx.journal(
        "change_freeze",
        freeze_id,
        "remove",
        {
            "name": row.name,
            "starts_at": row.starts_at,
            "ends_at": row.ends_at,
            "reason": row.reason,
        },
    )
    tx.session.delete(row)
    return removed


@query(Action.VIEW_CHANGES)
def list_freezes(read: Read, *, start: datetime | None = None, days: int = 366) -> list[FreezeView]:
    """Freezes that end after ``start`` (now by default) and begin within ``days`` of it."""
    start = start or read.now
    return freezes_between(read.session, start, start + timedelta(days=days))


def _local(value: Any, zone: ZoneInfo, key: str, where: str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(), zone)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    raise Invalid(
        N_("{where}: {key} = '{value}' is not a time (YYYY-MM-DD HH:MM)."),
        field=key,
        where=where,
        key=key,
        value=str(value),
    )


def _entry(
    office: BusinessCalendar, zone: ZoneInfo, entry: Any, where: str
) -> tuple[str, datetime, datetime, str]:
    if not isinstance(entry, dict):
        raise Invalid(N_("{where}: a freeze is a table of keys."), field="freeze", where=where)
    known = {"name", "holiday", "year", "days_before", "days_after", "start", "end", "reason"}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise Invalid(
            N_("{where}: unknown key {key}; keys are: {keys}."),
            field=unknown[0],
            where=where,
            key=unknown[0],
            keys=", ".join(sorted(known)),
        )
    name = entry.get("name")
    if not isinstance(name, str):
        raise Invalid(N_("{where}: a freeze needs a name."), field="name", where=where)
    reason = entry.get("reason", "")
    if not isinstance(reason, str):
        raise Invalid(N_("{where}: reason must be text."), field="reason", where=where)
    if "holiday" in entry:
        year = entry.get("year")
        before, after = entry.get("days_before", 0), entry.get("days_after", 0)
        if not isinstance(year, int) or not all(
            isinstance(n, int) and 0 <= n <= 30 for n in (before, after)
        ):
            raise Invalid(
                N_("{where}: a holiday freeze needs a year, and days_before/after 0 to 30."),
                field="year",
                where=where,
            )
        first, last = holiday_break(office, str(entry["holiday"]), year)
        start = datetime.combine(first - timedelta(days=before), time(), zone)
        end = datetime.combine(last + timedelta(days=after + 1), time(), zone)
    else:
        if "start" not in entry or "end" not in entry:
            raise Invalid(
                N_("{where}: a freeze needs start and end, or a holiday."),
                field="start",
                where=where,
            )
        start = _local(entry["start"], zone, "start", where)
        end = _local(entry["end"], zone, "end", where)
    return name, start, end, reason


@mutation(Action.MANAGE_FREEZES)
def import_freezes(tx: Tx, source: str, content: str) -> list[FreezeView]:
    """Import a TOML freeze list (format in the module docstring): all of it or nothing; an
    error names the file and the line of the entry."""
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(
            N_("{source}: not valid TOML: {error}"), field="file", source=source, error=str(exc)
        ) from None
    entries = data.get("freeze", [])
    if not isinstance(entries, list) or set(data) - {"freeze"}:
        raise Invalid(N_("{source}: expected [[freeze]] tables only."), field="file", source=source)
    lines = [
        n for n, line in enumerate(content.splitlines(), 1) if line.strip().startswith("[[freeze")
    ]
    office = calendar(tx.session, "office")
    zone = tx.site.settings.zone
    out = []
    for i, entry in enumerate(entries):
        where = f"{source}:{lines[i] if i < len(lines) else '?'}"
        name, start, end, reason = _entry(office, zone, entry, where)
        try:
            out.append(_view(_add(tx, name, start, end, reason)))
        except Invalid as exc:
            raise Invalid(
                N_("{where}: {problem}"), field=exc.field, where=where, problem=exc.message
            ) from None
    return out
