"""Inspection schedules: each slot's round exactly once (two schedulers, a missed night),
working days of a business calendar, and the overdue alert exactly once: on both databases."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.errors import Forbidden, Invalid, NotFound
from itsm_tui.scheduler.cron import CRON
from itsm_tui.storage.tables import InspectionRound
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.inspections import rounds, schedules, templates
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.sla.alerts import list_alerts
from tests.conftest import Desk

SMALL = Path(__file__).parent / "data" / "inspection_small.toml"


@pytest.fixture
def room(desk: Desk) -> Desk:
    cmdb.add_ci(desk.site, desk.admin, "核心机房A", "machine_room", criticality=1)
    cmdb.add_ci(desk.site, desk.admin, "UPS-01", "facility", attributes={"kind": "ups"})
    templates.import_template(desk.site, desk.sup, SMALL)
    return desk


def _rounds(desk: Desk) -> list[tuple[datetime, bool]]:
    """Every round's slot (in UTC) and whether it was late, in slot order."""
    with Session(desk.site.engine) as session:
        rows = session.exec(select(InspectionRound).order_by(col(InspectionRound.slot_at))).all()
    return [(r.slot_at, r.late) for r in rows if r.slot_at is not None]


def _twice_daily(desk: Desk, **kwargs: object) -> None:
    schedules.add_schedule(
        desk.site, desk.sup, CRON, "mr-twice", "mr-daily", "hotline", "0 9,16 * * *", **kwargs
    )


def test_slots_come_in_the_sites_zone_once_each(room: Desk, clock: FrozenClock) -> None:
    _twice_daily(room)  # added Friday 09:00 (Asia/Shanghai): the first slot is 16:00
    clock.advance(hours=7, minutes=1)
    report = schedules.create_due_rounds(room.site, CRON)
    assert len(report.created) == 1 and report.late == 0
    again = schedules.create_due_rounds(room.site, CRON)
    assert again.created == []
    ((slot, late),) = _rounds(room)
    assert slot.astimezone(room.site.settings.zone).hour == 16 and not late


def test_a_missed_night_is_caught_up_once_and_marked_late(room: Desk, clock: FrozenClock) -> None:
    _twice_daily(room)
    clock.advance(days=2, hours=1)  # Sunday 10:00: four slots came, none created
    report = schedules.create_due_rounds(room.site, CRON)
    assert len(report.created) == 4
    zone = room.site.settings.zone
    made = _rounds(room)
    assert [(s.astimezone(zone).day, s.astimezone(zone).hour, late) for s, late in made] == [
        (27, 16, True),
        (28, 9, True),
        (28, 16, True),
        (29, 9, True),  # an hour ago: more than ten minutes, so missed too
    ]
    assert schedules.create_due_rounds(room.site, CRON).created == []


def test_each_round_made_is_journaled_as_tx_journal_writes_it(
    room: Desk, clock: FrozenClock
) -> None:
    """The rounds' journal goes in through the driver in bulk; each entry still reads back as
    one written by ``Tx.journal`` would: the system, this instant (found by an equality on the
    time, which SQLite compares as text), and the changes as JSON."""
    from itsm_tui.storage.tables import JournalEntry

    _twice_daily(room)
    clock.advance(days=2, hours=1)
    made = schedules.create_due_rounds(room.site, CRON).created
    with Session(room.site.engine) as session:
        entries = session.exec(
            select(JournalEntry)
            .where(JournalEntry.entity == "inspection_round", JournalEntry.at == clock.now())
            .order_by(col(JournalEntry.id))
        ).all()
        ids = dict(session.exec(select(InspectionRound.number, InspectionRound.id)).all())
    assert [e.changes for e in entries] == [
        {"number": n, "schedule": "mr-twice", "late": True} for n in made
    ]
    assert [e.entity_id for e in entries] == [ids[n] for n in made]
    assert all(e.action == "create" and e.actor_id is None for e in entries)
    assert all(e.at == clock.now() and e.at.tzinfo is not None for e in entries)


def test_two_schedulers_create_each_round_once(room: Desk, clock: FrozenClock) -> None:
    _twice_daily(room)
    clock.advance(days=10)
    sites = [Site(room.site.engine, clock=clock, settings=room.site.settings) for _ in range(2)]
    results: list[list[str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(site: Site) -> None:
        start.wait()
        try:
            results.append(schedules.create_due_rounds(site, CRON).created)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in sites]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(len(r) for r in results) == 20
    assert len(_rounds(room)) == 20
    assert len({slot for slot, _ in _rounds(room)}) == 20


def test_working_days_only_skips_weekends_and_holidays_and_keeps_make_up_days(
    room: Desk,
) -> None:
    """National Day 2026: 1–7 October off (the 4th a Sunday anyway), Saturday 10 October a
    make-up working day (调休)."""
    clock = FrozenClock(datetime(2026, 9, 30, 1, 0, tzinfo=UTC))  # Wed 09:00 in Shanghai
    site = Site(room.site.engine, clock=clock, settings=room.site.settings)
    schedules.add_schedule(
        site,
        room.sup,
        CRON,
        "mr-office",
        "mr-daily",
        "hotline",
        "0 10 * * *",
        calendar="office",
    )
    clock.advance(days=12, hours=2)  # Mon 12 October 11:00
    schedules.create_due_rounds(site, CRON)
    zone = site.settings.zone
    days = [s.astimezone(zone).strftime("%m-%d") for s, _ in _rounds(room)]
    assert days == ["09-30", "10-08", "10-09", "10-10", "10-12"]


def test_bad_schedules_are_refused_naming_the_field(room: Desk) -> None:
    for expression, field in [
        ("0 0 30 2 *", "cron"),
        ("every day", "cron"),
        ("61 * * * *", "cron"),
    ]:
        with pytest.raises(Invalid) as refused:
            schedules.add_schedule(
                room.site, room.sup, CRON, "bad", "mr-daily", "hotline", expression
            )
        assert refused.value.field == field
    with pytest.raises(NotFound):
        schedules.add_schedule(room.site, room.sup, CRON, "bad", "nope", "hotline", "0 9 * * *")
    with pytest.raises(NotFound):
        schedules.add_schedule(
            room.site, room.sup, CRON, "bad", "mr-daily", "hotline", "0 9 * * *", calendar="x"
        )
    with pytest.raises(Forbidden):
        schedules.add_schedule(
            room.site, room.insp, CRON, "bad", "mr-daily", "hotline", "0 9 * * *"
        )
    assert schedules.list_schedules(room.site, room.insp) == []


def test_a_paused_schedule_makes_no_rounds_and_resumes_from_then(
    room: Desk, clock: FrozenClock
) -> None:
    _twice_daily(room)
    schedules.pause_schedule(room.site, room.sup, "mr-twice")
    clock.advance(days=3)
    assert schedules.create_due_rounds(room.site, CRON).created == []
    schedules.resume_schedule(room.site, room.sup, "mr-twice")
    clock.advance(hours=8)
    assert len(schedules.create_due_rounds(room.site, CRON).created) == 1


def test_an_overdue_round_alerts_the_supervisor_exactly_once(
    room: Desk, clock: FrozenClock
) -> None:
    _twice_daily(room)  # due 120 minutes after the slot, 30 minutes' grace
    clock.advance(hours=7, minutes=1)
    (number,) = schedules.run_due(room.site, CRON).created
    clock.advance(hours=2, minutes=28)  # 10:29 UTC: due 10:00, grace until 10:30
    assert schedules.raise_overdue_alerts(room.site) == []
    clock.advance(minutes=1)
    assert schedules.raise_overdue_alerts(room.site) == [number]
    assert schedules.raise_overdue_alerts(room.site) == []
    alerts = list_alerts(room.site, room.sup)
    assert [(a.ticket, a.kind) for a in alerts] == [(number, "inspection_overdue")]
    assert "not completed" in alerts[0].message


def test_a_completed_round_never_alerts(room: Desk, clock: FrozenClock) -> None:
    _twice_daily(room)
    clock.advance(hours=7, minutes=1)
    (number,) = schedules.run_due(room.site, CRON).created
    rounds.complete_round(
        room.site,
        room.insp,
        number,
        skipped={k: "停电演练" for k in ("temp_a", "leak", "ups_load", "ups_light", "remark")},
    )
    clock.advance(days=1)
    assert number not in schedules.run_due(room.site, CRON).alerted


def test_a_year_of_slots_is_one_pass(room: Desk, clock: FrozenClock) -> None:
    _twice_daily(room)
    clock.advance(days=365)
    report = schedules.create_due_rounds(room.site, CRON)
    assert len(report.created) == 730
    assert len(set(report.created)) == 730


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("1", "mon"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("0,6", "sun,sat"),
        ("7", "sun"),
        ("5-7", "sun,fri,sat"),
        ("mon-fri/2", "mon,wed,fri"),
        ("*", "*"),
    ],
)
def test_crontab_weekdays_mean_what_crontab_says(field: str, names: str) -> None:
    """APScheduler 3 numbers weekdays from Monday = 0; a crontab from Sunday = 0."""
    from itsm_tui.scheduler.cron import weekdays

    assert weekdays(field) == names


def test_a_weekly_monday_schedule_fires_on_mondays() -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    start = datetime(2026, 11, 27, tzinfo=UTC)
    fired = list(CRON.fire_times("0 10 * * 1", zone, start, start.replace(day=30, hour=23)))
    assert [t.strftime("%a %H:%M") for t in fired] == ["Mon 10:00"]
