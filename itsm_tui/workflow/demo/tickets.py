"""A year of tickets, streamed as driver-ready tuples: tickets, contacts, notes, CI links, journal.

Why it is written like this: ``itsm demo --tickets 1000000`` must finish in minutes in well under
500 MB, so nothing here builds an ORM object or keeps more than one chunk of rows. Each ticket's
life is simulated in integer epoch seconds (open → first response → escalations and
reassignments → resolve → close, or cancel), cut off at "now" so recent tickets are still open,
and turned into rows with precomputed choice tables. The per-ticket work is a few dozen
arithmetic operations and table look-ups; the rows of a chunk are written, then dropped.

The life of a ticket and its journal (``changes`` as ``Tx.journal`` writes them, ``[old, new]``):

* ``create`` (the tier-1 agent who logged it): number, type, status, priority, group — plus the
  assignee when the agent dispatched it at intake to a desk-side engineer (status ``assigned``);
* ``claim`` at ``first_response_at`` (the assignee): status → ``in_progress``;
* ``escalate`` (the assignee handing on): tier, group and assignee; ``reassign`` (misrouted to
  the wrong tier-2 group, or handed over inside a group): group and assignee.
  ``reassignment_count`` counts every change of hands after the first assignment — escalations
  included, as ServiceNow counts it — and ``escalation_count`` the tier changes;
* ``pending`` (open tickets waiting on a caller, vendor, change or parts);
* ``resolve`` (the final assignee), then ``close``: by the system three days later, or by a
  hotline agent after the caller confirmed; or ``cancel`` early on.

``updated_at`` is the last journal entry's time and ``version`` the number of journal entries,
so a later update through the workflow continues the count.
"""

from __future__ import annotations

import json
import random
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from itsm_tui.domain import NUMBER_PREFIX, Channel, NoteKind, TicketStatus, TicketType
from itsm_tui.workflow.demo.catalog import Catalog
from itsm_tui.workflow.demo.epoch import DAY, Stamper
from itsm_tui.workflow.demo.issues import PROFILES, IssueKind, all_kinds
from itsm_tui.workflow.demo.people import CallerCard, People
from itsm_tui.workflow.demo.rhythm import arrivals, local_offset
from itsm_tui.workflow.demo.vocabulary import (
    CANCEL_REASONS,
    PENDING_REASONS,
    PUBLIC_REPLIES,
    WORK_NOTES,
)

CHUNK = 5_000

TICKET_COLUMNS = (
    "id", "number", "type", "title", "description", "caller_id", "category_id", "impact",
    "urgency", "priority", "status", "pending_reason", "group_id", "assignee_id", "tier",
    "opened_by_id", "opened_at", "first_response_at", "resolved_at", "closed_at", "updated_at",
    "reassignment_count", "escalation_count", "reopen_count", "left_first_line",
    "resolved_first_line", "resolution_code", "resolution_text", "version",
)  # fmt: skip
CONTACT_COLUMNS = ("id", "channel", "caller_id", "agent_id", "ticket_id", "summary", "occurred_at")
NOTE_COLUMNS = ("id", "ticket_id", "author_id", "kind", "body", "created_at")
LINK_COLUMNS = ("ticket_id", "ci_id")
JOURNAL_COLUMNS = ("id", "entity", "entity_id", "action", "actor_id", "at", "changes")

INCIDENT_SHARE = 0.7
#: Channels: mostly the phone, as at any hotline; monitoring only for kinds a monitor can see.
CHANNEL_WEIGHT = {
    Channel.PHONE: 68, Channel.WEB: 12, Channel.EMAIL: 7, Channel.WALK_IN: 8,
    Channel.MONITORING: 5,
}  # fmt: skip
#: Median seconds from opening to first response, per priority, for a desk-side engineer
#: dispatched at intake; hotline agents answer calls live, the e-mail/web queue waits a while.
DISPATCH_RESPONSE = (0, 300, 600, 1200, 1800, 2700)
LIVE_RESPONSE = 90
QUEUE_RESPONSE = 2400
MONITOR_RESPONSE = 600
#: Median wall-clock seconds from first response to resolution, per priority (P1 … P5).
RESOLVE_MEDIAN = (0, 2 * 3600, 5 * 3600, 10 * 3600, 22 * 3600, 40 * 3600)
TIER_FACTOR = (0.0, 1.0, 2.5, 5.0)
REQUEST_FACTOR = 1.4
RESOLVE_SIGMA = 0.85
MAX_RESOLVE = 18 * DAY  # beyond this a ticket has been resolved one way or another
FIRST_CALL_SHARE = 0.45  # tier-1 hotline tickets solved while the caller is still on the line
CANCEL_SHARE = 0.015
AUTO_CLOSE = 3 * DAY
AUTO_CLOSE_SHARE = 0.55
MISROUTE_SHARE = 0.12
HANDOVER_SHARE = 0.06
PENDING_SHARE = 0.18
WORK_NOTE_SHARE = 0.22
PUBLIC_REPLY_SHARE = 0.1
REPEAT_CALL_SHARE = 0.1
LINK_SHARE = 0.8  # tickets of a kind with CIs that name one
SERVER_LINK_SHARE = 0.3  # … and also the server behind the business system
#: Working hours: P3–P5 tickets are answered and resolved in them (P1/P2 around the clock).
WORK_START, WORK_END = 8 * 3600 + 1800, 17 * 3600 + 1800

_NEW, _ASSIGNED, _IN_PROGRESS = TicketStatus.NEW.value, TicketStatus.ASSIGNED.value, "in_progress"
_PENDING, _RESOLVED = TicketStatus.PENDING.value, TicketStatus.RESOLVED.value
_CLOSED, _CANCELLED = TicketStatus.CLOSED.value, TicketStatus.CANCELLED.value
_PHONE, _MONITORING = Channel.PHONE.value, Channel.MONITORING.value
_EMAIL, _WEB, _WALK_IN = Channel.EMAIL.value, Channel.WEB.value, Channel.WALK_IN.value
_WORK_NOTE, _PUBLIC_REPLY = NoteKind.WORK_NOTE.value, NoteKind.PUBLIC_REPLY.value
INCIDENT, REQUEST = TicketType.INCIDENT.value, TicketType.REQUEST.value


#: How the description says the caller got in touch.
VIA = {_PHONE: "来电", _WALK_IN: "到服务台", _EMAIL: "通过邮件", _WEB: "通过自助服务页面"}


@dataclass(frozen=True)
class Ids:
    """The first free id of each table and the last number of each series."""

    ticket: int
    contact: int
    note: int
    journal: int
    last_incident: int
    last_request: int


@dataclass
class Chunk:
    """One chunk of rows, written in field order (tickets before what refers to them)."""

    tickets: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)
    journal: list[tuple[Any, ...]] = field(default_factory=list)
    incidents: int = 0
    requests: int = 0


class _Kind:
    """An ``IssueKind`` compiled to ids and cumulative weights for the hot loop."""

    __slots__ = (
        "cases", "category", "ci", "dispatch", "first", "first_members", "is_request", "iu",
        "iu_cw", "monitored", "prefix", "resolutions", "servers", "t2", "t2_members", "t3",
        "t3_members", "tier_cw", "type",
    )  # fmt: skip

    def __init__(self, kind: IssueKind, people: People, catalog: Catalog) -> None:
        self.type = kind.type
        self.is_request = kind.type == TicketType.REQUEST
        self.prefix = NUMBER_PREFIX[TicketType(kind.type)]
        self.category = catalog.category[kind.category]
        self.cases = kind.cases
        self.resolutions = kind.resolutions
        self.monitored = kind.monitored
        self.dispatch = kind.first == "desktop"
        self.first = people.group[kind.first]
        self.first_members = people.members[kind.first]
        self.t2, self.t2_members = people.group[kind.t2], people.members[kind.t2]
        self.t3, self.t3_members = people.group[kind.t3], people.members[kind.t3]
        profile = PROFILES[kind.profile]
        self.iu = [(i, u, i + u - 1) for i, u in profile]  # priority by the default matrix
        self.iu_cw = _normalised_cw(profile.values())
        self.tier_cw = _normalised_cw(kind.tiers)[:-1]
        self.ci, self.servers = _ci_candidates(kind, catalog)


def _normalised_cw(weights: Iterable[float]) -> list[float]:
    cw = list(accumulate(weights))
    return [w / cw[-1] for w in cw]


def _ci_candidates(kind: IssueKind, catalog: Catalog) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The CIs a ticket of this kind links to first, and the servers it may link to as well."""
    if kind.ci == "system" and kind.system:
        return (catalog.system_ci[kind.system],), tuple(catalog.system_servers[kind.system])
    if kind.ci == "server" and kind.t2 == "dba":
        return tuple(catalog.db_servers), ()
    if kind.ci:
        return tuple(catalog.ci_by_class.get(kind.ci, ())), ()
    return (), ()


#: A routing step after the first assignment: (action, tier, group id, group members).
Step = tuple[str, int, int, list[int]]


class TicketFactory:
    """Generates the demo's tickets and everything hanging off them, chunk by chunk."""

    def __init__(
        self,
        people: People,
        catalog: Catalog,
        *,
        rng: random.Random,
        now: int,
        count: int,
        zone: ZoneInfo,
        stamp: Stamper,
        ids: Ids,
        chunk: int = CHUNK,
    ) -> None:
        self.rng = rng
        self.now = now
        self.count = count
        self.zone = zone
        self.stamp = stamp
        self.ids = ids
        self.chunk = chunk
        self.offset = local_offset(zone, now)
        self.people = people
        self.hotline = people.members["hotline"]
        self.desktop = people.members["desktop"]
        self.monitors = people.team["inspector"] + people.members["hotline"]
        self.supervisor = people.team["sup2"][0]
        self.tier2 = [(people.group[c], people.members[c]) for c in ("server", "network", "dba",
                                                                   "appops")]  # fmt: skip
        kinds = all_kinds()
        self.kinds = [_Kind(k, people, catalog) for k in kinds]
        total = {t: sum(k.weight for k in kinds if k.type == t) for t in (INCIDENT, REQUEST)}
        share = {INCIDENT: INCIDENT_SHARE / total[INCIDENT],
                 REQUEST: (1 - INCIDENT_SHARE) / total[REQUEST]}  # fmt: skip
        self.kind_cw = list(accumulate(k.weight * share[k.type] for k in kinds))
        self.channels = [c.value for c in CHANNEL_WEIGHT]
        self.channel_cw = list(accumulate(CHANNEL_WEIGHT.values()))
        self.cancel_reasons = [json.dumps(r) for r in CANCEL_REASONS]
        self.tid, self.cid, self.nid, self.jid = ids.ticket, ids.contact, ids.note, ids.journal
        self.last = {INCIDENT: ids.last_incident, REQUEST: ids.last_request}

    def chunks(self) -> Iterator[Chunk]:
        """The rows of ``count`` tickets, oldest first, ``chunk`` tickets at a time."""
        batch: list[int] = []
        for opened in arrivals(self.rng, self.now, self.count, self.zone):
            batch.append(opened)
            if len(batch) == self.chunk:
                yield self._chunk(batch)
                batch = []
        if batch:
            yield self._chunk(batch)

    def _chunk(self, opened: list[int]) -> Chunk:
        """Draw the per-ticket choices for the whole chunk at once (far cheaper), then build."""
        rng, n, out = self.rng, len(opened), Chunk()
        kinds = rng.choices(self.kinds, cum_weights=self.kind_cw, k=n)
        callers = rng.choices(self.people.callers, cum_weights=self.people.caller_cum_weights, k=n)
        channels = rng.choices(self.channels, cum_weights=self.channel_cw, k=n)
        ticket = self._ticket
        for t, kind, card, channel in zip(opened, kinds, callers, channels, strict=True):
            ticket(out, t, kind, card, channel)
        return out

    def _working(self, t: int) -> int:
        """``t`` if inside working hours, else a time on the next working morning."""
        day, second = divmod(t + self.offset, DAY)
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
        if weekday < 5 and WORK_START <= second < WORK_END:
            return t
        # Before opening on a weekday: that morning; after closing or at a weekend: the next
        # weekday's (Friday evening → Monday).
        skip = 0 if weekday < 5 and second < WORK_START else 1 if weekday < 4 else 7 - weekday
        return (day + skip) * DAY + WORK_START + self.rng.randrange(4 * 3600) - self.offset

    def _first_response(self, kind: _Kind, channel: str, priority: int, t: int) -> int:
        """When the assignee first acts: live for calls, later for queues and dispatches."""
        rng = self.rng
        if kind.dispatch:
            median = DISPATCH_RESPONSE[priority]
        elif channel in (_PHONE, _WALK_IN):
            return t + 20 + int(LIVE_RESPONSE * rng.lognormvariate(0.0, 0.6))
        else:
            median = MONITOR_RESPONSE if channel == _MONITORING else QUEUE_RESPONSE
        at = t + 60 + int(median * rng.lognormvariate(0.0, 0.8))
        return self._working(at) if priority >= 3 else at

    def _resolution(self, kind: _Kind, priority: int, tier: int, first: int, live: bool) -> int:
        """When it is resolved: during the call for many hotline tickets, else log-normal."""
        rng = self.rng
        if live and tier == 1 and rng.random() < FIRST_CALL_SHARE:
            return first + 60 + rng.randrange(600)
        work = RESOLVE_MEDIAN[priority] * TIER_FACTOR[tier]
        work *= rng.lognormvariate(0.0, RESOLVE_SIGMA)
        if kind.is_request:
            work *= REQUEST_FACTOR
        resolved = first + 120 + min(int(work), MAX_RESOLVE)
        return self._working(resolved) if priority >= 3 else resolved

    def _steps(self, kind: _Kind, tier: int) -> list[Step]:
        """Escalations up to ``tier`` (sometimes via the wrong tier-2 group), maybe a handover."""
        rng = self.rng
        steps: list[Step] = []
        if tier >= 2:
            wrong = rng.choice(self.tier2) if rng.random() < MISROUTE_SHARE else None
            if wrong is not None and wrong[0] != kind.t2:
                steps.append(("escalate", 2, wrong[0], wrong[1]))
                steps.append(("reassign", 2, kind.t2, kind.t2_members))
            else:
                steps.append(("escalate", 2, kind.t2, kind.t2_members))
            if tier == 3:
                steps.append(("escalate", 3, kind.t3, kind.t3_members))
        if rng.random() < HANDOVER_SHARE:
            _, _, group, members = steps[-1] if steps else ("", 1, kind.first, kind.first_members)
            if len(members) > 1:
                steps.append(("reassign", tier, group, members))
        return steps

    def _entry(self, out: Chunk, ticket_id: int, action: str, actor: int | None, at: int,
               changes: str) -> None:  # fmt: skip
        out.journal.append((self.jid, "ticket", ticket_id, action, actor, self.stamp(at), changes))
        self.jid += 1

    def _ticket(self, out: Chunk, t: int, kind: _Kind, card: CallerCard, channel: str) -> None:
        """One ticket's life, cut off at "now", as rows appended to ``out``."""
        rng, now, entry = self.rng, self.now, self._entry
        choice, rand = rng.choice, rng.random
        ticket_id = self.tid
        self.tid += 1
        last = self.last[kind.type] + 1
        self.last[kind.type] = last
        number = f"{kind.prefix}{last:06d}"
        if kind.is_request:
            out.requests += 1
        else:
            out.incidents += 1
        impact, urgency, priority = kind.iu[bisect_right(kind.iu_cw, rand())]
        final_tier = 1 + bisect_right(kind.tier_cw, rand())
        title, detail = choice(kind.cases)

        # Intake: who logged it, who works it first.
        caller_id: int | None = card.id
        if channel == _MONITORING and not kind.monitored:
            channel = _PHONE
        if channel == _MONITORING:
            opened_by, caller_id = choice(self.monitors), None
            description = f"监控平台告警：{detail}。请值班人员确认影响范围。"
        else:
            walk_in = channel == _WALK_IN and kind.dispatch
            opened_by = choice(self.desktop) if walk_in else choice(self.hotline)
            who = f"{card.department}{card.name}（{card.title}）{VIA[channel]}"
            if kind.is_request:
                description = f"{who}提出申请：{title}。{detail}。"
            else:
                description = f"{who}反映{title}：{detail}。"
        group = kind.first
        if kind.dispatch:
            assignee = opened_by if opened_by in self.desktop else choice(self.desktop)
            status = _ASSIGNED
        else:
            assignee = opened_by if opened_by in self.hotline else choice(self.hotline)
            status = _NEW
        first = self._first_response(kind, channel, priority, t)
        live = first - t < 600 and not kind.dispatch
        resolved = self._resolution(kind, priority, final_tier, first, live)
        cancelled = t + 300 + rng.randrange(6 * 3600) if rand() < CANCEL_SHARE else 0
        if cancelled and (cancelled > now or cancelled >= resolved):
            cancelled = 0
        end = cancelled or resolved

        entry(out, ticket_id, "create", opened_by, t,
              f'{{"number": [null, "{number}"], "type": [null, "{kind.type}"], '
              f'"status": [null, "{status}"], "priority": [null, {priority}], '
              f'"group_id": [null, {group}]'
              + (f', "assignee_id": [null, {assignee}]}}' if kind.dispatch else "}"))  # fmt: skip
        version, last_at = 1, t
        current: int | None = assignee if kind.dispatch else None
        tier = 1
        escalations = reassignments = 0
        first_response = None
        if first <= now and first < end:
            claimed = "" if kind.dispatch else f'"assignee_id": [null, {assignee}], '
            entry(out, ticket_id, "claim", assignee, first,
                  f'{{{claimed}"status": ["{status}", "in_progress"]}}')  # fmt: skip
            version, last_at, first_response = version + 1, first, first
            current, status = assignee, _IN_PROGRESS
            steps = self._steps(kind, final_tier)
            span = end - first
            for j, (action, new_tier, new_group, members) in enumerate(steps, 1):
                at = first + span * j // (len(steps) + 1)
                if at > now:
                    break
                new = choice(members)
                move = f'"group_id": [{group}, {new_group}], "assignee_id": [{current}, {new}]'
                if action == "escalate":
                    entry(out, ticket_id, action, current, at,
                          f'{{"tier": [{tier}, {new_tier}], {move}}}')  # fmt: skip
                    escalations += 1
                    tier = new_tier
                else:
                    actor = self.supervisor if new_group != group else current
                    entry(out, ticket_id, action, actor, at, f"{{{move}}}")
                reassignments += 1
                version, last_at = version + 1, at
                group, current = new_group, new

        pending_reason = resolved_at = closed_at = resolution_code = resolution_text = None
        if cancelled:
            entry(out, ticket_id, "cancel", opened_by, cancelled,
                  f'{{"status": ["{status}", "cancelled"], '
                  f'"reason": {choice(self.cancel_reasons)}}}')  # fmt: skip
            version, last_at, closed_at, status = version + 1, cancelled, cancelled, _CANCELLED
        elif resolved <= now:
            resolution_code, resolution_text = choice(kind.resolutions)
            entry(out, ticket_id, "resolve", current, resolved,
                  f'{{"status": ["{status}", "resolved"], '
                  f'"resolution_code": [null, "{resolution_code}"]}}')  # fmt: skip
            version, last_at, resolved_at, status = version + 1, resolved, resolved, _RESOLVED
            if rand() < AUTO_CLOSE_SHARE:
                closing, closer = resolved + AUTO_CLOSE, None
            else:
                closing, closer = resolved + 1800 + rng.randrange(2 * DAY), choice(self.hotline)
            if closing <= now:
                entry(out, ticket_id, "close", closer, closing,
                      '{"status": ["resolved", "closed"]}')  # fmt: skip
                version, last_at, closed_at, status = version + 1, closing, closing, _CLOSED
        elif status == _IN_PROGRESS:
            if rand() < PENDING_SHARE:
                pending_reason = choice(PENDING_REASONS)
                at = last_at + (now - last_at) // 2
                entry(out, ticket_id, "pending", current, at,
                      f'{{"status": ["in_progress", "pending"], '
                      f'"pending_reason": [null, "{pending_reason}"]}}')  # fmt: skip
                version, last_at, status = version + 1, at, _PENDING
            elif last_at != first and now - last_at < 3600:
                status = _ASSIGNED  # just handed on: the new assignee has not started yet

        horizon = min(end, now)
        self._contacts(out, ticket_id, t, horizon, channel, caller_id, opened_by, title)
        if first_response is not None and current is not None and not cancelled:
            self._notes(out, ticket_id, first, horizon, current)
        if kind.ci and rand() < LINK_SHARE:
            out.links.append((ticket_id, choice(kind.ci)))
            if kind.servers and rand() < SERVER_LINK_SHARE:
                out.links.append((ticket_id, choice(kind.servers)))

        stamp = self.stamp
        solved = status in (_RESOLVED, _CLOSED)
        out.tickets.append((
            ticket_id, number, kind.type, title, description, caller_id, kind.category,
            impact, urgency, priority, status, pending_reason, group, current, tier, opened_by,
            stamp(t), first_response and stamp(first_response), resolved_at and stamp(resolved_at),
            closed_at and stamp(closed_at), stamp(last_at), reassignments, escalations, 0,
            escalations > 0, solved and escalations == 0, resolution_code, resolution_text, version,
        ))  # fmt: skip

    def _contacts(self, out: Chunk, ticket_id: int, t: int, horizon: int, channel: str,
                  caller_id: int | None, agent: int, title: str) -> None:  # fmt: skip
        """The contact that opened the ticket, and sometimes the caller ringing again."""
        stamp = self.stamp
        out.contacts.append((self.cid, channel, caller_id, agent, ticket_id, title, stamp(t)))
        self.cid += 1
        rng = self.rng
        if caller_id is not None and horizon - t > 1800 and rng.random() < REPEAT_CALL_SHARE:
            at = t + 900 + rng.randrange(horizon - t - 900)
            out.contacts.append((self.cid, _PHONE, caller_id, rng.choice(self.hotline), ticket_id,
                                 f"来电催办：{title}", stamp(at)))  # fmt: skip
            self.cid += 1

    def _notes(self, out: Chunk, ticket_id: int, first: int, horizon: int, author: int) -> None:
        """Sometimes a work note, sometimes a public reply, by the current assignee."""
        rng = self.rng
        if rng.random() < WORK_NOTE_SHARE:
            at = first + (horizon - first) // 3
            body = rng.choice(WORK_NOTES)
            out.notes.append((self.nid, ticket_id, author, _WORK_NOTE, body, self.stamp(at)))
            self.nid += 1
        if rng.random() < PUBLIC_REPLY_SHARE:
            at = first + (horizon - first) // 2
            body = rng.choice(PUBLIC_REPLIES)
            out.notes.append((self.nid, ticket_id, author, _PUBLIC_REPLY, body, self.stamp(at)))
            self.nid += 1


Writer = Callable[[str, tuple[str, ...], list[tuple[Any, ...]]], int]


def write_chunk(write: Writer, chunk: Chunk) -> None:
    """Write one chunk's rows in dependency order through ``write(table, columns, rows)``."""
    write("ticket", TICKET_COLUMNS, chunk.tickets)
    write("contact", CONTACT_COLUMNS, chunk.contacts)
    write("ticket_note", NOTE_COLUMNS, chunk.notes)
    write("ticket_ci", LINK_COLUMNS, chunk.links)
    write("journal_entry", JOURNAL_COLUMNS, chunk.journal)
