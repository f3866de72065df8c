"""Sections 7–9 of the KPI report (satisfaction and complaints, inspections, staff scorecards)
against the same figures recomputed over the seeded site's rows in plain Python, and against
the scorecards' own reading; a hostile survey comment prints as text."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from itsm_tui.reports.render import render_html
from itsm_tui.storage.tables import Complaint, InspectionRound, Survey
from itsm_tui.workflow.kpi.periods import parse_period
from itsm_tui.workflow.kpi.report import kpi_report
from itsm_tui.workflow.quality.scorecards import show_scorecard
from itsm_tui.workflow.site import Actor, Site
from tests.unit import reporting_site
from tests.unit.reporting_site import NOW

#: The report tests' site and its "now" (pytest finds a fixture by the module's attribute).
clock, seeded = reporting_site.clock, reporting_site.seeded

NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))
HOSTILE = '<img src="http://x/y.png">差评<script>alert(1)</script>'


def _in_november(site: Site, instant: datetime | None) -> bool:
    if instant is None:
        return False
    day = instant.astimezone(site.settings.zone).date()
    return NOVEMBER[0] <= day < NOVEMBER[1]


def test_satisfaction_and_complaints_match_the_rows(seeded: Site, admin: Actor) -> None:
    with Session(seeded.engine) as session:
        surveys = [
            s for s in session.exec(select(Survey)).all() if _in_november(seeded, s.created_at)
        ]
        complaints = [
            c for c in session.exec(select(Complaint)).all() if _in_november(seeded, c.received_at)
        ]
    answered = [s for s in surveys if s.status == "answered"]
    settled = [s for s in surveys if s.status != "open"]
    got = kpi_report(seeded, admin, parse_period("2026-11"), sections=["satisfaction"])
    f = got.figures["satisfaction"]["current"]
    assert answered, "the demo answers some of November's surveys"
    assert f["offered"] == len(surveys) and f["answered"] == len(answered)
    assert f["response_rate"] == round(100.0 * len(answered) / len(settled), 2)
    assert f["mean"] == round(statistics.fmean(s.overall or 0 for s in answered), 2)
    assert f["distribution"] == [sum(s.overall == n for s in answered) for n in range(1, 6)]
    assert f["complaints"] == len(complaints)
    assert f["valid_complaints"] == sum(c.verdict == "valid" for c in complaints)
    worst = [w["overall"] for w in f["worst"]]
    assert worst == sorted(worst) and all(w["comment"] for w in f["worst"])
    # Every column is read: the period before has its own figures.
    assert "response_rate" in got.figures["satisfaction"]["previous"]


def test_inspection_rounds_and_failures_match_the_rows(seeded: Site, admin: Actor) -> None:
    with Session(seeded.engine) as session:
        rounds = [
            r for r in session.exec(select(InspectionRound)).all() if _in_november(seeded, r.due_at)
        ]
    on_time = sum(
        r.status == "completed" and r.completed_at is not None and r.completed_at <= r.due_at
        for r in rounds
    )
    late = sum(
        r.status == "completed" and r.completed_at is not None and r.completed_at > r.due_at
        for r in rounds
    )
    missed = sum(r.status == "open" and r.due_at < NOW for r in rounds)
    f = kpi_report(seeded, admin, parse_period("2026-11"), sections=["inspections"]).figures[
        "inspections"
    ]["current"]
    assert rounds and (f["on_time"], f["late"], f["missed"]) == (on_time, late, missed)
    assert f["due"] == on_time + late + missed
    failed = [i["failed"] for i in f["failures"]]
    assert failed == sorted(failed, reverse=True)


def test_the_ranking_is_the_scorecards_own_totals(seeded: Site, admin: Actor) -> None:
    f = kpi_report(seeded, admin, parse_period("2026-11"), sections=["scorecards"]).figures[
        "scorecards"
    ]["current"]
    ranking = f["ranking"]
    assert ranking and f["scored"] == len(ranking)
    for row in ranking:
        card = show_scorecard(seeded, admin, row["login"], "2026-11")
        assert row["total"] == card.total, row["login"]
    totals = [r["total"] for r in ranking]
    assert totals == sorted(totals, reverse=True)
    assert f["best_total"] == totals[0] and f["worst_total"] == totals[-1]


def test_a_hostile_comment_prints_as_text(seeded: Site, admin: Actor) -> None:
    with Session(seeded.engine) as session:
        target = session.exec(
            select(Survey.id)
            .where(col(Survey.status) == "answered")
            .where(col(Survey.created_at) >= datetime(2026, 11, 3, tzinfo=UTC))
            .where(col(Survey.created_at) < datetime(2026, 11, 28, tzinfo=UTC))
            .limit(1)
        ).one()
        session.execute(
            update(Survey).where(col(Survey.id) == target).values(overall=1, comment=HOSTILE)
        )
        session.commit()
    report = kpi_report(seeded, admin, parse_period("2026-11"))
    html = render_html(report.to_json())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "http://x/" not in html.replace("&#34;http://x/", "")
    assert html.count("<section") == 10 and "No inspection rounds exist yet." not in html
