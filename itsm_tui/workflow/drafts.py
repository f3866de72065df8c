"""Drafts of the New-call form: what an agent was typing survives leaving the form, closing
the console or losing the SSH link, and is offered back when the form is next opened.

One draft per operator, kept in the database (the operator may come back on another machine).

Why a draft save writes no journal entry: a draft is not a business record. Nobody else sees
it, it changes every few seconds while the agent types, and it ends either as a logged call —
journaled then, as every call is — or discarded by its owner. Journaling each save would bury
the ticket history under keystrokes. The saves are still role-checked, validated and written
in one transaction like any other write (``mutation(..., journaled=False)``).

Two consoles of the same operator share the draft; the later save wins (it is one person's
scratch, not a record others edit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from itsm_tui.common.domain import DESCRIPTION_MAX, TITLE_MAX
from itsm_tui.common.errors import Invalid
from itsm_tui.storage import draft_queries
from itsm_tui.workflow import text_input
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Actor

#: The form's fields a draft holds, and the type each value has (None: the field is empty).
DRAFT_FIELDS: dict[str, type] = {
    "caller": int,  # the chosen caller's id
    "caller_search": str,  # what was typed in the caller box
    "title": str,
    "description": str,
    "ci": str,
    "category": str,
    "impact": int,
    "urgency": int,
    "channel": str,
    "type": str,
    "group": str,
    "assign_to_me": bool,
}
#: The longest text each field may hold; a field not named here holds at most ``OTHER_MAX``.
TEXT_MAX = {"title": TITLE_MAX, "description": DESCRIPTION_MAX}
OTHER_MAX = 200


@dataclass(frozen=True)
class CallDraftView:
    fields: dict[str, Any]
    saved_at: datetime


def _owner(actor: Actor) -> int:
    """A draft belongs to a staff member; the system account fills in no forms."""
    if actor.id is None:
        raise Invalid("Only a staff member keeps a call draft.", field="actor")
    return actor.id


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in fields.items():
        kind = DRAFT_FIELDS.get(name)
        if kind is None:
            raise Invalid("A call draft has no field '{name}'.", field=name, name=name)
        if value is None:
            continue
        # bool is an int in Python: an int field refuses True, a bool field refuses 1.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise Invalid(
                "{name} must be {type_name}, not {value!r}.",
                field=name,
                name=name,
                type_name=kind.__name__,
                value=value,
            )
        if isinstance(value, str):
            text_input.storable(name, value)
            limit = TEXT_MAX.get(name, OTHER_MAX)
            if len(value) > limit:
                raise Invalid(
                    "{name} is {count:,} characters; the limit is {limit:,}.",
                    field=name,
                    name=name,
                    count=len(value),
                    limit=limit,
                )
        out[name] = value
    return out


@mutation(Action.LOG_CONTACT, journaled=False)
def save_draft(tx: Tx, fields: dict[str, Any]) -> CallDraftView:
    """Keep the operator's call form as it stands, over any earlier draft."""
    checked = _checked(fields)
    draft_queries.put(tx.session, _owner(tx.actor), checked, tx.now)
    return CallDraftView(checked, tx.now)


@query(Action.LOG_CONTACT)
def load_draft(read: Read) -> CallDraftView | None:
    """The operator's draft, if there is one; fields the form no longer has are dropped."""
    row = draft_queries.get(read.session, _owner(read.actor))
    if row is None:
        return None
    kept = {
        name: value
        for name, value in row.fields.items()
        if name in DRAFT_FIELDS
        and isinstance(value, DRAFT_FIELDS[name])
        and not (DRAFT_FIELDS[name] is int and isinstance(value, bool))
    }
    return CallDraftView(kept, row.saved_at)


@mutation(Action.LOG_CONTACT, journaled=False)
def discard_draft(tx: Tx) -> bool:
    """Drop the operator's draft; whether there was one."""
    return clear(tx)


def clear(tx: Tx) -> bool:
    """The body of :func:`discard_draft`, for the operation that turns the draft into a
    logged call (in the same transaction, so a call is never both logged and still offered)."""
    return draft_queries.delete(tx.session, _owner(tx.actor))
