"""Report periods: a day, ISO week, month, quarter or year, or any ``--from/--to`` range, with
the period before it and the same period a year earlier.

Why here, without database code: the console's Reports screen and the command line parse and
label periods before any database code is loaded. A period is a half-open range of the site's
local calendar days, ``[start, end)``; its instants are the site's local midnights turned into
UTC, so a ticket opened at 23:30 on 30 November in Beijing counts in November, whatever UTC says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"  # any --from/--to


#: The longest ``--from/--to`` range, in days: a report is a month's work, not a decade's.
MAX_RANGE_DAYS = 3 * 366

_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    (PeriodKind.DAY, re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
    (PeriodKind.WEEK, re.compile(r"^(\d{4})-W(\d{2})$")),
    (PeriodKind.MONTH, re.compile(r"^(\d{4})-(\d{2})$")),
    (PeriodKind.QUARTER, re.compile(r"^(\d{4})-Q([1-4])$")),
    (PeriodKind.YEAR, re.compile(r"^(\d{4})$")),
)


@dataclass(frozen=True)
class Period:
    """Local days ``[start, end)`` and what they are (the kind decides "previous")."""

    kind: PeriodKind
    start: date
    end: date

    @property
    def key(self) -> str:
        """The period as written on the command line: ``2026-11``, ``2026-W48``, ``2026-Q4`` …"""
        s = self.start
        if self.kind is PeriodKind.DAY:
            return s.isoformat()
        if self.kind is PeriodKind.WEEK:
            year, week, _ = s.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind is PeriodKind.MONTH:
            return f"{s.year}-{s.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.YEAR:
            return str(s.year)
        return f"{s.isoformat()}..{(self.end - timedelta(days=1)).isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period's first instant and the instant after it, in UTC."""
        return _midnight(self.start, zone), _midnight(self.end, zone)

    def previous(self) -> Period:
        """The period just before: the month before a month, the same number of days before
        a range."""
        if self.kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
            months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]
            start = _add_months(self.start, -months)
            return Period(self.kind, start, self.start)
        return Period(self.kind, self.start - timedelta(days=self.days), self.start)

    def last_year(self) -> Period:
        """The same period a year earlier (the same ISO week number for a week)."""
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.start.isocalendar()
            try:
                start = date.fromisocalendar(year - 1, week, 1)
            except ValueError:  # week 53 of a year whose year before had 52
                start = date.fromisocalendar(year - 1, 52, 1)
            return Period(self.kind, start, start + timedelta(days=7))
        return Period(self.kind, _add_months(self.start, -12), _add_months(self.end, -12))

    def back(self, count: int) -> list[Period]:
        """This period and the ``count - 1`` before it, oldest first (the sparklines)."""
        periods = [self]
        for _ in range(count - 1):
            periods.append(periods[-1].previous())
        return periods[::-1]


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1) if day.day == 1 else _clamped(index, day.day)


def _clamped(index: int, day: int) -> date:
    year, month = index // 12, index % 12 + 1
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day, (nxt - timedelta(days=1)).day))


def parse_period(text: str) -> Period:
    """``2026-11-05``, ``2026-W45``, ``2026-11``, ``2026-Q4`` or ``2026`` as a period."""
    value = text.strip()
    for kind, pattern in _PATTERNS:
        m = pattern.match(value)
        if not m:
            continue
        try:
            return _period(kind, [int(g) for g in m.groups()])
        except ValueError:
            break
    raise Invalid(
        N_(
            "Period {text} is not a day (2026-11-05), week (2026-W45), month (2026-11), "
            "quarter (2026-Q4) or year (2026)."
        ),
        field="period",
        text=repr(text),
    )


def _period(kind: PeriodKind, parts: list[int]) -> Period:
    if kind is PeriodKind.DAY:
        start = date(parts[0], parts[1], parts[2])
        return Period(kind, start, start + timedelta(days=1))
    if kind is PeriodKind.WEEK:
        start = date.fromisocalendar(parts[0], parts[1], 1)
        return Period(kind, start, start + timedelta(days=7))
    if kind is PeriodKind.MONTH:
        start = date(parts[0], parts[1], 1)
        return Period(kind, start, _add_months(start, 1))
    if kind is PeriodKind.QUARTER:
        start = date(parts[0], 3 * parts[1] - 2, 1)
        return Period(kind, start, _add_months(start, 3))
    start = date(parts[0], 1, 1)
    return Period(kind, start, date(parts[0] + 1, 1, 1))


def date_range(first: str, last: str) -> Period:
    """``--from 2026-11-01 --to 2026-11-15``: both days included."""
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        raise Invalid(
            N_("--from and --to take days such as 2026-11-01, not {first} and {last}."),
            field="from",
            first=repr(first),
            last=repr(last),
        ) from None
    if end < start:
        raise Invalid(
            N_("--to {last} is before --from {first}."), field="to", first=first, last=last
        )
    if (end - start).days >= MAX_RANGE_DAYS:
        raise Invalid(N_("A report covers at most {days} days."), field="to", days=MAX_RANGE_DAYS)
    return Period(PeriodKind.RANGE, start, end + timedelta(days=1))


def current(kind: PeriodKind, today: date) -> Period:
    """The period of ``kind`` that holds ``today`` (the console's default)."""
    if kind is PeriodKind.WEEK:
        start = today - timedelta(days=today.weekday())
        return Period(kind, start, start + timedelta(days=7))
    if kind is PeriodKind.DAY:
        return Period(kind, today, today + timedelta(days=1))
    if kind is PeriodKind.QUARTER:
        return _period(kind, [today.year, (today.month - 1) // 3 + 1])
    if kind is PeriodKind.YEAR:
        return _period(kind, [today.year])
    return _period(PeriodKind.MONTH, [today.year, today.month])
