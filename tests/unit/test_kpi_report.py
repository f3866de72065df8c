"""The KPI report's figures against the same figures recomputed in plain Python over every
ticket of a seeded site, the scope filters, the sections left out, and who may read them."""

from __future__ import annotations

import statistics
from datetime import datetime

import pytest
from sqlmodel import Session, select

from itsm_tui.common.errors import Forbidden, Invalid, NotFound
from itsm_tui.storage.tables import AssignmentGroup, Ticket
from itsm_tui.workflow.kpi.periods import Period, parse_period
from itsm_tui.workflow.kpi.report import kpi_report
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import add_staff
from tests.unit import reporting_site

#: The report tests' site and its "now" (pytest finds a fixture by the module's attribute).
clock, seeded = reporting_site.clock, reporting_site.seeded


def _every_ticket(site: Site) -> list[Ticket]:
    with Session(site.engine) as session:
        return list(session.exec(select(Ticket)).all())


def _local_day(instant: datetime | None, site: Site) -> object:
    return None if instant is None else instant.astimezone(site.settings.zone).date()


def _expected(site: Site, period: Period) -> dict[str, float | int | None]:
    """Each headline figure by its definition, ticket by ticket, in local days."""
    tickets = _every_ticket(site)

    def within(instant: datetime | None) -> bool:
        day = _local_day(instant, site)
        return day is not None and period.start <= day < period.end  # type: ignore[operator]

    def before_end(instant: datetime | None) -> bool:
        day = _local_day(instant, site)
        return day is not None and day < period.end  # type: ignore[operator]

    received = [t for t in tickets if within(t.opened_at)]
    resolved = [t for t in tickets if within(t.resolved_at) and t.status in ("resolved", "closed")]
    measured = [t for t in resolved if t.resolution_due_at is not None]
    times = [t.resolution_elapsed_min for t in resolved if t.resolution_elapsed_min is not None]
    backlog = [
        t
        for t in tickets
        if before_end(t.opened_at)
        and not before_end(t.resolved_at)
        and not (t.status == "cancelled" and before_end(t.closed_at))
    ]

    def pct(part: int, whole: int) -> float | None:
        return round(100.0 * part / whole, 1) if whole else None

    return {
        "received": len(received),
        "first_line_rate": pct(sum(t.resolved_first_line for t in resolved), len(resolved)),
        "resolution_compliance": pct(
            sum(t.resolved_at <= t.resolution_due_at for t in measured),  # type: ignore[operator]
            len(measured),
        ),
        "resolution_median_min": float(statistics.median_low(times)) if times else None,
        "backlog": len(backlog),
        "reopen_rate": pct(sum(t.reopen_count > 0 for t in resolved), len(resolved)),
    }


def test_each_headline_figure_matches_its_plain_recomputation(seeded: Site, admin: Actor) -> None:
    period = parse_period("2026-11")
    report = kpi_report(seeded, admin, period)
    got = {h["key"]: h for h in report.headlines}
    now, before = _expected(seeded, period), _expected(seeded, period.previous())
    assert {k: got[k]["current"] for k in now} == now
    assert {k: got[k]["previous"] for k in before} == before
    # An early month (the backlog then read from the tickets opened before its end).
    early = parse_period("2026-01")
    got_early = {h["key"]: h["current"] for h in kpi_report(seeded, admin, early).headlines}
    assert got_early == _expected(seeded, early)
    # The demo's year ends now: a year ago nothing had been received yet.
    assert got["received"]["last_year"] == 0
    assert now["received"] and now["backlog"] and now["resolution_compliance"] is not None


def test_better_or_worse_follows_each_figures_good_direction(seeded: Site, admin: Actor) -> None:
    report = kpi_report(seeded, admin, parse_period("2026-11"))
    for h in report.headlines:
        if h["current"] is None or h["previous"] is None or h["current"] == h["previous"]:
            continue
        higher = h["current"] > h["previous"]
        assert h["trend"] == ("better" if higher == (h["better"] == "higher") else "worse")


def test_the_groups_volumes_add_up_to_the_sites(seeded: Site, admin: Actor) -> None:
    period = parse_period("2026-11")
    whole = kpi_report(seeded, admin, period, sections=["volume"])
    with Session(seeded.engine) as session:
        codes = list(session.exec(select(AssignmentGroup.code)).all())
    parts = [
        kpi_report(seeded, admin, period, sections=["volume"], group=code).figures["volume"][
            "current"
        ]["received"]
        for code in codes
    ]
    assert sum(parts) == whole.figures["volume"]["current"]["received"]
    by_group = dict(whole.figures["volume"]["current"]["by_group"])
    assert sum(by_group.values()) == sum(parts)


def test_sections_left_out_are_not_computed_and_missing_data_says_so(
    seeded: Site, admin: Actor
) -> None:
    report = kpi_report(seeded, admin, parse_period("2026-11"), sections=["sla", "inspections"])
    assert report.sections == ["sla", "inspections"]
    assert set(report.figures) == {"sla", "inspections"} and report.headlines == []
    assert report.figures["inspections"]["current"]["due"] > 0
    with pytest.raises(Invalid) as refused:
        kpi_report(seeded, admin, parse_period("2026-11"), sections=["weather"])
    assert refused.value.field == "sections"
    with pytest.raises(NotFound):
        kpi_report(seeded, admin, parse_period("2026-11"), group="nowhere")


def test_a_site_without_surveys_rounds_or_scored_staff_says_so_in_one_line(
    site: Site, admin: Actor
) -> None:
    quality = ["satisfaction", "inspections", "scorecards"]
    report = kpi_report(site, admin, parse_period("2026-11"), sections=quality)
    for key in quality:
        assert report.figures[key]["current"] == {"available": False}, key


def test_history_gives_twelve_periods_ending_with_this_one(seeded: Site, admin: Actor) -> None:
    report = kpi_report(seeded, admin, parse_period("2026-11"), sections=["summary"], history=12)
    assert report.history["periods"][-1] == "2026-11" and len(report.history["periods"]) == 12
    assert report.history["received"][-1] == report.headlines[0]["current"]


def test_only_supervisors_and_admins_read_reports(site: Site, admin: Actor) -> None:
    view = add_staff(site, admin, "agent9", "钱九", tier=1, roles=["agent"])
    agent = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
    with pytest.raises(Forbidden):
        kpi_report(site, agent, parse_period("2026-11"))
