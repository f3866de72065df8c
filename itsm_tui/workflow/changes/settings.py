"""The site settings of change management: the CAB of each change type (N of M), whether one
rejection stops a change, the risk's weights and thresholds, the standard-change templates and
the time limits. Stored like every site setting (``itsm settings set``, journaled); defaults
and validation here, where the rules that read them live.

Plain data and checks, no database code: ``workflow.site_settings`` imports them.

``change_cab`` — per change type (and ``high_risk``, the extra group a high or very high risk
needs), the approver groups (assignment group codes) and how many approvals it needs::

    {"normal": {"groups": ["cab"], "approvals": 2},
     "emergency": {"groups": ["ecab"], "approvals": 1},
     "high_risk": {"groups": ["cab-lead"], "approvals": 1}}

``change_risk`` — the weight of each factor and the score at which each level starts; see
``workflow.changes.risk`` for what each factor measures::

    {"weights": {"service_critical": 25, …}, "thresholds": {"medium": 20, "high": 45, …}}
"""

from __future__ import annotations

from typing import Any

from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_

#: The factors of a change's risk and their default weights (points per unit, or flat).
RISK_WEIGHTS: dict[str, int] = {
    # per business service at stake, by its criticality (1 most critical … 4 and below)
    "service_critical": 25,
    "service_major": 12,
    "service_other": 4,
    # per 10 CIs reached by the impact walk (at most 10 units)
    "ci_reach": 2,
    # per incident on the change's CIs or what they reach, in the last 90 days (at most 10)
    "recent_incident": 3,
    # per past change on the same CIs that failed, was backed out or caused an incident (≤ 5)
    "failed_change": 8,
    # flat: the change type
    "type_normal": 5,
    "type_emergency": 15,
    # flat: the window falls in business hours (users are working)
    "business_hours": 10,
}

#: The score each level starts at (below "medium": low).
RISK_THRESHOLDS: dict[str, int] = {"medium": 20, "high": 45, "very_high": 70}

#: Standard changes' templates: pre-approved work with its plans written once.
TEMPLATES: dict[str, dict[str, str]] = {
    "oa-add-user": {
        "title": "OA系统新增用户",
        "description": "按人事处通知在OA办公系统中开通新用户账号并分配角色。",
        "implementation_plan": "1. 核对人事通知；2. 在OA管理后台新增账号；3. 分配部门与角色。",
        "backout_plan": "停用新建账号。",
        "test_plan": "用新账号登录OA，确认待办与公文菜单可见。",
    },
    "raid-disk": {
        "title": "更换RAID阵列故障磁盘",
        "description": "服务器RAID阵列中一块磁盘报故障，按厂商备件更换并重建。",
        "implementation_plan": "1. 确认故障盘槽位；2. 热插拔更换；3. 观察阵列重建至完成。",
        "backout_plan": "重建失败时插回原盘并联系厂商。",
        "test_plan": "阵列状态为Optimal，系统日志无新磁盘告警。",
    },
}

DEFAULTS: dict[str, Any] = {
    "change_cab": {
        "normal": {"groups": [], "approvals": 2},
        "emergency": {"groups": [], "approvals": 1},
        "high_risk": {"groups": [], "approvals": 1},
    },
    "change_one_rejection_stops": True,
    "change_risk": {"weights": RISK_WEIGHTS, "thresholds": RISK_THRESHOLDS},
    "change_templates": TEMPLATES,
    # Incidents opened on a change's CIs this many hours after its window are suggested as
    # possibly caused by it.
    "change_caused_hours": 24,
    # An emergency change must be reviewed by the full CAB within this many working days.
    "change_emergency_review_days": 2,
}

CAB_KEYS = ("normal", "emergency", "high_risk")
PLAN_FIELDS = ("title", "description", "implementation_plan", "backout_plan", "test_plan")


def validate(key: str, value: Any) -> Any:
    """Refuse a change setting that would not work, naming the setting."""
    if key == "change_cab":
        ok = isinstance(value, dict) and set(value) <= set(CAB_KEYS)
        for entry in value.values() if ok else ():
            ok = ok and (
                isinstance(entry, dict)
                and isinstance(entry.get("groups"), list)
                and all(isinstance(g, str) and g for g in entry["groups"])
                and isinstance(entry.get("approvals"), int)
                and 0 <= entry["approvals"] <= 50
            )
        if not ok:
            raise Invalid(
                N_(
                    "change_cab maps normal, emergency and high_risk each to its approver "
                    'groups ("groups", a list of group codes) and the approvals it needs '
                    '("approvals", 0 to 50).'
                ),
                field=key,
            )
    elif key == "change_risk":
        weights = value.get("weights") if isinstance(value, dict) else None
        limits = value.get("thresholds") if isinstance(value, dict) else None
        ok = (
            isinstance(weights, dict)
            and set(weights) <= set(RISK_WEIGHTS)
            and all(isinstance(w, int) and 0 <= w <= 1000 for w in weights.values())
            and isinstance(limits, dict)
            and set(limits) == set(RISK_THRESHOLDS)
            and all(isinstance(t, int) for t in limits.values())
            and limits["medium"] < limits["high"] < limits["very_high"]
        )
        if not ok:
            raise Invalid(
                N_(
                    "change_risk needs weights (whole numbers 0 to 1000) and thresholds "
                    "medium < high < very_high."
                ),
                field=key,
            )
    elif key == "change_templates":
        ok = isinstance(value, dict) and all(
            isinstance(code, str)
            and code
            and isinstance(t, dict)
            and set(t) <= set(PLAN_FIELDS)
            and isinstance(t.get("title"), str)
            and t["title"]
            and all(isinstance(v, str) for v in t.values())
            for code, t in value.items()
        )
        if not ok:
            raise Invalid(
                N_("change_templates maps a code to a title and its plans, all text."),
                field=key,
            )
    elif key == "change_one_rejection_stops":
        if not isinstance(value, bool):
            raise Invalid(N_("change_one_rejection_stops must be true or false."), field=key)
    elif key in ("change_caused_hours", "change_emergency_review_days") and not (
        isinstance(value, int) and 0 <= value <= 365
    ):
        raise Invalid(N_("{key} must be a whole number from 0 to 365."), field=key, key=key)
    return value
