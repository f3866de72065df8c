"""The nightly backlog snapshots (each day once, equal to the backlog section's own count for
the site, a group and a tier, and read by the report for earlier periods) and the response
minutes stored with the first response (and measured again the same for the past)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from itsm_tui.storage.engine import read_session
from itsm_tui.storage.tables import AssignmentGroup, BacklogSnapshot, Ticket
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.context import Read, load_actor
from itsm_tui.workflow.kpi import backlog
from itsm_tui.workflow.kpi.base import Window
from itsm_tui.workflow.kpi.periods import parse_period
from itsm_tui.workflow.kpi.report import kpi_report
from itsm_tui.workflow.kpi.snapshots import (
    fill_response_minutes,
    nightly_snapshots,
    snapshot_backlog,
)
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.sla import config as sla_config
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import Desk
from tests.unit import reporting_site
from tests.unit.reporting_site import NOW

#: The report tests' site and its "now" (pytest finds a fixture by the module's attribute).
clock, seeded = reporting_site.clock, reporting_site.seeded


def _live(site: Site, admin: Actor, window: Window) -> int:
    with read_session(site.engine) as session:
        read = Read(site, session, load_actor(session, admin), NOW)
        return int(backlog.compute(read, window, True)["backlog"])


def _stored(site: Site, window: Window) -> int | None:
    with read_session(site.engine) as session:
        return snapshot_backlog(session, window)


def test_each_days_snapshot_is_the_backlog_sections_own_count(seeded: Site, admin: Actor) -> None:
    assert nightly_snapshots(seeded, Actor.system()) > 300  # the demo's year, day by day
    zone = seeded.settings.zone
    with Session(seeded.engine) as session:
        groups = list(session.exec(select(AssignmentGroup.id)).scalars())
    for key in ("2026-01", "2026-06-30", "2026-10", "2026-11-15", "2026-12-01"):
        start, end = parse_period(key).bounds(zone)
        for group_id, tier in [(None, None), (groups[0], None), (None, 2), (groups[1], 1)]:
            window = Window(start, end, group_id, tier)
            assert _stored(seeded, window) == _live(seeded, admin, window), (key, group_id, tier)
    # Today has not ended: no snapshot yet.
    start, end = parse_period("2026-12-02").bounds(zone)
    assert _stored(seeded, Window(start, end)) is None


def test_a_day_is_snapshotted_once(seeded: Site, admin: Actor) -> None:
    first = nightly_snapshots(seeded, Actor.system())
    assert first > 0 and nightly_snapshots(seeded, Actor.system()) == 0
    with Session(seeded.engine) as session:
        ends = session.execute(select(BacklogSnapshot.end_at)).scalars().all()
        assert len(ends) == len(set(ends)) == first
        taken = session.execute(select(func.max(BacklogSnapshot.end_at))).scalar_one()
    # A second scheduler racing for the same day is refused by the unique key.
    with pytest.raises(IntegrityError), seeded.engine.begin() as conn:
        conn.execute(
            insert(BacklogSnapshot),
            {"end_at": taken, "day": "2026-12-01", "backlog": 0, "taken_at": NOW},
        )
    # The next night takes the one day that ended since.
    seeded.clock.advance(days=1)  # type: ignore[attr-defined]
    assert nightly_snapshots(seeded, Actor.system()) == 1


def test_the_report_reads_the_same_figures_from_the_snapshots(seeded: Site, admin: Actor) -> None:
    period = parse_period("2026-11")
    before = kpi_report(seeded, admin, period, sections=["summary"], history=12)
    nightly_snapshots(seeded, Actor.system())
    after = kpi_report(seeded, admin, period, sections=["summary"], history=12)
    assert after.history == before.history and after.headlines == before.headlines
    assert any(after.history["backlog"])


def test_response_minutes_are_stored_with_the_first_response_and_refilled_the_same(
    desk: Desk,
) -> None:
    site = desk.site
    view = t.create_ticket(site, desk.agent1, TicketDraft(title="打印机卡纸"))
    with Session(site.engine) as session:
        assert session.get(Ticket, view.id).response_elapsed_min is None  # type: ignore[union-attr]
    site.clock.advance(minutes=47)  # type: ignore[attr-defined]
    t.claim(site, desk.agent1, view.number)
    with Session(site.engine) as session:
        ticket = session.get(Ticket, view.id)
        assert ticket is not None and ticket.first_response_at is not None
        policy = sla_config.read_config(session).by_key(ticket.sla_policy)
        assert policy is not None
        cal = sla_config.calendar(session, policy.calendar)
        expected = cal.minutes_between(ticket.opened_at, ticket.first_response_at)
        assert ticket.response_elapsed_min == expected
    # A ticket answered before the column existed is measured the same by the backfill.
    with Session(site.engine) as session:
        session.execute(update(Ticket).values(response_elapsed_min=None))
        assert fill_response_minutes(session) == (1, view.id)
        session.commit()
        stored = session.exec(select(Ticket.response_elapsed_min)).scalars().all()
        assert stored == [expected]
        assert fill_response_minutes(session, after=view.id) == (0, view.id)
