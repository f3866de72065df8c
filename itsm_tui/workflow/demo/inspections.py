"""The demo's inspections: three checklists on the estate's plant, their schedules, and six
weeks of rounds with realistic readings, written set-based like the rest of the demo.

The story in the readings: everything in range most days; the return air of 精密空调-03 creeps
up over the last ten days into its warning band (a clogged filter, noted by the inspectors);
the odd PDU spike; one morning round completed late. The newest daily slot's round is left
open and half answered when it is still within its time, so the runner has one to resume.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select, update

from itsm_tui.common.domain import ItemKind, Outcome, RoundStatus
from itsm_tui.storage import bulk
from itsm_tui.workflow.business_calendar import office_calendar
from itsm_tui.workflow.demo.epoch import Stamper
from itsm_tui.workflow.demo.inspection_checklists import SCHEDULES
from itsm_tui.workflow.demo.writing import table_of, write
from itsm_tui.workflow.inspections.judging import Limits, judge_value
from itsm_tui.workflow.inspections.rounds import ROUND_PREFIX
from itsm_tui.workflow.inspections.spec import ItemSpec, TemplateSpec
from itsm_tui.workflow.numbering import format_number

GROUP = "mr-ops"
DAYS = 42  # six weeks of rounds

#: Typical value and spread of each reading, by the key's start (what a healthy room reads).
TYPICAL: tuple[tuple[str, float, float], ...] = (
    ("temp_", 23.0, 1.0),
    ("hum_", 50.0, 3.5),
    ("ups01_load", 38.0, 2.5),
    ("ups02_load", 36.0, 2.5),
    ("ac", 0.0, 0.0),  # supply / return below
    ("gas_pressure", 2.55, 0.03),
    ("pdu_", 10.0, 0.8),
    ("fuel_level", 88.0, 4.0),
    ("start_time", 7.0, 0.8),
    ("voltage", 400.0, 3.0),
    ("frequency", 50.0, 0.08),
    ("oil_pressure", 400.0, 25.0),
    ("coolant_temp", 82.0, 3.0),
)
_BY_SUFFIX = {
    "_supply": (15.5, 0.7),
    "_return": (25.0, 1.0),
    "_batt_temp": (22.0, 0.8),
    "_room_temp": (22.0, 0.8),
    "_bus_v": (438.0, 1.5),
    "_cell_min": (13.45, 0.06),
    "_resistance": (3.6, 0.3),
}


def _typical(key: str) -> tuple[float, float]:
    for suffix, value in _BY_SUFFIX.items():
        if key.endswith(suffix):
            return value
    for prefix, mean, spread in TYPICAL:
        if key.startswith(prefix) and spread:
            return mean, spread
    return 0.0, 1.0


def _limits(item: ItemSpec) -> Limits:
    return Limits(item.kind, item.unit, *item.normal, *item.warn, item.choices, item.failing)


class _Answers:
    """Draws each answer of a round from the stream, with the story's drift."""

    def __init__(self, rng: random.Random, days: int) -> None:
        self.rng = rng
        self.days = days
        self.pdu_mean: dict[str, float] = {}

    def answer(self, item: ItemSpec, day: int) -> tuple[str, float | None, str, str]:
        rng = self.rng
        if item.kind == ItemKind.READING:
            mean, spread = _typical(item.key)
            if item.key.startswith("pdu_"):
                mean = self.pdu_mean.setdefault(item.key, rng.uniform(6.0, 13.0))
            late_in_story = day - (self.days - 10)
            if item.key == "ac03_return" and late_in_story > 0:
                mean += 0.45 * late_in_story  # the filter clogs: 25 → 29.5 °C
                spread = 0.3
            value = rng.gauss(mean, spread)
            if item.key.startswith("pdu_") and rng.random() < 0.004:
                value = rng.uniform(16.5, 18.5)  # a backup job's spike
            digits = 2 if item.unit in ("MPa",) or item.key.endswith("_cell_min") else 1
            value = round(value, digits)
            outcome = judge_value(_limits(item), value)
            note = ""
            if outcome != Outcome.PASS:
                note = (
                    "回风温度偏高，滤网积灰，已通知空调维保"
                    if item.key == "ac03_return"
                    else "读数偏高，已复测并记录"
                )
            return outcome.value, value, "", note
        if item.kind == ItemKind.CHOICE:
            choice = item.choices[0]
            if item.key == "ac04_status":
                choice = "待机"  # N+1: the fourth unit stands by
            return Outcome.PASS.value, None, choice, ""
        if item.kind == ItemKind.TEXT:
            return Outcome.PASS.value, None, "无", ""
        return Outcome.PASS.value, None, "", ""


def _slots(zone: ZoneInfo, start: datetime, now: datetime) -> list[tuple[int, datetime]]:
    """(schedule index, slot) of the demo's schedules in ``[start, now]``, as their cron
    expressions and calendars say (checked against the schedules in the tests)."""
    office = office_calendar()
    found: list[tuple[int, datetime]] = []
    day = start.astimezone(zone).date()
    while day <= now.astimezone(zone).date():
        begin = datetime.combine(day, time(), zone)
        working = office.minutes_between(begin, begin + timedelta(days=1)) > 0
        hours = [(0, 9), (0, 16)]
        if day.weekday() == 0 and working:
            hours.append((1, 10))
        if day.day == 1:
            hours.append((2, 14))
        for index, hour in hours:
            slot = datetime.combine(day, time(hour), zone)
            if start <= slot <= now:
                found.append((index, slot))
        day += timedelta(days=1)
    return sorted(found, key=lambda s: s[1])


def create_inspections(
    conn: Connection,
    rng: random.Random,
    now: int,
    stamp: Stamper,
    *,
    zone: ZoneInfo,
    groups: dict[str, int],
    inspectors: list[int],
    ci_ids: dict[str, int],
    history: bool = True,
) -> dict[str, int]:
    """Write the checklists and schedules and (``history``) six weeks of rounds; return the row
    counts."""
    at = datetime.fromtimestamp(now, zone)
    specs: list[TemplateSpec] = [make() for make, *_ in SCHEDULES]
    template_id = bulk.next_id(conn, table_of("inspection_template"))
    item_id = bulk.next_id(conn, table_of("inspection_item"))
    templates: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    item_ids: list[list[int]] = []
    created = stamp(now - (DAYS + 30) * 86_400)
    for n, spec in enumerate(specs):
        templates.append((template_id + n, spec.code, 1, spec.name, spec.description, created))
        ids = []
        for position, item in enumerate(spec.checks):
            ids.append(item_id + len(items))
            items.append(
                (item_id + len(items), template_id + n, position, item.key, item.section,
                 item.label, item.kind.value, ci_ids.get(item.ci) if item.ci else None,
                 item.instruction, item.unit, item.normal[0], item.normal[1], item.warn[0],
                 item.warn[1], list(item.choices), list(item.failing), item.severity)
            )  # fmt: skip
        item_ids.append(ids)
    counts = {
        "inspection_templates": write(
            conn, "inspection_template",
            ("id", "code", "version", "name", "description", "created_at"), templates,
        ),
        "inspection_items": _write_json_items(conn, items),
    }  # fmt: skip
    schedule_id = bulk.next_id(conn, table_of("inspection_schedule"))
    schedules = [
        (schedule_id + n, code, specs[n].code, groups[GROUP], cron, calendar, due, grace, True,
         stamp(now), created, 1)
        for n, (_, code, cron, calendar, due, grace) in enumerate(SCHEDULES)
    ]  # fmt: skip
    counts["inspection_schedules"] = write(
        conn, "inspection_schedule",
        ("id", "code", "template_code", "group_id", "cron", "calendar", "due_minutes",
         "grace_minutes", "active", "planned_until", "created_at", "version"),
        schedules,
    )  # fmt: skip
    slots = _slots(zone, at - timedelta(days=DAYS), at) if history else []
    first_number = _reserve(conn, len(slots))
    round_id = bulk.next_id(conn, table_of("inspection_round"))
    answer_id = bulk.next_id(conn, table_of("inspection_answer"))
    draw = _Answers(rng, DAYS)
    rounds: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    start_day = (at - timedelta(days=DAYS)).date()
    for n, (index, slot) in enumerate(slots):
        spec, ids = specs[index], item_ids[index]
        _, _, _, _, due_minutes, grace = SCHEDULES[index]
        slot_s = int(slot.timestamp())
        due = slot_s + due_minutes * 60
        overdue = due + grace * 60
        who = inspectors[n % len(inspectors)]
        open_now = now < overdue and index == 0
        late_finish = rng.random() < 0.03
        took = rng.randrange(25, 70) * 60 + (due_minutes * 60 if late_finish else 0)
        answered_items = len(spec.checks) // 2 if open_now else len(spec.checks)
        day = (slot.date() - start_day).days
        for position, item in enumerate(spec.checks[:answered_items]):
            outcome, value, text, note = draw.answer(item, day)
            answers.append(
                (answer_id + len(answers), round_id + n, ids[position], spec.code, item.key,
                 ci_ids.get(item.ci) if item.ci else None, outcome, value, text, note, who,
                 stamp(slot_s + 600 + position * 45))
            )  # fmt: skip
        done = not open_now
        rounds.append(
            (round_id + n, format_number(ROUND_PREFIX, first_number + n), template_id + index,
             schedule_id + index, stamp(slot_s), groups[GROUP],
             (RoundStatus.COMPLETED if done else RoundStatus.OPEN).value, "", stamp(slot_s),
             stamp(due), stamp(overdue), False, stamp(slot_s + took) if done else None,
             who if done else None, stamp(overdue) if done and slot_s + took > overdue else None,
             2 if done else 1)
        )  # fmt: skip
    counts["inspection_rounds"] = write(
        conn, "inspection_round",
        ("id", "number", "template_id", "schedule_id", "slot_at", "group_id", "status", "reason",
         "created_at", "due_at", "overdue_at", "late", "completed_at", "completed_by_id",
         "alerted_at", "version"),
        rounds,
    )  # fmt: skip
    counts["inspection_answers"] = write(
        conn, "inspection_answer",
        ("id", "round_id", "item_id", "template_code", "item_key", "ci_id", "outcome", "value",
         "text", "note", "answered_by_id", "answered_at"),
        answers,
    )  # fmt: skip
    return counts


def _write_json_items(conn: Connection, items: list[tuple[Any, ...]]) -> int:
    """The items, their JSON lists through the table's own type (the ORM's encoding)."""
    table = table_of("inspection_item")
    columns = ("id", "template_id", "position", "key", "section", "label", "kind", "ci_id",
               "instruction", "unit", "normal_min", "normal_max", "warn_min", "warn_max",
               "choices", "failing", "severity")  # fmt: skip
    conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in items])
    return len(items)


def _reserve(conn: Connection, count: int) -> int:
    """The first of ``count`` round numbers, the series left at the last one."""
    if not count:
        return 1
    table = table_of("number_series")
    last = conn.execute(select(table.c.last_value).where(table.c.prefix == ROUND_PREFIX)).scalar()
    if last is None:
        conn.execute(insert(table).values(prefix=ROUND_PREFIX, last_value=count))
        return 1
    conn.execute(
        update(table).where(table.c.prefix == ROUND_PREFIX).values(last_value=last + count)
    )
    return int(last) + 1
