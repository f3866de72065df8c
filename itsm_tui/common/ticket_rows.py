"""The rows ticket queries return: plain, frozen, picklable values with no database code.

Why apart from ``ticket_queries``: the console's first frame draws these (its queue and
backlog) before SQLAlchemy is loaded, from a read made in a separate process
(``itsm_tui.console.start``), and unpickling a row imports only the module that defines it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TicketRow:
    """One line of a queue."""

    id: int
    number: str
    priority: int
    status: str
    pending_reason: str | None
    tier: int
    title: str
    caller: str | None
    group: str | None
    assignee: str | None  # the display name, as the queue shows it
    opened_at: datetime
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    flagged_at: datetime | None
    version: int
    resolution_warn_at: datetime | None = None
    sla_policy: str | None = None  # with the one below: time left and elapsed % (sla.progress)
    resolution_elapsed_min: int | None = None
    ci: str | None = None
    assignee_login: str | None = None  # for scripts: ``assignee`` in the CLI's JSON is a login

    @classmethod
    def of(cls, values: Sequence[Any]) -> TicketRow:
        """A row from a query's columns in field order, without the frozen ``__init__``: it
        sets each of the twenty fields through ``object.__setattr__``, half the cost of
        turning a page's 50 database rows into rows (the result is equal to
        ``TicketRow(*values)``; a test holds them so)."""
        row = object.__new__(cls)
        row.__dict__.update(zip(_TICKET_ROW_FIELDS, values, strict=True))
        return row


_TICKET_ROW_FIELDS = tuple(f.name for f in fields(TicketRow))


@dataclass(frozen=True)
class BacklogRow:
    """One group's open work, for the supervisor's dashboard."""

    group: str
    name: str
    tier: int
    open: int
    unassigned: int
    at_risk: int
    breached: int


@dataclass(frozen=True)
class HistoryEntry:
    """One audited change of a ticket, with who made it."""

    id: int
    at: datetime
    action: str
    actor: str
    actor_name: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class NoteRow:
    at: datetime
    kind: str
    author: str
    body: str


@dataclass(frozen=True)
class ContactRow:
    at: datetime
    channel: str
    caller: str | None
    agent: str | None
    summary: str
