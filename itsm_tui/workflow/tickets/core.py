"""Loading a ticket for change and writing the change: version check, one UPDATE, one journal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Select, bindparam, exists, update
from sqlalchemy import select as core_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from itsm_tui.common.domain import DESCRIPTION_MAX, NOTE_MAX, REASON_MAX, TITLE_MAX
from itsm_tui.common.errors import Conflict
from itsm_tui.common.i18n import N_, Phrase
from itsm_tui.common.timefmt import local
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


def apply(
    tx: Tx,
    ticket: Ticket,
    action: str,
    changes: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> Ticket:
    """Write ``changes`` with ``version = version + 1`` only if nobody changed it meanwhile,
    journal exactly one entry with the fields that really changed (old → new), and refresh the
    ticket's SLA due times from the journal it now has."""
    assert ticket.id is not None
    diff = {
        _LABELS.get(k, (k,))[0]: (_label(tx, k, getattr(ticket, k)), _label(tx, k, v))
        for k, v in changes.items()
        if getattr(ticket, k) != v
    }
    new_version = ticket.version + 1
    # A Core UPDATE on the table: the ORM's UPDATE would also evaluate the change against the
    # session's objects, which set_committed_value below does for the one ticket concerned.
    result = tx.session.execute(
        update(_TICKET)
        .where(_TICKET.c.id == ticket.id, _TICKET.c.version == ticket.version)
        .values(**changes, version=new_version, updated_at=tx.now)
    )
    assert isinstance(result, CursorResult)  # an UPDATE's result, which counts its rows
    if result.rowcount != 1:
        raise conflict(tx, ticket, ticket.version)
    for key, value in {**changes, "version": new_version, "updated_at": tx.now}.items():
        set_committed_value(ticket, key, value)
    tx.journal("ticket", ticket.id, action, {**diff, **(extra or {})})
    # Every change recomputes the SLA due times in this same transaction (see sla.clock).
    sla_clock.refresh(tx.session, ticket, tx.now)
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
