"""The daily rollups of the tickets resolved: taken only for final days (beyond the reopen
window), each once, and equal to the live count for the site, a group, a tier and a priority,
so the report's figures and its twelve periods of history are the same with them as without;
and the percentiles ranked by the database equal those ranked in Python."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from itsm_tui.common.clock import FrozenClock
from itsm_tui.storage import migrate
from itsm_tui.storage.engine import read_session
from itsm_tui.storage.tables import AssignmentGroup, KpiDay
from itsm_tui.workflow.admin import upgrade_database
from itsm_tui.workflow.context import Read, load_actor
from itsm_tui.workflow.kpi import times
from itsm_tui.workflow.kpi.base import Window
from itsm_tui.workflow.kpi.periods import parse_period
from itsm_tui.workflow.kpi.report import kpi_report
from itsm_tui.workflow.kpi.rollups import nightly_rollups, resolved_counts
from itsm_tui.workflow.site import Actor, Site
from tests.unit import reporting_site
from tests.unit.reporting_site import NOW

#: The report tests' site and its "now" (pytest finds a fixture by the module's attribute).
clock, seeded = reporting_site.clock, reporting_site.seeded

SECTIONS = ["summary", "first_line", "times", "sla", "backlog"]


def _counts(site: Site, admin: Actor, windows: list[Window]) -> list[object]:
    with read_session(site.engine) as session:
        read = Read(site, session, load_actor(session, admin), NOW)
        return [(resolved_counts(read, w), resolved_counts(read, w, "priority")) for w in windows]


def test_rolled_up_counts_and_figures_equal_the_live_ones(seeded: Site, admin: Actor) -> None:
    zone = seeded.settings.zone
    with Session(seeded.engine) as session:
        groups = list(session.exec(select(AssignmentGroup.id)).scalars())
    windows = [
        Window(*parse_period(key).bounds(zone), group_id, tier)
        for key in ("2026-01", "2026-06-30", "2026-10", "2026-11", "2026-W48", "2026-12")
        for group_id, tier in [(None, None), (groups[0], None), (None, 2), (groups[1], 1)]
    ]
    live = _counts(seeded, admin, windows)
    assert any(c[0][None]["resolved"] for c in live) and any(c[0][None]["sla_met"] for c in live)
    report = kpi_report(seeded, admin, parse_period("2026-11"), sections=SECTIONS, history=12)
    assert report.rollups == {"through": None, "taken_at": None}

    days = nightly_rollups(seeded, Actor.system())
    assert days > 300  # the demo's year, day by day

    assert _counts(seeded, admin, windows) == live
    rolled = kpi_report(seeded, admin, parse_period("2026-11"), sections=SECTIONS, history=12)
    assert rolled.figures == report.figures
    assert rolled.headlines == report.headlines
    assert rolled.history == report.history
    # The report says how far the rollups reach: the last day beyond the 7-day reopen window.
    assert rolled.rollups["through"] == "2026-11-24"
    assert rolled.to_json()["rollups"]["taken_at"] == NOW.isoformat()


def test_only_final_days_are_rolled_and_each_once(seeded: Site) -> None:
    first = nightly_rollups(seeded, Actor.system())
    assert first > 0 and nightly_rollups(seeded, Actor.system()) == 0
    with Session(seeded.engine) as session:
        ends = session.execute(select(KpiDay.end_at)).scalars().all()
        assert len(ends) == len(set(ends)) == first
        last = session.execute(select(func.max(KpiDay.end_at))).scalar_one()
    # Nothing within the reopen window (7 days) of now: a ticket there may still be reopened.
    assert last.replace(tzinfo=UTC) <= NOW - timedelta(days=7)
    # A day later, the next day has become final.
    later = FrozenClock(NOW + timedelta(days=1))
    seeded.clock = later
    assert nightly_rollups(seeded, Actor.system()) == 1


def test_percentiles_ranked_by_the_database_equal_pythons(seeded: Site, admin: Actor) -> None:
    zone = seeded.settings.zone
    with read_session(seeded.engine) as session:
        read = Read(seeded, session, load_actor(session, admin), NOW)
        for key in ("2026-11", "2026-10-15", "2026-Q3", "2025-12"):
            window = Window(*parse_period(key).bounds(zone))
            ranked = times.compute(read, window, False)
            listed = times.compute(read, window, True)
            for figure in ("resolution_median_min", "resolution_p90_min"):
                assert ranked[figure] == listed[figure], (key, figure)


def test_an_upgrade_from_0018_rolls_up_the_past(seeded: Site, admin: Actor) -> None:
    migrate.downgrade(seeded.engine, "0018")
    assert upgrade_database(seeded, admin) == ("0018", migrate.HEAD)
    with Session(seeded.engine) as session:
        assert session.execute(select(func.count()).select_from(KpiDay)).scalar_one() > 300
    report = kpi_report(seeded, admin, parse_period("2026-11"), sections=["summary"])
    assert report.rollups["through"] == "2026-11-24"
