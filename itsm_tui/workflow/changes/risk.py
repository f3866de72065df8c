"""A change's risk, computed from the CMDB and explained factor by factor.

Computed when the change is assessed, and again when its CIs or window change. The impact walk
(``workflow.cmdb.impact``'s "used by" direction, the walk in ``storage.cmdb_queries``) goes up
from the change's CIs; the factors are:

- each business service at stake, weighted by its criticality (1 critical, 2 major, others);
- the CIs reached, per ten (at most ten tens);
- incidents opened in the last 90 days on the change's CIs and everything the walk reached
  (at most ten);
- past changes on the same CIs that failed, were backed out or caused incidents (at most five);
- the change type (normal, emergency; a standard change adds nothing);
- a window in business hours (the site's office calendar: users are at work).

Each factor's contribution is its weight (setting ``change_risk``, ``workflow.changes.settings``)
times its count; the score is the sum, and the level is the highest threshold it reaches. A
high or very high risk needs an approval from the ``high_risk`` CAB group as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from itsm_tui.common.changes import ChangeType, RiskLevel
from itsm_tui.storage import change_queries, cmdb_queries
from itsm_tui.storage.tables import ChangeCI, ChangeRequest
from itsm_tui.workflow.changes.settings import RISK_WEIGHTS
from itsm_tui.workflow.cmdb.impact import DEPTH, SERVICE, UPSTREAM
from itsm_tui.workflow.context import Read, Tx, query
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site_settings import read_setting
from itsm_tui.workflow.sla.config import calendar

RECENT_DAYS = 90
CI_UNIT = 10  # CIs reached are counted per ten
CAPS = {"ci_reach": 10, "recent_incident": 10, "failed_change": 5}


@dataclass(frozen=True)
class Factor:
    """One factor: what it is, how many, the weight, the points it adds, and what it saw."""

    factor: str
    count: int
    weight: int
    points: int
    detail: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "count": self.count,
            "weight": self.weight,
            "points": self.points,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Risk:
    score: int
    level: RiskLevel
    factors: list[Factor]
    truncated: bool  # the walk was cut off: more may be at stake


def level_for(score: int, thresholds: dict[str, int]) -> RiskLevel:
    if score >= thresholds["very_high"]:
        return RiskLevel.VERY_HIGH
    if score >= thresholds["high"]:
        return RiskLevel.HIGH
    if score >= thresholds["medium"]:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def compute(
    session: Session,
    now: datetime,
    change_id: int | None,
    change_type: str,
    ci_ids: list[int],
    window_start: datetime | None,
    window_end: datetime | None,
) -> Risk:
    """The risk of a change of ``change_type`` on ``ci_ids`` in the window given."""
    setting = read_setting(session, "change_risk")
    weights = {**RISK_WEIGHTS, **setting["weights"]}  # a weight left out keeps its default
    counted: dict[str, tuple[int, list[str]]] = {}
    conn = session.connection()
    truncated = False
    if ci_ids:
        walk = cmdb_queries.walk(conn, ci_ids, UPSTREAM, max_depth=DEPTH)
        truncated = walk.truncated
        services = sorted(
            (r for r in walk.of_class(SERVICE) if r.status != "retired"),
            key=lambda r: (r.criticality, r.name),
        )
        tiers: dict[str, list[str]] = {
            "service_critical": [],
            "service_major": [],
            "service_other": [],
        }
        for s in services:
            key = {1: "service_critical", 2: "service_major"}.get(s.criticality, "service_other")
            tiers[key].append(s.name)
        for key, names in tiers.items():
            counted[key] = (len(names), names)
        reached = walk.count(min_depth=1)
        counted["ci_reach"] = (-(-reached // CI_UNIT), [str(reached)])
        since = now - timedelta(days=RECENT_DAYS)
        incidents = sorted(
            {n for n, _ in change_queries.incidents_since(conn, list(walk.found), since)}
        )
        counted["recent_incident"] = (len(incidents), incidents[:20])
        troubled = change_queries.troubled_changes(conn, ci_ids, change_id)
        counted["failed_change"] = (
            len(troubled),
            [f"{n} ({o or 'caused'})" for n, o, _ in troubled][:20],
        )
    if change_type in (ChangeType.NORMAL, ChangeType.EMERGENCY):
        counted[f"type_{change_type}"] = (1, [])
    factors = []
    for key, (count, detail) in counted.items():
        units = min(count, CAPS.get(key, count))
        weight = int(weights.get(key, 0))
        if count:
            factors.append(Factor(key, count, weight, weight * units, detail))
    return with_window(
        _scored(factors, setting["thresholds"], truncated), session, window_start, window_end
    )


def _scored(factors: list[Factor], thresholds: dict[str, int], truncated: bool) -> Risk:
    factors = sorted(factors, key=lambda f: -f.points)
    score = sum(f.points for f in factors)
    return Risk(score, level_for(score, thresholds), factors, truncated)


def with_window(
    risk: Risk, session: Session, window_start: datetime | None, window_end: datetime | None
) -> Risk:
    """``risk`` with the window's factor: in business hours on the site's office calendar.
    Apart so a load that computes many changes on the same CIs walks the CMDB once for them
    (``workflow.demo.changes``)."""
    if not (window_start and window_end):
        return risk
    if calendar(session, "office").minutes_between(window_start, window_end) <= 0:
        return risk
    setting = read_setting(session, "change_risk")
    weight = int({**RISK_WEIGHTS, **setting["weights"]}["business_hours"])
    hours = Factor("business_hours", 1, weight, weight, [])
    return _scored([*risk.factors, hours], setting["thresholds"], risk.truncated)


def change_ci_ids(tx: Tx | Read, change_id: int) -> list[int]:
    return list(tx.session.exec(select(ChangeCI.ci_id).where(ChangeCI.change_id == change_id)))


def assessed_values(
    tx: Tx, change: ChangeRequest, window: tuple[datetime | None, datetime | None] | None = None
) -> dict[str, Any]:
    """The columns an assessment writes: score, level, factors, when. ``window``: the one
    being written with it, if the window changes (else the change's own)."""
    assert change.id is not None
    start, end = window if window is not None else (change.window_start, change.window_end)
    risk = compute(
        tx.session, tx.now, change.id, change.type, change_ci_ids(tx, change.id), start, end
    )
    return {
        "risk_score": risk.score,
        "risk_level": risk.level.value,
        "risk_factors": [f.as_dict() for f in risk.factors],
        "assessed_at": tx.now,
    }


@dataclass(frozen=True)
class RiskReport:
    """A change's risk as assessed (stored) and as it would be computed now."""

    number: str
    assessed: Risk | None
    assessed_at: datetime | None
    now: Risk


def _stored(change: ChangeRequest) -> Risk | None:
    if change.risk_score is None or change.risk_level is None:
        return None
    factors = [
        Factor(f["factor"], f["count"], f["weight"], f["points"], list(f["detail"]))
        for f in change.risk_factors or []
    ]
    return Risk(change.risk_score, RiskLevel(change.risk_level), factors, False)


@query(Action.VIEW_CHANGES)
def explain(read: Read, number: str) -> RiskReport:
    """The risk with each factor's contribution: as assessed, and as the CMDB, the incidents
    and the window would make it now (a what-if before assessing, or after the estate moved)."""
    from itsm_tui.workflow.changes.core import find_change

    change = find_change(read.session, number)
    assert change.id is not None
    fresh = compute(
        read.session,
        read.now,
        change.id,
        change.type,
        change_ci_ids(read, change.id),
        change.window_start,
        change.window_end,
    )
    return RiskReport(change.number, _stored(change), change.assessed_at, fresh)


def is_high(level: str | None) -> bool:
    return level in (RiskLevel.HIGH, RiskLevel.VERY_HIGH)
