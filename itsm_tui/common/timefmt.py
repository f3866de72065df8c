"""Showing instants to people: always in the site's zone, never as raw UTC."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def local(value: datetime | None, zone: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``value`` in the site's zone (blank for None)."""
    return "" if value is None else value.astimezone(zone).strftime(fmt)


def _span(seconds: int) -> str:
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


def span(delta: timedelta) -> str:
    """A short duration without a direction: "2d 3h", "1h 5m", "12m"."""
    return _span(abs(int(delta.total_seconds())))


def business(minutes: int) -> str:
    """Business minutes as a short duration: "45m", "2h 10m", "120h" — never in days, since
    a business day is not 24 hours (an office day is 7.5)."""
    minutes = abs(minutes)
    hours, rest = divmod(minutes, 60)
    if hours >= 100:
        return f"{hours}h"
    return f"{hours}h {rest}m" if hours else f"{rest}m"


def business_left(minutes: int) -> str:
    """Business time left before a limit, compact for a table cell: "1h 5m", or "-12m" once
    past."""
    return business(minutes) if minutes >= 0 else f"-{business(minutes)}"
