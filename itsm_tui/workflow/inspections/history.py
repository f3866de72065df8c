"""History: an item's or a CI's readings over time, failures per month, and rounds completed
on time or late per group.

An item is named ``template.key`` (or its key alone, where one checklist has it); its history
runs across the checklist's versions (``ix_inspection_answer_item``). A CI's history is every
item that checks it (``ix_inspection_answer_ci``). Both are one index range, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from itsm_tui.common.domain import Outcome, RoundStatus
from itsm_tui.common.errors import Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    AssignmentGroup,
    ConfigurationItem,
    InspectionAnswer,
    InspectionItem,
    InspectionRound,
    InspectionTemplate,
)
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.inspections.views import History, Reading
from itsm_tui.workflow.lookup import find_cis
from itsm_tui.workflow.permissions import Action

MAX_READINGS = 5000


def _item_key(read: Read, ref: str) -> tuple[str, str] | None:
    """``(template code, item key)`` named by ``ref``, or None when no item is named so."""
    code, dot, key = ref.rpartition(".")
    stmt = (
        select(InspectionTemplate.code, InspectionItem.key)
        .join(InspectionItem, col(InspectionItem.template_id) == InspectionTemplate.id)
        .distinct()
    )
    if dot:
        stmt = stmt.where(InspectionTemplate.code == code, InspectionItem.key == key)
    else:
        stmt = stmt.where(InspectionItem.key == ref)
    found = read.session.exec(stmt.limit(10)).all()
    if len(found) > 1:
        raise Invalid(
            N_("Several checklists have item {key}; say which: {options}."),
            field="item",
            key=ref,
            options=", ".join(f"{c}.{k}" for c, k in found),
        )
    return (found[0][0], found[0][1]) if found else None


@query(Action.VIEW_INSPECTIONS)
def history(read: Read, ref: str, *, since: datetime | None = None, limit: int = 1000) -> History:
    """Readings of an item (``template.key`` or ``key``) or of a CI, newest first."""
    if not 1 <= limit <= MAX_READINGS:
        raise Invalid(N_("limit must be 1 to {limit}."), field="limit", limit=MAX_READINGS)
    answer = core_table(InspectionAnswer)
    rnd, ci_table = core_table(InspectionRound), core_table(ConfigurationItem)
    # Columns, not entities: two years of twice-daily readings are 1,460 rows.
    stmt = (
        sa_select(
            answer.c.answered_at,
            rnd.c.number,
            answer.c.template_code,
            answer.c.item_key,
            ci_table.c.name,
            answer.c.outcome,
            answer.c.value,
            answer.c.text,
        )
        .select_from(answer)
        .join(rnd, rnd.c.id == answer.c.round_id)
        .outerjoin(ci_table, ci_table.c.id == answer.c.ci_id)
    )
    item = _item_key(read, ref)
    if item is not None:
        stmt = stmt.where(answer.c.template_code == item[0], answer.c.item_key == item[1])
        subject = f"{item[0]}.{item[1]}"
    else:
        try:
            (ci,) = find_cis(read.session, [ref])
        except NotFound:
            raise NotFound(N_("No inspection item or CI {ref}."), field="item", ref=ref) from None
        stmt = stmt.where(answer.c.ci_id == ci.id)
        subject = ci.name
    if since is not None:
        stmt = stmt.where(answer.c.answered_at >= since)
    rows = read.session.execute(stmt.order_by(answer.c.answered_at.desc()).limit(limit)).all()
    zone = read.site.settings.zone
    readings = tuple(Reading(*row) for row in rows)
    months: dict[str, int] = {}
    for r in readings:
        if r.outcome in (Outcome.WARN, Outcome.FAIL):
            month = r.at.astimezone(zone).strftime("%Y-%m")
            months[month] = months.get(month, 0) + 1
    return History(subject, readings, dict(sorted(months.items())))


@dataclass(frozen=True)
class Punctuality:
    group: str
    completed: int
    on_time: int
    late: int
    open_overdue: int


@query(Action.VIEW_INSPECTIONS)
def punctuality(read: Read, *, since: datetime | None = None) -> list[Punctuality]:
    """Per group: rounds completed on time (by their due time) and late, and rounds still open
    past their due time: one grouped query."""
    return punctuality_rows(read.session, read.now, since=since)


def punctuality_rows(
    session: Session,
    now: datetime,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    group_id: int | None = None,
) -> list[Punctuality]:
    """:func:`punctuality` for the rounds due in ``[since, until)``, optionally of one group
    (the KPI report reads it for its periods): on time, late, and still open past due at
    ``now`` (missed)."""
    rnd = core_table(InspectionRound)
    done = rnd.c.status == RoundStatus.COMPLETED.value
    on_time = and_(done, rnd.c.completed_at <= rnd.c.due_at)
    late = and_(done, rnd.c.completed_at > rnd.c.due_at)
    overdue = and_(rnd.c.status == RoundStatus.OPEN.value, rnd.c.due_at < now)
    stmt = (
        sa_select(
            col(AssignmentGroup.code),
            func.sum(case((done, 1), else_=0)),
            func.sum(case((on_time, 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
        )
        .select_from(rnd)
        .join(AssignmentGroup, col(AssignmentGroup.id) == rnd.c.group_id)
        .group_by(col(AssignmentGroup.code))
        .order_by(col(AssignmentGroup.code))
    )
    if since is not None:
        stmt = stmt.where(rnd.c.due_at >= since)
    if until is not None:
        stmt = stmt.where(rnd.c.due_at < until)
    if group_id is not None:
        stmt = stmt.where(rnd.c.group_id == group_id)
    return [
        Punctuality(code, int(c or 0), int(o or 0), int(lt or 0), int(od or 0))
        for code, c, o, lt, od in session.execute(stmt).all()
    ]


@dataclass(frozen=True)
class ItemFailures:
    """How often one checklist item (across its versions) failed or warned."""

    template: str
    key: str
    label: str
    failed: int
    warned: int


def failures_by_item(
    session: Session, start: datetime, end: datetime, group_id: int | None, limit: int
) -> list[ItemFailures]:
    """The items answered fail or warn in ``[start, end)`` (rounds of one group, optionally),
    most failures first: one grouped query."""
    ans = core_table(InspectionAnswer)
    item = core_table(InspectionItem)
    rnd = core_table(InspectionRound)
    failed = ans.c.outcome == Outcome.FAIL.value
    warned = ans.c.outcome == Outcome.WARN.value
    fails = func.sum(case((failed, 1), else_=0))
    stmt = (
        sa_select(
            ans.c.template_code,
            ans.c.item_key,
            func.max(item.c.label),
            fails,
            func.sum(case((warned, 1), else_=0)),
        )
        .select_from(ans.join(item, item.c.id == ans.c.item_id))
        .where(
            ans.c.answered_at >= start,
            ans.c.answered_at < end,
            ans.c.outcome.in_((Outcome.FAIL.value, Outcome.WARN.value)),
        )
        .group_by(ans.c.template_code, ans.c.item_key)
        .order_by(fails.desc(), func.count().desc(), ans.c.template_code, ans.c.item_key)
        .limit(limit)
    )
    if group_id is not None:
        stmt = stmt.join(rnd, rnd.c.id == ans.c.round_id).where(rnd.c.group_id == group_id)
    return [
        ItemFailures(code, key, label or key, int(f or 0), int(w or 0))
        for code, key, label, f, w in session.execute(stmt).all()
    ]
