"""SLA clocks on real tickets: pause, resume, reopen, priority and policy changes mid-flight.

The desk opens tickets on Friday 2026-11-27 at 09:00 Asia/Shanghai (``T0``); P3 runs on the
office calendar (60 min response, 1350 min = three office days resolution), P1 round the clock.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.domain import ClockState, PendingReason, TicketStatus
from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.business_calendar import office_calendar
from itsm_tui.workflow.sla import service as sla
from itsm_tui.workflow.sla.phase import RESPONDED, ClockPhase
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import Desk

CST = ZoneInfo("Asia/Shanghai")
OFFICE = office_calendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def _p3(desk: Desk) -> t.TicketView:
    draft = TicketDraft(title="OA系统登录缓慢", caller="E001", impact=2, urgency=2)
    view = t.create_ticket(desk.site, desk.agent1, draft)
    assert view.priority == 3
    return view


def _clock(desk: Desk) -> FrozenClock:
    clock = desk.site.clock
    assert isinstance(clock, FrozenClock)
    return clock


def _ticket(desk: Desk, number: str) -> t.TicketView:
    return t.show_ticket(desk.site, desk.admin, number).ticket


def test_opening_sets_due_times_on_the_office_calendar(desk: Desk) -> None:
    view = _p3(desk)
    assert view.response_due_at == at("2026-11-27T10:00")
    # Fri 09:00–17:30 (420) + Mon (450) + Tue (450) + 30 → Wed 09:00.
    assert view.resolution_due_at == at("2026-12-02T09:00")


def test_pending_customer_pauses_and_resume_continues(desk: Desk) -> None:
    number = _p3(desk).number
    clock = _clock(desk)
    t.claim(desk.site, desk.agent1, number)
    clock.set(at("2026-11-27T10:00"))
    paused = t.set_pending(desk.site, desk.agent1, number, reason="customer")
    assert paused.resolution_due_at is None  # no due time while the clock stands still
    clock.set(at("2026-11-30T10:00"))  # Monday
    resumed = t.resume(desk.site, desk.agent1, number)
    # 60 minutes were spent before the pause; 1290 remain from Monday 10:00.
    assert resumed.resolution_due_at == OFFICE.add_minutes(at("2026-11-30T10:00"), 1290)
    assert resumed.resolution_due_at == at("2026-12-03T09:00")
    status = sla.ticket_status(desk.site, desk.admin, number)
    resolution = status.clocks[1]
    assert resolution.elapsed_minutes == 60
    assert any(row["why"] == "paused: customer" for row in resolution.segments)


def test_the_resolution_clock_says_what_it_waits_for_and_what_stopped_it(desk: Desk) -> None:
    """The clock's state and its reason are values (no sentence to take apart); the CLI's
    wording of them is made in one place, ``str(phase)``."""
    number = _p3(desk).number
    t.claim(desk.site, desk.agent1, number)
    t.set_pending(desk.site, desk.agent1, number, reason="vendor")
    paused = sla.ticket_status(desk.site, desk.admin, number)
    assert paused.state is ClockState.PAUSED
    assert paused.clocks[1].state == ClockPhase(ClockState.PAUSED, PendingReason.VENDOR)
    assert paused.clocks[1].due_at is None
    t.resume(desk.site, desk.agent1, number)
    t.set_pending(desk.site, desk.agent1, number, reason="change")  # our own work: runs on
    assert sla.ticket_status(desk.site, desk.admin, number).state is ClockState.RUNNING
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="厂商补丁已安装")
    stopped = sla.ticket_status(desk.site, desk.admin, number)
    assert stopped.state is ClockState.STOPPED
    assert stopped.clocks[1].state == ClockPhase(ClockState.STOPPED, TicketStatus.RESOLVED)
    assert str(stopped.clocks[1].state) == "stopped: resolved"


def test_pending_change_does_not_pause(desk: Desk) -> None:
    number = _p3(desk).number
    clock = _clock(desk)
    t.claim(desk.site, desk.agent1, number)
    clock.set(at("2026-11-27T10:00"))
    view = t.set_pending(desk.site, desk.agent1, number, reason="change")
    assert view.resolution_due_at == at("2026-12-02T09:00")


def test_resolution_stops_and_reopen_continues_from_where_it_stopped(desk: Desk) -> None:
    number = _p3(desk).number
    clock = _clock(desk)
    t.claim(desk.site, desk.agent1, number)
    clock.set(at("2026-11-27T11:00"))
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="重启服务")
    clock.set(at("2026-11-30T09:00"))  # the weekend passes while resolved
    reopened = t.reopen(desk.site, desk.agent1, number, reason="又慢了")
    assert reopened.number == number
    assert reopened.resolution_due_at == OFFICE.add_minutes(at("2026-11-30T09:00"), 1350 - 120)


def test_priority_raise_keeps_spent_and_paused_time(desk: Desk) -> None:
    number = _p3(desk).number
    clock = _clock(desk)
    t.claim(desk.site, desk.agent1, number)
    clock.set(at("2026-11-27T10:00"))
    t.set_pending(desk.site, desk.agent1, number, reason="vendor")
    clock.set(at("2026-11-30T10:00"))
    t.resume(desk.site, desk.agent1, number)
    clock.set(at("2026-11-30T11:00"))
    # P2 (office, 450 min): 60 + 60 minutes spent, the paused weekend not counted.
    p2 = t.update_ticket(desk.site, desk.agent1, number, impact=1, urgency=2)
    assert p2.priority == 2
    assert p2.resolution_due_at == OFFICE.add_minutes(at("2026-11-30T11:00"), 450 - 120)
    # P1 runs round the clock, but the paused weekend still does not count: 120 of 240 spent.
    p1 = t.override_priority(desk.site, desk.sup, number, priority=1, reason="全局故障")
    assert p1.resolution_due_at == at("2026-11-30T13:00")
    assert p1.response_due_at == at("2026-11-27T09:15")


def test_policy_change_recomputes_running_tickets(desk: Desk) -> None:
    number = _p3(desk).number
    _clock(desk).set(at("2026-11-27T10:00"))
    sla.set_policy(desk.site, desk.sup, 3, {"resolution": 900})
    assert _ticket(desk, number).resolution_due_at == at("2026-12-01T09:00")
    with pytest.raises(Forbidden):
        sla.set_policy(desk.site, desk.agent1, 3, {"resolution": 60})
    with pytest.raises(Invalid, match="calendar"):
        sla.set_policy(desk.site, desk.sup, 3, {"calendar": "lunar"})


def test_category_policy_wins_over_the_priority_policy(desk: Desk) -> None:
    sla.set_policy(desk.site, desk.sup, 3, {"category": "sw", "resolution": 120})
    draft = TicketDraft(title="OA", caller="E001", impact=2, urgency=2, category="软件/OA系统")
    view = t.create_ticket(desk.site, desk.agent1, draft)
    assert view.resolution_due_at == at("2026-11-27T11:00")  # parent category "sw" matches
    status = sla.ticket_status(desk.site, desk.agent1, view.number)
    assert status.policy == "P3/category:sw"


def test_calendar_import_adds_a_site_holiday_and_recomputes(desk: Desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    number = _p3(desk).number
    path = tmp_path / "holidays.toml"
    path.write_text('[holidays]\n2026-11-30 = "机房搬迁"\n', encoding="utf-8")
    sla.import_calendar(desk.site, desk.sup, str(path))
    # Monday is now a day off: the due time moves one office day later.
    assert _ticket(desk, number).resolution_due_at == at("2026-12-03T09:00")
    info = sla.show_calendar(desk.site, desk.agent1, "office", 2026)
    assert info.holidays["2026-11-30"] == "机房搬迁"
    assert info.holidays["2026-10-01"]  # the official list is still there
    path.write_text('[holidays]\n2026-11-30 = "x"\n[workdays]\n2026-11-30 = "y"\n')
    with pytest.raises(Invalid, match="both"):
        sla.import_calendar(desk.site, desk.sup, str(path))


def test_explain_shows_skipped_holidays_and_whom_next(desk: Desk) -> None:
    number = _p3(desk).number
    t.claim(desk.site, desk.agent1, number)  # responded: only the resolution clock runs on
    _clock(desk).set(at("2026-11-30T10:00"))
    status = sla.ticket_status(desk.site, desk.agent1, number)
    assert status.state == "running" and status.calendar == "office"
    reasons = {row["why"] for row in status.clocks[1].segments}
    assert {"working hours", "outside hours", "weekend"} <= reasons
    assert status.next_threshold is not None
    # Tier 1 has 240 minutes before the ticket goes up to tier 2 (Friday 14:30).
    assert status.next_threshold.kind == "tier1_budget"
    assert status.next_threshold.at == at("2026-11-27T14:30")
    assert status.next_threshold.notifies == ["sup (group_supervisor)", "eng1 (next_tier)"]
    half = next(x for x in status.thresholds if x.kind == "resolution:50")
    assert half.notifies == ["agent1 (assignee)"]
    assert status.clocks[0].state == ClockPhase(ClockState.STOPPED, RESPONDED)
    assert str(status.clocks[0].state) == "stopped: responded"  # as `itsm sla status` words it


def test_deadline_what_if_and_calc(desk: Desk) -> None:
    d = sla.deadline(desk.site, desk.agent1, 2, "2026-09-30T16:00")
    # 2026-10-01 … 10-07 are the National Day holidays: 90 minutes on the 30th, 360 on the 8th.
    assert d.response_due_at == at("2026-09-30T16:30")
    assert d.resolution_due_at == OFFICE.add_minutes(at("2026-09-30T16:00"), 450)
    assert d.resolution_due_at.astimezone(CST).date().isoformat() == "2026-10-08"
    c = sla.calc(desk.site, desk.agent1, "office", "2026-11-27T11:30", minutes=30)
    assert c.end == at("2026-11-27T13:30")
    c = sla.calc(desk.site, desk.agent1, "office", "2026-11-27T03:00+00:00", end="2026-11-30T09:00")
    assert c.minutes == 60 + 240 + 30
    with pytest.raises(Invalid, match="ISO 8601"):
        sla.calc(desk.site, desk.agent1, "office", "tomorrow", minutes=5)


def test_queue_progress_time_left_and_percent(desk: Desk) -> None:
    number = _p3(desk).number
    _clock(desk).set(at("2026-11-27T10:30"))
    page = t.list_tickets(desk.site, desk.agent1, "open")
    progress = page.sla  # each page carries its rows' clocks
    row = next(r for r in page.rows if r.number == number)
    assert progress[row.id].state == "running"
    assert progress[row.id].minutes_left == 1350 - 90
    assert progress[row.id].elapsed_percent == 7


def test_at_risk_from_the_last_warning_step_until_breach(desk: Desk) -> None:
    """At risk = past the ladder's last warning step (75 %) and not yet due; paused: neither."""
    from itsm_tui.workflow.dashboard import dashboard
    from itsm_tui.workflow.tickets import Queue

    draft = TicketDraft(title="核心交换机端口故障", impact=1, urgency=1, group="server")
    view = t.create_ticket(desk.site, desk.eng1, draft)  # P1: 240 min round the clock
    assert view.resolution_warn_at == at("2026-11-27 12:00")  # 75 % of 240 min
    assert view.resolution_due_at == at("2026-11-27 13:00")

    def risky() -> tuple[int, int]:
        counts = dashboard(desk.site, desk.sup).counts
        return counts[Queue.AT_RISK], counts[Queue.BREACHED]

    assert risky() == (0, 0)
    _clock(desk).set(at("2026-11-27 12:10"))
    assert risky() == (1, 0)
    t.claim(desk.site, desk.eng1, view.number)
    paused = t.set_pending(desk.site, desk.eng1, view.number, reason="vendor")
    assert paused.resolution_warn_at is None and paused.resolution_due_at is None
    assert risky() == (0, 0)
    _clock(desk).set(at("2026-11-27 14:10"))  # two hours waiting for the vendor
    resumed = t.resume(desk.site, desk.eng1, view.number)
    assert resumed.resolution_due_at == at("2026-11-27 15:00")  # the pause does not count
    _clock(desk).set(at("2026-11-27 15:01"))
    assert risky() == (0, 1)


def test_time_left_is_business_time_over_a_weekend(desk: Desk) -> None:
    """Due Monday 10:00, seen Friday 17:00 on the office calendar (08:30–12:00, 13:30–17:30):
    half an hour on Friday and ninety minutes on Monday — 2 h left, not the 65 h on the wall.
    The queue page and the ticket screen's read both say so; a paused clock says "paused"."""
    from sqlalchemy import update
    from sqlmodel import Session

    from itsm_tui.storage.tables import Ticket

    number = _p3(desk).number
    with Session(desk.site.engine) as s:
        s.exec(  # type: ignore[call-overload]
            update(Ticket)
            .where(Ticket.number == number)
            .values(resolution_due_at=at("2026-11-30T10:00"))
        )
        s.commit()
    _clock(desk).set(at("2026-11-27T17:00"))
    page = t.list_tickets(desk.site, desk.agent1, "open")
    row = next(r for r in page.rows if r.number == number)
    assert page.sla[row.id].state == "running"
    assert page.sla[row.id].minutes_left == 120  # wall clock: 65 h
    assert page.sla[row.id].calendar == "office"
    overview = t.ticket_overview(desk.site, desk.agent1, number)
    assert overview.resolution.minutes_left == 120
    assert overview.response.minutes_left == -(120 + 210)  # due Fri 10:00: 7 h ago, 5.5 worked
    _clock(desk).set(at("2026-11-30T11:00"))  # Monday: an hour past, in business time too
    assert t.ticket_overview(desk.site, desk.agent1, number).resolution.minutes_left == -60
    t.claim(desk.site, desk.agent1, number)
    t.set_pending(desk.site, desk.agent1, number, reason="customer")
    paused = t.list_tickets(desk.site, desk.agent1, "open")
    clock = next(paused.sla[r.id] for r in paused.rows if r.number == number)
    assert clock.state == "paused" and clock.minutes_left is not None
