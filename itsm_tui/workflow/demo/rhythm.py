"""When demo tickets arrive: a year of hours weighted by the office's daily and weekly rhythm.

Why hour by hour: queue screens, the SLA scan and the KPI reports are all judged on time
patterns (the Monday-morning peak, quiet nights, the Spring Festival lull), and a uniform spread
would hide every one of them. The year is 8,760 hour weights — tiny — and tickets are dealt out
over them by cumulative rounding, so the total is exact, the order is chronological (numbers rise
with time, as the real number series does) and nothing per ticket is held in memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

from itsm_tui.workflow.demo.epoch import DAY

HOUR = 3600
YEAR_DAYS = 365

#: Relative arrivals per local hour of a working day: peaks 09–11 and 14–16, a lunch dip.
HOUR_WEIGHT: tuple[float, ...] = (
    0.04, 0.03, 0.02, 0.02, 0.02, 0.03, 0.06, 0.2,  # 00–07
    1.0, 3.0, 3.2, 2.4, 0.7, 1.4, 2.9, 3.0,  # 08–15
    2.6, 1.5, 0.5, 0.3, 0.2, 0.12, 0.08, 0.05,  # 16–23
)  # fmt: skip
#: Relative arrivals per weekday (Monday first): Monday catches up the weekend, Friday eases.
WEEKDAY_WEIGHT: tuple[float, ...] = (1.25, 1.05, 1.0, 1.0, 0.85, 0.12, 0.08)
HOLIDAY_WEIGHT = 0.08
#: Day-to-day noise (log-normal sigma) and the growth over the year (more users, more systems).
DAY_SIGMA = 0.18
YEARLY_GROWTH = 0.15


def year_start(now: int) -> int:
    """The first second of the demo year that ends at ``now``."""
    return now - YEAR_DAYS * DAY


def _public_holidays(zone: ZoneInfo, start: int, now: int) -> set[date]:
    first = datetime.fromtimestamp(start, zone).year
    last = datetime.fromtimestamp(now, zone).year
    return set(holidays.country_holidays("CN", years=range(first, last + 1)))


def hour_weights(rng: random.Random, now: int, zone: ZoneInfo) -> list[float]:
    """One weight per hour of the year ending at ``now`` (hour k starts at start + k·3600)."""
    start = year_start(now)
    days_off = _public_holidays(zone, start, now)
    weights: list[float] = []
    day_noise: dict[date, float] = {}
    hours = YEAR_DAYS * 24
    for k in range(hours):
        local = datetime.fromtimestamp(start + k * HOUR + HOUR // 2, UTC).astimezone(zone)
        day = local.date()
        noise = day_noise.get(day)
        if noise is None:
            noise = day_noise[day] = rng.lognormvariate(0.0, DAY_SIGMA)
        base = HOLIDAY_WEIGHT if day in days_off else WEEKDAY_WEIGHT[local.weekday()]
        growth = 1.0 + YEARLY_GROWTH * k / hours
        weights.append(HOUR_WEIGHT[local.hour] * base * noise * growth)
    return weights


def arrivals(rng: random.Random, now: int, count: int, zone: ZoneInfo) -> Iterator[int]:
    """``count`` opening instants (epoch seconds) over the year before ``now``, in order."""
    if count <= 0:
        return
    weights = hour_weights(rng, now, zone)
    total = sum(weights)
    start = year_start(now)
    cumulative = 0.0
    dealt = 0
    for k, weight in enumerate(weights):
        cumulative += weight
        # Cumulative rounding: the counts add up to exactly ``count`` whatever the weights.
        upto = count if k == len(weights) - 1 else min(count, int(count * cumulative / total))
        n, dealt = upto - dealt, upto
        if n:
            base = start + k * HOUR
            randrange = rng.randrange
            for offset in sorted(randrange(HOUR) for _ in range(n)):
                yield base + offset


def local_offset(zone: ZoneInfo, now: int) -> int:
    """The zone's UTC offset at ``now`` in seconds (for cheap "is it office hours" tests)."""
    offset = datetime.fromtimestamp(now, UTC).astimezone(zone).utcoffset() or timedelta(0)
    return int(offset.total_seconds())
