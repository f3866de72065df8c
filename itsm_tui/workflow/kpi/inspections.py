"""Section 8, inspections: the rounds due in the period, completed on time, completed late or
missed (still open past their due time), and the checklist items that failed most. The counts
are the inspection history's own (``inspections.history``), read for the period.

Rounds belong to a group but have no tier: a tier-scoped report reads every group's rounds
(``scope_ignored``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import InspectionRound
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.inspections.history import failures_by_item, punctuality_rows
from itsm_tui.workflow.kpi.base import Window, rate

KEY = "inspections"
TITLE = N_("Inspections")
#: Shown in place of the section while the site has no such data.
MISSING = N_("No inspection rounds exist yet.")
#: The items listed under "failures by item".
ITEMS_SHOWN = 15


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """``due`` rounds in the period, ``on_time``, ``late``, ``missed`` and ``on_time_rate``
    (on time ÷ due); with ``detail`` the same per group and ``failures`` by item."""
    rounds = core_table(InspectionRound)
    if not read.session.execute(select(exists(select(rounds.c.id)))).scalar():
        return {"available": False}
    groups = punctuality_rows(
        read.session, read.now, since=window.start, until=window.end, group_id=window.group_id
    )
    on_time = sum(g.on_time for g in groups)
    late = sum(g.late for g in groups)
    missed = sum(g.open_overdue for g in groups)
    due = on_time + late + missed
    out: dict[str, Any] = {
        "due": due,
        "on_time": on_time,
        "late": late,
        "missed": missed,
        "on_time_rate": rate(on_time, due),
        "scope_ignored": window.tier is not None,
    }
    if detail:
        out["by_group"] = [
            {"group": g.group, "on_time": g.on_time, "late": g.late, "missed": g.open_overdue}
            for g in groups
        ]
        out["failures"] = [
            {
                "item": f"{f.template}.{f.key}",
                "label": f.label,
                "failed": f.failed,
                "warned": f.warned,
            }
            for f in failures_by_item(
                read.session, window.start, window.end, window.group_id, ITEMS_SHOWN
            )
        ]
    return out
