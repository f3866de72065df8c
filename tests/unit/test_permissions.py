"""The role table: who may do what, checked in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from itsm_tui.common.domain import Role
from itsm_tui.common.errors import Forbidden
from itsm_tui.workflow.permissions import PERMISSIONS, Action, allowed, require
from itsm_tui.workflow.site import Actor
from tests.conftest import Desk


def test_every_action_has_a_row() -> None:
    assert set(PERMISSIONS) == set(Action)


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [
        (Role.AGENT, Action.CREATE_TICKET, True),
        (Role.AGENT, Action.WORK_TICKET, True),
        (Role.AGENT, Action.SUPERVISE, False),
        (Role.AGENT, Action.OVERRIDE_PRIORITY, False),
        (Role.AGENT, Action.MANAGE_STAFF, False),
        (Role.INSPECTOR, Action.CREATE_TICKET, True),  # files what the round finds
        (Role.INSPECTOR, Action.WORK_TICKET, False),  # … but does not resolve incidents
        (Role.INSPECTOR, Action.INSPECT, True),
        (Role.ENGINEER, Action.OVERRIDE_PRIORITY, True),
        (Role.SPECIALIST, Action.ASSIGN_TICKET, False),
        (Role.SPECIALIST, Action.ESCALATE_TICKET, True),
        (Role.SUPERVISOR, Action.SUPERVISE, True),
        (Role.SUPERVISOR, Action.MANAGE_STAFF, False),
        (Role.ADMIN, Action.MANAGE_STAFF, True),
        (Role.ADMIN, Action.ACT_AS_OTHER, True),
        (Role.SUPERVISOR, Action.ACT_AS_OTHER, False),
    ],
)
def test_role_table(role: Role, action: Action, expected: bool) -> None:
    assert allowed({role}, action) is expected


def test_any_held_role_grants() -> None:
    assert allowed({Role.INSPECTOR, Role.AGENT}, Action.WORK_TICKET)


def test_refusal_names_the_action_and_who_may() -> None:
    with pytest.raises(Forbidden) as err:
        require("wang.fang", {Role.INSPECTOR}, Action.WORK_TICKET)
    message = str(err.value)
    assert "wang.fang (inspector) may not work tickets" in message
    assert "agent" in message and "engineer" in message


def test_no_roles_at_all_is_refused() -> None:
    with pytest.raises(Forbidden, match="no role"):
        require("nobody", set(), Action.VIEW_TICKETS)


def test_a_settings_refusal_names_the_settings_permission(desk: Desk) -> None:
    from itsm_tui.workflow.site_settings import set_setting

    with pytest.raises(Forbidden, match="change the site's settings") as refused:
        set_setting(desk.site, desk.agent1, "reopen_window_days", 14)
    assert "groups, categories" not in refused.value.message
    assert set_setting(desk.site, desk.sup, "reopen_window_days", 14) == 14


# --- offered = allowed: the one rule of workflow.tickets.offered -------------------------


def _scenarios(desk: Desk) -> dict[str, str]:
    """Tickets in different states, tiers and groups, each named by what it is."""
    from itsm_tui.workflow import tickets as t

    site = desk.site

    def new(title: str) -> str:
        return t.create_ticket(site, desk.agent1, t.TicketDraft(title=title, caller="E001")).number

    made = {
        "hotline new": new("打印机卡纸"),
        "hotline mine": new("邮箱无法收信"),
        "server new": new("OA系统登录缓慢"),
        "server pending": new("财务系统报表导出失败"),
        "server resolved": new("网站首页打不开"),
        "hotline closed": new("电脑蓝屏"),
        "dev new": new("共享盘权限申请"),
    }
    t.claim(site, desk.agent1, made["hotline mine"])
    for key in ("server new", "server pending", "server resolved", "dev new"):
        t.escalate(site, desk.agent1, made[key], group="server", reason="需要服务器组排查")
    t.claim(site, desk.eng1, made["server pending"])
    t.set_pending(site, desk.eng1, made["server pending"], reason="customer")
    t.resolve(site, desk.eng1, made["server resolved"], code="fixed", text="重启服务")
    t.resolve(site, desk.agent1, made["hotline closed"], code="advice", text="已指导")
    t.close(site, desk.agent1, made["hotline closed"])
    t.escalate(site, desk.eng1, made["dev new"], group="dev", reason="需要开发排查")
    return made


def _attempt(desk: Desk, actor: Actor, op: str, number: str, tier: int, group: str) -> None:
    """Take ``op`` with input the operation accepts, so only the rule can refuse it."""
    from itsm_tui.workflow import tickets as t

    s, a = desk.site, actor
    lower = {2: "hotline", 3: "server"}.get(tier, "hotline")
    upper = {1: "server", 2: "dev"}.get(tier, "dev")
    calls: dict[str, Callable[[], object]] = {
        "claim": lambda: t.claim(s, a, number),
        "assign": lambda: t.assign(s, a, number, group=group),
        "escalate": lambda: t.escalate(s, a, number, group=upper, reason="需要上一线"),
        "return": lambda: t.return_ticket(s, a, number, group=lower, reason="退回"),
        "flag": lambda: t.flag(s, a, number, reason="请主管关注"),
        "pending": lambda: t.set_pending(s, a, number, reason="vendor"),
        "resume": lambda: t.resume(s, a, number),
        "resolve": lambda: t.resolve(s, a, number, code="fixed", text="已修复"),
        "close": lambda: t.close(s, a, number),
        "reopen": lambda: t.reopen(s, a, number, reason="仍未解决"),
        "cancel": lambda: t.cancel(s, a, number, reason="重复"),
        "note": lambda: t.add_note(s, a, number, "来电人再次来电"),
        "reply": lambda: t.add_note(s, a, number, "您好，正在处理", public=True),
        "update": lambda: t.update_ticket(s, a, number, title="标题更正"),
        "priority": lambda: t.override_priority(s, a, number, priority=2, reason="领导关注"),
    }
    calls[op]()


@pytest.fixture
def no_commit(monkeypatch: pytest.MonkeyPatch) -> Callable[[], Any]:
    """Run a mutation to its end but roll it back, so every attempt sees the same tickets."""
    from contextlib import contextmanager

    from sqlmodel import Session

    @contextmanager
    def rolled_back() -> Iterator[None]:
        with monkeypatch.context() as patch:
            patch.setattr(Session, "commit", Session.flush)
            yield

    return rolled_back


def test_every_offered_action_succeeds_and_every_other_is_refused(
    desk: Desk, admin: Actor, no_commit: Callable[[], Any]
) -> None:
    """For each role of the desk and tickets in several states and groups: what the ticket
    says the actor may do (the console's footer and palette, the CLI's "you can") is exactly
    what the operations let them do."""
    from itsm_tui.common.errors import DomainError
    from itsm_tui.workflow import tickets as t
    from itsm_tui.workflow.tickets.offered import OPERATION_ACTIONS

    tickets = _scenarios(desk)
    actors = [desk.agent1, desk.agent2, desk.eng1, desk.spec1, desk.sup, desk.insp, admin]
    disagreements = []
    for actor in actors:
        for name, number in tickets.items():
            view = t.show_ticket(desk.site, actor, number).ticket
            for op in OPERATION_ACTIONS:
                with no_commit():
                    try:
                        _attempt(desk, actor, op, number, view.tier, view.group or "")
                        done = True
                    except DomainError:
                        done = False
                if done != (op in view.allowed):
                    disagreements.append(f"{actor.login} {op} {name}: offered={not done}")
    assert not disagreements


def test_li_bin_sees_no_claim_escalate_resolve_on_another_groups_tier_2_ticket(
    desk: Desk,
) -> None:
    """The case seen on the screen: a tier-1 agent on a ticket the server group holds."""
    from itsm_tui.workflow import tickets as t

    number = _scenarios(desk)["server new"]
    allowed = t.show_ticket(desk.site, desk.agent2, number).ticket.allowed
    assert allowed == ["note"]
    assert {"claim", "escalate", "resolve"} <= set(
        t.show_ticket(desk.site, desk.eng1, number).ticket.allowed
    )


def test_the_service_desk_closes_and_reopens_any_groups_resolved_ticket(desk: Desk) -> None:
    """ITIL: the service desk owns the incident's lifecycle and closes it with the caller; a
    tier-2 member of another group may not, and any desk member may add a work note."""
    from itsm_tui.workflow import tickets as t

    resolved = _scenarios(desk)["server resolved"]
    outsider = desk.site, desk.spec1  # tier 3, not in the server group
    assert t.show_ticket(*outsider, resolved).ticket.allowed == ["note"]
    with pytest.raises(Forbidden, match="service desk"):
        t.close(*outsider, resolved)
    assert set(t.show_ticket(desk.site, desk.agent2, resolved).ticket.allowed) == {
        "close",
        "reopen",
        "note",
    }
    t.add_note(desk.site, desk.agent2, resolved, "来电人确认已恢复")
    assert t.close(desk.site, desk.agent2, resolved).status == "closed"
