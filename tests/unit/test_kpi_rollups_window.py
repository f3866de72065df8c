"""Raising the reopen window after days were rolled up: the days the wider window reaches are
dropped with the setting's change, so a ticket reopened on one of them no longer counts as
resolved there, and the rolled-up figures stay equal to a live count."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.domain import TicketStatus
from itsm_tui.storage.engine import read_session
from itsm_tui.storage.tables import JournalEntry, KpiDay, KpiDayCount, Ticket
from itsm_tui.workflow.context import Read, load_actor
from itsm_tui.workflow.kpi.base import Window
from itsm_tui.workflow.kpi.periods import parse_period
from itsm_tui.workflow.kpi.rollups import nightly_rollups, resolved_counts
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.site_settings import set_setting
from itsm_tui.workflow.tickets import reopen, resolve
from tests.unit import reporting_site
from tests.unit.reporting_site import NOW

clock, seeded = reporting_site.clock, reporting_site.seeded


def _november(site: Site, admin: Actor) -> object:
    window = Window(*parse_period("2026-11").bounds(site.settings.zone))
    with read_session(site.engine) as session:
        read = Read(site, session, load_actor(session, admin), NOW)
        return resolved_counts(read, window), resolved_counts(read, window, "priority")


def _open_ticket(site: Site) -> str:
    with Session(site.engine) as session:
        return session.execute(
            select(Ticket.number)
            .where(col(Ticket.status).in_([TicketStatus.NEW, TicketStatus.ASSIGNED]))
            .order_by(col(Ticket.id))
            .limit(1)
        ).scalar_one()


def test_raising_the_window_drops_the_days_it_reopens(seeded: Site, admin: Actor) -> None:
    number = _open_ticket(seeded)
    seeded.clock = FrozenClock(NOW - timedelta(days=12))  # resolved 12 days ago
    resolve(seeded, admin, number, code="fixed", text="重启服务")
    seeded.clock = FrozenClock(NOW)
    assert nightly_rollups(seeded, Actor.system()) > 300  # the 7-day window: that day is rolled
    with Session(seeded.engine) as session:
        kept = session.execute(select(func.count()).select_from(KpiDay)).scalar_one()

    set_setting(seeded, admin, "reopen_window_days", 30)
    with Session(seeded.engine) as session:
        after = session.execute(select(func.count()).select_from(KpiDay)).scalar_one()
        last = session.execute(select(func.max(KpiDay.end_at))).scalar_one()
        entry = session.execute(
            select(JournalEntry.changes)
            .where(JournalEntry.entity == "setting")
            .order_by(col(JournalEntry.id).desc())
            .limit(1)
        ).scalar_one()
    assert after == kept - 23  # the days between 30 and 7 days back
    assert last.replace(tzinfo=NOW.tzinfo) <= NOW - timedelta(days=30)
    assert entry["kpi_days_dropped"] == 23

    # Reopened under the new window: it no longer counts as resolved in November.
    reopen(seeded, admin, number, reason="又坏了")
    rolled = _november(seeded, admin)
    with Session(seeded.engine) as session:
        session.execute(delete(KpiDayCount))
        session.execute(delete(KpiDay))
        session.commit()
    assert rolled == _november(seeded, admin)
    # And the nightly job rolls those days again once final under the new window.
    assert nightly_rollups(seeded, Actor.system()) > 300


def test_lowering_the_window_keeps_every_day(seeded: Site, admin: Actor) -> None:
    days = nightly_rollups(seeded, Actor.system())
    set_setting(seeded, admin, "reopen_window_days", 3)
    with Session(seeded.engine) as session:
        assert session.execute(select(func.count()).select_from(KpiDay)).scalar_one() == days
