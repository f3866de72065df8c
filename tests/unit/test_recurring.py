"""Recurring incidents: the job suggests a problem to tier-2 supervisors once per cluster,
a dismissal sticks, and incidents linked to a problem no longer count."""

from __future__ import annotations

import pytest

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.problems.operations import create_problem
from itsm_tui.workflow.problems.recurring import (
    detect_recurring,
    dismiss_candidate,
    list_candidates,
)
from itsm_tui.workflow.sla.alerts import list_alerts
from itsm_tui.workflow.tickets import TicketDraft, create_ticket
from tests.conftest import Desk


def _incidents(desk: Desk, n: int, *, cis: list[str], category: str | None = None) -> list[str]:
    return [
        create_ticket(
            desk.site,
            desk.agent1,
            TicketDraft(title=f"打印机卡纸{i}", cis=cis, category=category),
        ).number
        for i in range(n)
    ]


@pytest.fixture
def printer(desk: Desk) -> str:
    cmdb.add_ci(desk.site, desk.admin, "三楼打印机", "printer")
    return "三楼打印机"


def test_three_incidents_on_one_ci_suggest_a_problem_once(desk: Desk, printer: str) -> None:
    _incidents(desk, 2, cis=[printer])
    assert detect_recurring(desk.site).new == []
    numbers = _incidents(desk, 1, cis=[printer])
    report = detect_recurring(desk.site)
    assert len(report.new) == 1 and report.alerts == 1  # the one tier-2 supervisor, sup
    [candidate] = list_candidates(desk.site, desk.sup)
    assert (candidate.ci, candidate.incidents, candidate.last_ticket) == (printer, 3, numbers[0])
    assert len(candidate.tickets) == 3
    alerts = [a for a in list_alerts(desk.site, desk.sup) if a.kind.startswith("problem_")]
    assert len(alerts) == 1 and "3 on 三楼打印机" in alerts[0].message
    # Run again, and with one more incident: the same suggestion, no second alert.
    _incidents(desk, 1, cis=[printer])
    assert detect_recurring(desk.site).alerts == 0
    assert [c.incidents for c in list_candidates(desk.site, desk.sup)] == [4]
    assert len([a for a in list_alerts(desk.site, desk.sup) if a.kind.startswith("problem_")]) == 1


def test_incidents_outside_the_window_do_not_count(
    desk: Desk, printer: str, clock: FrozenClock
) -> None:
    _incidents(desk, 2, cis=[printer])
    clock.advance(days=15)
    _incidents(desk, 2, cis=[printer])
    assert detect_recurring(desk.site).clusters == 0


def test_a_dismissed_candidate_stays_dismissed(
    desk: Desk, printer: str, clock: FrozenClock
) -> None:
    _incidents(desk, 3, cis=[printer])
    detect_recurring(desk.site)
    [candidate] = list_candidates(desk.site, desk.sup)
    with pytest.raises(Forbidden):
        dismiss_candidate(desk.site, desk.agent1, candidate.id)
    dismiss_candidate(desk.site, desk.sup, candidate.id, reason="打印机已更换")
    with pytest.raises(Invalid):
        dismiss_candidate(desk.site, desk.sup, candidate.id)
    clock.advance(minutes=5)
    _incidents(desk, 2, cis=[printer])  # five in the window, but two since the dismissal
    assert detect_recurring(desk.site).new == []
    assert list_candidates(desk.site, desk.sup) == []
    assert [c.id for c in list_candidates(desk.site, desk.sup, status="dismissed")] == [
        candidate.id
    ]
    _incidents(desk, 1, cis=[printer])  # three new ones: a new round, alerted again
    assert detect_recurring(desk.site).alerts == 1


def test_incidents_linked_to_a_problem_no_longer_count(desk: Desk, printer: str) -> None:
    numbers = _incidents(desk, 3, cis=[printer])
    detect_recurring(desk.site)
    [candidate] = list_candidates(desk.site, desk.sup)
    create_problem(desk.site, desk.eng1, tickets=numbers, candidate=candidate.id)
    assert list_candidates(desk.site, desk.sup) == []
    assert detect_recurring(desk.site).clusters == 0


def test_a_category_recurring_on_a_business_service_is_a_cluster(desk: Desk) -> None:
    _incidents(desk, 2, cis=["OA办公系统"], category="sw-oa")
    _incidents(desk, 1, cis=["OA办公系统"], category="sw")  # another category
    assert detect_recurring(desk.site).clusters == 0
    _incidents(desk, 1, cis=["OA办公系统"], category="sw-oa")
    detect_recurring(desk.site)
    [candidate] = list_candidates(desk.site, desk.sup)
    assert (candidate.ci, candidate.category, candidate.incidents) == ("OA办公系统", "OA系统", 3)
