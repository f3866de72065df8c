"""Section 7, satisfaction and complaints: the surveys of the period's resolutions (response
rate, mean score, the distribution of scores, the worst comments) and the complaints received
(how many, how many judged valid). What counts is written once, in ``quality.figures``, which
the staff scorecards read too.

A survey has a group (the resolver's) but no tier, so a tier-scoped report reads the whole
site's surveys and complaints, and says so with ``scope_ignored``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from itsm_tui.common.i18n import N_
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import Window
from itsm_tui.workflow.quality.figures import (
    COMPLAINT,
    SURVEY,
    complaint_figures,
    survey_figures,
    worst_comments,
)

KEY = "satisfaction"
TITLE = N_("Satisfaction and complaints")
#: Shown in place of the section while the site has no such data.
MISSING = N_("No satisfaction survey or complaint data exists yet.")
#: The lowest-scored comments the report prints.
WORST_SHOWN = 10


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """``response_rate`` (answered ÷ settled), ``mean`` (overall score, 1–5), ``offered``,
    ``answered``; ``complaints`` received and ``valid_complaints``; with ``detail`` the
    ``distribution`` of scores 1–5 and the ``worst`` comments."""
    if not _any(read):
        return {"available": False}
    surveys = survey_figures(read.session, window.start, window.end, window.group_id)
    complaints = complaint_figures(read.session, window.start, window.end, window.group_id)
    out: dict[str, Any] = {
        "offered": surveys.offered,
        "answered": surveys.answered,
        "response_rate": surveys.response_rate,
        "mean": surveys.mean,
        "complaints": complaints.received,
        "valid_complaints": complaints.valid,
        "scope_ignored": window.tier is not None,
    }
    if detail:
        out["distribution"] = surveys.distribution
        out["worst"] = worst_comments(
            read.session, window.start, window.end, window.group_id, WORST_SHOWN
        )
    return out


def _any(read: Read) -> bool:
    """Whether the site has ever offered a survey or received a complaint."""
    return bool(
        read.session.execute(
            select(exists(select(SURVEY.c.id)) | exists(select(COMPLAINT.c.id)))
        ).scalar()
    )
