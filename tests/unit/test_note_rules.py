"""Who may write on a ticket: any desk member an internal note, only the holding group (its
assignee, members, supervisors) a public reply — which alone may stop the response clock."""

from __future__ import annotations

import pytest

from itsm_tui.common.errors import Forbidden
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import Desk


def _server_ticket(desk: Desk) -> str:
    """A ticket the hotline logged and escalated to the server group (tier 2)."""
    draft = TicketDraft(title="OA系统登录缓慢", caller="E001", impact=2, urgency=2)
    number = t.create_ticket(desk.site, desk.agent1, draft).number
    t.escalate(desk.site, desk.agent1, number, group="server", reason="需要服务器组排查")
    return number


def test_a_reply_from_outside_the_group_is_refused_and_starts_no_response(desk: Desk) -> None:
    number = _server_ticket(desk)
    with pytest.raises(Forbidden, match="reply publicly on"):
        t.add_note(desk.site, desk.agent2, number, "您好，已收到", public=True)
    assert t.show_ticket(desk.site, desk.agent2, number).ticket.first_response_at is None


def test_anyone_on_the_desk_may_add_an_internal_note(desk: Desk) -> None:
    number = _server_ticket(desk)
    view = t.add_note(desk.site, desk.agent2, number, "来电人再次来电催办")
    assert view.first_response_at is None  # a work note is no response to the caller


def test_the_group_and_its_supervisor_may_reply(desk: Desk) -> None:
    number = _server_ticket(desk)
    first = t.add_note(desk.site, desk.eng1, number, "正在处理", public=True).first_response_at
    assert first is not None  # the group's reply is its first response
    later = t.add_note(desk.site, desk.sup, number, "主管跟进", public=True)
    assert later.first_response_at == first  # a later reply does not move it
    notes = t.show_ticket(desk.site, desk.sup, number).notes  # newest first
    assert [(n.author, n.kind, n.body) for n in notes[:2]] == [
        ("赵主管", "public_reply", "主管跟进"),
        ("李工", "public_reply", "正在处理"),
    ]
