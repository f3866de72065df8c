"""The workflow's refusals read in the reader's language: a hotline agent sees why in Chinese,
while ``.message`` (logs, ``--json``) stays the same English sentence."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from itsm_tui.common import i18n
from itsm_tui.common.domain import Role
from itsm_tui.common.errors import DomainError, Forbidden, Invalid
from itsm_tui.workflow.permissions import Action, require
from tests.conftest import Desk


@pytest.fixture
def chinese() -> Iterator[None]:
    assert i18n.install("zh_CN") == "zh_CN", i18n.problem
    yield
    i18n.install("en")


def test_a_role_refusal_names_the_action_and_the_roles_in_chinese(chinese: None) -> None:
    with pytest.raises(Forbidden) as refused:
        require("wang.fang", {Role.INSPECTOR}, Action.WORK_TICKET)
    assert refused.value.text() == (
        "wang.fang（巡检员）无权处理工单（认领、备注、挂起、解决）；"
        "需要以下角色之一：管理员、一线坐席、二线工程师、三线专家、主管。"
    )
    assert refused.value.message == (
        "wang.fang (inspector) may not work tickets (claim, note, pending, resolve); "
        "that needs one of: admin, agent, engineer, specialist, supervisor."
    )


def test_no_role_reads_as_words_in_both_languages(chinese: None) -> None:
    with pytest.raises(Forbidden) as refused:
        require("nobody", set(), Action.VIEW_TICKETS)
    assert "nobody（无角色）无权查看工单" in refused.value.text()
    assert "nobody (no role) may not view tickets" in refused.value.message


def _another_groups_ticket(desk: Desk) -> str:
    from itsm_tui.workflow import tickets as t

    draft = t.TicketDraft(title="OA系统登录缓慢", caller="E001")
    number = t.create_ticket(desk.site, desk.agent1, draft).number
    t.escalate(desk.site, desk.agent1, number, group="server", reason="需要服务器组排查")
    return number


def test_li_bin_reads_why_he_may_not_claim_in_chinese(desk: Desk, chinese: None) -> None:
    """The issue's case: a tier-1 agent claiming the server group's ticket."""
    from itsm_tui.workflow import tickets as t

    number = _another_groups_ticket(desk)
    with pytest.raises(DomainError) as refused:
        t.claim(desk.site, desk.agent2, number)
    shown = refused.value.text()
    assert shown.startswith(f"agent2 不能认领 {number}：它属于其他组")
    assert "may not" not in shown
    assert refused.value.message.startswith(f"agent2 may not claim {number}: it belongs to")


def test_a_state_refusal_names_the_state_and_the_next_steps_in_chinese(
    desk: Desk, chinese: None
) -> None:
    from itsm_tui.workflow import tickets as t

    draft = t.TicketDraft(title="打印机卡纸", caller="E001")
    number = t.create_ticket(desk.site, desk.agent1, draft).number
    t.resolve(desk.site, desk.agent1, number, code="fixed", text="已更换硒鼓")
    with pytest.raises(Invalid) as refused:
        t.claim(desk.site, desk.agent1, number)
    shown = refused.value.text()
    assert shown.startswith(f"无法认领 {number}：其状态为已解决。此状态下可以：")
    assert "关闭" in shown and "重开" in shown and "close" not in shown
    assert refused.value.message.startswith(f"Cannot claim {number}: it is resolved.")


def test_a_missing_reason_names_the_operation_in_chinese(desk: Desk, chinese: None) -> None:
    from itsm_tui.workflow import tickets as t

    draft = t.TicketDraft(title="电脑蓝屏", caller="E001")
    number = t.create_ticket(desk.site, desk.agent1, draft).number
    with pytest.raises(Invalid) as refused:
        t.cancel(desk.site, desk.agent1, number, reason=" ")
    assert refused.value.text() == "取消工单需要填写原因。"
    assert refused.value.message == "A reason is required to cancel a ticket."
