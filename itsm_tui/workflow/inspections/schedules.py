"""Schedules: which checklist runs when, for which group; the rounds of their slots, created
exactly once; and the alert for a round not completed in time, raised exactly once.

When a schedule fires is cron arithmetic in the site's zone. The workflow does not import the
scheduler's library (the layering forbids it): the front door that plans rounds hands in a
:class:`CronArithmetic` (``itsm_tui.scheduler.cron`` wraps APScheduler's own cron trigger), so
there is one cron implementation and the rules stay here.

Exactly once is the database's job: a slot's round is unique per schedule and slot
(``uq_inspection_round_slot``) and inserted with ``ON CONFLICT DO NOTHING``, so two schedulers
racing, or one restarted after a missed night, create each round once. A slot created more than
:data:`LATE_AFTER` after it came (a missed run) is marked late. The overdue alert is claimed by
a conditional update of the round (``alerted_at IS NULL``) and unique per person in the inbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, update
from sqlalchemy.engine import CursorResult
from sqlmodel import col, select

from itsm_tui.common.domain import RoundStatus
from itsm_tui.common.errors import Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.bulk import insert_sql, timestamp_adapter
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    AssignmentGroup,
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
    NotificationOutbox,
    SlaAlert,
)
from itsm_tui.storage.tables.inspections import CRON_MAX, TEMPLATE_CODE_MAX
from itsm_tui.storage.tables.sla import ALERT_MESSAGE_MAX
from itsm_tui.workflow.business_calendar import BusinessCalendar
from itsm_tui.workflow.context import Read, Tx, mutation, query, system_transaction
from itsm_tui.workflow.inspections.rounds import ROUND_PREFIX
from itsm_tui.workflow.inspections.spec import KEY
from itsm_tui.workflow.inspections.templates import latest
from itsm_tui.workflow.inspections.views import ScheduleRow
from itsm_tui.workflow.lookup import find_group
from itsm_tui.workflow.numbering import reserve_numbers
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.sla.alerts import group_recipients, outbox_rows

#: A slot's round created later than this after the slot came was missed, and is marked late.
LATE_AFTER = timedelta(minutes=10)
#: A schedule must fire within this long of being added, or it is refused as never firing.
FIRES_WITHIN = timedelta(days=400)
#: The alert kind of a round not completed by its due time plus grace.
OVERDUE_KIND = "inspection_overdue"
OVERDUE_BATCH = 500


class CronArithmetic(Protocol):
    """When a cron expression fires, in a zone (``itsm_tui.scheduler.cron``)."""

    def check(self, expression: str, zone: ZoneInfo) -> None:
        """Raise ``ValueError`` (saying why) if ``expression`` is not a cron expression."""

    def fire_times(
        self, expression: str, zone: ZoneInfo, after: datetime, until: datetime
    ) -> Iterator[datetime]:
        """The fire times in ``(after, until]``, in order, as aware datetimes."""


def _check_expression(cron: CronArithmetic, expression: str, zone: ZoneInfo, now: datetime) -> None:
    if len(expression) > CRON_MAX:
        raise Invalid(
            N_("The cron expression is longer than {limit} characters."),
            field="cron",
            limit=CRON_MAX,
        )
    try:
        cron.check(expression, zone)
    except ValueError as exc:
        raise Invalid(
            N_("cron {expression} is not a cron expression: {reason}."),
            field="cron",
            expression=repr(expression),
            reason=str(exc),
        ) from None
    if next(cron.fire_times(expression, zone, now, now + FIRES_WITHIN), None) is None:
        raise Invalid(
            N_("cron {expression} never fires."), field="cron", expression=repr(expression)
        )


def _calendar(tx: Tx | Read, name: str) -> BusinessCalendar:
    from itsm_tui.workflow.sla.config import CALENDARS, calendar

    if name not in CALENDARS:
        raise NotFound(
            N_("No business calendar {name}."),
            field="calendar",
            name=name,
            suggestions=sorted(CALENDARS),
        )
    return calendar(tx.session, name)


@mutation(Action.MANAGE_INSPECTIONS)
def add_schedule(
    tx: Tx,
    cron: CronArithmetic,
    code: str,
    template: str,
    group: str,
    expression: str,
    *,
    calendar: str | None = None,
    due_minutes: int = 120,
    grace_minutes: int = 30,
) -> ScheduleRow:
    """Run ``template`` at ``expression`` (cron, in the site's zone) for ``group``, on the
    working days of ``calendar`` only when one is named. Slots start from now."""
    if len(code) > TEMPLATE_CODE_MAX or not KEY.match(code):
        raise Invalid(
            N_("code {code} must be lower-case letters, digits, - and _."), field="code", code=code
        )
    if tx.session.exec(select(InspectionSchedule).where(InspectionSchedule.code == code)).first():
        raise Invalid(N_("A schedule {code} exists already."), field="code", code=code)
    latest(tx.session, template)
    team = find_group(tx.session, group)
    if calendar is not None:
        _calendar(tx, calendar)
    for name, minutes in (("due_minutes", due_minutes), ("grace_minutes", grace_minutes)):
        if not 0 <= minutes <= 7 * 24 * 60 or (name == "due_minutes" and minutes == 0):
            raise Invalid(N_("{name} must be 1 to 10080."), field=name, name=name)
    _check_expression(cron, expression, tx.site.settings.zone, tx.now)
    assert team.id is not None
    schedule = InspectionSchedule(
        code=code,
        template_code=template,
        group_id=team.id,
        cron=expression,
        calendar=calendar,
        due_minutes=due_minutes,
        grace_minutes=grace_minutes,
        planned_until=tx.now,
        created_at=tx.now,
    )
    tx.session.add(schedule)
    tx.session.flush()
    assert schedule.id is not None
    tx.journal(
        "inspection_schedule",
        schedule.id,
        "create",
        {
            "code": code,
            "template": template,
            "group": team.code,
            "cron": expression,
            "calendar": calendar,
            "due_minutes": due_minutes,
            "grace_minutes": grace_minutes,
        },
    )
    return _row(schedule, team.code)


def _row(schedule: InspectionSchedule, group: str) -> ScheduleRow:
    return ScheduleRow(
        schedule.code,
        schedule.template_code,
        group,
        schedule.cron,
        schedule.calendar,
        schedule.due_minutes,
        schedule.grace_minutes,
        schedule.active,
        schedule.planned_until,
        schedule.version,
    )


def _set_active(tx: Tx, code: str, active: bool) -> ScheduleRow:
    schedule = tx.session.exec(
        select(InspectionSchedule).where(InspectionSchedule.code == code)
    ).first()
    if schedule is None:
        raise NotFound(N_("No inspection schedule {code}."), field="schedule", code=code)
    assert schedule.id is not None
    table = core_table(InspectionSchedule)
    values: dict[str, Any] = {"active": active, "version": schedule.version + 1}
    if active and not schedule.active:
        values["planned_until"] = tx.now  # a paused stretch is not caught up as missed slots
    result = tx.session.execute(
        update(table)
        .where(table.c.id == schedule.id, table.c.version == schedule.version)
        .values(**values)
    )
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        from itsm_tui.common.errors import Conflict

        raise Conflict(
            N_("Schedule {code} was changed meanwhile; try again."), field="schedule", code=code
        )
    tx.journal(
        "inspection_schedule",
        schedule.id,
        "resume" if active else "pause",
        {"active": [schedule.active, active]},
    )
    tx.session.refresh(schedule)
    group = tx.session.get(AssignmentGroup, schedule.group_id)
    return _row(schedule, group.code if group else "")


@mutation(Action.MANAGE_INSPECTIONS)
def pause_schedule(tx: Tx, code: str) -> ScheduleRow:
    return _set_active(tx, code, False)


@mutation(Action.MANAGE_INSPECTIONS)
def resume_schedule(tx: Tx, code: str) -> ScheduleRow:
    """Resume; the slots it missed while paused are not created."""
    return _set_active(tx, code, True)


@query(Action.VIEW_INSPECTIONS)
def list_schedules(read: Read) -> list[ScheduleRow]:
    rows = read.session.exec(
        select(InspectionSchedule, AssignmentGroup.code)
        .join(AssignmentGroup, col(AssignmentGroup.id) == InspectionSchedule.group_id)
        .order_by(col(InspectionSchedule.code))
    ).all()
    return [_row(s, g) for s, g in rows]


# ---------------------------------------------------------------------- slots
def _working_day(calendar: BusinessCalendar, day: date, cache: dict[date, bool]) -> bool:
    """A day with any working time in it (a make-up Saturday is one; a holiday is not)."""
    if day not in cache:
        zone = ZoneInfo(calendar.tz)
        start = datetime.combine(day, time(), zone)
        cache[day] = calendar.minutes_between(start, start + timedelta(days=1)) > 0
    return cache[day]


def slots(
    cron: CronArithmetic,
    schedule: InspectionSchedule,
    zone: ZoneInfo,
    until: datetime,
    calendar: BusinessCalendar | None,
) -> list[datetime]:
    """The schedule's slots in ``(planned_until, until]``, working days only if it says so."""
    # In UTC, as everything is stored: the driver-level insert takes UTC instants.
    times = [
        t.astimezone(UTC)
        for t in cron.fire_times(schedule.cron, zone, schedule.planned_until, until)
    ]
    if calendar is None:
        return times
    cache: dict[date, bool] = {}
    cal_zone = ZoneInfo(calendar.tz)
    return [t for t in times if _working_day(calendar, t.astimezone(cal_zone).date(), cache)]


def _insert_ignoring(engine: Engine, table: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: a duplicate means another scheduler got there first."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table).on_conflict_do_nothing()


@dataclass
class PlanReport:
    created: list[str] = field(default_factory=list)
    late: int = 0
    alerted: list[str] = field(default_factory=list)  # rounds whose overdue alert went out


_ROUND_COLUMNS = (
    "number", "template_id", "schedule_id", "slot_at", "group_id", "status", "reason",
    "created_at", "due_at", "overdue_at", "late", "version",
)  # fmt: skip

#: One slot as every schedule sharing it stores it: its time, due time and overdue time in the
#: driver's own representation, and whether it is late.
_SlotRow = tuple[Any, Any, Any, bool]


def _slot_rows(
    stamp: Any, slots: list[datetime], due_minutes: int, grace_minutes: int, now: datetime
) -> list[_SlotRow]:
    """The stored form of ``slots`` for a due time and grace. Computed once for all schedules
    with the same slots and times (50 twice-daily schedules share one list), since turning
    four times a round into the driver's text was the largest cost of a long catch-up."""
    due, overdue = timedelta(minutes=due_minutes), timedelta(minutes=due_minutes + grace_minutes)
    return [
        (stamp(slot), stamp(slot + due), stamp(slot + overdue), now - slot > LATE_AFTER)
        for slot in slots
    ]


def _insert_rounds(
    tx: Tx,
    schedule: InspectionSchedule,
    template_id: int,
    slots: list[datetime],
    stored: list[_SlotRow],
) -> list[Any]:
    """Insert the rounds of one schedule's slots, each unless it exists (another scheduler
    made it), through the driver's executemany as ready tuples (a year of slots is 730 rows a
    schedule, and SQLAlchemy's per-value processing of their four times was most of the
    cost); return the rows this transaction made: those carrying the numbers it reserved."""
    conn = tx.session.connection()
    table = core_table(InspectionRound)
    created = timestamp_adapter(conn)(tx.now)
    numbers = reserve_numbers(tx.session, ROUND_PREFIX, len(slots))
    open_, schedule_id, group_id = RoundStatus.OPEN.value, schedule.id, schedule.group_id
    values = [
        (number, template_id, schedule_id, slot, group_id, open_, "", created, due, over, late, 1)
        for number, (slot, due, over, late) in zip(numbers, stored, strict=True)
    ]
    sql = insert_sql(conn, table, _ROUND_COLUMNS) + " ON CONFLICT DO NOTHING"
    for start in range(0, len(values), 5000):
        conn.exec_driver_sql(sql, values[start : start + 5000])
    ours = set(numbers)
    found = conn.execute(
        select(table.c.id, table.c.number, table.c.late).where(
            table.c.schedule_id == schedule.id,
            table.c.slot_at.between(slots[0], slots[-1]),
            table.c.created_at == tx.now,
        )
    ).all()
    return [r for r in found if r.number in ours]


def create_due_rounds(
    site: Site, cron: CronArithmetic, *, until: datetime | None = None
) -> PlanReport:
    """Create the round of every slot that has come (up to ``until``, default now), once; as
    the system, in one transaction, with one journal entry per round made."""
    report = PlanReport()
    zone = site.settings.zone
    with system_transaction(site) as tx:
        end = until or tx.now
        schedules = tx.session.exec(
            select(InspectionSchedule).where(
                col(InspectionSchedule.active), col(InspectionSchedule.planned_until) < end
            )
        ).all()
        stamp = timestamp_adapter(tx.session.connection())
        # Schedules with the same expression, calendar and watermark have the same slots: after
        # the first run every schedule's watermark is the last run's end, so this is the rule,
        # and the cron arithmetic (most of the cost of a long catch-up) is done once for them;
        # so is the slots' stored form for each due time and grace.
        known: dict[tuple[str, str | None, datetime], list[datetime]] = {}
        stored: dict[tuple[str, str | None, datetime, int, int], list[_SlotRow]] = {}
        versions: dict[str, int] = {}
        for schedule in schedules:
            assert schedule.id is not None
            key = (schedule.cron, schedule.calendar, schedule.planned_until)
            if key not in known:
                calendar = _calendar(tx, schedule.calendar) if schedule.calendar else None
                known[key] = slots(cron, schedule, zone, end, calendar)
            due = known[key]
            if not due:
                continue
            if schedule.template_code not in versions:
                version = latest(tx.session, schedule.template_code)
                assert version.id is not None
                versions[schedule.template_code] = version.id
            times = (*key, schedule.due_minutes, schedule.grace_minutes)
            if times not in stored:
                stored[times] = _slot_rows(
                    stamp, due, schedule.due_minutes, schedule.grace_minutes, tx.now
                )
            made = _insert_rounds(
                tx, schedule, versions[schedule.template_code], due, stored[times]
            )
            tx.journal_many(
                "inspection_round",
                "create",
                [
                    (r.id, {"number": r.number, "schedule": schedule.code, "late": r.late})
                    for r in made
                ],
            )
            report.created += [r.number for r in made]
            report.late += sum(1 for r in made if r.late)
        if schedules:
            table = core_table(InspectionSchedule)
            tx.session.execute(
                update(table)
                .where(
                    table.c.id.in_([s.id for s in schedules]),
                    table.c.planned_until < end,
                )
                .values(planned_until=end)
            )
        if not tx.journaled:
            tx.session.rollback()
    return report


def raise_overdue_alerts(site: Site) -> list[str]:
    """Alert the group's supervisor (every supervisor when the group has none) about each open
    round past its due time and grace, once; returns the rounds alerted about."""
    alerted: list[str] = []
    with system_transaction(site) as tx:
        table = core_table(InspectionRound)
        overdue = tx.session.exec(
            select(InspectionRound, InspectionTemplate.name)
            .join(InspectionTemplate, col(InspectionTemplate.id) == InspectionRound.template_id)
            .where(
                InspectionRound.status == RoundStatus.OPEN.value,
                col(InspectionRound.overdue_at) <= tx.now,
                col(InspectionRound.alerted_at).is_(None),
            )
            .order_by(col(InspectionRound.overdue_at))
            .limit(OVERDUE_BATCH)
        ).all()
        for rnd, name in overdue:
            assert rnd.id is not None
            claimed = tx.session.execute(
                update(table)
                .where(table.c.id == rnd.id, table.c.alerted_at.is_(None))
                .values(alerted_at=tx.now)
            )
            assert isinstance(claimed, CursorResult)
            if claimed.rowcount != 1:
                continue  # another scheduler alerted about it
            _alert(tx, rnd, name)
            alerted.append(rnd.number)
        if not tx.journaled:
            tx.session.rollback()
    return alerted


def _alert(tx: Tx, rnd: InspectionRound, template_name: str) -> None:
    assert rnd.id is not None
    zone = tx.site.settings.zone
    message = (
        f"{rnd.number} {template_name}: not completed by "
        f"{rnd.due_at.astimezone(zone):%Y-%m-%d %H:%M}"
    )[:ALERT_MESSAGE_MAX]
    alerts = core_table(SlaAlert)
    logins = []
    for person, target in group_recipients(tx, rnd.group_id):
        assert person.id is not None
        alert_id = tx.session.execute(
            _insert_ignoring(tx.site.engine, alerts).returning(alerts.c.id),
            {
                "ticket_id": None,
                "round_id": rnd.id,
                "kind": OVERDUE_KIND,
                "staff_id": person.id,
                "target": target,
                "message": message,
                "due_at": rnd.overdue_at,
                "created_at": tx.now,
            },
        ).scalar()
        if alert_id is None:
            continue
        payload = {
            "alert_id": alert_id,
            "round": rnd.number,
            "kind": OVERDUE_KIND,
            "due_at": rnd.due_at.isoformat(),
            "staff": person.login,
            "target": target,
            "message": message,
        }
        rows = outbox_rows(tx, alert_id, person.email, payload)
        if rows:
            tx.session.execute(insert(core_table(NotificationOutbox)), rows)
        logins.append(person.login)
    tx.journal("inspection_round", rnd.id, "overdue", {"alerted": logins})


def run_due(site: Site, cron: CronArithmetic) -> PlanReport:
    """The scheduler's minutely job: create the rounds whose slots came, then alert about the
    rounds past their due time and grace."""
    report = create_due_rounds(site, cron)
    report.alerted = raise_overdue_alerts(site)
    return report
