"""A change's risk on a hand-built CMDB: every factor with its contribution, the level from the
thresholds, recomputed when the window changes, and the extra approver group a high risk needs.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.errors import Invalid
from itsm_tui.workflow import tickets
from itsm_tui.workflow.changes import cab, lifecycle, records, risk
from itsm_tui.workflow.site_settings import set_setting
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import T0, Desk
from tests.unit.change_fixtures import NIGHT, WINDOW, estate, normal
from tests.unit.change_fixtures import cab as make_cab


@pytest.fixture
def board(desk: Desk) -> Desk:
    estate(desk)
    make_cab(desk)
    return desk


def _points(view: records.ChangeView) -> dict[str, int]:
    return {f["factor"]: f["points"] for f in view.risk_factors}


def _assessed(desk: Desk, **fields: object) -> records.ChangeView:
    change = normal(desk, **fields)
    lifecycle.submit(desk.site, desk.eng1, change.number)
    return lifecycle.assess(desk.site, desk.sup, change.number)


def test_every_factor_is_listed_with_its_contribution(board: Desk) -> None:
    view = _assessed(board)
    assert _points(view) == {
        "service_critical": 25,  # 网上办事大厅 depends on db01
        "business_hours": 10,  # Monday 09:00–11:00
        "type_normal": 5,
        "ci_reach": 2,  # one CI reached: one unit of ten
    }
    critical = next(f for f in view.risk_factors if f["factor"] == "service_critical")
    assert critical["detail"] == ["网上办事大厅"]
    assert (view.risk_score, view.risk_level) == (42, "medium")


def test_recent_incidents_and_failed_changes_add_to_the_risk(
    board: Desk, clock: FrozenClock
) -> None:
    desk = board
    clock.set(T0 - timedelta(days=100))  # too old to count
    old = tickets.create_ticket(desk.site, desk.agent1, TicketDraft(title="数据库慢"))
    tickets.link_ci(desk.site, desk.agent1, old.number, "db01")
    clock.set(T0 - timedelta(days=10))
    recent = tickets.create_ticket(desk.site, desk.agent1, TicketDraft(title="办事大厅报错"))
    tickets.link_ci(desk.site, desk.agent1, recent.number, "网上办事大厅")
    clock.set(T0)
    failed = normal(desk, window_start=NIGHT[0], window_end=NIGHT[1])
    lifecycle.submit(desk.site, desk.eng1, failed.number)
    lifecycle.assess(desk.site, desk.sup, failed.number)
    lifecycle.request_approval(desk.site, desk.sup, failed.number)
    cab.approve(desk.site, desk.sup, failed.number)
    cab.approve(desk.site, desk.eng1, failed.number)
    lifecycle.schedule(desk.site, desk.sup, failed.number)
    lifecycle.start(desk.site, desk.eng1, failed.number)
    lifecycle.finish(desk.site, desk.eng1, failed.number, outcome="backed_out", note="回退")

    report = risk.explain(desk.site, desk.sup, failed.number)
    counted = {f.factor: f for f in report.now.factors}
    assert counted["recent_incident"].detail == [recent.number]  # not the 100-day-old one
    assert counted["recent_incident"].points == 3
    assert "failed_change" not in counted  # a change is not its own history

    view = _assessed(desk)
    points = _points(view)
    assert points["recent_incident"] == 3 and points["failed_change"] == 8
    assert view.risk_score == 42 + 3 + 8


def test_weights_and_thresholds_are_a_setting(board: Desk) -> None:
    desk = board
    set_setting(
        desk.site,
        desk.admin,
        "change_risk",
        {
            "weights": {"business_hours": 40},  # the others keep their defaults
            "thresholds": {"medium": 20, "high": 45, "very_high": 70},
        },
    )
    view = _assessed(desk)
    assert _points(view)["business_hours"] == 40
    assert (view.risk_score, view.risk_level) == (72, "very_high")


def test_the_risk_is_computed_again_when_the_window_changes(board: Desk) -> None:
    desk = board
    view = _assessed(desk)
    assert "business_hours" in _points(view)
    view = records.update_change(
        desk.site, desk.eng1, view.number, {"window_start": NIGHT[0], "window_end": NIGHT[1]}
    )
    assert "business_hours" not in _points(view)
    assert view.risk_score == 32
    with desk.site.engine.connect() as conn:  # the window's change is journaled, old → new
        changes = conn.execute(
            text(
                "SELECT changes FROM journal_entry WHERE entity = 'change' AND action = 'update' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).scalar_one()
    logged = changes if isinstance(changes, dict) else json.loads(changes)
    assert logged["window_start"] == [WINDOW[0].isoformat(), NIGHT[0].isoformat()]
    assert logged["risk_score"] == [42, 32]
    view = records.update_change(desk.site, desk.eng1, view.number, {}, cis=["oa01"])
    assert _points(view) == {"service_other": 4, "ci_reach": 2, "type_normal": 5}


def test_a_high_risk_needs_the_extra_approver_group(board: Desk) -> None:
    desk = board
    set_setting(
        desk.site,
        desk.admin,
        "change_risk",
        {"weights": {}, "thresholds": {"medium": 10, "high": 40, "very_high": 100}},
    )
    view = _assessed(desk)
    assert (view.risk_score, view.risk_level) == (42, "high")
    lifecycle.request_approval(desk.site, desk.sup, view.number)
    cab.approve(desk.site, desk.sup, view.number)
    view = cab.approve(desk.site, desk.eng1, view.number)
    assert view.approved_at is None  # the CAB's two, but not the high-risk group's
    with pytest.raises(Invalid) as refused:
        lifecycle.schedule(desk.site, desk.sup, view.number)
    assert "2 of 3" in refused.value.message
    view = cab.approve(desk.site, desk.admin, view.number, comment="分管领导同意")
    assert view.approved_at is not None


def test_a_window_out_of_business_hours_scores_lower(board: Desk) -> None:
    view = _assessed(board, window_start=NIGHT[0], window_end=NIGHT[1])
    assert "business_hours" not in _points(view)
    assert WINDOW[0] > NIGHT[0]
