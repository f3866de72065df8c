"""A small estate and a CAB for the change-management tests.

The estate: 网上办事大厅 (business service, critical) runs on app01 and depends on db01;
OA办公系统 (in the desk's fixture, criticality 3) runs on oa01. The CAB is
the group ``cab`` (sup, eng1, spec1: two of three approve a normal change), the emergency CAB
``ecab`` (sup: one approval), and ``cab-lead`` (admin) for high risk.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from itsm_tui.workflow import cmdb, groups
from itsm_tui.workflow.changes.records import ChangeDraft, create_change
from itsm_tui.workflow.changes.views import ChangeView
from itsm_tui.workflow.site_settings import set_setting
from tests.conftest import T0, Desk

#: Monday 1 December 2026, 09:00–11:00 in Shanghai: business hours, three days after T0.
WINDOW = (T0 + timedelta(days=4), T0 + timedelta(days=4, hours=2))
#: The Saturday night after: out of business hours.
NIGHT = (T0 + timedelta(days=1, hours=14), T0 + timedelta(days=1, hours=16))

CAB = {
    "normal": {"groups": ["cab"], "approvals": 2},
    "emergency": {"groups": ["ecab"], "approvals": 1},
    "high_risk": {"groups": ["cab-lead"], "approvals": 1},
}


def estate(desk: Desk) -> None:
    site, admin = desk.site, desk.admin
    cmdb.add_ci(site, admin, "网上办事大厅", "business_service", criticality=1)
    virtual = {"kind": "virtual"}
    cmdb.add_ci(site, admin, "app01", "server", attributes=virtual)
    cmdb.add_ci(site, admin, "db01", "database", attributes={"engine": "达梦 DM8"})
    cmdb.add_ci(site, admin, "oa01", "server", attributes=virtual)
    cmdb.link(site, admin, "网上办事大厅", "runs_on", "app01")
    cmdb.link(site, admin, "网上办事大厅", "depends_on", "db01")
    cmdb.link(site, admin, "OA办公系统", "runs_on", "oa01")


def cab(desk: Desk) -> None:
    site, admin = desk.site, desk.admin
    for code, name, members in [
        ("cab", "变更咨询委员会", ["sup", "eng1", "spec1"]),
        ("ecab", "紧急变更委员会", ["sup"]),
        ("cab-lead", "分管领导", ["admin"]),
    ]:
        groups.add_group(site, admin, code, name, tier=2)
        for login in members:
            groups.add_member(site, admin, code, login)
    set_setting(site, admin, "change_cab", CAB)


def normal(desk: Desk, **fields: Any) -> ChangeView:
    """A complete normal change on db01 in business hours, as eng1 writes it."""
    values: dict[str, Any] = {
        "type": "normal",
        "title": "数据库补丁升级",
        "reason": "厂商发布安全补丁",
        "description": "升级db01数据库至最新补丁版本",
        "implementation_plan": "停应用、备份、打补丁、启动",
        "backout_plan": "回滚到备份",
        "test_plan": "登录办事大厅办一件业务",
        "window_start": WINDOW[0],
        "window_end": WINDOW[1],
        "implementer": "eng1",
        "group": "server",
        "cis": ["db01"],
    }
    values.update(fields)
    return create_change(desk.site, desk.eng1, ChangeDraft(**values))
