"""The six headline figures of the summary page, and whether a change is better or worse."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from itsm_tui.common.i18n import N_


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class Headline:
    """One figure: which section computes it, under which name, and its good direction."""

    key: str
    section: str
    figure: str
    label: str
    unit: str
    better: Better


#: Received: fewer incidents reaching the desk is counted as better. Times are business
#: minutes; rates are percentages.
HEADLINES: tuple[Headline, ...] = (
    Headline("received", "volume", "received", N_("Tickets received"), "", Better.LOWER),
    Headline(
        "first_line_rate",
        "first_line",
        "first_line_rate",
        N_("First-line resolution"),
        "%",
        Better.HIGHER,
    ),
    Headline(
        "resolution_compliance",
        "sla",
        "resolution_compliance",
        N_("Resolved within SLA"),
        "%",
        Better.HIGHER,
    ),
    Headline(
        "resolution_median_min",
        "times",
        "resolution_median_min",
        N_("Median resolution time (business min)"),
        "min",
        Better.LOWER,
    ),
    Headline("backlog", "backlog", "backlog", N_("Backlog at period end"), "", Better.LOWER),
    Headline("reopen_rate", "backlog", "reopen_rate", N_("Reopen rate"), "%", Better.LOWER),
)


def trend(better: Better, now: float | None, before: float | None) -> str | None:
    """``better``, ``worse`` or ``same`` against an earlier value; None without both values."""
    if now is None or before is None:
        return None
    if now == before:
        return "same"
    up = now > before
    return "better" if up == (better is Better.HIGHER) else "worse"
