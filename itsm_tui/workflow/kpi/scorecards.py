"""Section 9, staff scorecards: every scored person's total for the period under the site's
scoring scheme, and the ranking. The scores are the scorecards' own (``quality.scorecards``:
the same attribution, the same schemes, the same bands), computed for the report's period; a
closed period's frozen figures are the scorecard screen's business, the report shows the live
ones.

A group-scoped report ranks the group's current members; a tier-scoped one everyone
(``scope_ignored``): a person has no tier of their own in the ranking."""

from __future__ import annotations

from typing import Any

from itsm_tui.common.i18n import N_
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.kpi.base import Window
from itsm_tui.workflow.quality.periods import Period
from itsm_tui.workflow.quality.scorecards import compute as score
from itsm_tui.workflow.quality.scorecards import scored_staff

KEY = "scorecards"
TITLE = N_("Staff scorecards")
#: Shown in place of the section while the site has no such data.
MISSING = N_("No staff member has a scorecard yet.")
#: The ranking's length in the printed report.
RANKED_SHOWN = 50


def compute(read: Read, window: Window, detail: bool) -> dict[str, Any]:
    """``scored`` people, their ``mean_total``, ``best_total`` and ``worst_total``; with
    ``detail`` the ``ranking`` (highest total first, then login) with each indicator's
    weighted points."""
    people = scored_staff(read.session, window.group_id)
    if not people:
        return {"available": False}
    period = Period(
        f"{window.start.isoformat()}/{window.end.isoformat()}", window.start, window.end
    )
    cards = sorted(score(read.session, people, period), key=lambda c: (-c[3], c[0].login))
    totals = [total for _p, _s, _i, total in cards]
    out: dict[str, Any] = {
        "scored": len(cards),
        "mean_total": round(sum(totals) / len(totals), 2),
        "best_total": totals[0],
        "worst_total": totals[-1],
        "scope_ignored": window.tier is not None,
    }
    if detail:
        out["ranking"] = [
            {
                "rank": rank,
                "login": person.login,
                "name": person.display_name,
                "scheme": scheme.name,
                "total": total,
                "indicators": [[i.label, i.value, i.weighted] for i in indicators],
            }
            for rank, (person, scheme, indicators, total) in enumerate(
                cards[:RANKED_SHOWN], start=1
            )
        ]
    return out
