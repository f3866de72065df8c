"""The demo's inspections: three checklists on the estate's plant, their schedules, six weeks
of rounds a supervisor and an inspector can work with at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from itsm_tui.scheduler.cron import CRON
from itsm_tui.workflow.demo import load_demo
from itsm_tui.workflow.demo.inspection_checklists import SCHEDULES
from itsm_tui.workflow.demo.inspections import DAYS, _slots
from itsm_tui.workflow.inspections import history, rounds, schedules, templates
from itsm_tui.workflow.inspections.spec import parse
from itsm_tui.workflow.site import Actor, Site
from tests.conftest import T0
from tests.unit.test_demo import fresh_site


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Site, Actor]]:
    with fresh_site(request.param, tmp_path_factory.mktemp("demo")) as (site, admin):
        load_demo(site, admin, tickets=20, seed=2026)
        yield site, admin


def test_the_checklists_check_the_estates_plant(demo: tuple[Site, Actor]) -> None:
    site, admin = demo
    listed = {t.code: t.item_count for t in templates.list_templates(site, admin)}
    assert listed == {"mr-daily": 41, "ups-weekly": 12, "gen-monthly": 9}
    daily = templates.show_template(site, admin, "mr-daily")
    cis = {i.ci for i in daily.checks}
    assert {"UPS-01", "精密空调-03", "气体灭火系统", "机柜-A12", "核心机房A"} <= cis
    # What the demo wrote reads back as the file it would be imported from.
    exported = templates.export_template(site, admin, "mr-daily")
    assert parse(exported).same_content(daily)


def test_the_demo_slots_are_the_schedules_own(demo: tuple[Site, Actor]) -> None:
    """The loader cannot use the scheduler's cron arithmetic (the layering), so its slots are
    checked against it here."""
    site, _ = demo
    zone = site.settings.zone
    start, end = T0 - timedelta(days=DAYS), T0
    ours = _slots(zone, start, end)
    for index, (_, _, cron, calendar, _, _) in enumerate(SCHEDULES):
        fired = list(CRON.fire_times(cron, zone, start - timedelta(seconds=1), end))
        if calendar:
            from itsm_tui.workflow.business_calendar import office_calendar
            from itsm_tui.workflow.inspections.schedules import _working_day

            office, cache = office_calendar(), {}
            fired = [t for t in fired if _working_day(office, t.astimezone(zone).date(), cache)]
        assert [s for i, s in ours if i == index] == fired, cron


def test_six_weeks_of_rounds_and_the_current_one_half_done(demo: tuple[Site, Actor]) -> None:
    site, admin = demo
    listed = rounds.list_rounds(site, admin, limit=500)
    assert len(listed) > 2 * DAYS
    newest = listed[0]
    assert (newest.template, newest.status) == ("mr-daily", "open")
    assert 0 < newest.answered < newest.item_count
    view = rounds.open_round(site, admin, newest.number)
    assert view.first_unanswered() == newest.answered
    assert all(len(i.readings) == 30 for i in view.checks if i.kind == "reading")
    # The scheduler has nothing to catch up: the demo's slots are all there.
    assert schedules.create_due_rounds(site, CRON).created == []


def test_the_return_air_story_shows_in_the_history(demo: tuple[Site, Actor]) -> None:
    site, admin = demo
    found = history.history(site, admin, "ac03_return", limit=20)
    assert found.readings[0].outcome == "warn" and found.readings[-1].outcome == "pass"
    assert max(r.value or 0 for r in found.readings) > 28


def test_the_demo_group_runs_the_rounds(demo: tuple[Site, Actor], tmp_path: Path) -> None:
    site, admin = demo
    groups = {s.group for s in schedules.list_schedules(site, admin)}
    assert groups == {"mr-ops"}


def test_the_demos_failures_opened_incidents_as_a_live_failure_would(
    demo: tuple[Site, Actor],
) -> None:
    """The return-air drift opened one incident on 精密空调-03 through the live rule, at the
    time of its first warning, as the inspector who read it; each later warning is a note on
    it, not another incident; the incident links back to its round."""
    site, admin = demo
    from sqlalchemy import text

    from itsm_tui.workflow.tickets.queries import show_ticket

    with site.engine.connect() as conn:
        events = conn.execute(
            text(
                "SELECT i.event, t.number, r.number,"
                " CASE WHEN t.opened_at = a.answered_at THEN 1 ELSE 0 END,"
                " CASE WHEN t.opened_by_id = a.answered_by_id THEN 1 ELSE 0 END"
                " FROM inspection_incident i JOIN ticket t ON t.id = i.ticket_id"
                " JOIN inspection_round r ON r.id = i.round_id"
                " JOIN inspection_answer a ON a.round_id = i.round_id AND a.item_id = i.item_id"
                " WHERE i.item_key = 'ac03_return' ORDER BY i.id"
            )
        ).all()
        notes = conn.execute(
            text(
                "SELECT COUNT(*) FROM ticket_note n JOIN inspection_incident i"
                " ON i.ticket_id = n.ticket_id AND i.event = 'opened'"
                " WHERE i.item_key = 'ac03_return'"
            )
        ).scalar_one()
    found = history.history(site, admin, "ac03_return")
    now = site.clock.now()  # the open round's later answers are stamped after it: not replayed
    warnings = [r for r in found.readings if r.outcome != "pass" and r.at <= now]
    assert warnings and [e[0] for e in events].count("opened") == 1
    assert len(events) == len(warnings)  # one incident, then a note for every later warning
    assert {e[1] for e in events} == {events[0][1]}
    event, number, round_number, at_reading, by_inspector = events[0]
    assert (event, at_reading, by_inspector) == ("opened", 1, 1)
    assert notes == len(events) - 1
    ticket = show_ticket(site, admin, number).ticket
    assert ticket.group == "mr-ops" and ticket.status != "closed"
    assert "精密空调-03" in ticket.title and round_number in ticket.description
