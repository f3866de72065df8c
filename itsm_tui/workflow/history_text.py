"""A ticket's history as people read it: one sentence per event, with names, local times and
words — not the journal's raw values.

Why in the workflow: the journal keeps what a script needs (UTC instants, logins, group codes,
status codes, ``None``, lists as JSON, bookkeeping counters), and every front door that shows it
to a person must turn those into the same sentences. ``itsm ticket history`` prints these lines
and the ticket screen's timeline shows the same ones, newest first; ``--json`` keeps the raw
entries.

How an event reads: "李彬 escalated to 应用运维 (tier 2)", with the reason, the note or the
resolution as its ``detail`` ("需要服务器组排查"). Staff by display name, groups by name and
tier, statuses as the queues label them (``common.domain.status_label``), instants in the site's
zone. Bookkeeping the journal keeps for reports (``left_first_line``, ``reassignment_count``,
``version``, the time stamps an operation sets) is folded into the sentence or left out.

A note or a reply is journaled (who, when, how long) and stored as a note (its text): the two
are one event, shown once with its text. Calls logged on the ticket are events too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from itsm_tui.common.domain import NoteKind, status_label
from itsm_tui.common.i18n import N_, _, status_text
from itsm_tui.common.ticket_rows import ContactRow, HistoryEntry, NoteRow
from itsm_tui.common.timefmt import local
from itsm_tui.storage import ticket_queries
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import AssignmentGroup, Staff
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.lookup import find_ticket
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.tickets.states import PENDING_REASONS, RESOLUTION_CODES

NOTHING = "—"
# Only fields that hold instants are converted: a title or a note may well begin with a date.
_INSTANT_KEY = re.compile(r"(?:\w+_)?(?:at|due|until)")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?")

#: Journaled for reports and the SLA clock, said by the sentence itself or not worth saying.
BOOKKEEPING = frozenset(
    {
        "left_first_line",
        "reassignment_count",
        "escalation_count",
        "reopen_count",
        "version",
        "updated_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "flagged_at",
        "resolved_first_line",
        "priority_overridden",
        "tier",
        "chars",
        "number",
    }
)


@dataclass(frozen=True)
class Names:
    """What the journal names by code, as people know it: logins → display names, group
    codes → (name, tier). A code missing here is shown as it is."""

    staff: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, tuple[str, int]] = field(default_factory=dict)

    def person(self, login: Any) -> str:
        return NOTHING if not login else self.staff.get(str(login), str(login))

    def group(self, code: Any, *, tier: bool = True) -> str:
        if not code:
            return NOTHING
        name, level = self.groups.get(str(code), (str(code), 0))
        return _("{name} (tier {tier})").format(name=name, tier=level) if tier and level else name


@dataclass(frozen=True)
class HistoryLine:
    """One event, ready to print: ``at`` (UTC; print it with ``common.timefmt.local``), ``who``
    a display name, ``text`` the sentence (it begins with ``who``), ``detail`` the words a
    person typed with it (a reason, a note, a resolution), shown as typed; ``action`` the
    journal's code (``call`` for a logged call)."""

    at: datetime
    who: str
    action: str
    text: str
    detail: str = ""

    def when(self, zone: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return local(self.at, zone, fmt)

    @property
    def heading(self) -> str:
        """The sentence, with a one-line detail after a colon: "李彬 escalated to 应用运维
        (tier 2): 需要服务器组排查"."""
        if self.detail and "\n" not in self.detail:
            return _("{text}: {detail}").format(text=self.text, detail=self.detail)
        return self.text

    @property
    def block(self) -> str:
        """A detail of several lines, printed under the heading (empty otherwise)."""
        return self.detail if "\n" in self.detail else ""


def shown(key: str, value: Any, zone: ZoneInfo, names: Names | None = None) -> str:
    """One journaled value in words."""
    names = names or Names()
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, list):
        return ", ".join(shown(key, v, zone, names) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and _INSTANT_KEY.fullmatch(key):
        return instant(value, zone)
    if key in ("assignee", "supervisor", "notified", "member"):
        return names.person(value)
    if key == "group":
        return names.group(value)
    if key == "pending_reason":
        return _(PENDING_REASONS.get(value, status_label(str(value))))
    if key == "resolution_code":
        return _(RESOLUTION_CODES.get(value, status_label(str(value))))
    if key in ("status", "type", "kind"):
        return status_text(str(value))
    if key == "priority":
        return f"P{value}"
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
    action: str, changes: Mapping[str, Any], zone: ZoneInfo, names: Names | None = None
) -> list[str]:
    """Each change of one entry as "field: old → new" (or "field: value"), bookkeeping left
    out: how a change no sentence below knows is still said in words."""
    parts = []
    for key, value in changes.items():
        if key in BOOKKEEPING:
            continue
        label = status_text(key)
        if action != "create" and isinstance(value, list) and len(value) == 2:
            old, new = (shown(key, v, zone, names) for v in value)
            parts.append(f"{label}: {old} → {new}")
        elif action != "create" or value not in (None, "", []):
            parts.append(f"{label}: {shown(key, value, zone, names)}")
    return parts


def _new(changes: Mapping[str, Any], key: str) -> Any:
    """The value a change set ``key`` to (an ``[old, new]`` pair's new one)."""
    value = changes.get(key)
    return value[1] if isinstance(value, list) and len(value) == 2 else value


def _old(changes: Mapping[str, Any], key: str) -> Any:
    value = changes.get(key)
    return value[0] if isinstance(value, list) and len(value) == 2 else None


def _now_status(changes: Mapping[str, Any]) -> str:
    if "status" not in changes:
        return ""
    return _(" (now {state})").format(state=status_text(str(_new(changes, "status"))))


def sentence(
    action: str, who: str, changes: Mapping[str, Any], zone: ZoneInfo, names: Names
) -> tuple[str, str]:
    """One journal entry as (sentence, detail)."""
    c = changes
    reason = str(c.get("reason") or "")
    if action == "create":
        text = _("{who} opened the {type}").format(
            who=who, type=status_text(str(c.get("type") or "ticket"))
        )
        text += _(" in {group}").format(group=names.group(c.get("group")))
        if c.get("priority"):
            text += _(" at P{priority}").format(priority=c["priority"])
        if c.get("caller"):
            text += _(" for {caller}").format(caller=c["caller"])
        if c.get("assignee"):
            text += _(", assigned to {person}").format(person=names.person(c["assignee"]))
        if c.get("cis"):
            text += _(", CIs {cis}").format(cis=shown("cis", c["cis"], zone, names))
        return text, str(c.get("title") or "")
    if action == "claim":
        return _("{who} claimed it").format(who=who), ""
    if action == "assign":
        person, group = _new(c, "assignee"), _new(c, "group")
        if person and "group" in c:
            text = _("{who} assigned it to {person} in {group}").format(
                who=who, person=names.person(person), group=names.group(group, tier=False)
            )
        elif person:
            text = _("{who} assigned it to {person}").format(who=who, person=names.person(person))
        elif "group" in c:
            text = _("{who} assigned it to the {group} queue").format(
                who=who, group=names.group(group)
            )
        else:
            text = _("{who} put it back in the group queue").format(who=who)
        return text + _now_status(c), ""
    if action in ("escalate", "return"):
        group = names.group(_new(c, "group"))
        if action == "escalate":
            return _("{who} escalated it to {group}").format(who=who, group=group), reason
        return _("{who} returned it to {group}").format(who=who, group=group), reason
    if action == "flag":
        supervisor = c.get("supervisor")
        if supervisor:
            text = _("{who} flagged it to the supervisor, {person}").format(
                who=who, person=names.person(supervisor)
            )
            return text, reason
        return _("{who} flagged it").format(who=who), reason
    if action == "pending":
        why = shown("pending_reason", _new(c, "pending_reason"), zone, names)
        return _("{who} set it pending, {why}").format(who=who, why=why), str(c.get("note") or "")
    if action == "resume":
        return _("{who} resumed it").format(who=who) + _now_status(c), ""
    if action == "resolve":
        how = shown("resolution_code", _new(c, "resolution_code"), zone, names)
        if _new(c, "resolved_first_line"):
            text = _("{who} resolved it at first line ({how})").format(who=who, how=how)
        else:
            text = _("{who} resolved it ({how})").format(who=who, how=how)
        if "assignee" in c:
            text += _(", assigned to {person}").format(person=names.person(_new(c, "assignee")))
        return text, str(_new(c, "resolution_text") or "")
    if action == "close":
        return _("{who} closed it").format(who=who), ""
    if action == "reopen":
        return _("{who} reopened it").format(who=who) + _now_status(c), reason
    if action == "follow_up":
        text = _("{who} opened the follow-up {number}").format(who=who, number=c.get("follow_up"))
        return text, reason
    if action == "cancel":
        return _("{who} cancelled it").format(who=who), reason
    if action == "override_priority":
        old, new = _old(c, "priority"), _new(c, "priority")
        if old is not None:
            text = _("{who} set the priority by hand from P{old} to P{new}").format(
                who=who, old=old, new=new
            )
        else:
            text = _("{who} set the priority by hand to P{new}").format(who=who, new=new)
        return text, reason
    if action in ("note", "reply"):
        if action == "note":
            text = _("{who} added a work note").format(who=who)
        else:
            text = _("{who} replied to the caller").format(who=who)
        size = _("({chars} characters)").format(chars=c["chars"]) if "chars" in c else ""
        return text, size
    if action in ("link_ci", "unlink_ci"):
        before, after = (set(v or []) for v in (_old(c, "cis"), _new(c, "cis")))
        moved_cis = sorted(after - before) if action == "link_ci" else sorted(before - after)
        cis = ", ".join(moved_cis) or _("a CI")
        if action == "link_ci":
            return _("{who} linked {cis}").format(who=who, cis=cis), ""
        return _("{who} unlinked {cis}").format(who=who, cis=cis), ""
    if action == "sla_alert":
        kind = alert_kind_text(str(c.get("kind") or ""))
        due = shown("due_at", c.get("due_at"), zone, names)
        told = shown("notified", c.get("notified"), zone, names)
        text = _("{who} raised an SLA alert ({kind}, due {due}), told {told}").format(
            who=who, kind=kind, due=due, told=told
        )
        return text, ""
    if action == "update":
        changed = "; ".join(describe(action, c, zone, names))
        return _("{who} changed {changes}").format(who=who, changes=changed), ""
    parts = describe(action, c, zone, names)
    text = f"{who} {status_text(action)}"
    return text + (f": {'; '.join(parts)}" if parts else ""), ""


def timeline(
    entries: Iterable[HistoryEntry],
    notes: Sequence[NoteRow],
    contacts: Sequence[ContactRow],
    zone: ZoneInfo,
    names: Names,
) -> list[HistoryLine]:
    """The journal, the notes and the calls of one ticket as one list of events, oldest
    first: a note's journal entry carries the note's text, so each note appears once."""
    unmatched = list(notes)
    out: list[tuple[int, HistoryLine]] = []
    for e in entries:
        text, detail = sentence(e.action, e.actor_name, e.changes, zone, names)
        if e.action in ("note", "reply"):
            note = _take_note(unmatched, e)
            if note is not None:
                detail = note.body
        out.append((1, HistoryLine(e.at, e.actor_name, e.action, text, detail)))
    for n in unmatched:  # a note without its journal entry (none today): still shown once
        if n.kind == NoteKind.PUBLIC_REPLY:
            action, said = "reply", _("{who} replied to the caller").format(who=n.author)
        else:
            action, said = "note", _("{who} added a work note").format(who=n.author)
        out.append((1, HistoryLine(n.at, n.author, action, said, n.body)))
    for c in contacts:
        who = c.agent or _("System")
        channel = status_text(c.channel)
        if c.caller:
            text = _("{who} took a call from {caller} ({channel})").format(
                who=who, caller=c.caller, channel=channel
            )
        else:
            text = _("{who} took a call ({channel})").format(who=who, channel=channel)
        out.append((0, HistoryLine(c.at, who, "call", text, c.summary)))
    out.sort(key=lambda item: (item[1].at, item[0]))
    return [line for _, line in out]


def _take_note(notes: list[NoteRow], entry: HistoryEntry) -> NoteRow | None:
    """The note written in the same transaction as ``entry``: same instant, kind and author."""
    kind = NoteKind.PUBLIC_REPLY if entry.action == "reply" else NoteKind.WORK_NOTE
    for i, note in enumerate(notes):
        if note.at == entry.at and note.kind == kind and note.author == entry.actor_name:
            return notes.pop(i)
    return None


def _codes(entries: Iterable[HistoryEntry]) -> tuple[set[str], set[str]]:
    """Every login and every group code the entries name."""
    logins: set[str] = set()
    groups: set[str] = set()
    for e in entries:
        for key, into in (
            ("assignee", logins),
            ("supervisor", logins),
            ("notified", logins),
            ("group", groups),
        ):
            value = e.changes.get(key)
            for code in value if isinstance(value, list) else [value]:
                if isinstance(code, str) and code:
                    into.add(code)
    return logins, groups


_STAFF, _GROUP = core_table(Staff), core_table(AssignmentGroup)
#: Built once (an expanding ``IN`` takes any number of names): the ticket screen reads them on
#: every open, and building the selects cost more than running them.
_STAFF_NAMES = sa.select(_STAFF.c.login, _STAFF.c.display_name).where(
    _STAFF.c.login.in_(sa.bindparam("logins", expanding=True))
)
_GROUP_NAMES = sa.select(_GROUP.c.code, _GROUP.c.name, _GROUP.c.tier).where(
    _GROUP.c.code.in_(sa.bindparam("codes", expanding=True))
)


def read_names(read: Read, entries: Sequence[HistoryEntry]) -> Names:
    """The names for what ``entries`` name by code: two indexed reads (unique login, code)."""
    logins, codes = _codes(entries)
    session = read.session
    staff: dict[str, str] = {}
    groups: dict[str, tuple[str, int]] = {}
    if logins:
        rows = session.execute(_STAFF_NAMES, {"logins": sorted(logins)}).all()
        staff = {login: name for login, name in rows}
    if codes:
        found = session.execute(_GROUP_NAMES, {"codes": sorted(codes)}).all()
        groups = {code: (name, tier) for code, name, tier in found}
    return Names(staff, groups)


def timeline_of(read: Read, ticket_id: int) -> list[HistoryLine]:
    """The ticket's events in words, oldest first, inside a read already open."""
    entries = ticket_queries.history(read.session, ticket_id)
    return timeline(
        entries,
        ticket_queries.notes(read.session, ticket_id),
        ticket_queries.contacts(read.session, ticket_id),
        read.site.settings.zone,
        read_names(read, entries),
    )


@query(Action.VIEW_TICKETS)
def readable_history(read: Read, number: str) -> list[HistoryLine]:
    """The ticket's history in words, oldest first (``ticket_history`` gives the raw entries)."""
    ticket = find_ticket(read.session, number)
    assert ticket.id is not None
    return timeline_of(read, ticket.id)


def alert_kind_text(kind: str) -> str:
    """An alert's kind as words: ``resolution:100`` → "resolution time breached",
    ``response:80`` → "80 % of the response time used", ``tier2_budget`` → "tier 2 time
    budget ran out" (the codes the SLA clocks store; a history shows people words)."""
    if kind.startswith("tier") and kind.endswith("_budget"):
        return _("tier {tier} time budget ran out").format(tier=kind[4:-7])
    clock, _sep, level = kind.partition(":")
    if clock == "flag":
        return _("flagged")
    words = _(CLOCK_WORDS.get(clock, clock))
    if not level.isdigit():
        return _("{clock} time").format(clock=words) if clock else _("alert")
    if int(level) >= 100:
        return _("{clock} time breached").format(clock=words)
    return _("{level} per cent of the {clock} time used").format(level=level, clock=words)


#: The SLA clocks an alert names, for the catalogue.
CLOCK_WORDS = {"response": N_("response"), "resolution": N_("resolution")}
