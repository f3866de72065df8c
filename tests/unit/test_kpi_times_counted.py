"""Section 3's medians and p90 are ranked from the minutes counted by the database (one row per
priority and whole minute, not one per ticket): they must equal the nearest-rank percentiles of
the tickets' own minutes, recomputed here in Python, for the site, a group and a tier, over
several periods, ties included."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from itsm_tui.common.domain import PRIORITY_LEVELS
from itsm_tui.storage.engine import read_session
from itsm_tui.storage.tables import AssignmentGroup, Ticket
from itsm_tui.workflow.context import Read, load_actor
from itsm_tui.workflow.kpi import times
from itsm_tui.workflow.kpi.base import RESOLVED, Window, counted_percentile, percentile
from itsm_tui.workflow.kpi.periods import parse_period
from itsm_tui.workflow.site import Actor, Site
from tests.unit import reporting_site
from tests.unit.reporting_site import NOW, seed_site

PERIODS = ("2026-11", "2026-10-15", "2026-Q3", "2026-W48")
#: The report tests' "now" and clock (pytest finds a fixture by the module's attribute).
clock = reporting_site.clock


@pytest.fixture
def seeded(site: Site, admin: Actor) -> Site:
    seed_site(site, admin)
    # Few distinct minutes, so most tickets share their minutes with others: the counts, not
    # the rows, decide each rank.
    rng = random.Random(3)
    with Session(site.engine) as session:
        for ticket_id in session.exec(select(Ticket.id)).all():
            session.execute(
                update(Ticket)
                .where(col(Ticket.id) == ticket_id)
                .values(
                    resolution_elapsed_min=rng.choice([None, 0, 15, 15, 60, 60, 60, 240, 900]),
                    response_elapsed_min=rng.choice([None, 1, 5, 5, 5, 30, 120]),
                )
            )
        session.commit()
    return site


@pytest.mark.parametrize(
    "values",
    [[7], [1, 1, 1, 1], [0, 5, 5, 5, 9, 9, 100], list(range(1, 11)), [3, 3, 8, 8, 8, 8, 20, 21]],
)
def test_counted_percentiles_are_the_nearest_ranks_of_the_values(values: list[int]) -> None:
    counts: dict[int, int] = defaultdict(int)
    for v in values:
        counts[v] += 1
    counted = sorted(counts.items())
    for p in (1, 10, 25, 50, 75, 89, 90, 91, 99, 100):
        assert counted_percentile(counted, p) == percentile(sorted(values), p), (values, p)
    assert counted_percentile([], 50) is None


def _python(site: Site, window: Window) -> dict[str, object]:
    """The section's figures from every ticket's row, ranked in Python."""
    with Session(site.engine) as session:
        tickets = session.exec(select(Ticket)).all()

    def inside(at: datetime | None) -> bool:
        return at is not None and window.start <= at.replace(tzinfo=UTC) < window.end

    def scoped(t: Ticket) -> bool:
        return (window.group_id is None or t.group_id == window.group_id) and (
            window.tier is None or t.tier == window.tier
        )

    response: dict[int, list[int]] = defaultdict(list)
    resolution: dict[int, list[int]] = defaultdict(list)
    for t in tickets:
        if not scoped(t):
            continue
        if inside(t.opened_at) and t.response_elapsed_min is not None:
            response[t.priority].append(t.response_elapsed_min)
        if (
            inside(t.resolved_at)
            and t.status in RESOLVED
            and t.resolution_elapsed_min is not None
        ):
            resolution[t.priority].append(t.resolution_elapsed_min)
    every_response = sorted(m for ms in response.values() for m in ms)
    every_resolution = sorted(m for ms in resolution.values() for m in ms)
    return {
        "response_median_min": percentile(every_response, 50),
        "resolution_median_min": percentile(every_resolution, 50),
        "resolution_p90_min": percentile(every_resolution, 90),
        "by_priority": [
            {
                "priority": level,
                "responded": len(response[level]),
                "response_median_min": percentile(sorted(response[level]), 50),
                "response_p90_min": percentile(sorted(response[level]), 90),
                "resolved": len(resolution[level]),
                "resolution_median_min": percentile(sorted(resolution[level]), 50),
                "resolution_p90_min": percentile(sorted(resolution[level]), 90),
            }
            for level in PRIORITY_LEVELS
        ],
    }


def test_times_from_counted_minutes_equal_the_tickets_own(seeded: Site, admin: Actor) -> None:
    zone = seeded.settings.zone
    with Session(seeded.engine) as session:
        groups = list(session.exec(select(AssignmentGroup.id)).all())
    checked = 0
    with read_session(seeded.engine) as session:
        read = Read(seeded, session, load_actor(session, admin), NOW)
        for key in PERIODS:
            for group_id, tier in [(None, None), (groups[0], None), (None, 2), (groups[1], 1)]:
                window = Window(*parse_period(key).bounds(zone), group_id, tier)
                expected = _python(seeded, window)
                got = times.compute(read, window, True)
                assert got == expected, (key, group_id, tier)
                brief = times.compute(read, window, False)
                assert brief["resolution_median_min"] == expected["resolution_median_min"]
                assert brief["resolution_p90_min"] == expected["resolution_p90_min"]
                checked += sum(p["resolved"] for p in got["by_priority"])  # type: ignore[index]
    assert checked > 100  # the periods hold enough resolved tickets to rank
