"""Rounds: starting one (ad hoc, or for a schedule's slot), reading it, answering its items
the moment each answer is given, completing it.

Every answer is its own transaction, journaled: an SSH connection that drops mid-round loses
nothing, and opening the round again resumes at the first unanswered item. Two engineers may
split a round (by section): answers are per item, and answering an item someone already
answered is refused unless asked for (``replace``), so nobody overwrites another unseen.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from itsm_tui.common.domain import ItemKind, Outcome, RoundStatus
from itsm_tui.common.errors import Conflict, Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    AssignmentGroup,
    ConfigurationItem,
    InspectionAnswer,
    InspectionIncident,
    InspectionItem,
    InspectionRound,
    InspectionTemplate,
    Staff,
    Ticket,
)
from itsm_tui.storage.tables.inspections import ANSWER_TEXT_MAX, INSTRUCTION_MAX
from itsm_tui.workflow import text_input
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.inspections import failures
from itsm_tui.workflow.inspections.judging import judge
from itsm_tui.workflow.inspections.templates import items_of, latest, limits_of
from itsm_tui.workflow.inspections.views import (
    AnswerResult,
    AnswerView,
    ItemView,
    RoundRow,
    RoundView,
    Summary,
)
from itsm_tui.workflow.lookup import find_group
from itsm_tui.workflow.numbering import reserve_numbers
from itsm_tui.workflow.permissions import Action

ROUND_PREFIX = "RND"
#: An ad hoc round is due this long after it starts, unless told otherwise.
AD_HOC_DUE_MINUTES = 120
AD_HOC_GRACE_MINUTES = 30
#: How many earlier readings of an item the runner draws as its sparkline.
SPARK_READINGS = 30
MAX_ROUNDS_LISTED = 500

_ROUND = core_table(InspectionRound)
_ANSWER = core_table(InspectionAnswer)


@functools.lru_cache(maxsize=64)
def _last_readings_statement(count: int) -> Any:
    """The last readings of ``count`` items (bound as ``k0``, ``k1``, …) in other rounds.

    Each item is one part, a range of ``ix_inspection_answer_item`` read backwards and cut at
    the limit, and the parts are one UNION ALL (SQLite has no LATERAL join): one round trip
    for the whole round. The database puts each item's readings in time order, so their
    times are not read (converting 1,800 timestamps was most of the client's work). Built
    once per count, since building it is most of the rest."""
    parts = [_last_readings_part(n) for n in range(count)]
    # The first part's own union_all(), not the function: mypy 2.4 crashes inferring the
    # function's generic row type from parts typed Any.
    every = (parts[0] if count == 1 else parts[0].union_all(*parts[1:])).subquery()
    return sa_select(every.c.item_key, every.c.value).order_by(
        every.c.item_key, every.c.answered_at
    )


def _last_readings_part(n: int) -> Any:
    part = (
        sa_select(_ANSWER.c.item_key, _ANSWER.c.answered_at, _ANSWER.c.value)
        .where(
            _ANSWER.c.template_code == bindparam("code"),
            _ANSWER.c.item_key == bindparam(f"k{n}"),
            _ANSWER.c.round_id != bindparam("round_id"),
            _ANSWER.c.value.is_not(None),
        )
        .order_by(_ANSWER.c.answered_at.desc())
        .limit(SPARK_READINGS)
        .subquery()
    )
    return sa_select(part.c.item_key, part.c.answered_at, part.c.value)


@dataclass(frozen=True)
class NewRound:
    """One round to create: from a slot (``schedule_id``, ``slot_at``) or ad hoc."""

    template_id: int
    group_id: int
    due_at: datetime
    overdue_at: datetime
    schedule_id: int | None = None
    slot_at: datetime | None = None
    late: bool = False
    reason: str = ""


def round_rows(tx: Tx, rounds: Sequence[NewRound]) -> list[dict[str, Any]]:
    """The rows to insert for ``rounds``, numbered in one reservation."""
    numbers = reserve_numbers(tx.session, ROUND_PREFIX, len(rounds))
    return [
        {
            "number": number,
            "template_id": r.template_id,
            "schedule_id": r.schedule_id,
            "slot_at": r.slot_at,
            "group_id": r.group_id,
            "status": RoundStatus.OPEN.value,
            "reason": r.reason,
            "created_at": tx.now,
            "due_at": r.due_at,
            "overdue_at": r.overdue_at,
            "late": r.late,
            "version": 1,
        }
        for number, r in zip(numbers, rounds, strict=True)
    ]


def find_round(session: Session, number: str, *, for_update: bool = False) -> InspectionRound:
    ref = number.strip().upper()
    if ref.isdigit():
        ref = f"{ROUND_PREFIX}{int(ref):06d}"
    stmt = select(InspectionRound).where(InspectionRound.number == ref)
    if for_update:
        stmt = stmt.with_for_update()
    found = session.exec(stmt).first()
    if found is None:
        raise NotFound(N_("No inspection round {number}."), field="round", number=number)
    return found


@mutation(Action.INSPECT)
def start_round(
    tx: Tx,
    template: str,
    *,
    group: str | None = None,
    reason: str = "",
    due_minutes: int = AD_HOC_DUE_MINUTES,
) -> RoundView:
    """Start a round now, outside any schedule (after a power event, before a holiday), with
    the newest version of ``template``; the group defaults to the starter's first group."""
    text_input.storable("reason", reason)
    if len(reason) > INSTRUCTION_MAX:
        raise Invalid(
            N_("The reason is longer than {limit} characters."),
            field="reason",
            limit=INSTRUCTION_MAX,
        )
    if not 1 <= due_minutes <= 7 * 24 * 60:
        raise Invalid(N_("due minutes must be 1 to 10080."), field="due_minutes")
    version = latest(tx.session, template)
    if group:
        team = find_group(tx.session, group)
    else:
        from itsm_tui.workflow.tickets.create import default_group

        team = default_group(tx)
    assert version.id is not None and team.id is not None
    due = tx.now + timedelta(minutes=due_minutes)
    new = NewRound(
        template_id=version.id,
        group_id=team.id,
        due_at=due,
        overdue_at=due + timedelta(minutes=AD_HOC_GRACE_MINUTES),
        reason=reason,
    )
    (row,) = round_rows(tx, [new])
    round_id = tx.session.execute(insert(_ROUND).returning(_ROUND.c.id), row).scalar_one()
    tx.journal(
        "inspection_round",
        round_id,
        "start",
        {
            "number": row["number"],
            "template": template,
            "version": version.version,
            "group": team.code,
            "reason": reason,
        },
    )
    return round_view(tx.session, find_round(tx.session, row["number"]))


def _last_readings(
    session: Session, template_code: str, keys: Sequence[str], round_id: int
) -> dict[str, tuple[float, ...]]:
    """Each item's last readings in other rounds, oldest first, for all ``keys`` in one
    statement (:func:`_last_readings_statement`): opening a round costs one round trip to
    the server, not one per item."""
    unique = list(dict.fromkeys(keys))
    if not unique:
        return {}
    params: dict[str, object] = {f"k{n}": key for n, key in enumerate(unique)}
    params |= {"code": template_code, "round_id": round_id}
    rows = session.connection().execute(_last_readings_statement(len(unique)), params)
    found: dict[str, list[float]] = {}
    for key, value in rows:
        found.setdefault(key, []).append(float(value))
    return {key: tuple(values) for key, values in found.items()}


def round_view(session: Session, rnd: InspectionRound, *, section: str | None = None) -> RoundView:
    """The round with its items, the answers so far and each reading item's last readings."""
    assert rnd.id is not None
    template = session.get(InspectionTemplate, rnd.template_id)
    group = session.get(AssignmentGroup, rnd.group_id)
    assert template is not None and group is not None
    items = items_of(session, rnd.template_id)
    if section is not None:
        items = [i for i in items if i.section == section]
        if not items:
            raise NotFound(
                N_("Round {number} has no section {section}."),
                field="section",
                number=rnd.number,
                section=section,
            )
    answers = {
        a.item_id: (a, login)
        for a, login in session.exec(
            select(InspectionAnswer, Staff.login)
            .outerjoin(Staff, col(Staff.id) == InspectionAnswer.answered_by_id)
            .where(InspectionAnswer.round_id == rnd.id)
        ).all()
    }
    ci_ids = {i.ci_id for i in items if i.ci_id is not None}
    ci_names = (
        dict(
            session.exec(
                select(ConfigurationItem.id, ConfigurationItem.name).where(
                    col(ConfigurationItem.id).in_(ci_ids)
                )
            ).all()
        )
        if ci_ids
        else {}
    )
    readings = _last_readings(
        session, template.code, [i.key for i in items if i.kind == ItemKind.READING], rnd.id
    )
    views = []
    for item in items:
        assert item.id is not None
        found = answers.get(item.id)
        answer = (
            AnswerView(
                found[0].outcome,
                found[0].value,
                found[0].text,
                found[0].note,
                found[1],
                found[0].answered_at,
            )
            if found
            else None
        )
        views.append(
            ItemView(
                id=item.id,
                key=item.key,
                section=item.section,
                label=item.label,
                limits=limits_of(item),
                ci=ci_names.get(item.ci_id) if item.ci_id is not None else None,
                instruction=item.instruction,
                severity=item.severity,
                answer=answer,
                readings=readings.get(item.key, ()),
            )
        )
    completer = session.get(Staff, rnd.completed_by_id) if rnd.completed_by_id else None
    incidents = session.exec(
        select(Ticket.number)
        .join(InspectionIncident, col(InspectionIncident.ticket_id) == Ticket.id)
        .where(InspectionIncident.round_id == rnd.id)
        .distinct()
    ).all()
    return RoundView(
        number=rnd.number,
        template=template.code,
        template_name=template.name,
        template_version=template.version,
        group=group.code,
        status=rnd.status,
        created_at=rnd.created_at,
        due_at=rnd.due_at,
        overdue_at=rnd.overdue_at,
        late=rnd.late,
        slot_at=rnd.slot_at,
        completed_at=rnd.completed_at,
        completed_by=completer.login if completer else None,
        checks=tuple(views),
        incidents=tuple(sorted(incidents)),
    )


@query(Action.VIEW_INSPECTIONS)
def open_round(read: Read, number: str, *, section: str | None = None) -> RoundView:
    """A round as the runner and ``itsm inspect round show`` present it."""
    return round_view(read.session, find_round(read.session, number), section=section)


def _item(session: Session, rnd: InspectionRound, key: str) -> InspectionItem:
    item = session.exec(
        select(InspectionItem).where(
            InspectionItem.template_id == rnd.template_id, InspectionItem.key == key
        )
    ).first()
    if item is None:
        keys = session.exec(
            select(InspectionItem.key).where(InspectionItem.template_id == rnd.template_id)
        ).all()
        raise NotFound(
            N_("Round {number} has no item {key}."),
            field="item",
            number=rnd.number,
            key=key,
            suggestions=[k for k in keys if key.lower() in k or k in key.lower()][:5],
        )
    return item


def _open(rnd: InspectionRound) -> None:
    if rnd.status != RoundStatus.OPEN:
        raise Invalid(
            N_("Round {number} is completed: it takes no more answers."),
            field="round",
            number=rnd.number,
        )


def _check_note(note: str) -> str:
    text_input.storable("note", note)
    if len(note) > ANSWER_TEXT_MAX:
        raise Invalid(
            N_("The note is longer than {limit} characters."), field="note", limit=ANSWER_TEXT_MAX
        )
    return note


def save_answer(
    tx: Tx, rnd: InspectionRound, item: InspectionItem, raw: str, note: str, *, replace: bool
) -> AnswerResult:
    """The body of :func:`answer` (the sensor's ``reading add`` reuses it)."""
    _open(rnd)
    _check_note(note)
    verdict = judge(limits_of(item), raw)
    if len(verdict.text) > ANSWER_TEXT_MAX:
        raise Invalid(
            N_("The answer is longer than {limit} characters."),
            field="value",
            limit=ANSWER_TEXT_MAX,
        )
    session = tx.session
    assert rnd.id is not None and item.id is not None
    template = session.get(InspectionTemplate, rnd.template_id)
    assert template is not None
    before = session.exec(
        select(InspectionAnswer).where(
            InspectionAnswer.round_id == rnd.id, InspectionAnswer.item_id == item.id
        )
    ).first()
    values: dict[str, Any] = {
        "outcome": verdict.outcome.value,
        "value": verdict.value,
        "text": verdict.text,
        "note": note,
        "answered_by_id": tx.actor.id,
        "answered_at": tx.now,
    }
    if before is not None:
        if not replace:
            who = session.get(Staff, before.answered_by_id) if before.answered_by_id else None
            raise Conflict(
                N_("Item {key} of {number} was already answered ({outcome}) by {who}."),
                field="item",
                key=item.key,
                number=rnd.number,
                outcome=before.outcome,
                who=who.login if who else "system",
            )
        old = {"outcome": before.outcome, "value": before.value, "text": before.text}
        for name, value in values.items():
            setattr(before, name, value)
        session.add(before)
        answer_id = before.id
    else:
        old = None
        row = InspectionAnswer(
            round_id=rnd.id,
            item_id=item.id,
            template_code=template.code,
            item_key=item.key,
            ci_id=item.ci_id,
            **values,
        )
        session.add(row)
        session.flush()
        answer_id = row.id
    assert answer_id is not None
    incident = failures.after_answer(
        tx, rnd, item, template.code, verdict.outcome, verdict.value, verdict.text, note
    )
    tx.journal(
        "inspection_round",
        rnd.id,
        "answer",
        {
            "item": item.key,
            "outcome": [old["outcome"] if old else None, verdict.outcome.value],
            "value": [old["value"] if old else None, verdict.value],
            **({"text": verdict.text} if verdict.text else {}),
            **({"incident": incident[0], "event": incident[1]} if incident else {}),
        },
    )
    return AnswerResult(
        round=rnd.number,
        item=item.key,
        outcome=verdict.outcome.value,
        value=verdict.value,
        incident=incident[0] if incident else None,
        incident_event=incident[1] if incident else None,
    )


@mutation(Action.INSPECT)
def answer(
    tx: Tx, number: str, item: str, value: str, *, note: str = "", replace: bool = False
) -> AnswerResult:
    """Save one answer now: ``p``/``pass``, ``f``/``fail``, a reading ("31.5" or "31.5 °C"),
    one of a choice's options, or text. A warn or fail opens (or notes) an incident."""
    rnd = find_round(tx.session, number)
    return save_answer(tx, rnd, _item(tx.session, rnd, item), value, note, replace=replace)


@mutation(Action.INSPECT)
def add_note(tx: Tx, number: str, item: str, note: str) -> AnswerResult:
    """Set the note of an item already answered (the runner's ``n``)."""
    rnd = find_round(tx.session, number)
    _open(rnd)
    _check_note(note)
    found = _item(tx.session, rnd, item)
    existing = tx.session.exec(
        select(InspectionAnswer).where(
            InspectionAnswer.round_id == rnd.id, InspectionAnswer.item_id == found.id
        )
    ).first()
    if existing is None:
        raise Invalid(N_("Answer item {key} before noting it."), field="item", key=item)
    old = existing.note
    existing.note = note
    tx.session.add(existing)
    assert rnd.id is not None
    tx.journal("inspection_round", rnd.id, "note", {"item": item, "note": [old, note]})
    return AnswerResult(rnd.number, item, existing.outcome, existing.value)


@mutation(Action.INSPECT)
def complete_round(tx: Tx, number: str, *, skipped: dict[str, str] | None = None) -> Summary:
    """Complete a round: every unanswered item needs a reason (``skipped``: key → reason),
    recorded as a skipped answer; records who completed it and when."""
    session = tx.session
    rnd = find_round(session, number, for_update=True)
    _open(rnd)
    reasons = dict(skipped or {})
    items = items_of(session, rnd.template_id)
    answered = {
        a.item_id: a
        for a in session.exec(
            select(InspectionAnswer).where(InspectionAnswer.round_id == rnd.id)
        ).all()
    }
    keys = {i.key for i in items}
    stray = sorted(set(reasons) - keys)
    if stray:
        raise NotFound(
            N_("Round {number} has no item {key}."),
            field="skipped",
            number=rnd.number,
            key=stray[0],
        )
    missing = [i for i in items if i.id not in answered]
    for item in missing:
        reason = reasons.get(item.key, "").strip()
        if not reason:
            raise Invalid(
                ngettext_missing(len(missing)),
                field="skipped",
                number=rnd.number,
                count=len(missing),
                key=item.key,
            )
        _check_note(reason)
    template = session.get(InspectionTemplate, rnd.template_id)
    assert template is not None and rnd.id is not None
    for item in missing:
        assert item.id is not None
        session.add(
            InspectionAnswer(
                round_id=rnd.id,
                item_id=item.id,
                template_code=template.code,
                item_key=item.key,
                ci_id=item.ci_id,
                outcome=Outcome.SKIPPED.value,
                note=reasons[item.key].strip(),
                answered_by_id=tx.actor.id,
                answered_at=tx.now,
            )
        )
    result = session.execute(
        update(_ROUND)
        .where(_ROUND.c.id == rnd.id, _ROUND.c.version == rnd.version)
        .values(
            status=RoundStatus.COMPLETED.value,
            completed_at=tx.now,
            completed_by_id=tx.actor.id,
            version=rnd.version + 1,
        )
    )
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        raise Conflict(
            N_("Round {number} was changed meanwhile; open it again."),
            field="round",
            number=rnd.number,
        )
    outcomes = [a.outcome for a in answered.values()]
    tx.journal(
        "inspection_round",
        rnd.id,
        "complete",
        {
            "skipped": {i.key: reasons[i.key].strip() for i in missing},
            "on_time": tx.now <= rnd.due_at,
        },
    )
    incidents = session.exec(
        select(Ticket.number)
        .join(InspectionIncident, col(InspectionIncident.ticket_id) == Ticket.id)
        .where(InspectionIncident.round_id == rnd.id)
        .distinct()
    ).all()
    return Summary(
        round=rnd.number,
        answered=len(answered),
        passed=outcomes.count(Outcome.PASS.value),
        warnings=outcomes.count(Outcome.WARN.value),
        failed=outcomes.count(Outcome.FAIL.value),
        skipped={i.key: reasons[i.key].strip() for i in missing},
        completed_at=tx.now,
        completed_by=tx.actor.login,
        on_time=tx.now <= rnd.due_at,
        incidents=tuple(sorted(incidents)),
    )


def ngettext_missing(count: int) -> str:
    """The refusal for unanswered items without a reason (one message id per form)."""
    if count == 1:
        return N_("Item {key} of {number} is unanswered: give a reason to skip it.")
    return N_("{count} items of {number} are unanswered (first {key}): give a reason for each.")


@query(Action.VIEW_INSPECTIONS)
def list_rounds(
    read: Read,
    *,
    status: str | None = None,
    group: str | None = None,
    before: str | None = None,
    limit: int = 50,
) -> list[RoundRow]:
    """Rounds, newest first, a page at a time (``before``: the last number of the page shown)."""
    if not 1 <= limit <= MAX_ROUNDS_LISTED:
        raise Invalid(N_("limit must be 1 to {limit}."), field="limit", limit=MAX_ROUNDS_LISTED)
    if status is not None and status not in set(RoundStatus):
        raise Invalid(N_("status must be open or completed."), field="status")
    session = read.session
    stmt = listed_rounds()
    if status:
        stmt = stmt.where(InspectionRound.status == status)
    if group:
        team = find_group(session, group)
        stmt = stmt.where(InspectionRound.group_id == team.id)
    if before:
        stmt = stmt.where(col(InspectionRound.id) < find_round(session, before).id)
    rows = session.exec(stmt.order_by(col(InspectionRound.id).desc()).limit(limit)).all()
    return counted_rows(session, rows)


def listed_rounds() -> Select[InspectionRound, str, int, str]:
    """The lists' read: each round with its template's code and version and its group's
    code (filter and order it, then :func:`counted_rows`)."""
    return (
        select(
            InspectionRound,
            InspectionTemplate.code,
            InspectionTemplate.version,
            AssignmentGroup.code,
        )
        .join(InspectionTemplate, col(InspectionTemplate.id) == InspectionRound.template_id)
        .join(AssignmentGroup, col(AssignmentGroup.id) == InspectionRound.group_id)
    )


def counted_rows(
    session: Session, rows: Sequence[tuple[InspectionRound, str, int, str]]
) -> list[RoundRow]:
    """``(round, template code, version, group code)`` rows as the lists show them, with
    their answers counted: for the page only, answers by round, items by template version."""
    round_ids = [r.id for r, *_ in rows]
    template_ids = {r.template_id for r, *_ in rows}
    answered = dict(
        session.exec(
            select(InspectionAnswer.round_id, func.count())
            .where(col(InspectionAnswer.round_id).in_(round_ids))
            .group_by(col(InspectionAnswer.round_id))
        ).all()
    )
    sizes = dict(
        session.exec(
            select(InspectionItem.template_id, func.count())
            .where(col(InspectionItem.template_id).in_(template_ids))
            .group_by(col(InspectionItem.template_id))
        ).all()
    )
    return [
        RoundRow(
            r.number,
            code,
            version,
            gcode,
            r.status,
            r.slot_at,
            r.due_at,
            r.late,
            r.completed_at,
            answered.get(r.id or 0, 0),
            sizes.get(r.template_id, 0),
        )
        for r, code, version, gcode in rows
    ]


@mutation(Action.INSPECT)
def add_reading(
    tx: Tx, ci: str, item: str, value: str, *, note: str = "", replace: bool = False
) -> AnswerResult:
    """A sensor's reading: answer item ``item`` on CI ``ci`` in the newest open round that has
    it (``itsm inspect reading add``). Only numeric items take readings this way."""
    return _reading(tx, ci, item, value, note, replace)


def _reading(tx: Tx, ci: str, item: str, value: str, note: str, replace: bool) -> AnswerResult:
    from itsm_tui.workflow.lookup import find_cis

    (found,) = find_cis(tx.session, [ci])
    row = tx.session.exec(
        select(InspectionRound, InspectionItem)
        .join(InspectionItem, col(InspectionItem.template_id) == InspectionRound.template_id)
        .where(
            InspectionRound.status == RoundStatus.OPEN.value,
            InspectionItem.key == item,
            InspectionItem.ci_id == found.id,
        )
        .order_by(col(InspectionRound.id).desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound(
            N_("No open round has item {key} on {ci}."), field="item", key=item, ci=found.name
        )
    rnd, target = row
    if target.kind != ItemKind.READING:
        raise Invalid(N_("Item {key} is not a reading."), field="item", key=item)
    return save_answer(tx, rnd, target, value, note, replace=replace)


@dataclass(frozen=True)
class ReadingRow:
    """One line of a readings file: where it is, and what it says."""

    line: int
    ci: str
    item: str
    value: str
    note: str = ""


@mutation(Action.INSPECT)
def add_readings(
    tx: Tx, rows: Sequence[ReadingRow], *, file: str = "readings", replace: bool = False
) -> list[AnswerResult]:
    """Many sensor readings in one transaction, all or nothing: every bad line is reported
    with its number (``itsm inspect reading import``)."""
    from itsm_tui.common.errors import DomainError
    from itsm_tui.workflow.inspections.spec import SpecError, SpecErrors, TemplateRejected

    results: list[AnswerResult] = []
    report = SpecErrors(file)
    for row in rows:
        try:
            results.append(_reading(tx, row.ci, row.item, row.value, row.note, replace))
        except DomainError as exc:
            report.errors.append(SpecError(row.line, exc.field, exc.message))
    if report.errors:
        raise TemplateRejected(report)
    return results
