"""The frame every workflow function runs in: a site, an actor, one transaction, one journal.

A workflow function is written as ``def claim(tx: Tx, number: str) -> Ticket`` and decorated
with ``@mutation(Action.WORK_TICKET)``; callers invoke it as ``claim(site, actor, "INC000001")``.
The decorator opens the write transaction, re-reads the actor (so a role revoked a second ago
counts), checks the permission table, runs the body, refuses to commit a change that wrote no
journal entry, commits once, and retries the whole body if SQLite stayed locked.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import bindparam, insert, select
from sqlmodel import Session

from itsm_tui.common.domain import Role
from itsm_tui.common.errors import Forbidden
from itsm_tui.storage import bulk
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.engine import read_session, retry_locked, write_session
from itsm_tui.storage.tables import JournalEntry, Staff, StaffRole
from itsm_tui.workflow import permissions
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.site import Actor, Site

P = ParamSpec("P")

_JOURNAL_TABLE = core_table(JournalEntry)
_JOURNAL_INSERT = insert(_JOURNAL_TABLE)
R = TypeVar("R")


@dataclass
class Tx:
    """What a workflow body gets: the open session, the actor, and "now" for this transition."""

    site: Site
    session: Session
    actor: Actor
    now: datetime
    journaled: int = field(default=0)

    def require(self, action: Action) -> None:
        permissions.require(self.actor.login, self.actor.roles, action)

    def journal(
        self, entity: str, entity_id: int, action: str, changes: dict[str, Any] | None = None
    ) -> None:
        """Append the audit entry for this transition, in this transaction.

        ``changes`` maps a field to ``(old, new)`` or holds free keys such as ``reason``.
        Written at once with a prepared Core INSERT (no entity goes through the session's unit
        of work: nothing reads the entry back as an object, and the flush cost more than the
        insert); later reads in the transaction, such as the SLA clocks', see it.
        """
        self.write_journal(self.journal_row(entity, entity_id, action, changes))

    def write_journal(self, row: dict[str, Any]) -> None:
        """Write a row :meth:`journal_row` made (for a caller that read it before writing)."""
        self.session.execute(_JOURNAL_INSERT, row)
        self.journaled += 1

    def journal_row(
        self, entity: str, entity_id: int, action: str, changes: dict[str, Any] | None
    ) -> dict[str, Any]:
        """The journal row :meth:`journal` writes, as its columns will read back (JSON's
        lists and ISO times in ``changes``)."""
        return {
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "actor_id": self.actor.id,
            "at": self.now,
            "changes": {k: _jsonable(v) for k, v in (changes or {}).items()},
        }

    def journal_many(
        self, entity: str, action: str, entries: Sequence[tuple[int, dict[str, Any]]]
    ) -> None:
        """Append one audit entry per ``(entity_id, changes)``, in this transaction, with one
        driver-level executemany: what :meth:`journal` writes, row for row (the same JSON text
        and time), without the ORM unit of work or SQLAlchemy's per-row bind processing (a bulk
        job such as the SLA scan or a year of inspection slots journals thousands at once)."""
        if not entries:
            return
        dumps = json.JSONEncoder(default=_json_default).encode
        bulk.insert_journal(
            self.session.connection(),
            _JOURNAL_TABLE,
            entity,
            action,
            self.actor.id,
            self.now,
            ((entity_id, dumps(changes)) for entity_id, changes in entries),
        )
        self.journaled += len(entries)


def _json_default(value: Any) -> Any:
    """The encoder's hook for a value ``json`` cannot write itself: what :func:`_jsonable`
    makes of it (a time), so :meth:`Tx.journal_many` stores what :meth:`Tx.journal` does;
    a value that rule leaves as it is cannot be written."""
    converted = _jsonable(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return converted


def _jsonable(value: Any) -> Any:
    """A journal value as the JSON column can write it: a time as ISO 8601 text, a tuple as
    a list (each member too); the one rule for both ways a journal entry is written."""
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


_STAFF = core_table(Staff)
_ROLE = core_table(StaffRole)
#: The actor's staff record and roles in one read, built once: every operation runs it first,
#: and building the statement (not running it) was most of its cost.
_ACTOR = (
    select(_STAFF.c.login, _STAFF.c.display_name, _STAFF.c.tier, _STAFF.c.active, _ROLE.c.role)
    .select_from(_STAFF.outerjoin(_ROLE, _ROLE.c.staff_id == _STAFF.c.id))
    .where(_STAFF.c.id == bindparam("staff_id"))
)


def load_actor(session: Session, actor: Actor) -> Actor:
    """Re-read the actor's staff record and roles; a deactivated member may no longer act.

    Read afresh in every transaction (never cached): a role revoked a second ago counts."""
    if actor.is_system:
        return actor
    rows = session.connection().execute(_ACTOR, {"staff_id": actor.id}).all()
    if not rows or not rows[0].active:
        raise Forbidden("{login} is not an active staff member.", login=actor.login)
    first = rows[0]
    roles = frozenset(Role(r.role) for r in rows if r.role is not None)
    return Actor(actor.id, first.login, first.display_name, first.tier, roles)


def mutation(
    action: Action, *, journaled: bool = True
) -> Callable[[Callable[Concatenate[Tx, P], R]], Callable[Concatenate[Site, Actor, P], R]]:
    """Make ``fn(tx, …)`` a guarded, journaled, single-transaction operation.

    ``journaled=False`` is for writes that are not business records (an operator's own draft
    of a form): still role-checked and one transaction, but no audit entry is demanded.
    """

    def decorate(fn: Callable[Concatenate[Tx, P], R]) -> Callable[Concatenate[Site, Actor, P], R]:
        @functools.wraps(fn)
        def run(site: Site, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> R:
            def attempt() -> R:
                with write_session(site.engine) as session:
                    current = load_actor(session, actor)
                    permissions.require(current.login, current.roles, action)
                    tx = Tx(site, session, current, site.clock.now())
                    result = fn(tx, *args, **kwargs)
                    if journaled and not tx.journaled:
                        raise AssertionError(f"{fn.__name__} changed data without a journal entry")
                    session.commit()
                    return result

            return retry_locked(attempt)

        return run

    return decorate


@dataclass
class Read:
    """What a read body gets: a read-only session, the actor, and "now"."""

    site: Site
    session: Session
    actor: Actor
    now: datetime


def query(
    action: Action,
) -> Callable[[Callable[Concatenate[Read, P], R]], Callable[Concatenate[Site, Actor, P], R]]:
    """Make ``fn(read, …)`` a permission-checked read (who may see what is a rule too)."""

    def decorate(fn: Callable[Concatenate[Read, P], R]) -> Callable[Concatenate[Site, Actor, P], R]:
        @functools.wraps(fn)
        def run(site: Site, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> R:
            with read_session(site.engine) as session:
                current = load_actor(session, actor)
                permissions.require(current.login, current.roles, action)
                return fn(Read(site, session, current, site.clock.now()), *args, **kwargs)

        return run

    return decorate


@contextmanager
def system_transaction(site: Site, actor: Actor | None = None) -> Iterator[Tx]:
    """A journaled transaction outside ``@mutation``: first-run bootstrap, schema upgrades and
    bulk loads, whose callers check permissions themselves (or run before any staff exist)."""
    with write_session(site.engine) as session:
        tx = Tx(site, session, actor or Actor.system(), site.clock.now())
        yield tx
        session.commit()
