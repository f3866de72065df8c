"""The demo's finished tickets are measured by the policy the live clock would pick for them
(a site may have category or service policies before it loads the demo), with that policy's
calendar; the whole demo against the live clock: ``test_demo.py``."""

from __future__ import annotations

from itsm_tui.workflow.business_calendar import office_calendar, twenty_four_seven
from itsm_tui.workflow.demo.sla_figures import COLUMNS, SlaFigures
from itsm_tui.workflow.sla.config import Policy, SlaConfig

T0 = 1_780_000_000  # a Thursday, 2026-05-28 20:26:40 UTC (04:26 in Beijing: out of hours)
HARDWARE, PRINTER, OA_SYSTEM = 7, 8, 5


def _figures() -> SlaFigures:
    config = SlaConfig(
        (
            Policy(3, 60, 3 * 480, "office"),
            Policy(3, 30, 300, "24x7", category="hw"),
            Policy(3, 10, 100, "24x7", service="OA"),
        )
    )
    return SlaFigures(
        config,
        {"office": office_calendar(None), "24x7": twenty_four_seven()},
        stamp=lambda seconds: seconds,  # epoch seconds in, epoch seconds out
        categories={HARDWARE: ("hw",), PRINTER: ("printer", "hw")},
        ci_names={OA_SYSTEM: "OA"},
    )


def test_a_category_or_service_policy_wins_as_in_the_live_clock() -> None:
    figures = _figures()
    assert figures.policy(3, None, ()).key == "P3"
    assert figures.policy(3, PRINTER, ()).key == "P3/category:hw"  # by its parent category
    assert figures.policy(3, PRINTER, (OA_SYSTEM,)).key == "P3/service:OA"


def test_a_finished_ticket_gets_its_policys_due_times_and_business_minutes() -> None:
    """Round the clock (the category policy's calendar): answered after 10 minutes,
    escalated, resolved after an hour; due 30 minutes and 5 hours after opening."""
    columns = _figures().measure(
        priority=3,
        category=PRINTER,
        cis=(),
        opened=T0,
        first_response=T0 + 600,
        status="closed",
        tier=2,
        turns=[
            (T0 + 600, "in_progress", None),
            (T0 + 1200, "new", 2),
            (T0 + 1800, "in_progress", None),
            (T0 + 3600, "resolved", None),
            (T0 + 3 * 86_400, "closed", None),
        ],
        now=T0 + 10 * 86_400,
    )
    assert dict(zip(COLUMNS, columns, strict=True)) == {
        "response_due_at": T0 + 30 * 60,
        "resolution_due_at": T0 + 300 * 60,
        "resolution_warn_at": None,  # a stopped clock warns no more
        "next_sla_at": None,
        "sla_policy": "P3/category:hw",
        "resolution_elapsed_min": 60,
        "response_elapsed_min": 10,
    }
