"""The supervisor's reads: their groups (supervised ones count), the overdue list (their
groups by default, keyset-paged), and who can take a ticket with their open-ticket counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, update
from sqlmodel import Session

from itsm_tui.common.errors import Forbidden
from itsm_tui.storage.tables import Ticket
from itsm_tui.workflow import groups
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.dashboard import dashboard, overdue_page
from itsm_tui.workflow.staff import add_staff, assignable_people
from itsm_tui.workflow.tickets import TicketDraft
from itsm_tui.workflow.tickets.pages import Queue
from tests.conftest import Desk


def _late(desk: Desk, count: int, group: str = "hotline", as_: Any = None) -> list[str]:
    numbers = []
    for i in range(count):
        draft = TicketDraft(title=f"超时 {i}", group=group)
        numbers.append(t.create_ticket(desk.site, as_ or desk.agent1, draft).number)
    with Session(desk.site.engine) as session:
        session.exec(  # type: ignore[call-overload]
            update(Ticket)
            .where(Ticket.number.in_(numbers))  # type: ignore[attr-defined]
            .values(resolution_due_at=desk.site.clock.now() - timedelta(minutes=5))
        )
        session.commit()
    return numbers


def test_a_supervisor_of_groups_counts_their_tickets(desk: Desk) -> None:
    _late(desk, 3)
    counts = dashboard(desk.site, desk.sup).counts
    assert counts[Queue.GROUP] == 3  # supervises hotline, belongs to no group
    assert len(t.list_tickets(desk.site, desk.sup, "group").rows) == 3


def test_the_overdue_list_is_my_groups_paged_by_key_unless_all(desk: Desk) -> None:
    add_staff(desk.site, desk.admin, "sup2", "钱主管", tier=2, roles=["supervisor"])
    groups.add_group(desk.site, desk.admin, "night", "夜班", tier=1, supervisor="sup2")
    groups.add_member(desk.site, desk.admin, "night", "agent2")
    mine = _late(desk, 7)
    other = _late(desk, 2, group="night", as_=desk.agent2)
    # sup supervises hotline etc. but not night: their list leaves night out.
    first = overdue_page(desk.site, desk.sup, limit=5)
    rest = overdue_page(desk.site, desk.sup, after=first.next_after, limit=5)
    assert first.next_after is not None and rest.next_after is None
    seen = [r.number for r in first.rows + rest.rows]
    assert seen == sorted(mine, reverse=True)
    every = overdue_page(desk.site, desk.sup, all_groups=True, limit=50)
    assert {r.number for r in every.rows} == set(mine) | set(other)
    board = dashboard(desk.site, desk.sup, overdue=5)
    assert len(board.overdue) == 5 and board.overdue_next is not None and not board.overdue_all
    with pytest.raises(Forbidden):
        overdue_page(desk.site, desk.agent1)


def test_assignable_people_by_name_with_open_counts_in_one_statement(desk: Desk) -> None:
    for number in _late(desk, 2):
        t.claim(desk.site, desk.agent1, number)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(desk.site.engine, "before_cursor_execute", count)
    try:
        people = assignable_people(desk.site, desk.sup, tier=1)
    finally:
        event.remove(desk.site.engine, "before_cursor_execute", count)
    rows = [(p.group, p.display_name, p.open_tickets) for p in people]
    assert rows == [("hotline", "孙二", 0), ("hotline", "钱一", 2)]  # least loaded first
    selects = [s for s in statements if "group_member" in s]
    assert len(selects) == 1
