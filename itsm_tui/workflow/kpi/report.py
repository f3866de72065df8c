"""The KPI report's figures: every chosen section for the period, the period before it and the
same period last year, and the summary's headline figures, as plain JSON-able values.

The command line prints them (``--json``), the renderer draws them and the console shows the
headline figures: all read them from here, so a figure means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from itsm_tui.common.domain import TIERS
from itsm_tui.common.errors import Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.tables import AssignmentGroup
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.kpi.base import Window
from itsm_tui.workflow.kpi.headlines import HEADLINES, trend
from itsm_tui.workflow.kpi.periods import Period
from itsm_tui.workflow.kpi.registry import NAMES, SECTIONS, SUMMARY
from itsm_tui.workflow.kpi.rollups import freshness
from itsm_tui.workflow.permissions import Action

#: The sparklines' length: the period and the eleven before it.
HISTORY = 12
#: The three columns of every figure.
COLUMNS = ("current", "previous", "last_year")


@dataclass
class KpiReport:
    """What the report shows; :meth:`to_json` is ``itsm report kpi --json``."""

    period: Period
    timezone: str
    generated_at: str
    group: str | None
    tier: int | None
    sections: list[str]
    figures: dict[str, dict[str, dict[str, Any]]]  # section → column → figures
    headlines: list[dict[str, Any]]
    history: dict[str, Any] = field(default_factory=dict)
    #: How fresh the daily rollups the counts of resolved tickets come from are: the last
    #: day rolled up (``through``) and when (``taken_at``); None each when none is.
    rollups: dict[str, str | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        def described(p: Period) -> dict[str, str]:
            return {
                "key": p.key,
                "kind": p.kind.value,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
            }

        return {
            "period": described(self.period),
            "previous": described(self.period.previous()),
            "last_year": described(self.period.last_year()),
            "timezone": self.timezone,
            "generated_at": self.generated_at,
            "scope": {"group": self.group, "tier": self.tier},
            "sections": self.sections,
            "headlines": self.headlines,
            "figures": self.figures,
            "history": self.history,
            "rollups": self.rollups,
        }


def check_sections(names: Sequence[str] | None) -> list[str]:
    """The chosen section names in printed order; every one when none are given."""
    if not names:
        return list(NAMES)
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise Invalid(
            N_("Unknown section {name}; sections are: {names}."),
            field="sections",
            name=unknown[0],
            names=", ".join(NAMES),
        )
    return [n for n in NAMES if n in names]


@query(Action.VIEW_REPORTS)
def kpi_report(
    read: Read,
    period: Period,
    *,
    sections: Sequence[str] | None = None,
    group: str | None = None,
    tier: int | None = None,
    history: int = 0,
) -> KpiReport:
    """The figures of ``sections`` (all by default) for ``period``, the period before it and
    the same period last year, for the whole site or one group or tier; ``history``: also the
    headline figures of that many periods up to this one (the console's sparklines)."""
    chosen = check_sections(sections)
    group_id = _group_id(read, group)
    if tier is not None and tier not in TIERS:
        raise Invalid(N_("Tier must be one of {tiers}."), field="tier", tiers="1, 2, 3")
    zone = read.site.settings.zone
    windows = {
        "current": period,
        "previous": period.previous(),
        "last_year": period.last_year(),
    }
    needed = {h.section for h in HEADLINES} if SUMMARY in chosen else set()
    figures: dict[str, dict[str, dict[str, Any]]] = {}
    for key, module in SECTIONS.items():
        if key not in chosen and key not in needed:
            continue
        figures[key] = {}
        for column, p in windows.items():
            start, end = p.bounds(zone)
            window = Window(start, end, group_id, tier)
            detail = column == "current" and key in chosen
            figures[key][column] = module.compute(read, window, detail)
    headlines = [
        {
            "key": h.key,
            "label": h.label,
            "unit": h.unit,
            "better": h.better.value,
            **{c: figures[h.section][c].get(h.figure) for c in COLUMNS},
            "trend": trend(
                h.better,
                figures[h.section]["current"].get(h.figure),
                figures[h.section]["previous"].get(h.figure),
            ),
        }
        for h in HEADLINES
        if SUMMARY in chosen
    ]
    past: dict[str, Any] = {}
    if history:
        known = {
            period.key: {s: figures[s]["current"] for s in figures},
            period.previous().key: {s: figures[s]["previous"] for s in figures},
        }
        past = _history(read, period, history, group_id, tier, known)
    for key in list(figures):
        if key not in chosen:
            del figures[key]
    fresh = freshness(read.session)
    return KpiReport(
        period,
        read.site.settings.timezone,
        read.now.isoformat(),
        group,
        tier,
        chosen,
        figures,
        headlines,
        past,
        {
            "through": fresh.through,
            "taken_at": fresh.taken_at.isoformat() if fresh.taken_at else None,
        },
    )


def _history(
    read: Read,
    period: Period,
    count: int,
    group_id: int | None,
    tier: int | None,
    known: dict[str, dict[str, dict[str, Any]]],
) -> dict[str, Any]:
    """The headline figures of ``count`` periods up to ``period``; those already read for the
    report's own columns (``known``, by period key) are not read again."""
    zone = read.site.settings.zone
    periods = period.back(count)
    out: dict[str, Any] = {"periods": [p.key for p in periods]}
    sections = {h.section for h in HEADLINES}
    values: dict[str, list[Any]] = {h.key: [] for h in HEADLINES}
    for p in periods:
        start, end = p.bounds(zone)
        window = Window(start, end, group_id, tier)
        have = known.get(p.key, {})
        computed = {
            s: have[s] if s in have else SECTIONS[s].compute(read, window, False) for s in sections
        }
        for h in HEADLINES:
            values[h.key].append(computed[h.section].get(h.figure))
    out.update(values)
    return out


def _group_id(read: Read, code: str | None) -> int | None:
    if code is None:
        return None
    found = read.session.exec(
        select(AssignmentGroup.id).where(AssignmentGroup.code == code)
    ).first()
    if found is None:
        raise NotFound(N_("No group {code}."), field="group", code=code)
    return found
