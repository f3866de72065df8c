"""Section 3, times: response and resolution times by priority (median and p90), in business
minutes of the ticket's own SLA calendar."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import ColumnElement, func, select

from itsm_tui.common.domain import PRIORITY_LEVELS
from itsm_tui.common.i18n import N_
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import (
    T,
    Window,
    counted_percentile,
    ranked_percentiles,
    rows,
)

KEY = "times"
TITLE = N_("Response and resolution times")

#: ``(minutes, how many)`` in ascending order of minutes, per priority.
Histograms = dict[int, list[tuple[int, int]]]


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """``response``: from opening to the first response of the tickets opened in the period,
    business minutes of the ticket's policy calendar (the response clock never pauses; stored
    with the first response as ``response_elapsed_min``); ``resolution``: the resolution clock
    of the tickets resolved in the period (business minutes, pauses for the customer or a
    vendor left out, as the SLA engine stored it). Both are read from covering indexes, counted
    per priority and whole minute by the database: the minutes are integers, so the median and
    p90 of the counts are exactly those of the tickets, and a month of tickets crosses to
    Python as a few thousand (priority, minutes, count) rows, never one row per ticket."""
    if not detail:
        # The comparison columns and the console's history: the two figures only, ranked by
        # the database.
        median, p90 = ranked_percentiles(
            read, T.resolution_elapsed_min, window.resolved(), (50, 90)
        )
        return {
            "response_median_min": None,
            "resolution_median_min": median,
            "resolution_p90_min": p90,
        }
    resolution = _histograms(read, T.resolution_elapsed_min, window.resolved())
    every_resolution = _merged(resolution)
    response = _histograms(read, T.response_elapsed_min, window.opened())
    every_response = _merged(response)
    return {
        "response_median_min": counted_percentile(every_response, 50),
        "resolution_median_min": counted_percentile(every_resolution, 50),
        "resolution_p90_min": counted_percentile(every_resolution, 90),
        "by_priority": [
            {
                "priority": level,
                "responded": sum(n for _m, n in response.get(level, [])),
                "response_median_min": counted_percentile(response.get(level, []), 50),
                "response_p90_min": counted_percentile(response.get(level, []), 90),
                "resolved": sum(n for _m, n in resolution.get(level, [])),
                "resolution_median_min": counted_percentile(resolution.get(level, []), 50),
                "resolution_p90_min": counted_percentile(resolution.get(level, []), 90),
            }
            for level in PRIORITY_LEVELS
        ],
    }


def _histograms(read: Read, minutes: Any, where: ColumnElement[bool]) -> Histograms:
    """How many tickets where ``where`` holds took each whole number of ``minutes``, per
    priority (a ticket without the figure is not counted)."""
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for priority, value, n in rows(
        read,
        select(T.priority, minutes, func.count())
        .where(where, minutes.is_not(None))
        .group_by(T.priority, minutes)
        .order_by(T.priority, minutes),
    ):
        out[int(priority)].append((int(value), int(n)))
    return dict(out)


def _merged(histograms: Histograms) -> list[tuple[int, int]]:
    """Every priority's counts in one histogram, ascending."""
    total: Counter[int] = Counter()
    for counted in histograms.values():
        for value, n in counted:
            total[value] += n
    return sorted(total.items())
