"""Throughput of the SLA business-calendar arithmetic (target: >= 50,000 deadlines/s, one core).

Run from the repository root: ``python benchmarks/calendar_bench.py [--n 200000] [--seed 7]``.
Starts are random instants over 2026 (UTC), targets 30 minutes to 5 business days. Year blocks
are compiled before timing, as they would be in a running service.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from itsm_tui.workflow.business_calendar import (
    BusinessCalendar,
    office_calendar,
    twenty_four_seven,
)

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_SECONDS = 365 * 86_400


def _starts(rng: random.Random, n: int) -> list[datetime]:
    return [YEAR_START + timedelta(seconds=rng.randrange(YEAR_SECONDS)) for _ in range(n)]


def _rate(label: str, n: int, run: Callable[[], object]) -> float:
    began = time.perf_counter()
    run()
    per_second = n / (time.perf_counter() - began)
    print(f"{label:<44} {per_second:>12,.0f} /s")
    return per_second


def bench(calendar: BusinessCalendar, day_minutes: int, n: int, rng: random.Random) -> float:
    starts = _starts(rng, n)
    targets = [rng.randint(30, 5 * day_minutes) for _ in range(n)]
    ends = [s + timedelta(minutes=rng.randint(0, 10 * 24 * 60)) for s in starts]
    for year in (2025, 2026, 2027, 2028):  # warm the lazily compiled year blocks
        calendar.add_minutes(datetime(year, 6, 1, tzinfo=UTC), 0)
    add, between = calendar.add_minutes, calendar.minutes_between
    rate = _rate(
        f"add_minutes      [{calendar.name}]",
        n,
        lambda: [add(s, m) for s, m in zip(starts, targets, strict=True)],
    )
    _rate(
        f"minutes_between  [{calendar.name}]",
        n,
        lambda: [between(a, b) for a, b in zip(starts, ends, strict=True)],
    )
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="calls per measurement")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"Python {sys.version.split()[0]}, {args.n:,} calls per line")
    rates = [
        bench(office_calendar(), 450, args.n, rng),  # 7.5 business hours a day
        bench(twenty_four_seven(), 24 * 60, args.n, rng),
    ]
    verdict = "OK" if min(rates) >= 50_000 else "BELOW TARGET"
    print(f"add_minutes target 50,000/s: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
