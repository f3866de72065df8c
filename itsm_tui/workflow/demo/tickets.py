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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from itsm_tui.domain import NUMBER_PREFIX, Channel, NoteKind, TicketStatus, TicketType
from itsm_tui.workflow.demo.catalog import Catalog
from itsm_tui.workflow.demo.epoch import DAY, Stamper
from itsm_tui.workflow.demo.issues import PROFILES, IssueKind, all_kinds
from itsm_tui.workflow.demo.people import People
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
#: Median seconds from opening to first response when dispatched (hotline agents answer live).
DISPATCH_RESPONSE = (0, 300, 600, 1200, 1800, 2700)
HOTLINE_RESPONSE = 90
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
#: Working hours for resolutions of P3–P5 (P1/P2 are worked around the clock).
WORK_START, WORK_END = 8 * 3600 + 1800, 17 * 3600 + 1800

_NEW, _ASSIGNED, _IN_PROGRESS = TicketStatus.NEW.value, TicketStatus.ASSIGNED.value, "in_progress"
_PENDING, _RESOLVED = TicketStatus.PENDING.value, TicketStatus.RESOLVED.value
_CLOSED, _CANCELLED = TicketStatus.CLOSED.value, TicketStatus.CANCELLED.value
_PHONE, _MONITORING = Channel.PHONE.value, Channel.MONITORING.value
_EMAIL, _WEB, _WALK_IN = Channel.EMAIL.value, Channel.WEB.value, Channel.WALK_IN.value
_WORK_NOTE, _PUBLIC_REPLY = NoteKind.WORK_NOTE.value, NoteKind.PUBLIC_REPLY.value


def _null(value: int | None) -> str:
    return "null" if value is None else str(value)


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
    """One chunk of rows, in the order they must be written (tickets before what refers to them)."""

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
        "category", "ci", "details", "dispatch", "first", "first_members", "is_request",
        "iu", "iu_cw", "monitored", "prefix", "resolutions", "servers", "t2", "t2_members",
        "t3", "t3_members", "tier_cw", "titles", "type",
    )  # fmt: skip

    def __init__(self, kind: IssueKind, people: People, catalog: Catalog) -> None:
        self.type = kind.type
        self.is_request = kind.type == TicketType.REQUEST
        self.prefix = NUMBER_PREFIX[TicketType(kind.type)]
        self.category = catalog.category[kind.category]
        self.titles = kind.titles
        self.details = kind.details
        self.resolutions = kind.resolutions
        self.monitored = kind.monitored
        self.dispatch = kind.first == "desktop"
        self.first = people.group[kind.first]
        self.first_members = people.members[kind.first]
        self.t2, self.t2_members = people.group[kind.t2], people.members[kind.t2]
        self.t3, self.t3_members = people.group[kind.t3], people.members[kind.t3]
        profile = PROFILES[kind.profile]
        self.iu = [(i, u, i + u - 1) for i, u in profile]
        self.iu_cw = _normalised_cw(profile.values())
        self.tier_cw = _normalised_cw(kind.tiers)[:-1]
        self.ci, self.servers = _ci_candidates(kind, catalog)


def _normalised_cw(weights: Any) -> list[float]:
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
        self.tier2_groups = [(people.group[c], people.members[c])
                             for c in ("server", "network", "dba", "appops")]  # fmt: skip
        kinds = all_kinds()
        self.kinds = [_Kind(k, people, catalog) for k in kinds]
        shares = {
            TicketType.INCIDENT.value: INCIDENT_SHARE / sum(k.weight for k in kinds if k.type == "incident"),
            TicketType.REQUEST.value: (1 - INCIDENT_SHARE) / sum(k.weight for k in kinds if k.type == "request"),
        }  # fmt: skip
        self.kind_cw = list(accumulate(k.weight * shares[k.type] for k in kinds))
        self.channels = [c.value for c in CHANNEL_WEIGHT]
        self.channel_cw = list(accumulate(CHANNEL_WEIGHT.values()))
        self.cancel_reasons = [json.dumps(r) for r in CANCEL_REASONS]

    def chunks(self) -> Iterator[Chunk]:
        """The rows of ``count`` tickets, oldest first, ``chunk`` tickets at a time."""
        batch: list[int] = []
        ids = self.ids
        state = [ids.ticket, ids.contact, ids.note, ids.journal, ids.last_incident,
                 ids.last_request]  # fmt: skip
        for opened in arrivals(self.rng, self.now, self.count, self.zone):
            batch.append(opened)
            if len(batch) == self.chunk:
                yield self._chunk(batch, state)
                batch = []
        if batch:
            yield self._chunk(batch, state)

    def _off_hours(self, t: int) -> int:
        """``t`` if inside working hours, else a time on the next working morning."""
        local = t + self.offset
        day, second = divmod(local, DAY)
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
        if weekday < 5 and WORK_START <= second < WORK_END:
            return t
        if weekday < 5 and second < WORK_START:
            skip = 0
        else:
            skip = 1 if weekday < 4 else 7 - weekday
        return (day + skip) * DAY + WORK_START + self.rng.randrange(4 * 3600) - self.offset

    def _chunk(self, opened_times: list[int], state: list[int]) -> Chunk:
        rng = self.rng
        rand, choice, randrange, lognorm = rng.random, rng.choice, rng.randrange, rng.lognormvariate
        stamp, now = self.stamp, self.now
        n = len(opened_times)
        kinds = rng.choices(self.kinds, cum_weights=self.kind_cw, k=n)
        callers = rng.choices(self.people.callers, cum_weights=self.people.caller_cum_weights, k=n)
        channels = rng.choices(self.channels, cum_weights=self.channel_cw, k=n)
        hotline, desktop, monitors = self.hotline, self.desktop, self.monitors
        tier2_groups, supervisor = self.tier2_groups, self.supervisor
        off_hours, cancel_reasons = self._off_hours, self.cancel_reasons
        out = Chunk()
        tickets, contacts, notes = out.tickets, out.contacts, out.notes
        links, journal = out.links, out.journal
        tid, cid, nid, jid, last_inc, last_req = state

        for i in range(n):
            t = opened_times[i]
            kind = kinds[i]
            card = callers[i]
            channel = channels[i]
            if channel == _MONITORING and not kind.monitored:
                channel = _PHONE
            if kind.is_request:
                last_req += 1
                number = f"REQ{last_req:06d}"
                out.requests += 1
            else:
                last_inc += 1
                number = f"INC{last_inc:06d}"
                out.incidents += 1
            impact, urgency, priority = kind.iu[bisect_right(kind.iu_cw, rand())]
            final_tier = 1 + bisect_right(kind.tier_cw, rand())
            title = choice(kind.titles)
            detail = choice(kind.details)

            # Who logged it, and who works it at tier 1.
            caller_id: int | None = card.id
            if channel == _MONITORING:
                opened_by = choice(monitors)
                caller_id = None
                description = f"监控平台告警：{detail}。自动生成工单，请值班人员确认。"
            else:
                opened_by = choice(desktop) if channel == _WALK_IN and kind.dispatch else choice(hotline)
                via = "申请" if kind.is_request else "反映"
                if channel == _EMAIL:
                    via = "通过邮件" + via
                elif channel == _WEB:
                    via = "通过自助服务页面" + via
                description = f"{card.department}{card.name}（{card.title}）{via}：{title}。{detail}。"
            group = kind.first
            if kind.dispatch:
                assignee = opened_by if opened_by in desktop else choice(desktop)
                create_status = _ASSIGNED
                response = int(DISPATCH_RESPONSE[priority] * lognorm(0.0, 0.6)) + 60
            else:
                assignee = opened_by if opened_by in hotline else choice(hotline)
                create_status = _NEW
                response = int(HOTLINE_RESPONSE * lognorm(0.0, 0.6)) + 20
            first = t + response

            # The resolution time, then the steps between first response and it.
            if final_tier == 1 and not kind.dispatch and rand() < FIRST_CALL_SHARE:
                resolved = first + 60 + randrange(600)
            else:
                work = RESOLVE_MEDIAN[priority] * TIER_FACTOR[final_tier] * lognorm(0.0, RESOLVE_SIGMA)
                if kind.is_request:
                    work *= REQUEST_FACTOR
                resolved = first + 120 + min(int(work), MAX_RESOLVE)
                if priority >= 3:
                    resolved = off_hours(resolved)
            cancelled = t + 300 + randrange(6 * 3600) if rand() < CANCEL_SHARE else 0
            if cancelled and cancelled > now:
                cancelled = 0

            steps: list[tuple[str, int, int, list[int]]] = []  # (action, tier, group, members)
            if final_tier >= 2:
                if rand() < MISROUTE_SHARE:
                    wrong = choice(tier2_groups)
                    if wrong[0] != kind.t2:
                        steps.append(("escalate", 2, wrong[0], wrong[1]))
                        steps.append(("reassign", 2, kind.t2, kind.t2_members))
                if not steps:
                    steps.append(("escalate", 2, kind.t2, kind.t2_members))
                if final_tier == 3:
                    steps.append(("escalate", 3, kind.t3, kind.t3_members))
            if rand() < HANDOVER_SHARE:
                last_group, last_members = (steps[-1][2], steps[-1][3]) if steps else (group, kind.first_members)
                if len(last_members) > 1:
                    steps.append(("reassign", final_tier, last_group, last_members))

            # The journal, cut off at "now" (and at the cancellation, if any).
            end = cancelled or resolved
            ticket_id = tid
            tid += 1
            entries = journal
            entries.append((jid, "ticket", ticket_id, "create", opened_by, stamp(t),
                            f'{{"number": [null, "{number}"], "type": [null, "{kind.type}"], '
                            f'"status": [null, "{create_status}"], "priority": [null, {priority}], '
                            f'"group_id": [null, {group}]'
                            + (f', "assignee_id": [null, {assignee}]}}' if kind.dispatch else "}")))  # fmt: skip
            jid += 1
            version = 1
            last = t
            status = create_status
            current: int | None = assignee if kind.dispatch else None
            tier = 1
            escalations = reassignments = 0
            first_response = None
            if first <= now and first < end:
                first_response = first
                change = f'"assignee_id": [null, {assignee}], ' if not kind.dispatch else ""
                entries.append((jid, "ticket", ticket_id, "claim", assignee, stamp(first),
                                f'{{{change}"status": ["{status}", "in_progress"]}}'))  # fmt: skip
                jid += 1
                version += 1
                last = first
                current = assignee
                status = _IN_PROGRESS
                span = end - first
                for j, (action, new_tier, new_group, members) in enumerate(steps, 1):
                    at = first + span * j // (len(steps) + 1)
                    if at > now:
                        break
                    new_assignee = choice(members)
                    if action == "escalate":
                        actor = current
                        changes = (f'{{"tier": [{tier}, {new_tier}], "group_id": [{group}, {new_group}], '
                                   f'"assignee_id": [{current}, {new_assignee}]}}')  # fmt: skip
                        escalations += 1
                        tier = new_tier
                    else:
                        actor = supervisor if new_group != group else current
                        changes = (f'{{"group_id": [{group}, {new_group}], '
                                   f'"assignee_id": [{current}, {new_assignee}]}}')  # fmt: skip
                    reassignments += 1
                    entries.append((jid, "ticket", ticket_id, action, actor, stamp(at), changes))
                    jid += 1
                    version += 1
                    last = at
                    group, current = new_group, new_assignee

            pending_reason = None
            resolved_at = closed_at = None
            resolution_code = resolution_text = None
            if cancelled:
                entries.append((jid, "ticket", ticket_id, "cancel", opened_by, stamp(cancelled),
                                f'{{"status": ["{status}", "cancelled"], '
                                f'"reason": {choice(cancel_reasons)}}}'))  # fmt: skip
                jid += 1
                version += 1
                last = closed_at = cancelled
                status = _CANCELLED
            elif resolved <= now:
                resolution_code, resolution_text = choice(kind.resolutions)
                entries.append((jid, "ticket", ticket_id, "resolve", current, stamp(resolved),
                                f'{{"status": ["{status}", "resolved"], '
                                f'"resolution_code": [null, "{resolution_code}"]}}'))  # fmt: skip
                jid += 1
                version += 1
                last = resolved_at = resolved
                status = _RESOLVED
                if rand() < AUTO_CLOSE_SHARE:
                    closing, closer = resolved + AUTO_CLOSE, None
                else:
                    closing, closer = resolved + 1800 + randrange(2 * DAY), choice(hotline)
                if closing <= now:
                    entries.append((jid, "ticket", ticket_id, "close", closer, stamp(closing),
                                    '{"status": ["resolved", "closed"]}'))  # fmt: skip
                    jid += 1
                    version += 1
                    last = closed_at = closing
                    status = _CLOSED
            elif status == _IN_PROGRESS:
                if rand() < PENDING_SHARE:
                    pending_reason = choice(PENDING_REASONS)
                    at = last + (now - last) // 2
                    entries.append((jid, "ticket", ticket_id, "pending", current, stamp(at),
                                    f'{{"status": ["in_progress", "pending"], '
                                    f'"pending_reason": [null, "{pending_reason}"]}}'))  # fmt: skip
                    jid += 1
                    version += 1
                    last = at
                    status = _PENDING
                elif last != first and now - last < 3600:
                    status = _ASSIGNED  # just handed on: the new assignee has not started yet

            # Contacts: the one that opened the ticket, sometimes a repeat call.
            contacts.append((cid, channel, caller_id, opened_by, ticket_id, title, stamp(t)))
            cid += 1
            horizon = min(end, now)
            if caller_id is not None and horizon - t > 1800 and rand() < REPEAT_CALL_SHARE:
                at = t + 900 + randrange(horizon - t - 900)
                contacts.append((cid, _PHONE, caller_id, choice(hotline), ticket_id,
                                 f"来电催办：{title}", stamp(at)))  # fmt: skip
                cid += 1
            if first_response is not None and current is not None and not cancelled:
                if rand() < WORK_NOTE_SHARE:
                    at = first + (horizon - first) // 3
                    notes.append((nid, ticket_id, current, _WORK_NOTE, choice(WORK_NOTES), stamp(at)))
                    nid += 1
                if rand() < PUBLIC_REPLY_SHARE:
                    at = first + (horizon - first) // 2
                    notes.append((nid, ticket_id, current, _PUBLIC_REPLY, choice(PUBLIC_REPLIES),
                                  stamp(at)))  # fmt: skip
                    nid += 1
            if kind.ci and rand() < 0.8:
                primary = choice(kind.ci)
                links.append((ticket_id, primary))
                if kind.servers and rand() < 0.3:
                    links.append((ticket_id, choice(kind.servers)))

            solved = status == _RESOLVED or status == _CLOSED
            tickets.append((
                ticket_id, number, kind.type, title, description, caller_id, kind.category,
                impact, urgency, priority, status, pending_reason, group, current, tier,
                opened_by, stamp(t), first_response and stamp(first_response),
                resolved_at and stamp(resolved_at), closed_at and stamp(closed_at), stamp(last),
                reassignments, escalations, 0, escalations > 0, solved and escalations == 0,
                resolution_code, resolution_text, version,
            ))  # fmt: skip

        state[:] = [tid, cid, nid, jid, last_inc, last_req]
        return out


def write_chunk(write: Callable[[str, tuple[str, ...], list[tuple[Any, ...]]], int], chunk: Chunk) -> None:
    """Write one chunk's rows in dependency order through ``write(table, columns, rows)``."""
    write("ticket", TICKET_COLUMNS, chunk.tickets)
    write("contact", CONTACT_COLUMNS, chunk.contacts)
    write("ticket_note", NOTE_COLUMNS, chunk.notes)
    write("ticket_ci", LINK_COLUMNS, chunk.links)
    write("journal_entry", JOURNAL_COLUMNS, chunk.journal)
