"""The reads behind the console: dashboard counts, risk queues, keyset paging both ways and
by priority, queue search, CI lookup and the intake form's choices — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session

from itsm_tui.common.errors import Invalid
from itsm_tui.storage.tables import Ticket
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.dashboard import dashboard
from itsm_tui.workflow.intake import intake_choices, search_cis
from itsm_tui.workflow.tickets import Queue, TicketDraft
from itsm_tui.workflow.tickets.risk import Risk, risk_of
from tests.conftest import T0, Desk

WARN_BEFORE = timedelta(hours=1)


def _open(desk: Desk, n: int, **kw: object) -> list[str]:
    return [
        t.create_ticket(desk.site, desk.agent1, TicketDraft(title=f"工单 {i}", **kw)).number  # type: ignore[arg-type]
        for i in range(n)
    ]


def _due(desk: Desk, number: str, delta: timedelta) -> None:
    """Stand in for the SLA engine: due ``delta`` from now, the warning an hour before."""
    with Session(desk.site.engine) as s:
        s.exec(  # type: ignore[call-overload]
            update(Ticket)
            .where(Ticket.number == number)
            .values(resolution_due_at=T0 + delta, resolution_warn_at=T0 + delta - WARN_BEFORE)
        )
        s.commit()


def _numbers(page: t.TicketPage) -> list[str]:
    return [r.number for r in page.rows]


def test_dashboard_counts_and_risk(desk: Desk) -> None:
    a, b, c, d = _open(desk, 4)
    t.claim(desk.site, desk.agent1, a)
    _due(desk, b, -timedelta(minutes=1))  # breached
    _due(desk, c, timedelta(minutes=50))  # at risk: its warning came 10 minutes ago
    _due(desk, d, WARN_BEFORE + timedelta(minutes=1))  # fine
    board = dashboard(desk.site, desk.agent1)
    assert board.counts == {
        Queue.MINE: 1,
        Queue.GROUP: 4,
        Queue.UNASSIGNED: 3,
        Queue.AT_RISK: 1,
        Queue.BREACHED: 1,
        Queue.OPEN: 4,
    }
    assert not board.supervisor and board.backlog == []
    assert _numbers(t.list_tickets(desk.site, desk.agent1, "breached")) == [b]
    assert _numbers(t.list_tickets(desk.site, desk.agent1, "at_risk")) == [c]
    assert risk_of(None, None, T0) is Risk.NONE
    assert risk_of(T0 - timedelta(seconds=1), T0 - timedelta(hours=1), T0) is Risk.BREACHED
    assert risk_of(T0 + timedelta(hours=1), T0, T0) is Risk.AT_RISK
    assert risk_of(T0 + timedelta(hours=1), T0 + timedelta(minutes=1), T0) is Risk.OK


def test_supervisor_sees_backlog_and_overdue_holders(desk: Desk) -> None:
    a, b = _open(desk, 2)
    t.claim(desk.site, desk.agent1, a)
    _due(desk, a, -timedelta(hours=3))
    _due(desk, b, timedelta(minutes=30))
    board = dashboard(desk.site, desk.sup)
    assert board.supervisor
    (hotline,) = board.backlog
    assert (hotline.group, hotline.open, hotline.unassigned) == ("hotline", 2, 1)
    assert (hotline.at_risk, hotline.breached) == (1, 1)
    assert [(r.number, r.assignee) for r in board.overdue] == [(a, "钱一")]


def test_keyset_paging_both_ways(desk: Desk) -> None:
    numbers = _open(desk, 7)
    newest = numbers[::-1]
    site, me = desk.site, desk.agent1
    first = t.list_tickets(site, me, "open", limit=3)
    assert _numbers(first) == newest[:3]
    second = t.list_tickets(site, me, "open", after=first.next_after, limit=3)
    assert _numbers(second) == newest[3:6]
    back = t.list_tickets(site, me, "open", before=second.rows[0].id, limit=3)
    assert _numbers(back) == newest[:3]
    last = t.list_tickets(site, me, "open", before=0, limit=3)
    assert _numbers(last) == newest[-3:]
    oldest = t.list_tickets(site, me, "open", sort="oldest", limit=2)
    assert _numbers(oldest) == numbers[:2]


def test_priority_sort_pages_by_priority_then_newest(desk: Desk) -> None:
    low = _open(desk, 2)
    high = _open(desk, 2, impact=1, urgency=1)
    mid = _open(desk, 1, impact=2, urgency=2)
    site, me = desk.site, desk.agent1
    expected = [*high[::-1], *mid, *low[::-1]]
    seen: list[str] = []
    after = None
    while True:
        page = t.list_tickets(site, me, "open", sort="priority", after=after, limit=2)
        seen += _numbers(page)
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == expected
    back = t.list_tickets(site, me, "open", sort="priority", before=0, limit=2)
    assert _numbers(back) == expected[-2:]
    prev = t.list_tickets(site, me, "open", sort="priority", before=back.rows[0].id, limit=2)
    assert _numbers(prev) == expected[1:3]


def test_queue_search_by_number_and_title(desk: Desk) -> None:
    _open(desk, 3)
    t.create_ticket(desk.site, desk.agent1, TicketDraft(title="打印机卡纸", cis=["OA办公系统"]))
    site, me = desk.site, desk.agent1
    assert _numbers(t.list_tickets(site, me, "open", text="打印机")) == ["INC000004"]
    assert _numbers(t.list_tickets(site, me, "open", text="inc000002")) == ["INC000002"]
    assert _numbers(t.list_tickets(site, me, "open", text="3")) == ["INC000003"]
    assert t.list_tickets(site, me, "open", text="打印机").rows[0].ci == "OA办公系统"


def test_bad_paging_arguments_are_refused(desk: Desk) -> None:
    with pytest.raises(Invalid, match="sorts are"):
        t.list_tickets(desk.site, desk.agent1, "open", sort="sideways")
    with pytest.raises(Invalid, match="not both"):
        t.list_tickets(desk.site, desk.agent1, "open", after=3, before=5)


def test_intake_choices_and_ci_lookup(desk: Desk) -> None:
    choices = intake_choices(desk.site, desk.agent1)
    assert {c.name for c in choices.categories} == {"软件", "OA系统"}
    assert choices.priority(1, 1) == 1 and choices.priority(3, 3) == 5
    assert [c.name for c in search_cis(desk.site, desk.agent1, "OA")] == ["OA办公系统"]
    assert [c.name for c in search_cis(desk.site, desk.agent1, "办公")] == ["OA办公系统"]
    assert search_cis(desk.site, desk.agent1, "  ") == []


def test_dashboard_counts_are_the_queues_counts(desk: Desk) -> None:
    """The dashboard counts in one statement what each queue counts by itself — with a
    breached ticket whose policy has no warning step (no warning instant) among them."""
    from itsm_tui.storage import ticket_queries as q
    from itsm_tui.storage.engine import read_session
    from itsm_tui.workflow.context import Read, load_actor
    from itsm_tui.workflow.dashboard_view import COUNTED
    from itsm_tui.workflow.tickets.queries import queue_filter

    a, b, c, d, e = _open(desk, 5)
    t.claim(desk.site, desk.agent1, a)
    _due(desk, a, -timedelta(hours=2))
    _due(desk, b, timedelta(minutes=30))
    _due(desk, c, timedelta(hours=5))
    _due(desk, d, -timedelta(minutes=5))
    with Session(desk.site.engine) as s:  # due, never warned
        s.exec(  # type: ignore[call-overload]
            update(Ticket)
            .where(Ticket.number == e)
            .values(resolution_due_at=T0 - timedelta(minutes=1), resolution_warn_at=None)
        )
        s.commit()
    for actor in (desk.agent1, desk.sup, desk.eng1):
        board = dashboard(desk.site, actor)
        with read_session(desk.site.engine) as session:
            read = Read(desk.site, session, load_actor(session, actor), T0)
            alone = {queue: q.count(session, queue_filter(read, queue)) for queue in COUNTED}
        assert board.counts == alone, actor.login
    assert dashboard(desk.site, desk.sup).counts[Queue.BREACHED] == 3


def test_dashboard_reads_my_first_tickets_and_alerts_with_its_figures(desk: Desk) -> None:
    a, _b = _open(desk, 2)
    t.claim(desk.site, desk.agent1, a)
    board = dashboard(desk.site, desk.agent1, mine=10, alerts=5)
    assert board.mine is not None and _numbers(board.mine) == [a]
    assert board.alerts == []
    assert dashboard(desk.site, desk.agent1).mine is None
    assert dashboard(desk.site, desk.sup, mine=10).mine is None  # supervisors see lists instead


def test_supervisor_sees_how_late_in_business_time(desk: Desk) -> None:
    """Due at 06:00 local, seen at 09:00 (T0): three hours late on the wall clock, but only the
    half hour since the office day began at 08:30 counts against the SLA."""
    (a,) = _open(desk, 1)
    _due(desk, a, -timedelta(hours=3))
    board = dashboard(desk.site, desk.sup)
    (row,) = board.overdue
    clock = board.overdue_sla[row.id]
    assert (clock.state, clock.minutes_left, clock.calendar) == ("running", -30, "office")
