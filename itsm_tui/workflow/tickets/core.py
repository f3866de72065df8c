"""Loading a ticket for change and writing the change: version check, one UPDATE, one journal."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import CursorResult, Select, Update, bindparam, exists, update
from sqlalchemy import select as core_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from itsm_tui.common.domain import DESCRIPTION_MAX, NOTE_MAX, REASON_MAX, TITLE_MAX
from itsm_tui.common.errors import Conflict
from itsm_tui.common.i18n import N_, Phrase
from itsm_tui.common.timefmt import local
from itsm_tui.storage import title_grams
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import (
    AssignmentGroup,
    Caller,
    Category,
    GroupMember,
    JournalEntry,
    Staff,
    Ticket,
)
from itsm_tui.workflow.context import Tx
from itsm_tui.workflow.lookup import find_ticket
from itsm_tui.workflow.sla import clock as sla_clock
from itsm_tui.workflow.tickets import offered, states

_TICKET = core_table(Ticket)

TEXT_LIMITS = {
    "title": TITLE_MAX,
    "description": DESCRIPTION_MAX,
    "note": NOTE_MAX,
    "reason": REASON_MAX,
}


def load(
    tx: Tx,
    number: str,
    operation: str,
    expected_version: int | None = None,
    *,
    check_state: bool = True,
) -> Ticket:
    """The ticket, locked for this transaction, checked against the caller's version and
    (unless the caller has a more telling check to make first) the state machine."""
    ticket = find_ticket(tx.session, number, for_update=True)
    if expected_version is not None and ticket.version != expected_version:
        raise conflict(tx, ticket, expected_version)
    if check_state:
        states.check(ticket.number, ticket.status, operation)
    return ticket


def conflict(tx: Tx, ticket: Ticket, expected: int) -> Conflict:
    """A conflict that says who changed the ticket last, and when, so the user can reload."""
    last = tx.session.exec(
        select(JournalEntry, Staff.display_name, Staff.login)
        .join(Staff, col(Staff.id) == JournalEntry.actor_id, isouter=True)
        .where(JournalEntry.entity == "ticket", JournalEntry.entity_id == ticket.id)
        .order_by(col(JournalEntry.id).desc())
        .limit(1)
    ).first()
    if last is None:
        return Conflict(
            "{number} was changed by someone: it is at version {version}, you had version "
            "{expected}. Reload it and try again.",
            number=ticket.number,
            version=ticket.version,
            expected=expected,
        )
    entry, name, login = last
    return Conflict(
        "{number} was changed by {who} at {at} ({action}): it is at version {version}, you "
        "had version {expected}. Reload it and try again.",
        number=ticket.number,
        who=f"{name} ({login})" if login else Phrase(N_("the system")),
        at=local(entry.at, tx.site.settings.zone),
        action=entry.action,
        version=ticket.version,
        expected=expected,
    )


class _Pending(NamedTuple):
    """The journal entry about to be written, as the clocks read one back."""

    at: datetime
    changes: dict[str, Any]


@cache
def _ticket_update(keys: tuple[str, ...]) -> Update:
    """The version-checked UPDATE of the columns ``keys`` (and version, updated_at), built once
    per set of columns: an operation writes the same columns every time, and building the
    statement cost more than running it."""
    return (
        update(_TICKET)
        .where(_TICKET.c.id == bindparam("w_id"), _TICKET.c.version == bindparam("w_version"))
        .values({k: bindparam(f"v_{k}", type_=_TICKET.c[k].type) for k in keys})
    )


def apply(
    tx: Tx,
    ticket: Ticket,
    action: str,
    changes: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> Ticket:
    """Write ``changes`` with ``version = version + 1`` only if nobody changed it meanwhile,
    journal exactly one entry with the fields that really changed (old → new), and refresh the
    ticket's SLA due times from the journal it now has.

    The due times are measured before the write, from the journal read so far and the entry
    about to be written, so the change, its due times and the version check are one UPDATE."""
    assert ticket.id is not None
    diff = {
        _LABELS.get(k, (k,))[0]: (_label(tx, k, getattr(ticket, k)), _label(tx, k, v))
        for k, v in changes.items()
        if getattr(ticket, k) != v
    }
    journaled = {**diff, **(extra or {})}
    row = tx.journal_row("ticket", ticket.id, action, journaled)
    # The entry as it will read back from its JSON column (lists, not tuples; ISO times).
    pending = _Pending(row["at"], json.loads(json.dumps(row["changes"])))
    seen = ticket.version
    before = {k: getattr(ticket, k) for k in changes}
    for key, value in changes.items():
        set_committed_value(ticket, key, value)
    # Every change recomputes the SLA due times in this same transaction (see sla.clock).
    clocks = sla_clock.compute(tx.session, ticket, tx.now, pending)
    written = {**changes, **sla_clock.derived(clocks), "version": seen + 1, "updated_at": tx.now}
    # A Core UPDATE on the table: the ORM's UPDATE would also evaluate the change against the
    # session's objects, which set_committed_value does for the one ticket concerned.
    keys = tuple(written)
    result = tx.session.execute(
        _ticket_update(keys),
        {"w_id": ticket.id, "w_version": seen, **{f"v_{k}": written[k] for k in keys}},
    )
    assert isinstance(result, CursorResult)  # an UPDATE's result, which counts its rows
    if result.rowcount != 1:
        for key, value in before.items():
            set_committed_value(ticket, key, value)
        raise conflict(tx, ticket, seen)
    for key, value in written.items():
        set_committed_value(ticket, key, value)
    if "status" in changes:
        # Opened or closed: its title postings move in or out of the open ones (what a
        # search in an open-work queue reads), in this same transaction.
        now_open = title_grams.is_open(ticket.status)
        if title_grams.is_open(before["status"]) != now_open:
            title_grams.set_open(tx.session.connection(), ticket.id, now_open)
    tx.write_journal(row)
    return ticket


#: Reference columns are journaled by what a person recognises (login, group code), not by id.
_LABELS: dict[str, tuple[str, type[Any], str]] = {
    "assignee_id": ("assignee", Staff, "login"),
    "group_id": ("group", AssignmentGroup, "code"),
    "caller_id": ("caller", Caller, "name"),
    "category_id": ("category", Category, "code"),
}


def _label_select(table: type[Any], attr: str) -> Select[Any]:
    core = core_table(table)
    return core_select(core.c[attr]).where(core.c.id == bindparam("id"))


#: One prepared read per reference column (built once: see ``context._ACTOR`` for why).
_LABEL_READS = {key: _label_select(table, attr) for key, (_, table, attr) in _LABELS.items()}


def _label(tx: Tx, key: str, value: Any) -> Any:
    if key not in _LABELS or value is None:
        return value
    if key == "assignee_id" and value == tx.actor.id:
        # The actor's own login, read afresh by this transaction (``context.load_actor``):
        # claim and resolve assign to the actor, and this saves them a round trip.
        return tx.actor.login
    label = tx.session.execute(_LABEL_READS[key], {"id": value}).scalar()
    return label if label is not None else value


_MEMBER = core_table(GroupMember)
_IS_MEMBER = core_select(
    exists().where(
        _MEMBER.c.group_id == bindparam("group_id"), _MEMBER.c.staff_id == bindparam("staff_id")
    )
)


def member_of(session: Session, staff_id: int | None, group_id: int | None) -> bool:
    if staff_id is None or group_id is None:
        return False
    return bool(session.execute(_IS_MEMBER, {"group_id": group_id, "staff_id": staff_id}).scalar())


def permit(tx: Tx, ticket: Ticket, operation: str) -> None:
    """Refuse ``operation`` unless the one rule of ``tickets.offered`` allows it to this actor
    (role, state, holder, group): the rule the console and the CLI offer actions by."""
    offered.permit(tx.session, tx.actor, ticket, operation)
