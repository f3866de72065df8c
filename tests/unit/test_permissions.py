"""The role table: who may do what, checked in one place."""

from __future__ import annotations

import pytest

from itsm_tui.common.domain import Role
from itsm_tui.common.errors import Forbidden
from itsm_tui.workflow.permissions import PERMISSIONS, Action, allowed, require
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
