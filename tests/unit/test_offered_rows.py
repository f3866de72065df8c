"""The dashboard's lists offer ticket actions on rows by the same rule the operations refuse by
(``tickets.offered``): a supervisor is not offered Escalate on a tier-3 overdue ticket, an
agent is offered work on their own tickets and nothing that needs another group."""

from __future__ import annotations

from datetime import UTC, datetime

from itsm_tui.common.domain import Role
from itsm_tui.common.ticket_rows import TicketRow
from itsm_tui.workflow.site import Actor
from itsm_tui.workflow.tickets.offered import offered_on_row

SUPERVISOR = Actor(7, "zhang.jiazi", "张嘉子", 2, frozenset({Role.SUPERVISOR}))
AGENT = Actor(3, "li.bin", "李彬", 1, frozenset({Role.AGENT}))


def row(status: str, tier: int, holder: str | None) -> TicketRow:
    return TicketRow(
        id=1, number="INC000001", priority=2, status=status, pending_reason=None, tier=tier,
        title="OA 无法登录", caller=None, group="应用运维", assignee=None,
        opened_at=datetime(2026, 12, 1, tzinfo=UTC), response_due_at=None,
        resolution_due_at=None, flagged_at=None, version=3, assignee_login=holder,
    )  # fmt: skip


def test_a_supervisor_is_not_offered_escalate_beyond_the_last_tier() -> None:
    assert "escalate" not in offered_on_row(SUPERVISOR, row("in_progress", 3, "wang.wu"))
    assert "escalate" in offered_on_row(SUPERVISOR, row("in_progress", 2, "wang.wu"))
    assert {"assign", "flag"} <= set(offered_on_row(SUPERVISOR, row("in_progress", 3, "wang.wu")))


def test_an_agent_is_offered_work_on_their_own_ticket_and_not_on_another_holders() -> None:
    mine = offered_on_row(AGENT, row("in_progress", 1, "li.bin"))
    assert {"resolve", "escalate", "pending"} <= set(mine)
    theirs = offered_on_row(AGENT, row("in_progress", 2, "wang.wu"))
    assert "resolve" not in theirs and "claim" not in theirs
    assert "note" in theirs  # anyone on the desk may add a work note
