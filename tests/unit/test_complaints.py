"""Complaints: received → under review → valid / invalid → closed, judged by a supervisor who
is not the person complained about, every step journaled, a re-judgement allowed with reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from itsm_tui.common.errors import Conflict, Forbidden, Invalid
from itsm_tui.workflow import staff as staff_flow
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.quality import complaints as cp
from itsm_tui.workflow.site import Actor
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import T0, Desk


def _ticket(desk: Desk) -> str:
    number = t.create_ticket(desk.site, desk.agent1, TicketDraft(title="打印机卡纸", caller="E001"))
    t.claim(desk.site, desk.agent1, number.number)
    return number.number


def test_the_whole_lifecycle_is_journaled(desk: Desk) -> None:
    number = _ticket(desk)
    view = cp.add_complaint(desk.site, desk.agent2, text="工程师态度冷淡", ticket=number)
    assert (view.staff, view.group, view.status) == ("agent1", "hotline", "received")
    cp.start_review(desk.site, desk.sup, f"#{view.id}")
    judged = cp.judge(desk.site, desk.sup, str(view.id), verdict="valid", reason="录音核实属实")
    assert (judged.status, judged.verdict, judged.reviewer) == ("valid", "valid", "sup")
    cp.follow_up(desk.site, desk.sup, str(view.id), text="已与工程师谈话并回访用户")
    closed = cp.close_complaint(desk.site, desk.sup, str(view.id))
    assert closed.status == "closed" and closed.verdict == "valid"
    assert [e.action for e in closed.history] == [
        "create",
        "review",
        "judge",
        "follow_up",
        "close",
    ]
    assert closed.history[2].changes["why"] == "录音核实属实"


def test_the_person_complained_about_may_not_review_it(desk: Desk) -> None:
    staff_flow.set_roles(desk.site, desk.admin, "eng1", ["engineer", "supervisor"])
    eng1 = Actor(desk.eng1.id, "eng1", "李工", 2, frozenset())
    view = cp.add_complaint(desk.site, desk.sup, text="处理拖延", staff="eng1")
    with pytest.raises(Forbidden, match="is about you") as refused:
        cp.judge(desk.site, eng1, str(view.id), verdict="invalid", reason="不成立")
    assert refused.value.field == "reviewer"
    assert cp.show_complaint(desk.site, desk.sup, str(view.id)).status == "received"


def test_hotline_staff_log_but_do_not_judge(desk: Desk) -> None:
    view = cp.add_complaint(desk.site, desk.agent1, text="等待太久", staff="eng1", channel="web")
    with pytest.raises(Forbidden):
        cp.judge(desk.site, desk.agent1, str(view.id), verdict="valid", reason="x")


def test_a_complaint_must_name_a_ticket_or_a_person_and_a_reason_to_judge(desk: Desk) -> None:
    with pytest.raises(Invalid, match="against a ticket, a staff member"):
        cp.add_complaint(desk.site, desk.agent1, text="不满意")
    with pytest.raises(Invalid, match="channel must be one of"):
        cp.add_complaint(desk.site, desk.agent1, text="不满意", staff="eng1", channel="pigeon")
    with pytest.raises(Invalid, match="received_at cannot be in the future"):
        cp.add_complaint(
            desk.site, desk.agent1, text="x", staff="eng1", received_at=T0 + timedelta(hours=1)
        )
    view = cp.add_complaint(desk.site, desk.agent1, text="不满意", staff="eng1")
    with pytest.raises(Invalid, match="reason is required") as refused:
        cp.judge(desk.site, desk.sup, str(view.id), verdict="valid", reason=" ")
    assert refused.value.field == "reason"
    with pytest.raises(Invalid, match="verdict must be valid or invalid"):
        cp.judge(desk.site, desk.sup, str(view.id), verdict="maybe", reason="x")


def test_a_closed_complaint_can_be_rejudged_and_stays_closed(desk: Desk) -> None:
    view = cp.add_complaint(desk.site, desk.agent1, text="不满意", staff="eng1")
    cp.judge(desk.site, desk.sup, str(view.id), verdict="valid", reason="属实")
    cp.close_complaint(desk.site, desk.sup, str(view.id))
    again = cp.judge(desk.site, desk.admin, str(view.id), verdict="invalid", reason="复核不成立")
    assert (again.status, again.verdict, again.reason) == ("closed", "invalid", "复核不成立")
    assert again.history[-1].changes["rejudged"] is True
    assert again.history[-1].changes["verdict"] == ["valid", "invalid"]


def test_closing_needs_a_verdict_and_a_stale_version_is_refused(desk: Desk) -> None:
    view = cp.add_complaint(desk.site, desk.agent1, text="不满意", staff="eng1")
    with pytest.raises(Invalid, match="is received"):
        cp.close_complaint(desk.site, desk.sup, str(view.id))
    cp.start_review(desk.site, desk.sup, str(view.id))
    with pytest.raises(Conflict):
        cp.judge(desk.site, desk.sup, str(view.id), verdict="valid", reason="x", expected_version=1)


def test_listing_pages_newest_first(desk: Desk) -> None:
    ids = [
        cp.add_complaint(desk.site, desk.agent1, text=f"第{i}次", staff="eng1").id for i in range(3)
    ]
    page, cursor = cp.list_complaints(desk.site, desk.sup, limit=2)
    assert [v.id for v in page] == ids[:0:-1] and cursor == ids[1]
    rest, end = cp.list_complaints(desk.site, desk.sup, limit=2, after=cursor)
    assert [v.id for v in rest] == [ids[0]] and end is None


def test_a_page_of_complaints_is_one_statement_with_every_name(desk: Desk) -> None:
    number = _ticket(desk)
    for i in range(4):
        cp.add_complaint(desk.site, desk.agent2, text=f"第{i}次", ticket=number)
    first = cp.add_complaint(desk.site, desk.agent2, text="拖延", staff="eng1").id
    cp.judge(desk.site, desk.sup, str(first), verdict="invalid", reason="不成立")
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(desk.site.engine, "before_cursor_execute", count)
    try:
        page, _more = cp.list_complaints(desk.site, desk.sup, limit=50)
    finally:
        event.remove(desk.site.engine, "before_cursor_execute", count)
    reads = [s for s in statements if s.startswith("SELECT") and "staff_role" not in s]
    assert len(reads) == 1 and "FROM complaint" in reads[0]
    judged = page[0]
    assert (judged.staff, judged.staff_name, judged.reviewer, judged.logged_by) == (
        "eng1", "李工", "sup", "agent2",
    )  # fmt: skip
    assert {(v.ticket, v.staff, v.group) for v in page[1:]} == {(number, "agent1", "hotline")}


def test_a_persons_complaints_page_by_id(desk: Desk) -> None:
    ids = [cp.add_complaint(desk.site, desk.sup, text=f"{i}", staff="eng1").id for i in range(3)]
    cp.add_complaint(desk.site, desk.sup, text="别人", staff="agent1")
    page, cursor = cp.list_complaints(desk.site, desk.sup, staff="eng1", limit=2)
    assert [v.id for v in page] == ids[:0:-1] and cursor == ids[1]
    rest, end = cp.list_complaints(desk.site, desk.sup, staff="eng1", limit=2, after=cursor)
    assert [v.id for v in rest] == [ids[0]] and end is None


def test_the_review_queue_with_judged_ones_holds_what_is_not_closed(desk: Desk) -> None:
    a, b, c = (cp.add_complaint(desk.site, desk.sup, text=f"{i}", staff="eng1").id for i in "abc")
    cp.judge(desk.site, desk.sup, str(b), verdict="valid", reason="属实")
    cp.judge(desk.site, desk.sup, str(c), verdict="invalid", reason="不成立")
    cp.close_complaint(desk.site, desk.sup, str(c))
    waiting, _ = cp.review_queue(desk.site, desk.sup)
    assert [v.id for v in waiting] == [a]
    open_, _ = cp.review_queue(desk.site, desk.sup, judged=True)
    assert [(v.id, v.status) for v in open_] == [(a, "received"), (b, "valid")]
