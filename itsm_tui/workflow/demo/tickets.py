"""A year of tickets, streamed as driver-ready tuples: tickets, contacts, notes, CI links, journal.

Why it is written like this: ``itsm demo --tickets 1000000`` must finish in minutes in well under
500 MB, so nothing here builds an ORM object or keeps more than one chunk of rows. Each ticket's
life is simulated in integer epoch seconds, cut off at "now" so recent tickets are still open,
and turned into rows with precomputed choice tables and pre-encoded JSON fragments; the rows of
a chunk are written, then dropped.

Why the journal looks exactly like the workflow's: the demo is what people first see in
``itsm ticket history`` and what reports and KPIs are checked against, so each entry is the one
the real operation (``workflow.tickets``) would have written — same action, same actor, the
same ``changes`` keys (groups by code, staff by login, times in ISO form) and ``version`` and
``updated_at`` as that sequence of operations leaves them:

* ``create`` + the contact's ``log`` (a hotline agent logging the call; a desk-side engineer for
  a walk-in, an inspector or the monitoring desk for alarms), to the hotline (status ``new``)
  or dispatched at intake to a desk-side engineer (``assigned``);
* ``claim`` at the first response; sometimes a ``note`` or ``reply``;
* ``escalate`` one tier up (the group's queue, unassigned, until someone there ``claim``\\ s it);
  sometimes to the wrong tier-2 group first, which ``assign``\\ s it on; sometimes an
  ``assign`` to a colleague in the same group. Every change of group counts as a reassignment;
* ``pending`` for some open ones; ``resolve`` (the holder), then ``close`` three days later by
  the system or earlier by a hotline agent after the caller confirmed; or an early ``cancel``.
"""

from __future__ import annotations

import functools
import json
import random
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from itsm_tui.common.domain import NUMBER_PREFIX, Channel, NoteKind, TicketStatus, TicketType
from itsm_tui.storage import title_grams
from itsm_tui.workflow.demo.catalog import Catalog
from itsm_tui.workflow.demo.epoch import DAY, Stamper, iso_stamper
from itsm_tui.workflow.demo.issues import PROFILES, IssueKind, all_kinds
from itsm_tui.workflow.demo.people import CallerCard, People
from itsm_tui.workflow.demo.rhythm import arrivals, local_offset
from itsm_tui.workflow.demo.sla_figures import COLUMNS as SLA_COLUMNS
from itsm_tui.workflow.demo.sla_figures import UNMEASURED, SlaFigures, Turn
from itsm_tui.workflow.demo.vocabulary import (
    CANCEL_REASONS,
    ESCALATION_REASONS,
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
    "resolved_first_line", "resolution_code", "resolution_text", "version", *SLA_COLUMNS,
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
PICKUP = 1800  # median seconds before someone in a group claims what was passed to it
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

_NEW, _ASSIGNED, _IN_PROGRESS = "new", "assigned", TicketStatus.IN_PROGRESS.value
_PENDING, _RESOLVED = TicketStatus.PENDING.value, TicketStatus.RESOLVED.value
_CLOSED, _CANCELLED = TicketStatus.CLOSED.value, TicketStatus.CANCELLED.value
_FINISHED = frozenset((_RESOLVED, _CLOSED, _CANCELLED))
_PHONE, _MONITORING = Channel.PHONE.value, Channel.MONITORING.value
_EMAIL, _WEB, _WALK_IN = Channel.EMAIL.value, Channel.WEB.value, Channel.WALK_IN.value
_WORK_NOTE, _PUBLIC_REPLY = NoteKind.WORK_NOTE.value, NoteKind.PUBLIC_REPLY.value
INCIDENT, REQUEST = TicketType.INCIDENT.value, TicketType.REQUEST.value
_ESCALATE, _TRANSFER, _HANDOVER = "escalate", "transfer", "handover"

#: How the description says the caller got in touch.
VIA = {_PHONE: "来电", _WALK_IN: "到服务台", _EMAIL: "通过邮件", _WEB: "通过自助服务页面"}

#: One journal entry before ids are handed out: (at, entity, entity id, action, actor, changes).
Event = tuple[int, str, int, str, int | None, str]
#: A routing step after the first claim: (kind of move, tier, group id, group members).
Step = tuple[str, int, int, list[int]]
_at = itemgetter(0)


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


def _js(value: object) -> str:
    """JSON exactly as the ORM's JSON column writes it (``json.dumps`` defaults)."""
    return json.dumps(value)


class _Kind:
    """An ``IssueKind`` compiled to ids, cumulative weights and JSON fragments for the hot loop."""

    __slots__ = (
        "cases", "category", "ci", "dispatch", "first", "first_members", "internal",
        "is_request", "iu", "iu_cw", "monitored", "prefix", "resolutions", "servers", "t2",
        "t2_members", "t3", "t3_members", "tier_cw", "type",
    )  # fmt: skip

    def __init__(self, kind: IssueKind, people: People, catalog: Catalog) -> None:
        self.type = kind.type
        self.is_request = kind.type == REQUEST
        self.prefix = NUMBER_PREFIX[TicketType(kind.type)]
        self.category = catalog.category[kind.category]
        self.cases = [(title, detail, _js(title)) for title, detail in kind.cases]
        self.resolutions = [(code, text, _js(text)) for code, text in kind.resolutions]
        self.monitored = kind.monitored
        self.internal = kind.internal
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


class _Life:
    """One ticket's state while its life is simulated, and the journal events it produced."""

    __slots__ = (
        "closed", "current", "escalations", "events", "first_response", "group", "id",
        "pending_reason", "reassignments", "resolution", "resolved", "status", "tier", "turns",
    )  # fmt: skip

    def __init__(self, ticket_id: int, events: list[Event], status: str, group: int) -> None:
        self.id, self.events, self.status, self.group = ticket_id, events, status, group
        self.current: int | None = None
        self.tier, self.escalations, self.reassignments = 1, 0, 0
        self.first_response: int | None = None
        self.resolved: int | None = None
        self.closed: int | None = None
        self.pending_reason: str | None = None
        self.resolution: tuple[str | None, str | None] = (None, None)
        # The changes of status (and tier) the SLA clock reads, in time order: the journal's
        # own entries, reduced to those keys, for a finished ticket's figures (``sla_figures``;
        # an open one, the only kind that can be pending, is measured after the load).
        self.turns: list[Turn] = []

    def add(self, at: int, action: str, actor: int | None, changes: str) -> None:
        self.events.append((at, "ticket", self.id, action, actor, changes))


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
        sla: SlaFigures | None = None,
    ) -> None:
        self.rng, self.now, self.count, self.zone = rng, now, count, zone
        self.stamp, self.iso = stamp, iso_stamper()
        self.ids, self.chunk, self.sla = ids, chunk, sla
        self.offset = local_offset(zone, now)
        self.people = people
        self.hotline = people.members["hotline"]
        self.desktop = people.members["desktop"]
        self.inspectors = people.team["inspector"]
        self.monitors = self.inspectors + self.hotline
        tier2 = ("server", "network", "dba", "appops")
        self.tier2 = [(people.group[c], people.members[c]) for c in tier2]
        # Pre-encoded JSON of every name a journal entry can carry.
        self.login = {sid: _js(login) for sid, login in people.login.items()}
        self.code = {gid: _js(code) for code, gid in people.group.items()}
        self.caller = {card.id: _js(card.name) for card in people.callers}
        self.ci_name = {cid: _js(name) for cid, name in catalog.ci_name.items()}
        self.reasons = {tier: [_js(r) for r in rs] for tier, rs in ESCALATION_REASONS.items()}
        self.cancel_reasons = [_js(r) for r in CANCEL_REASONS]
        self.work_notes = [(body, f'{{"chars": {len(body)}}}') for body in WORK_NOTES]
        self.replies = [(body, f'{{"chars": {len(body)}}}') for body in PUBLIC_REPLIES]
        kinds = all_kinds()
        self.kinds = [_Kind(k, people, catalog) for k in kinds]
        total = {t: sum(k.weight for k in kinds if k.type == t) for t in (INCIDENT, REQUEST)}
        share = {INCIDENT: INCIDENT_SHARE / total[INCIDENT],
                 REQUEST: (1 - INCIDENT_SHARE) / total[REQUEST]}  # fmt: skip
        self.kind_cw = list(accumulate(k.weight * share[k.type] for k in kinds))
        self.channels = [c.value for c in CHANNEL_WEIGHT]
        self.channel_cw = list(accumulate(CHANNEL_WEIGHT.values()))
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

    # --- times ------------------------------------------------------------------------------

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
        """When the first holder claims it: live for calls, later for queues and dispatches."""
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
                steps.append((_ESCALATE, 2, wrong[0], wrong[1]))
                steps.append((_TRANSFER, 2, kind.t2, kind.t2_members))
            else:
                steps.append((_ESCALATE, 2, kind.t2, kind.t2_members))
            if tier == 3:
                steps.append((_ESCALATE, 3, kind.t3, kind.t3_members))
        if rng.random() < HANDOVER_SHARE:
            _, _, group, members = steps[-1] if steps else ("", 1, kind.first, kind.first_members)
            if len(members) > 1:
                steps.append((_HANDOVER, tier, group, members))
        return steps

    # --- one ticket -------------------------------------------------------------------------

    def _ticket(self, out: Chunk, t: int, kind: _Kind, card: CallerCard, channel: str) -> None:
        """One ticket's life, cut off at "now", as rows appended to ``out``."""
        rng, now, login, code = self.rng, self.now, self.login, self.code
        choice, rand = rng.choice, rng.random
        ticket_id = self.tid
        self.tid += 1
        serial = self.last[kind.type] = self.last[kind.type] + 1
        number = f"{kind.prefix}{serial:06d}"
        if kind.is_request:
            out.requests += 1
        else:
            out.incidents += 1
        impact, urgency, priority = kind.iu[bisect_right(kind.iu_cw, rand())]
        final_tier = 1 + bisect_right(kind.tier_cw, rand())
        title, detail, title_json = choice(kind.cases)

        # Intake: who logged it and how, who holds it first.
        caller_id: int | None = card.id
        if kind.internal:
            channel = _MONITORING
        elif channel == _MONITORING and not kind.monitored:
            channel = _PHONE
        if channel == _MONITORING:
            opened_by, caller_id = choice(self.monitors), None
            seen = "机房巡检发现" if opened_by in self.inspectors else "监控平台告警"
            description = f"{seen}：{detail}。请值班人员确认影响范围。"
        else:
            walk_in = channel == _WALK_IN and kind.dispatch
            opened_by = choice(self.desktop) if walk_in else choice(self.hotline)
            who = f"{card.department}{card.name}（{card.title}）{VIA[channel]}"
            if kind.is_request:
                description = f"{who}提出申请：{title}。{detail}。"
            else:
                description = f"{who}反映{title}：{detail}。"
        group, dispatch = kind.first, kind.dispatch
        if dispatch:
            assignee = opened_by if opened_by in self.desktop else choice(self.desktop)
        else:
            assignee = opened_by if opened_by in self.hotline else choice(self.hotline)
        first = self._first_response(kind, channel, priority, t)
        live = first - t < 600 and not dispatch
        resolved = self._resolution(kind, priority, final_tier, first, live)
        cancelled = t + 300 + rng.randrange(6 * 3600) if rand() < CANCEL_SHARE else 0
        if cancelled and (cancelled > now or cancelled >= resolved):
            cancelled = 0
        end = cancelled or resolved
        horizon = min(end, now)

        cis: list[int] = []
        if kind.ci and rand() < LINK_SHARE:
            cis.append(choice(kind.ci))
            if kind.servers and rand() < SERVER_LINK_SHARE:
                cis.append(choice(kind.servers))
        events: list[Event] = [
            (t, "ticket", ticket_id, "create", opened_by,
             f'{{"number": "{number}", "type": "{kind.type}", "title": {title_json}, '
             f'"priority": {priority}, "group": {code[group]}, '
             f'"assignee": {login[assignee] if dispatch else "null"}, '
             f'"caller": {self.caller[card.id] if caller_id else "null"}, '
             f'"cis": [{", ".join(self.ci_name[c] for c in cis)}]}}'),
        ]  # fmt: skip
        self._contacts(out, events, ticket_id, number, t, horizon, channel, caller_id, opened_by,
                       title)  # fmt: skip
        for ci in cis:
            out.links.append((ticket_id, ci))

        life = _Life(ticket_id, events, _ASSIGNED if dispatch else _NEW, group)
        if first <= now and first < end:
            self._work(out, life, kind, final_tier, assignee, first, end, cancelled)
        elif dispatch:
            life.current = assignee
        if cancelled:
            self._cancel(life, opened_by, cancelled)
        elif resolved <= now:
            self._resolve(life, kind, resolved)
        elif life.status == _IN_PROGRESS and rand() < PENDING_SHARE:
            self._pending(life)

        version, updated = self._journal(out, events)
        stamp = self.stamp
        sla: tuple[Any, ...] = UNMEASURED
        if self.sla is not None and life.status in _FINISHED:
            sla = self.sla.measure(
                priority=priority, category=kind.category, cis=cis, opened=t,
                first_response=life.first_response, status=life.status, tier=life.tier,
                turns=life.turns, now=now,
            )  # fmt: skip
        first_response, resolved_at, closed_at = life.first_response, life.resolved, life.closed
        resolution_code, resolution_text = life.resolution
        out.tickets.append((
            ticket_id, number, kind.type, title, description, caller_id, kind.category,
            impact, urgency, priority, life.status, life.pending_reason, life.group, life.current,
            life.tier, opened_by, stamp(t), first_response and stamp(first_response),
            resolved_at and stamp(resolved_at), closed_at and stamp(closed_at), stamp(updated),
            life.reassignments, life.escalations, 0, life.escalations > 0,
            life.status in (_RESOLVED, _CLOSED) and not life.escalations, resolution_code,
            resolution_text, version, *sla,
        ))  # fmt: skip

    def _work(self, out: Chunk, life: _Life, kind: _Kind, final_tier: int, assignee: int,
              first: int, end: int, cancelled: int) -> None:  # fmt: skip
        """The first holder claims it; then escalations and reassignments, each picked up by
        someone in the receiving group a while later — as far as "now" allows."""
        now, rng, login = self.now, self.rng, self.login
        took = "" if kind.dispatch else f'"assignee": [null, {login[assignee]}], '
        life.add(first, "claim", assignee,
                 f'{{{took}"status": ["{life.status}", "in_progress"], '
                 f'"first_response_at": [null, "{self.iso(first)}"]}}')  # fmt: skip
        life.current, life.status, life.first_response = assignee, _IN_PROGRESS, first
        life.turns.append((first, _IN_PROGRESS, None))
        steps = self._steps(kind, final_tier)
        gap = (end - first) // (len(steps) + 1)
        self._notes(out, life, assignee, first, min(first + gap, now), cancelled)
        for j, (move, new_tier, new_group, members) in enumerate(steps, 1):
            at = first + gap * j
            if at > now:
                return
            new = self._move(life, move, new_tier, new_group, members, at)
            pickup = at + 1 + min(gap // 3, int(PICKUP * rng.lognormvariate(0.0, 0.8)))
            if pickup > now:
                return
            if new is None:  # the receiving group's queue: one of them claims it
                new = rng.choice(members)
                took = f'"assignee": [null, {login[new]}], '
            else:
                took = ""
            life.add(pickup, "claim", new, f'{{{took}"status": ["{life.status}", "in_progress"]}}')
            life.current, life.status = new, _IN_PROGRESS
            life.turns.append((pickup, _IN_PROGRESS, None))

    def _move(self, life: _Life, move: str, new_tier: int, new_group: int, members: list[int],
              at: int) -> int | None:  # fmt: skip
        """Hand the ticket on (escalate, or assign to a group or a colleague); return the new
        assignee, or None when it goes to a group's queue."""
        login, code, status = self.login, self.code, life.status
        held = login[life.current] if life.current else "null"
        if move == _HANDOVER:
            new = self.rng.choice([m for m in members if m != life.current] or members)
            life.add(at, "assign", life.current,
                     f'{{"assignee": [{held}, {login[new]}], '
                     f'"status": ["{status}", "assigned"]}}')  # fmt: skip
            life.current, life.status = new, _ASSIGNED
            life.turns.append((at, _ASSIGNED, None))
            return new
        moved = f'"group": [{code[life.group]}, {code[new_group]}], "assignee": [{held}, null]'
        n = life.reassignments
        counts = f'"reassignment_count": [{n}, {n + 1}]'
        if move == _ESCALATE:
            e = life.escalations
            left = "" if e else ', "left_first_line": [false, true]'
            reason = self.rng.choice(self.reasons[new_tier])
            life.add(at, "escalate", life.current,
                     f'{{{moved}, "tier": [{life.tier}, {new_tier}], {counts}, '
                     f'"status": ["{status}", "new"], "escalation_count": [{e}, {e + 1}]'
                     f'{left}, "reason": {reason}}}')  # fmt: skip
            life.escalations, life.tier = e + 1, new_tier
            life.turns.append((at, _NEW, new_tier))
        else:
            life.add(at, "assign", life.current,
                     f'{{{moved}, {counts}, "status": ["{status}", "new"]}}')  # fmt: skip
            life.turns.append((at, _NEW, None))
        life.reassignments = n + 1
        life.group, life.current, life.status = new_group, None, _NEW
        return None

    def _cancel(self, life: _Life, opened_by: int, at: int) -> None:
        """Cancelled early by whoever holds it (or the agent who logged it)."""
        life.add(at, "cancel", life.current or opened_by,
                 f'{{"status": ["{life.status}", "cancelled"], '
                 f'"closed_at": [null, "{self.iso(at)}"], '
                 f'"reason": {self.rng.choice(self.cancel_reasons)}}}')  # fmt: skip
        life.closed, life.status = at, _CANCELLED
        life.turns.append((at, _CANCELLED, None))

    def _resolve(self, life: _Life, kind: _Kind, at: int) -> None:
        """Resolved by the holder; closed by the system three days on, or earlier by a hotline
        agent once the caller confirmed — if that moment has come."""
        rng, iso = self.rng, self.iso
        code, text, text_json = rng.choice(kind.resolutions)
        first_line = "" if life.escalations else ', "resolved_first_line": [false, true]'
        life.add(at, "resolve", life.current,
                 f'{{"status": ["{life.status}", "resolved"], '
                 f'"resolved_at": [null, "{iso(at)}"], '
                 f'"resolution_code": [null, "{code}"], '
                 f'"resolution_text": [null, {text_json}]{first_line}}}')  # fmt: skip
        life.resolved, life.status, life.resolution = at, _RESOLVED, (code, text)
        life.turns.append((at, _RESOLVED, None))
        if rng.random() < AUTO_CLOSE_SHARE:
            closing, closer = at + AUTO_CLOSE, None
        else:
            closing, closer = at + 1800 + rng.randrange(2 * DAY), rng.choice(self.hotline)
        if closing <= self.now:
            life.add(closing, "close", closer,
                     f'{{"status": ["resolved", "closed"], '
                     f'"closed_at": [null, "{iso(closing)}"]}}')  # fmt: skip
            life.closed, life.status = closing, _CLOSED
            life.turns.append((closing, _CLOSED, None))

    def _pending(self, life: _Life) -> None:
        """Waiting on the caller, a vendor or a change, since halfway to "now"."""
        reason = self.rng.choice(PENDING_REASONS)
        at = max(e[0] for e in life.events) + 1
        at += (self.now - at) // 2
        life.add(at, "pending", life.current,
                 f'{{"status": ["in_progress", "pending"], '
                 f'"pending_reason": [null, "{reason}"]}}')  # fmt: skip
        life.pending_reason, life.status = reason, _PENDING

    def _journal(self, out: Chunk, events: list[Event]) -> tuple[int, int]:
        """Write the events in time order; return the ticket's version and last change."""
        events.sort(key=_at)
        stamp, jid, journal = self.stamp, self.jid, out.journal
        version = 0
        updated = events[0][0]
        for at, entity, entity_id, action, actor, changes in events:
            journal.append((jid, entity, entity_id, action, actor, stamp(at), changes))
            jid += 1
            if entity == "ticket":
                version += 1
                updated = at
        self.jid = jid
        return version, updated

    def _contacts(self, out: Chunk, events: list[Event], ticket_id: int, number: str, t: int,
                  horizon: int, channel: str, caller_id: int | None, agent: int,
                  title: str) -> None:  # fmt: skip
        """The contact that opened the ticket, and sometimes the caller ringing again."""
        stamp, rng = self.stamp, self.rng
        calls = [(t, channel, agent, title)]
        if caller_id is not None and horizon - t > 1800 and rng.random() < REPEAT_CALL_SHARE:
            at = t + 900 + rng.randrange(horizon - t - 900)
            calls.append((at, _PHONE, rng.choice(self.hotline), f"来电催办：{title}"))
        for at, how, who, summary in calls:
            cid = self.cid
            self.cid += 1
            out.contacts.append((cid, how, caller_id, who, ticket_id, summary, stamp(at)))
            events.append((at, "contact", cid, "log", who,
                           f'{{"channel": "{how}", "ticket": "{number}"}}'))  # fmt: skip

    def _notes(self, out: Chunk, life: _Life, author: int, start: int, stop: int,
               cancelled: int) -> None:  # fmt: skip
        """Sometimes a work note, sometimes a public reply, while the first holder works on it."""
        rng = self.rng
        if cancelled or stop - start < 3:
            return
        for share, pool, kind, action, at in (
            (WORK_NOTE_SHARE, self.work_notes, _WORK_NOTE, "note", start + (stop - start) // 2),
            (PUBLIC_REPLY_SHARE, self.replies, _PUBLIC_REPLY, "reply", start + (stop - start) // 3),
        ):
            if rng.random() < share:
                body, changes = rng.choice(pool)
                out.notes.append((self.nid, life.id, author, kind, body, self.stamp(at)))
                self.nid += 1
                life.add(at, action, author, changes)


Writer = Callable[[str, tuple[str, ...], list[tuple[Any, ...]]], int]


#: A title's index rows, cut once per distinct title (the demo draws from a few hundred).
_title_grams = functools.cache(title_grams.title_grams)
_TITLE = TICKET_COLUMNS.index("title")
_PRIORITY = TICKET_COLUMNS.index("priority")
_STATUS = TICKET_COLUMNS.index("status")


def write_chunk(write: Writer, chunk: Chunk) -> None:
    """Write one chunk's rows in dependency order through ``write(table, columns, rows)``,
    the title index (``ticket_gram``) with the tickets, as a live site writes it."""
    write("ticket", TICKET_COLUMNS, chunk.tickets)
    write(
        "ticket_gram",
        title_grams.COLUMNS,
        [
            (row[0], g, row[_PRIORITY], title_grams.is_open(row[_STATUS]))
            for row in chunk.tickets
            for g in _title_grams(row[_TITLE])
        ],
    )
    write("contact", CONTACT_COLUMNS, chunk.contacts)
    write("ticket_note", NOTE_COLUMNS, chunk.notes)
    write("ticket_ci", LINK_COLUMNS, chunk.links)
    write("journal_entry", JOURNAL_COLUMNS, chunk.journal)
