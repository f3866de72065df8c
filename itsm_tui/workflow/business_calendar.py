"""Business-calendar arithmetic for SLA deadlines: "N business minutes after t", and back.

Why it is built this way: SLA timers are evaluated constantly (every open ticket, every refresh),
so ``add_minutes`` must cost microseconds, not a walk over minutes or days. Each calendar lazily
compiles one *year block* per local calendar year: the year's working intervals as UTC epoch
microseconds plus a cumulative business-time array. A query is then two ``bisect`` calls.
Years are built on demand, so a date in 2090 works without compiling the years in between.

Semantics (all instants are aware; results are aware UTC datetimes):

* Working hours are local wall-clock hours in the calendar's IANA zone. On a DST change day an
  interval lasts the real elapsed time between its wall-clock ends (a 24x7 day lasts 23 or 25 h).
* A public holiday is a day off even on a weekday. A make-up working day (调休, usually a weekend
  day) is worked with the hours of ``makeup_weekday`` (Monday by default): the official notices
  say only "this Saturday is a working day", and sites work their normal weekday hours then.
* Business time is counted internally in integer microseconds (exact, no floats), so a start of
  08:30:17.4 keeps its seconds. ``minutes_between`` floors to whole minutes.
* ``add_minutes(t, n)`` is the *last* instant at which the business time elapsed since ``t`` is
  still at most ``n`` minutes. So counting starts at the next working instant when ``t`` is off
  hours, ``n == 0`` gives the next working instant at or after ``t``, and a deadline that falls
  exactly at a lunch break or closing time moves to the next opening (11:30 + 30 -> 13:30, not
  12:00). This makes ``minutes_between(t, add_minutes(t, n)) == n`` and
  ``add_minutes(add_minutes(t, a), b) == add_minutes(t, a + b)`` hold for every ``t``.

Site overrides (TOML, see ``calendar_overrides``)::

    not_holidays = [2026-10-07]
    [holidays]
    2027-02-11 = "Spring Festival (site closure)"
    [workdays]
    2027-02-20 = "Make-up day for Spring Festival"
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from itsm_tui.common.errors import Invalid
from itsm_tui.workflow.calendar_overrides import (
    CalendarOverrides,
    china_official_days,
    load_overrides,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_SPAN",
    "MAX_SPAN_MINUTES",
    "BusinessCalendar",
    "CalendarOverrides",
    "Segment",
    "load_overrides",
    "office_calendar",
    "twenty_four_seven",
]

_US_PER_MIN = 60_000_000
_ONE_US = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_EMPTY_YEARS = 50  # a calendar with no working time for this long is a configuration bug

#: The years whose instants the arithmetic takes. SLA work lies within a lifetime of today; far
#: outside it an instant is a typo, and past the years 1 to 9999 Python's dates end (a year
#: block is compiled for the neighbouring years too).
FIRST_YEAR, LAST_YEAR = 1971, 2999
#: The longest stretch one what-if calculation may cover, in calendar time. A target is hours
#: or days; each year more costs a compiled year block and a few thousand timeline segments
#: (300,000,000 minutes on the office calendar once asked for 2,500 of them and 9.9 GB).
MAX_SPAN = timedelta(days=5 * 366)
#: No calendar counts more business minutes than that within :data:`MAX_SPAN` (24x7 counts
#: every minute), so a larger request is refused before any year is compiled.
MAX_SPAN_MINUTES = MAX_SPAN // timedelta(minutes=1)

#: Interval spec: ``"08:30-12:00"`` or ``(time(8, 30), time(12))``; an end of ``"24:00"`` or
#: ``time(0)`` means midnight at the end of the day.
IntervalSpec = str | tuple[time | str, time | str]
#: ``year -> (holidays {date: name}, make-up workdays {date: name})``, e.g. from ``holidays``.
HolidaySource = Callable[[int], tuple[Mapping[date, str], Mapping[date, str]]]


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of the "SLA explain" timeline (UTC).

    ``minutes`` is the business time credited to this stretch (0 when not working); the working
    segments' minutes add up to exactly ``minutes_between`` for the whole range.
    ``reason`` is ``"working hours"``/``"make-up day: <name>"`` for working stretches, else
    ``"outside hours"``, ``"weekend"`` or ``"holiday: <name>"``.
    """

    start: datetime
    end: datetime
    working: bool
    minutes: int
    reason: str

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


class _YearBlock:
    """One local calendar year compiled to sorted UTC-microsecond arrays."""

    __slots__ = (
        "cum",
        "cum_end",
        "day_off",
        "day_on",
        "day_starts",
        "ends",
        "hi",
        "lo",
        "starts",
        "total",
        "year",
    )

    def __init__(
        self,
        year: int,
        lo: int,
        hi: int,
        starts: list[int],
        ends: list[int],
        day_starts: list[int],
        day_off: list[str],
        day_on: list[str],
    ) -> None:
        self.year, self.lo, self.hi = year, lo, hi
        self.starts, self.ends = starts, ends
        self.day_starts, self.day_off, self.day_on = day_starts, day_off, day_on
        self.cum: list[int] = []  # business time before interval i
        self.cum_end: list[int] = []  # business time up to the end of interval i
        total = 0
        for a, b in zip(starts, ends, strict=True):
            self.cum.append(total)
            total += b - a
            self.cum_end.append(total)
        self.total = total

    def pos(self, us: int) -> int:
        """Business microseconds from the start of the year up to ``us`` (lo <= us < hi)."""
        j = bisect_right(self.starts, us) - 1
        if j < 0:
            return 0
        if us < self.ends[j]:
            return self.cum[j] + us - self.starts[j]
        return self.cum_end[j]


@dataclass(frozen=True, eq=False)
class BusinessCalendar:
    """Working hours, holidays and make-up days of one site, in one IANA time zone.

    ``weekly_hours`` maps weekday (0 = Monday) to its intervals. ``holidays``/``workdays`` and
    ``not_holidays`` are explicit dates layered over ``holiday_source`` (the official list), so
    a site override always wins. ``always_open`` makes a 24x7 calendar that ignores all of it.
    Instances compare by identity; each caches its compiled years.
    """

    name: str
    tz: str
    weekly_hours: Mapping[int, Sequence[IntervalSpec]] = field(default_factory=dict)
    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: Mapping[date, str] = field(default_factory=dict)
    not_holidays: frozenset[date] = frozenset()
    always_open: bool = False
    holiday_source: HolidaySource | None = None
    makeup_weekday: int = 0
    _zone: ZoneInfo = field(init=False, repr=False)
    _hours: tuple[tuple[tuple[int, int], ...], ...] = field(init=False, repr=False)
    _years: dict[int, _YearBlock] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        try:
            zone = ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise Invalid(
                "Calendar '{calendar}': unknown time zone '{zone}'.",
                field="tz",
                calendar=self.name,
                zone=self.tz,
            ) from exc
        bad_days = [d for d in self.weekly_hours if d not in range(7)]
        if bad_days:
            raise Invalid(
                "Calendar '{calendar}': weekday {day} is not 0 to 6.",
                field="weekly_hours",
                calendar=self.name,
                day=repr(bad_days[0]),
            )
        hours = tuple(_parse_day(self.weekly_hours.get(d, ()), self.name) for d in range(7))
        if not self.always_open and not any(hours):
            raise Invalid(
                "Calendar '{calendar}': no working hours on any weekday.",
                field="weekly_hours",
                calendar=self.name,
            )
        if self.makeup_weekday not in range(7):
            raise Invalid(
                "Calendar '{calendar}': the make-up weekday must be 0 to 6.",
                field="makeup_weekday",
                calendar=self.name,
            )
        # Reuse the overrides validation: one date cannot be both a holiday and a workday.
        CalendarOverrides(self.holidays, self.workdays, self.not_holidays)
        set_ = object.__setattr__
        set_(self, "holidays", MappingProxyType(dict(self.holidays)))
        set_(self, "workdays", MappingProxyType(dict(self.workdays)))
        set_(self, "not_holidays", frozenset(self.not_holidays))
        set_(self, "_zone", zone)
        set_(self, "_hours", hours)

    # ------------------------------------------------------------------ queries
    def add_minutes(self, start: datetime, minutes: int) -> datetime:
        """``start`` plus ``minutes`` business minutes (see the module docstring for the exact
        rule at breaks and for ``minutes == 0``). Raises ``ValueError`` on a naive ``start`` (a
        fault in the code, never the user's) and ``Invalid`` on negative ``minutes``."""
        minutes = operator.index(minutes)
        if minutes < 0:
            raise Invalid(
                "Business minutes cannot be negative (given {minutes}).",
                field="minutes",
                minutes=minutes,
            )
        us = _to_us(start)
        block = self._block_at(us, start.year)
        target = block.pos(us) + minutes * _US_PER_MIN
        empty = 0
        while target >= block.total:  # rare: the deadline lies in a later year
            target -= block.total
            empty = empty + 1 if block.total == 0 else 0
            if empty > _MAX_EMPTY_YEARS:
                raise Invalid(
                    "Calendar '{calendar}' has no working time after {start}.",
                    field="calendar",
                    calendar=self.name,
                    start=start,
                )
            block = self._block(block.year + 1)
        i = bisect_right(block.cum_end, target)
        return _EPOCH + timedelta(microseconds=block.starts[i] + target - block.cum[i])

    def minutes_between(self, t1: datetime, t2: datetime) -> int:
        """Business minutes in ``[t1, t2)``, floored to whole minutes; 0 if ``t2 <= t1``."""
        u1, u2 = _to_us(t1), _to_us(t2)
        if u2 <= u1:
            return 0
        b1, b2 = self._block_at(u1, t1.year), self._block_at(u2, t2.year)
        if b1 is b2:
            return (b2.pos(u2) - b1.pos(u1)) // _US_PER_MIN
        inner = sum(self._block(y).total for y in range(b1.year + 1, b2.year))
        return (b1.total - b1.pos(u1) + inner + b2.pos(u2)) // _US_PER_MIN

    def is_working_time(self, t: datetime) -> bool:
        """True if ``t`` lies inside a working interval (start inclusive, end exclusive)."""
        us = _to_us(t)
        block = self._block_at(us, t.year)
        j = bisect_right(block.starts, us) - 1
        return j >= 0 and us < block.ends[j]

    def next_working_instant(self, t: datetime) -> datetime:
        """``t`` itself (in UTC) if it is working time, else the next opening."""
        return self.add_minutes(t, 0)

    def explain(self, start: datetime, minutes: int) -> list[Segment]:
        """The timeline that leads from ``start`` to ``add_minutes(start, minutes)``."""
        return self.segments(start, self.add_minutes(start, minutes))

    def segments(self, t1: datetime, t2: datetime) -> list[Segment]:
        """Working and non-working stretches of ``[t1, t2)``, in order, adjacent stretches with
        the same reason merged, so a user can see why a deadline landed where it did."""
        u1, u2 = _to_us(t1), _to_us(t2)
        raw: list[list[Any]] = []  # [start, end, working, reason]

        def emit(a: int, b: int, working: bool, reason: str) -> None:
            if raw and raw[-1][1] == a and raw[-1][2] == working and raw[-1][3] == reason:
                raw[-1][1] = b
            else:
                raw.append([a, b, working, reason])

        block = self._block_at(u1, t1.year) if u1 < u2 else None
        cur = u1
        while block is not None and cur < u2:
            if cur >= block.hi:
                block = self._block(block.year + 1)
                continue
            j = bisect_right(block.starts, cur) - 1
            k = bisect_right(block.day_starts, cur) - 1
            if j >= 0 and cur < block.ends[j]:
                end = min(block.ends[j], u2)
                emit(cur, end, True, block.day_on[k])
                cur = end
                continue
            end = min(block.starts[j + 1] if j + 1 < len(block.starts) else block.hi, u2)
            while cur < end:  # split the off stretch by local day, each with its own reason
                day_end = block.day_starts[k + 1] if k + 1 < len(block.day_starts) else block.hi
                piece_end = min(end, day_end)
                emit(cur, piece_end, False, block.day_off[k])
                cur, k = piece_end, k + 1
        result: list[Segment] = []
        counted = 0
        for a, b, working, reason in raw:
            credited = 0
            if working:
                credited = (counted + b - a) // _US_PER_MIN - counted // _US_PER_MIN
                counted += b - a
            result.append(
                Segment(
                    _EPOCH + timedelta(microseconds=a),
                    _EPOCH + timedelta(microseconds=b),
                    working,
                    credited,
                    reason,
                )
            )
        return result

    # ------------------------------------------------------------------ compilation
    def _block(self, year: int) -> _YearBlock:
        block = self._years.get(year)
        if block is None:
            block = self._years[year] = self._compile(year)
        return block

    def _block_at(self, us: int, hint_year: int) -> _YearBlock:
        """The block containing ``us``; ``hint_year`` (any zone's year) is off by at most 1."""
        block = self._block(hint_year)
        while us < block.lo:
            block = self._block(block.year - 1)
        while us >= block.hi:
            block = self._block(block.year + 1)
        return block

    def _day_tables(self, year: int) -> tuple[dict[date, str], dict[date, str]]:
        """The year's holidays and make-up days: the source, then this calendar's overrides."""
        hol: dict[date, str] = {}
        work: dict[date, str] = {}
        if self.holiday_source is not None:
            src_hol, src_work = self.holiday_source(year)
            hol = {d: n for d, n in src_hol.items() if d.year == year}
            work = {d: n for d, n in src_work.items() if d.year == year}
        for d, n in self.holidays.items():
            if d.year == year:
                hol[d] = n
                work.pop(d, None)
        for d, n in self.workdays.items():
            if d.year == year:
                work[d] = n
                hol.pop(d, None)
        for d in self.not_holidays:
            hol.pop(d, None)
        return hol, work

    def _compile(self, year: int) -> _YearBlock:
        zone = self._zone

        def at(day: date, second: int) -> int:
            # Wall-clock arithmetic then offset resolution (fold=0): DST-correct epoch time.
            local = datetime(day.year, day.month, day.day, tzinfo=zone)
            return (local + timedelta(seconds=second) - _EPOCH) // _ONE_US

        first, after = date(year, 1, 1), date(year + 1, 1, 1)
        lo, hi = at(first, 0), at(after, 0)
        if self.always_open:
            return _YearBlock(year, lo, hi, [lo], [hi], [lo], ["outside hours"], ["working hours"])
        hol, work = self._day_tables(year)
        starts: list[int] = []
        ends: list[int] = []
        day_starts: list[int] = []
        day_off: list[str] = []
        day_on: list[str] = []
        day = first
        while day < after:
            hours = self._hours[day.weekday()]
            day_starts.append(at(day, 0))
            day_on.append(f"make-up day: {work[day]}" if day in work else "working hours")
            if day in hol:
                hours = ()
                day_off.append(f"holiday: {hol[day]}")
            elif not hours and day in work:
                hours = self._hours[self.makeup_weekday]
                day_off.append("outside hours")
            else:
                day_off.append("outside hours" if hours else "weekend")
            for s, e in hours:
                a, b = at(day, s), at(day, e)
                if ends and a < ends[-1]:
                    a = ends[-1]  # a repeated wall-clock hour must not be counted twice
                if b <= a:
                    continue  # the interval vanished in a spring-forward gap
                if ends and ends[-1] == a:
                    ends[-1] = b  # e.g. 24:00 today meets 00:00 tomorrow
                else:
                    starts.append(a)
                    ends.append(b)
            day += _ONE_DAY
        return _YearBlock(year, lo, hi, starts, ends, day_starts, day_off, day_on)


# ---------------------------------------------------------------------- helpers
def _to_us(t: datetime) -> int:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got naive {t!r}")
    delta = t - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _seconds(value: time | str, is_end: bool, calendar: str) -> int:
    if isinstance(value, str):
        text = value.strip()
        if is_end and text in ("24:00", "24:00:00"):
            return 86_400
        try:
            value = time.fromisoformat(text)
        except ValueError:
            raise Invalid(
                "Calendar '{calendar}': '{time}' is not a time of day (HH:MM).",
                field="weekly_hours",
                calendar=calendar,
                time=text,
            ) from None
    if not isinstance(value, time):
        raise Invalid(
            "Calendar '{calendar}': '{time}' is not a time of day (HH:MM).",
            field="weekly_hours",
            calendar=calendar,
            time=repr(value),
        )
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return 86_400 if is_end and seconds == 0 else seconds


def _parse_day(specs: Sequence[IntervalSpec], calendar: str) -> tuple[tuple[int, int], ...]:
    """Intervals of one weekday as sorted, non-overlapping (start, end) seconds of the day."""
    result: list[tuple[int, int]] = []
    for spec in specs:
        first, second = spec.split("-", 1) if isinstance(spec, str) else spec
        start, end = _seconds(first, False, calendar), _seconds(second, True, calendar)
        if not start < end or (result and start < result[-1][1]):
            raise Invalid(
                "Calendar '{calendar}': the interval {interval} is empty, out of order or "
                "overlaps the previous one.",
                field="weekly_hours",
                calendar=calendar,
                interval=repr(spec),
            )
        result.append((start, end))
    return tuple(result)


def office_calendar(
    overrides: CalendarOverrides | Mapping[str, Any] | None = None,
) -> BusinessCalendar:
    """Mon-Fri 08:30-12:00 and 13:30-17:30, Asia/Shanghai, China's official holidays and
    make-up days, plus optional site ``overrides`` (a ``CalendarOverrides`` or its dict form
    ``{"holidays": {date: name}, "workdays": {date: name}, "not_holidays": [date, ...]}``)."""
    if overrides is None:
        overrides = CalendarOverrides()
    elif not isinstance(overrides, CalendarOverrides):
        overrides = CalendarOverrides.from_mapping(overrides)
    office = ("08:30-12:00", "13:30-17:30")
    return BusinessCalendar(
        name="office",
        tz="Asia/Shanghai",
        weekly_hours=dict.fromkeys(range(5), office),
        holidays=overrides.holidays,
        workdays=overrides.workdays,
        not_holidays=overrides.not_holidays,
        holiday_source=china_official_days,
    )


def twenty_four_seven(tz: str = "Asia/Shanghai") -> BusinessCalendar:
    """Round the clock, every day: business time is elapsed real time (DST days are 23/25 h)."""
    return BusinessCalendar(name="24x7", tz=tz, always_open=True)
