"""Impact analysis: what a failing (or changing) CI takes down with it, and why.

Upstream ("used by", as the CI screen says): every CI that needs the given ones, over runs_on /
depends_on / connects_to / located_in (the source needs the target) and part_of (the whole
needs its part) — among them the business services at stake. Downstream ("depends on"): what
the given CIs themselves need (backups included). Both walks run in the database
(``storage.cmdb_queries``).

Every chain is written the way the relationships read (``A —runs_on→ B``), from the CI that
needs to the CI it needs, whichever way the walk went: a chain read against the arrows of the
CI screen's tree would say the opposite of what is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from itsm_tui.common.domain import OPEN_STATUSES, TicketType
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_, _
from itsm_tui.storage import cmdb_queries as q
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import Ticket, TicketCI
from itsm_tui.workflow.cmdb.classes import (
    DEPENDS_FORWARD,
    DEPENDS_REVERSED,
    DOWNSTREAM_ONLY,
    MAJOR_CRITICALITY,
)
from itsm_tui.workflow.cmdb.items import find_ci
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.lookup import find_ticket
from itsm_tui.workflow.permissions import Action

UPSTREAM = q.Edges(to_source=DEPENDS_FORWARD, to_target=DEPENDS_REVERSED)
DOWNSTREAM = q.Edges(to_source=DEPENDS_REVERSED, to_target=DEPENDS_FORWARD + DOWNSTREAM_ONLY)
MAX_DEPTH = 12
DEPTH = 6  # hops a report follows unless asked: a rack or a core switch reaches most CIs by then
SERVICE = "business_service"
LISTED = 200  # CIs listed each way in a report; all of them are counted, every service listed


@dataclass(frozen=True)
class Affected:
    """One CI reached by the walk, with the chain that explains it."""

    id: int
    ci_class: str
    name: str
    status: str
    criticality: int
    depth: int
    path: list[str]  # "class:name" from the starting CI to this one
    via: list[str]  # the relationship of each hop
    upstream: bool = True  # reached by the "used by" walk (this CI needs the start), or not

    @property
    def explanation(self) -> str:
        """The chain from the CI that needs to the CI it needs, each hop as recorded:
        "business_service:档案管理系统 —depends_on→ business_service:OA办公系统" for what uses
        OA办公系统; a part_of hop reads backwards ("cluster:C ←part_of— server:S"), since the
        whole needs its part."""
        names, hops = self.path, self.via
        if self.upstream:  # walked from the start to what needs it: read it back
            names, hops = names[::-1], hops[::-1]
        parts = [names[0]]
        for hop, name in zip(hops, names[1:], strict=False):
            parts.append(f"←{hop}— {name}" if hop in DEPENDS_REVERSED else f"—{hop}→ {name}")
        return " ".join(parts)

    @property
    def last_hop(self) -> str:
        """The relationship that reached this CI, as recorded: the explanation's last step."""
        if len(self.path) < 2:
            return self.path[0]
        return replace(self, path=self.path[-2:], via=self.via[-1:]).explanation


@dataclass(frozen=True)
class OpenIncident:
    """An open incident on CIs the walk reached, listed once however many of them it names."""

    number: str
    title: str
    priority: int
    status: str
    cis: list[str]  # "class:name" of each reached CI it is linked to


@dataclass(frozen=True)
class ImpactReport:
    """``upstream`` and ``downstream`` list the nearest CIs (all of them when the caller asked
    for no limit); ``upstream_count``, ``downstream_count`` and ``upstream_classes`` count
    everything reached, so a machine room's outage reads as "12,400 CIs, of which …" without
    listing each one."""

    roots: list[str]
    depth: int
    services: list[Affected]  # every business service hit, most critical first
    upstream: list[Affected]  # the roots and what needs them, nearest first
    downstream: list[Affected]  # what the roots need, nearest first
    open_incidents: list[OpenIncident]
    upstream_count: int = 0  # CIs hit, the roots not included
    downstream_count: int = 0
    upstream_classes: dict[str, int] = field(default_factory=dict)  # class → CIs hit
    truncated: bool = False
    major_suggested: bool = False
    reasons: list[str] = field(default_factory=list)


def _affected(walk: q.Walk, rows: list[q.WalkRow], *, upstream: bool = True) -> list[Affected]:
    return [
        Affected(
            id=r.id,
            ci_class=r.ci_class,
            name=r.name,
            status=r.status,
            criticality=r.criticality,
            depth=r.depth,
            path=[walk.label(i) for i in r.path],
            via=list(r.via),
            upstream=upstream,
        )
        for r in rows
    ]


def _incidents(rows: list[q.OpenIncident], walk: q.Walk) -> list[OpenIncident]:
    """The open incidents on what ``walk`` reached, each once (most urgent first, as the
    rows come) with every reached CI it is linked to: the query returns one row per link."""
    by_number: dict[str, OpenIncident] = {}
    for row in rows:
        seen = by_number.get(row.number)
        if seen is None:
            by_number[row.number] = seen = OpenIncident(
                row.number, row.title, row.priority, row.status, []
            )
        label = walk.label(row.ci_id)
        if label not in seen.cis:
            seen.cis.append(label)
    return list(by_number.values())


def impact_of(
    read: Read,
    ci_ids: Sequence[int],
    depth: int,
    *,
    services_only: bool = False,
    listed: int | None = LISTED,
) -> ImpactReport:
    """The body of :func:`analyse`, for other reads (a ticket's services at stake).

    ``services_only``: the caller wants the business services at stake and nothing else, so
    the walk goes upstream only — no downstream walk, no open incidents — and ``upstream``
    holds just the roots and the services (their explaining paths still name every CI on the
    way). ``listed``: how many CIs to list each way; None lists all of them and walks on past
    the interactive limit (:data:`q.MAX_ROWS`), for a report that must be complete."""
    if not 1 <= depth <= MAX_DEPTH:
        raise Invalid(
            "depth must be between 1 and {max_depth}.", field="depth", max_depth=MAX_DEPTH
        )
    if listed is not None and listed < 0:
        raise Invalid("listed must not be negative.", field="listed")
    conn = read.session.connection()
    reach = q.MAX_ROWS if listed is not None else q.WHOLE_ESTATE
    up = q.walk(conn, ci_ids, UPSTREAM, max_depth=depth, limit=reach)
    down = None if services_only else q.walk(conn, ci_ids, DOWNSTREAM, max_depth=depth, limit=reach)
    hit = _affected(up, up.of_class(SERVICE))
    services = sorted(
        (a for a in hit if a.status != "retired"), key=lambda a: (a.criticality, a.depth, a.name)
    )
    roots = _affected(up, up.nearest(len(up.levels[0]) if up.levels else 0))
    if services_only:
        upstream = roots + sorted((a for a in hit if a.depth > 0), key=lambda a: (a.depth, a.name))
    else:
        upstream = _affected(up, up.nearest(listed))
    critical = [s for s in services if s.criticality <= MAJOR_CRITICALITY]
    return ImpactReport(
        roots=[f"{a.ci_class}:{a.name}" for a in roots],
        depth=depth,
        services=services,
        upstream=upstream,
        downstream=(
            []
            if down is None
            else _affected(down, down.nearest(listed, min_depth=1), upstream=False)
        ),
        open_incidents=(
            [] if services_only else _incidents(q.open_incidents(conn, list(up.found)), up)
        ),
        upstream_count=up.count(min_depth=1),
        downstream_count=0 if down is None else down.count(min_depth=1),
        upstream_classes=up.by_class(),
        truncated=up.truncated or (down is not None and down.truncated),
        major_suggested=bool(critical),
        reasons=[_reason(s, str) for s in critical],
    )


#: Why a major incident is suggested, one critical service at a time.
_REASON = N_("critical service {name} is hit: {chain}")


def _reason(service: Affected, say: Callable[[str], str]) -> str:
    return say(_REASON).format(name=service.name, chain=service.explanation)


def reason_texts(report: ImpactReport | ServicesAtStake) -> list[str]:
    """``report.reasons`` in the language in force. The reasons are kept in English in the
    report (``--json`` reads the same in every language); the services they name are in
    ``report.services``, so each front door words them when it shows them."""
    critical = [s for s in report.services if s.criticality <= MAJOR_CRITICALITY]
    # A ticket that is no open incident carries no reasons (``stake_of``): none are shown.
    return [_reason(s, _) for s in critical] if report.reasons else []


@query(Action.VIEW_CMDB)
def analyse(
    read: Read, refs: Sequence[str], *, depth: int = DEPTH, listed: int | None = LISTED
) -> ImpactReport:
    """What is hit if the CIs named by ``refs`` go down or change: business services with the
    chain that explains each, everything else upstream, what they need downstream, and the
    open incidents on all of it. A major incident is suggested when a critical service is hit.
    ``listed`` caps the CIs listed each way (everything reached is still counted); None lists
    all and walks the whole estate if need be (seconds, not milliseconds).
    """
    if not refs:
        raise Invalid("Name at least one CI.", field="ci")
    ids = [find_ci(read.session, ref).id or 0 for ref in refs]
    return impact_of(read, ids, depth, listed=listed)


@dataclass(frozen=True)
class ServicesAtStake:
    number: str
    cis: list[str]
    services: list[Affected]
    major_suggested: bool
    reasons: list[str]
    truncated: bool = False  # the walk was cut off: more services may be at stake


@query(Action.VIEW_TICKETS)
def services_at_stake(read: Read, number: str, *, depth: int = DEPTH) -> ServicesAtStake:
    """The business services a ticket's CIs put at stake, and whether a major incident is
    suggested: an open incident whose CIs hit a critical (level 1) service."""
    return stake_of(read, find_ticket(read.session, number), depth=depth)


_TICKET_CI = core_table(TicketCI)
#: Built once: the ticket screen reads it on every open (``ix`` on ``ticket_ci.ticket_id``).
_TICKET_CIS = sa.select(_TICKET_CI.c.ci_id).where(
    _TICKET_CI.c.ticket_id == sa.bindparam("ticket_id", type_=sa.Integer)
)


def stake_of(read: Read, ticket: Ticket, *, depth: int = DEPTH) -> ServicesAtStake:
    """:func:`services_at_stake` for a ticket already read, inside a read already open."""
    ci_ids = list(read.session.execute(_TICKET_CIS, {"ticket_id": ticket.id}).scalars())
    if not ci_ids:
        return ServicesAtStake(ticket.number, [], [], False, [])
    report = impact_of(read, ci_ids, depth, services_only=True)
    is_open_incident = ticket.type == TicketType.INCIDENT.value and ticket.status in {
        s.value for s in OPEN_STATUSES
    }
    return ServicesAtStake(
        number=ticket.number,
        cis=report.roots,
        services=report.services,
        major_suggested=report.major_suggested and is_open_incident,
        reasons=report.reasons if is_open_incident else [],
        truncated=report.truncated,
    )


def needs_other(rel_type: str, outgoing: bool) -> bool:
    """Whether a CI needs the other end of one of its relationships — the other end is on its
    "depends on" side — or the other end needs it ("used by"), by the same rule the impact
    walks follow: the source of runs_on / depends_on / connects_to / located_in / backed_up_by
    needs the target, and the whole (the target of part_of) needs its part. ``outgoing``: this
    CI is the relationship's source."""
    return outgoing != (rel_type in DEPENDS_REVERSED)
