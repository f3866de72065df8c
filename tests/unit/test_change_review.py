"""Implementation and review: an overrun raises an alert, the incidents a change may have
caused are suggested, an emergency change is reviewed by the full CAB within N working days or
the CAB is alerted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.errors import Forbidden
from itsm_tui.workflow import tickets
from itsm_tui.workflow.changes import cab, lifecycle, records, watch
from itsm_tui.workflow.changes.records import ChangeDraft, create_change
from itsm_tui.workflow.sla.alerts import list_alerts
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import T0, Desk
from tests.unit.change_fixtures import NIGHT, estate, normal
from tests.unit.change_fixtures import cab as make_cab


@pytest.fixture
def board(desk: Desk) -> Desk:
    estate(desk)
    make_cab(desk)
    return desk


def _implementing(desk: Desk, clock: FrozenClock) -> str:
    number = normal(desk, window_start=NIGHT[0], window_end=NIGHT[1]).number
    lifecycle.submit(desk.site, desk.eng1, number)
    lifecycle.assess(desk.site, desk.sup, number)
    lifecycle.request_approval(desk.site, desk.sup, number)
    cab.approve(desk.site, desk.sup, number)
    cab.approve(desk.site, desk.eng1, number)
    lifecycle.schedule(desk.site, desk.sup, number)
    clock.set(NIGHT[0])
    lifecycle.start(desk.site, desk.eng1, number)
    return number


def test_an_overrunning_change_alerts_its_implementer_once(board: Desk, clock: FrozenClock) -> None:
    desk = board
    number = _implementing(desk, clock)
    clock.set(NIGHT[1] - timedelta(minutes=1))
    assert watch.watch(desk.site).overruns == []  # still inside its window
    clock.set(NIGHT[1] + timedelta(minutes=10))
    assert watch.watch(desk.site).overruns == [number]
    assert watch.watch(desk.site).overruns == []  # once
    alerts = [a for a in list_alerts(desk.site, desk.eng1) if a.kind == "overrun"]
    assert [a.ticket for a in alerts] == [number]


def test_incidents_on_its_cis_during_and_after_the_window_are_suggested(
    board: Desk, clock: FrozenClock
) -> None:
    desk = board
    number = _implementing(desk, clock)
    clock.set(NIGHT[0] + timedelta(hours=1))
    during = tickets.create_ticket(desk.site, desk.agent1, TicketDraft(title="数据库连不上"))
    tickets.link_ci(desk.site, desk.agent1, during.number, "db01")
    other = tickets.create_ticket(desk.site, desk.agent1, TicketDraft(title="OA慢"))
    tickets.link_ci(desk.site, desk.agent1, other.number, "oa01")
    lifecycle.finish(desk.site, desk.eng1, number)
    clock.set(NIGHT[1] + timedelta(hours=30))  # past the 24 hours after the window
    late = tickets.create_ticket(desk.site, desk.agent1, TicketDraft(title="数据库报错"))
    tickets.link_ci(desk.site, desk.agent1, late.number, "db01")
    suspects = watch.possibly_caused(desk.site, desk.sup, number)
    assert [(s.number, s.ci) for s in suspects] == [(during.number, "db01")]
    view = lifecycle.review(
        desk.site,
        desk.sup,
        number,
        success=False,
        lessons="升级前未通知应用组",
        caused=[during.number],
    )
    assert [(x.relation, x.number) for x in view.links] == [("caused", during.number)]
    assert watch.possibly_caused(desk.site, desk.sup, number) == []  # linked now


def _emergency(desk: Desk, clock: FrozenClock) -> str:
    view = create_change(
        desk.site,
        desk.eng1,
        ChangeDraft(
            type="emergency",
            title="紧急重启OA应用",
            reason="OA内存泄漏",
            implementation_plan="重启",
            backout_plan="无",
            test_plan="登录OA",
            window_start=T0 + timedelta(minutes=30),
            window_end=T0 + timedelta(hours=1),
            implementer="eng1",
            group="server",
            cis=["oa01"],
        ),
    )
    lifecycle.submit(desk.site, desk.eng1, view.number)
    lifecycle.assess(desk.site, desk.sup, view.number)
    lifecycle.request_approval(desk.site, desk.sup, view.number)
    cab.approve(desk.site, desk.sup, view.number)
    lifecycle.schedule(desk.site, desk.sup, view.number)
    clock.set(T0 + timedelta(minutes=30))
    lifecycle.start(desk.site, desk.eng1, view.number)
    clock.set(T0 + timedelta(minutes=50))
    lifecycle.finish(desk.site, desk.eng1, view.number)
    return view.number


def test_an_emergency_change_not_reviewed_in_n_working_days_alerts_the_cab(
    board: Desk, clock: FrozenClock
) -> None:
    desk = board
    number = _emergency(desk, clock)  # finished Friday 27 November, 09:50 in Shanghai
    # Two working days: Monday 30 November and Tuesday 1 December; due by Wednesday 00:00.
    clock.set(datetime(2026, 12, 1, 15, 59, tzinfo=UTC))  # Tuesday 23:59 in Shanghai
    assert watch.watch(desk.site).reviews_due == []
    clock.set(datetime(2026, 12, 1, 16, 1, tzinfo=UTC))
    assert watch.watch(desk.site).reviews_due == [number]
    assert [a.ticket for a in list_alerts(desk.site, desk.spec1) if a.kind == "review_due"] == [
        number
    ]


def test_an_emergency_change_is_reviewed_by_the_full_cab(board: Desk, clock: FrozenClock) -> None:
    desk = board
    number = _emergency(desk, clock)
    with pytest.raises(Forbidden) as refused:  # admin approves high risks, but is not the CAB
        lifecycle.review(desk.site, desk.admin, number, success=True, lessons="重启有效")
    assert refused.value.field == "reviewer"
    view = lifecycle.review(desk.site, desk.eng1, number, success=True, lessons="需根治内存泄漏")
    assert view.status == "in_review"
    assert lifecycle.close(desk.site, desk.sup, number).status == "closed"
    assert records.show_change(desk.site, desk.sup, number).review_success is True
