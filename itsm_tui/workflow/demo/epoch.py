"""Integer epoch seconds → the driver value the ORM would have stored, at a fraction of the cost.

Why: a demo ticket carries about ten timestamps (its own, its contacts', its journal entries'),
so a million tickets means ten million conversions. ``datetime`` + ``strftime`` costs ~2 µs each,
which alone would take longer than SQLite needs to store the rows. The generator therefore
works in integer seconds and converts at the very end through a stamper built here, which
reproduces ``bulk.timestamp_adapter(conn)`` exactly — proved against it when it is built, so a
change to the storage format cannot silently produce rows the ORM reads differently.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection

from itsm_tui.storage import bulk

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = 86_400

Stamper = Callable[[int], Any]

#: Instants the fast path is checked against: odd seconds, a leap day, both ends of a day.
_PROBES = (0, 951_782_400, 1_709_251_199, 1_798_761_599, 1_767_225_600 + 12 * 3600 + 34 * 60 + 56)


def to_datetime(seconds: int) -> datetime:
    """The aware UTC instant for ``seconds`` since the epoch."""
    return EPOCH + timedelta(seconds=seconds)


@cache
def _time_of_day() -> tuple[str, ...]:
    """ "HH:MM:SS.000000" for every second of a day (86,400 short strings, built once)."""
    return tuple(
        f"{h:02d}:{m:02d}:{s:02d}.000000" for h in range(24) for m in range(60) for s in range(60)
    )


def _text_stamper() -> Stamper:
    """SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff": a cached day prefix plus a table lookup."""
    days: dict[int, str] = {}
    time_of_day = _time_of_day()

    def stamp(seconds: int) -> str:
        day, rest = divmod(seconds, DAY)
        prefix = days.get(day)
        if prefix is None:
            prefix = days[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
        return prefix + time_of_day[rest]

    return stamp


def _naive_stamper() -> Stamper:
    """PostgreSQL takes naive UTC datetimes: a cached midnight plus the seconds of the day."""
    days: dict[int, datetime] = {}

    def stamp(seconds: int) -> datetime:
        day, rest = divmod(seconds, DAY)
        midnight = days.get(day)
        if midnight is None:
            midnight = days[day] = datetime(1970, 1, 1) + timedelta(days=day)
        return midnight + timedelta(seconds=rest)

    return stamp


def iso_stamper() -> Callable[[int], str]:
    """Epoch seconds → ``datetime.isoformat()`` of the UTC instant, as ``Tx.journal`` writes
    times into ``changes`` (e.g. "2026-11-27T01:00:00+00:00")."""
    days: dict[int, str] = {}
    time_of_day = _time_of_day()

    def iso(seconds: int) -> str:
        day, rest = divmod(seconds, DAY)
        prefix = days.get(day)
        if prefix is None:
            prefix = days[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%dT")
        return prefix + time_of_day[rest][:8] + "+00:00"

    if not all(iso(s) == to_datetime(s).isoformat() for s in _PROBES):
        return lambda seconds: to_datetime(seconds).isoformat()
    return iso


def epoch_stamper(conn: Connection) -> Stamper:
    """A function from epoch seconds to what ``bulk.timestamp_adapter(conn)`` returns.

    Uses a fast path when it reproduces the adapter on the probe instants, else the adapter
    itself (correct, slower), so an unknown driver still gets right values.
    """
    adapt = bulk.timestamp_adapter(conn)
    for fast in (_text_stamper(), _naive_stamper()):
        if all(fast(s) == adapt(to_datetime(s)) for s in _PROBES):
            return fast
    return lambda seconds: adapt(to_datetime(seconds))
