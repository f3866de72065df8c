"""A flag reaches the group's supervisor's inbox in the flag's own transaction (issue: "after a
flag, the supervisor's dashboard still said No alerts")."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from itsm_tui.common.config import Settings
from itsm_tui.common.errors import Invalid
from itsm_tui.storage.tables import NotificationOutbox, SlaAlert
from itsm_tui.workflow import groups
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.dashboard import dashboard
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.sla.alerts import list_alerts, recent_alerts
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import Desk


def _new(desk: Desk) -> str:
    draft = TicketDraft(title="OA系统登录缓慢", caller="E001", category="软件/OA系统")
    return t.create_ticket(desk.site, desk.agent1, draft).number


def test_a_flag_is_in_the_supervisors_inbox_at_once(desk: Desk) -> None:
    number = _new(desk)
    assert recent_alerts(desk.site, desk.sup) == []
    t.flag(desk.site, desk.agent1, number, reason="用户投诉处理太慢")
    inbox = recent_alerts(desk.site, desk.sup)
    assert [(a.ticket, a.staff, a.target) for a in inbox] == [(number, "sup", "group_supervisor")]
    assert inbox[0].kind.startswith("flag:")
    assert "flagged by 钱一: 用户投诉处理太慢" in inbox[0].message
    # The CLI's `itsm alerts list` reads the same rows; the agent who flagged gets none.
    assert [a.ticket for a in list_alerts(desk.site, desk.sup, mine=True)] == [number]
    assert recent_alerts(desk.site, desk.agent1) == []
    # And the dashboard's first read brings it with the figures.
    assert [a.ticket for a in dashboard(desk.site, desk.sup, alerts=20).alerts] == [number]


def test_flagging_again_after_it_was_cleared_alerts_again(desk: Desk) -> None:
    number = _new(desk)
    t.flag(desk.site, desk.agent1, number, reason="第一次")
    t.claim(desk.site, desk.agent1, number)
    t.flag(desk.site, desk.agent1, number, reason="第二次")
    messages = [a.message for a in recent_alerts(desk.site, desk.sup)]
    assert len(messages) == 2 and "第二次" in messages[0]


def test_a_group_without_supervisor_flags_to_every_supervisor(desk: Desk) -> None:
    groups.add_group(desk.site, desk.admin, "night", "夜班", tier=1)
    groups.add_member(desk.site, desk.admin, "night", "agent2")
    draft = TicketDraft(title="夜间告警", caller="E001", group="night")
    number = t.create_ticket(desk.site, desk.agent2, draft).number
    t.flag(desk.site, desk.agent2, number, reason="无人处理")
    assert [(a.ticket, a.target) for a in recent_alerts(desk.site, desk.sup)] == [
        (number, "manager")
    ]


def test_a_flag_queues_the_supervisors_notifications(desk: Desk) -> None:
    settings = Settings(
        database_url=desk.site.settings.database_url, webhook_url="http://127.0.0.1:9/hook"
    )
    site = Site(desk.site.engine, clock=desk.site.clock, settings=settings)
    number = _new(desk)
    t.flag(site, desk.agent1, number, reason="急")
    with Session(site.engine) as s:
        alert = s.exec(select(SlaAlert).where(col(SlaAlert.kind).startswith("flag"))).one()
        queued = s.exec(select(NotificationOutbox)).all()
    assert [(o.alert_id, o.channel, o.payload["ticket"]) for o in queued] == [
        (alert.id, "webhook", number)
    ]


def test_a_refused_flag_raises_no_alert(desk: Desk) -> None:
    number = _new(desk)
    with pytest.raises(Invalid, match="reason"):
        t.flag(desk.site, desk.agent1, number, reason="  ")
    assert recent_alerts(desk.site, desk.sup) == []


def test_a_flag_stays_in_sight_when_sla_alerts_pile_up_after_it(desk: Desk) -> None:
    """Every breach alerts every manager too: the inbox shows a still-flagged ticket first,
    however many SLA alerts came after it."""
    from itsm_tui.workflow import sla_scan

    flagged = _new(desk)
    for _ in range(4):
        _new(desk)
    t.flag(desk.site, desk.agent1, flagged, reason="领导电话催办")
    desk.site.clock.advance(days=10)  # type: ignore[attr-defined]
    sla_scan.scan(desk.site)
    every = list_alerts(desk.site, desk.sup, mine=True)  # oldest first
    assert len(every) > 3 and every[0].kind.startswith("flag:")  # the flag came first
    assert not any(a.kind.startswith("flag:") for a in every[1:])
    shown = dashboard(desk.site, desk.sup, alerts=3).alerts
    assert shown[0].ticket == flagged and shown[0].kind.startswith("flag:")
    assert len(shown) == 3
