"""A ticket's history as people read it: local times, names, words — not the journal's raw values.

Why in the workflow: the journal keeps what a script needs (UTC instants, logins, status codes,
``None``, lists as JSON), and every front door that shows it to a person must turn those into the
same sentences. ``itsm ticket history`` prints these lines; the console's timeline is meant to
print the same ones, so a change reads alike wherever it is seen.

How a change reads: ``[old, new]`` pairs as "old → new" (a ``create`` entry has no pairs: its
values are what the ticket was opened with), nothing as "—", lists joined, instants in the site's
zone, statuses as the console labels them ("in progress"), assignees by display name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from itsm_tui.common.domain import status_label
from itsm_tui.common.ticket_rows import HistoryEntry
from itsm_tui.common.timefmt import local
from itsm_tui.storage import ticket_queries
from itsm_tui.storage.tables import Staff
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.lookup import find_ticket
from itsm_tui.workflow.permissions import Action

NOTHING = "—"
# Only fields that hold instants are converted: a title or a note may well begin with a date.
_INSTANT_KEY = re.compile(r"(?:\w+_)?(?:at|due|until)")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?")


@dataclass(frozen=True)
class HistoryLine:
    """One journal entry, ready to print: ``at`` in the site's zone, ``who`` a display name."""

    at: str
    who: str
    action: str
    changes: list[str]


def shown(key: str, value: Any, zone: ZoneInfo, names: Mapping[str, str]) -> str:
    """One journaled value in words."""
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, list):
        return ", ".join(shown(key, v, zone, names) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and _INSTANT_KEY.fullmatch(key):
        return instant(value, zone)
    if key == "assignee":
        return names.get(value, value)
    if key in ("status", "pending_reason", "type"):
        return status_label(str(value))
    return str(value)


def instant(value: str, zone: ZoneInfo) -> str:
    """A journaled instant in the site's zone; a value that is not one (an older entry, a hand
    edit) is shown as it is rather than breaking the whole history."""
    if not _ISO.fullmatch(value):
        return value
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    return local(at if at.tzinfo else at.replace(tzinfo=UTC), zone)


def describe(
    action: str, changes: Mapping[str, Any], zone: ZoneInfo, names: Mapping[str, str]
) -> list[str]:
    """Each change of one entry as "field: old → new" (or "field: value")."""
    parts = []
    for key, value in changes.items():
        if action != "create" and isinstance(value, list) and len(value) == 2:
            old, new = (shown(key, v, zone, names) for v in value)
            parts.append(f"{status_label(key)}: {old} → {new}")
        elif action != "create" or value not in (None, "", []):
            parts.append(f"{status_label(key)}: {shown(key, value, zone, names)}")
    return parts


def lines(
    entries: Iterable[HistoryEntry], zone: ZoneInfo, names: Mapping[str, str]
) -> list[HistoryLine]:
    """``entries`` in words; ``names`` maps the logins journaled as assignees to display names
    (a login missing from it is shown as it is)."""
    return [
        HistoryLine(
            local(e.at, zone, "%Y-%m-%d %H:%M:%S"),
            e.actor_name,
            status_label(e.action),
            describe(e.action, e.changes, zone, names),
        )
        for e in entries
    ]


def assignee_logins(entries: Iterable[HistoryEntry]) -> set[str]:
    """Every login an entry names as an assignee, before or after."""
    found: set[str] = set()
    for e in entries:
        value = e.changes.get("assignee")
        for login in value if isinstance(value, list) else [value]:
            if isinstance(login, str) and login:
                found.add(login)
    return found


@query(Action.VIEW_TICKETS)
def readable_history(read: Read, number: str) -> list[HistoryLine]:
    """The ticket's history in words, oldest first (``ticket_history`` gives the raw entries)."""
    ticket = find_ticket(read.session, number)
    assert ticket.id is not None
    entries = ticket_queries.history(read.session, ticket.id)
    logins = assignee_logins(entries)
    names = dict(
        read.session.exec(
            select(Staff.login, Staff.display_name).where(col(Staff.login).in_(logins))
        ).all()
        if logins
        else []
    )
    return lines(entries, read.site.settings.zone, names)
