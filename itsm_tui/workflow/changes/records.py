"""Raising a change and editing what it says: its text, plans, window, people, CIs and links.

A standard change starts from a template (its plans written once, pre-approved); normal and
emergency changes are written out. Editing is allowed until the CAB is asked; editing the CIs
or the window of an assessed change computes its risk again (``changes.risk``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from itsm_tui.common.changes import (
    CHANGE_PREFIX,
    TYPE_LABELS,
    ChangeStatus,
    ChangeType,
)
from itsm_tui.common.domain import DESCRIPTION_MAX, TITLE_MAX
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.common.timefmt import local
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import ChangeCI, ChangeLink, ChangeRequest
from itsm_tui.workflow import text_input
from itsm_tui.workflow.changes import freeze, risk
from itsm_tui.workflow.changes.core import apply, find_change, load
from itsm_tui.workflow.changes.views import ChangeView, change_view, ci_labels
from itsm_tui.workflow.cmdb.items import find_ci
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.lookup import find_group, find_staff, find_ticket
from itsm_tui.workflow.numbering import next_in_series
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site_settings import read_setting

#: The text fields of a change and their limits.
TEXT_FIELDS: dict[str, int] = {
    "title": TITLE_MAX,
    "reason": DESCRIPTION_MAX,
    "description": DESCRIPTION_MAX,
    "implementation_plan": DESCRIPTION_MAX,
    "backout_plan": DESCRIPTION_MAX,
    "test_plan": DESCRIPTION_MAX,
}
#: How a change links to another record.
RELATIONS = ("related", "caused", "fixes")
_CHANGE_CI = core_table(ChangeCI)


@dataclass
class ChangeDraft:
    """What a new change says. Times are aware; ``cis`` are CI references (``#id``, asset tag,
    name or ``class:name``); ``implementer`` a login, ``group`` a group code."""

    type: str
    title: str = ""
    template: str | None = None
    reason: str = ""
    description: str = ""
    implementation_plan: str = ""
    backout_plan: str = ""
    test_plan: str = ""
    window_start: datetime | None = None
    window_end: datetime | None = None
    implementer: str | None = None
    group: str | None = None
    cis: list[str] = field(default_factory=list)


def parse_type(value: str) -> ChangeType:
    try:
        return ChangeType(value)
    except ValueError:
        raise Invalid(
            N_("type must be one of: {types}."),
            field="type",
            types=", ".join(t.value for t in ChangeType),
        ) from None


def check_text(name: str, value: str) -> str:
    """Storable text within its limit; the title on one line."""
    if name == "title":
        text_input.one_line(name, value)
    else:
        text_input.storable(name, value)
    if len(value) > TEXT_FIELDS[name]:
        raise Invalid(
            N_("{name} is {length} characters; the limit is {limit}."),
            field=name,
            name=name,
            length=len(value),
            limit=TEXT_FIELDS[name],
        )
    return value


def check_window(tx: Tx, change_type: str, start: datetime | None, end: datetime | None) -> None:
    """A window ends after it starts, does not start in the past, and a normal or standard
    change's window stays out of the site's freezes (an emergency's may enter one, with a
    reason, when it is scheduled)."""
    if start is None and end is None:
        return
    if start is None or end is None:
        missing = "window_start" if start is None else "window_end"
        raise Invalid(N_("A window needs both a start and an end."), field=missing)
    if start.tzinfo is None or end.tzinfo is None:
        raise Invalid(N_("A window's times must carry their time zone."), field="window_start")
    zone = tx.site.settings.zone
    if end <= start:
        raise Invalid(
            N_("The window ends ({end}) before it starts ({start})."),
            field="window_end",
            start=local(start, zone),
            end=local(end, zone),
        )
    if start < tx.now:
        raise Invalid(
            N_("The window starts in the past ({start})."),
            field="window_start",
            start=local(start, zone),
        )
    if change_type != ChangeType.EMERGENCY:
        hit = freeze.overlapping(tx.session, start, end)
        if hit is not None:
            raise Invalid(
                N_(
                    "The window falls in the freeze {name} ({start} to {end}): a {type} change "
                    "may not be scheduled there."
                ),
                field="window_start",
                name=hit.name,
                start=local(hit.starts_at, zone),
                end=local(hit.ends_at, zone),
                type=TYPE_LABELS[change_type],
            )


def parse_local(value: str, zone: Any, name: str) -> datetime:
    """A time a person typed ("2026-12-01 09:00", ISO 8601; without an offset, in the site's
    zone), refused naming the field."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(
            N_("{name} '{value}' is not a time: write it as YYYY-MM-DD HH:MM."),
            field=name,
            name=name,
            value=value,
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _people(tx: Tx, implementer: str | None, group: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if implementer is not None:
        values["implementer_id"] = find_staff(tx.session, implementer).id if implementer else None
    if group is not None:
        values["group_id"] = find_group(tx.session, group).id if group else None
    return values


def _ci_ids(session: Session, refs: Sequence[str]) -> list[int]:
    ids: list[int] = []
    for ref in refs:
        ci_id = find_ci(session, ref).id
        assert ci_id is not None
        if ci_id not in ids:
            ids.append(ci_id)
    return ids


def _template(tx: Tx, code: str) -> dict[str, str]:
    templates: dict[str, dict[str, str]] = read_setting(tx.session, "change_templates")
    if code not in templates:
        raise Invalid(
            N_("No standard change template '{code}'; templates are: {codes}."),
            field="template",
            code=code,
            codes=", ".join(sorted(templates)) or "-",
        )
    return templates[code]


@mutation(Action.REQUEST_CHANGE)
def create_change(tx: Tx, draft: ChangeDraft) -> ChangeView:
    """Raise a change as a draft. A standard change needs a template, whose text fills
    whatever the draft leaves empty."""
    change_type = parse_type(draft.type)
    texts = {name: getattr(draft, name) for name in TEXT_FIELDS}
    if change_type == ChangeType.STANDARD:
        if not draft.template:
            raise Invalid(
                N_("A standard change is made from a template: name one."), field="template"
            )
        for name, value in _template(tx, draft.template).items():
            if not texts.get(name):
                texts[name] = value
    elif draft.template:
        raise Invalid(N_("Only a standard change is made from a template."), field="template")
    for name, value in texts.items():
        check_text(name, value)
    if not texts["title"].strip():
        raise Invalid(N_("{name} must not be empty."), field="title", name="title")
    check_window(tx, change_type, draft.window_start, draft.window_end)
    ci_ids = _ci_ids(tx.session, draft.cis)
    change = ChangeRequest(
        number=next_in_series(tx.session, CHANGE_PREFIX),
        type=change_type.value,
        status=ChangeStatus.DRAFT.value,
        template=draft.template,
        window_start=draft.window_start,
        window_end=draft.window_end,
        requested_by_id=None if tx.actor.is_system else tx.actor.id,
        created_at=tx.now,
        updated_at=tx.now,
        **texts,
        **_people(tx, draft.implementer, draft.group),
    )
    tx.session.add(change)
    tx.session.flush()
    assert change.id is not None
    if ci_ids:
        tx.session.execute(
            insert(_CHANGE_CI), [{"change_id": change.id, "ci_id": i} for i in ci_ids]
        )
    tx.journal(
        "change",
        change.id,
        "create",
        {
            "number": change.number,
            "type": change.type,
            "title": change.title,
            "template": change.template,
            "cis": ci_labels(tx.session, change.id),
        },
    )
    return change_view(tx.session, change, tx.actor)


#: What :func:`update_change` may set: the text fields, the window and the people.
EDITABLE = (*TEXT_FIELDS, "window_start", "window_end", "implementer", "group")


@mutation(Action.REQUEST_CHANGE)
def update_change(
    tx: Tx,
    number: str,
    fields: dict[str, Any],
    *,
    cis: Sequence[str] | None = None,
    expected_version: int | None = None,
) -> ChangeView:
    """Change what a draft, submitted or assessed change says; ``cis`` replaces its CIs. An
    assessed change's risk is computed again when its CIs or window change."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise Invalid(
            N_("Cannot edit {fields}; editable are: {editable}."),
            field=unknown[0],
            fields=", ".join(unknown),
            editable=", ".join(EDITABLE),
        )
    change = load(tx, number, "update", expected_version)
    assert change.id is not None
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in fields:
            values[name] = check_text(name, fields[name])
    if "title" in values and not values["title"].strip():
        raise Invalid(N_("{name} must not be empty."), field="title", name="title")
    window_changed = "window_start" in fields or "window_end" in fields
    if window_changed:
        start = fields.get("window_start", change.window_start)
        end = fields.get("window_end", change.window_end)
        check_window(tx, change.type, start, end)
        values["window_start"], values["window_end"] = start, end
    values.update(_people(tx, fields.get("implementer"), fields.get("group")))
    extra: dict[str, Any] = {}
    if cis is not None:
        before = ci_labels(tx.session, change.id)
        ids = _ci_ids(tx.session, cis)
        tx.session.execute(delete(_CHANGE_CI).where(_CHANGE_CI.c.change_id == change.id))
        if ids:
            tx.session.execute(
                insert(_CHANGE_CI), [{"change_id": change.id, "ci_id": i} for i in ids]
            )
        after = ci_labels(tx.session, change.id)
        if after != before:
            extra["cis"] = [before, after]
    if change.status == ChangeStatus.ASSESSED and (window_changed or "cis" in extra):
        window = (
            values.get("window_start", change.window_start),
            values.get("window_end", change.window_end),
        )  # the risk reads the window being written
        values.update(risk.assessed_values(tx, change, window))
    apply(tx, change, "update", values, extra)
    return change_view(tx.session, change, tx.actor)


@mutation(Action.REQUEST_CHANGE)
def link(tx: Tx, number: str, ticket: str, *, relation: str = "related") -> ChangeView:
    """Link a ticket to the change: ``related`` (it asked for the change), ``caused`` (the
    change caused it) or ``fixes`` (the change fixes what it reports)."""
    if relation not in RELATIONS:
        raise Invalid(
            N_("relation must be one of: {relations}."),
            field="relation",
            relations=", ".join(RELATIONS),
        )
    change = load(tx, number, "link")
    target = find_ticket(tx.session, ticket)
    assert change.id is not None and target.id is not None
    exists = tx.session.get(ChangeLink, (change.id, "ticket", target.id, relation))
    if exists is not None:
        raise Invalid(
            N_("{number} is already linked to {ticket} ({relation})."),
            field="ticket",
            number=change.number,
            ticket=target.number,
            relation=relation,
        )
    add_link(tx, change, "ticket", target.id, target.number, relation)
    return change_view(tx.session, change, tx.actor)


def add_link(
    tx: Tx, change: ChangeRequest, entity: str, entity_id: int, name: str, relation: str
) -> None:
    """Write a ``change_link`` row and journal it on the change (``entity`` is ``ticket`` or
    ``problem``; ``name`` its number): the one writer of a change's links."""
    assert change.id is not None
    tx.session.add(
        ChangeLink(
            change_id=change.id,
            entity=entity,
            entity_id=entity_id,
            relation=relation,
            created_at=tx.now,
        )
    )
    tx.session.flush()
    apply(tx, change, "link", {}, {entity: name, "relation": relation})


@query(Action.VIEW_CHANGES)
def show_change(read: Read, number: str) -> ChangeView:
    return change_view(read.session, find_change(read.session, number), read.actor)


@dataclass(frozen=True)
class ChangeRow:
    """One line of a change list."""

    id: int
    number: str
    type: str
    status: str
    title: str
    window_start: datetime | None
    window_end: datetime | None
    risk_level: str | None
    implementer: str | None


MAX_PAGE = 500


@query(Action.VIEW_CHANGES)
def list_changes(
    read: Read,
    *,
    status: Sequence[str] = (),
    change_type: str | None = None,
    mine: bool = False,
    before_id: int | None = None,
    limit: int = 50,
) -> list[ChangeRow]:
    """Changes newest first, keyset-paged by id (``before_id``: the last id of the previous
    page); ``status`` narrows to those states, ``mine`` to what the actor implements."""
    from itsm_tui.storage.tables import Staff

    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(N_("limit must be 1 to {most}."), field="limit", most=MAX_PAGE)
    for value in status:
        if value not in ChangeStatus.__members__.values():
            raise Invalid(
                N_("status must be one of: {statuses}."),
                field="status",
                statuses=", ".join(ChangeStatus),
            )
    stmt = select(ChangeRequest, Staff.login).join(
        Staff, col(Staff.id) == ChangeRequest.implementer_id, isouter=True
    )
    if status:
        stmt = stmt.where(col(ChangeRequest.status).in_(list(status)))
    if change_type:
        stmt = stmt.where(ChangeRequest.type == parse_type(change_type).value)
    if mine:
        stmt = stmt.where(ChangeRequest.implementer_id == read.actor.id)
    if before_id is not None:
        stmt = stmt.where(col(ChangeRequest.id) < before_id)
    rows = read.session.exec(stmt.order_by(col(ChangeRequest.id).desc()).limit(limit)).all()
    return [
        ChangeRow(
            c.id or 0,
            c.number,
            c.type,
            c.status,
            c.title,
            c.window_start,
            c.window_end,
            c.risk_level,
            login,
        )
        for c, login in rows
    ]
