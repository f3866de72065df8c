"""Section 3, times: response and resolution times by priority (median and p90), in business
minutes of the ticket's own SLA calendar."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from itsm_tui.common.domain import PRIORITY_LEVELS
from itsm_tui.common.i18n import N_
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import T, Window, percentile, ranked_percentiles, rows

KEY = "times"
TITLE = N_("Response and resolution times")


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """``response``: from opening to the first response of the tickets opened in the period,
    business minutes of the ticket's policy calendar (the response clock never pauses; stored
    with the first response as ``response_elapsed_min``); ``resolution``: the resolution clock
    of the tickets resolved in the period (business minutes, pauses for the customer or a
    vendor left out, as the SLA engine stored it). Both are read from covering indexes."""
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
    response: dict[int, list[int]] = defaultdict(list)
    for priority, minutes in rows(
        read,
        select(T.priority, T.response_elapsed_min).where(
            window.opened(), T.response_elapsed_min.is_not(None)
        ),
    ):
        response[priority].append(int(minutes))
    resolution: dict[int, list[int]] = defaultdict(list)
    for priority, minutes in rows(
        read,
        select(T.priority, T.resolution_elapsed_min).where(
            window.resolved(), T.resolution_elapsed_min.is_not(None)
        ),
    ):
        resolution[priority].append(int(minutes))
    every_response = sorted(m for ms in response.values() for m in ms)
    every_resolution = sorted(m for ms in resolution.values() for m in ms)
    return {
        "response_median_min": percentile(every_response, 50),
        "resolution_median_min": percentile(every_resolution, 50),
        "resolution_p90_min": percentile(every_resolution, 90),
        "by_priority": [
            {
                "priority": level,
                "responded": len(response[level]),
                "response_median_min": percentile(sorted(response[level]), 50),
                "response_p90_min": percentile(sorted(response[level]), 90),
                "resolved": len(resolution[level]),
                "resolution_median_min": percentile(sorted(resolution[level]), 50),
                "resolution_p90_min": percentile(sorted(resolution[level]), 90),
            }
            for level in PRIORITY_LEVELS
        ],
    }
