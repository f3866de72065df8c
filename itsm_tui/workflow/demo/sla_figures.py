"""The SLA figures of the demo's finished tickets, written with the tickets themselves.

Why: the KPI report (response and resolution times, SLA compliance) reads the SLA columns a
live site stores on every ticket change (``clock.refresh``). Bulk-loaded tickets had none, so
on the demo those sections said "—". Open tickets are measured after the load
(``sla_start.start_clocks``, which also marks their past warnings handled); the finished ones —
resolved, closed or cancelled, nearly all of a year — are measured here, as each is generated,
and their columns go into the same bulk insert: no second pass over the table, no ORM object.

Why with the live clock (``clock.measure``) and not a formula of its own: the figures must be
what the live clock computes from the journal, so the rule stays written once. The generator
hands over the few facts the clock reads — opening, first response, and each change of status
and tier (the journal entries it is writing, reduced to those keys). A finished ticket's clocks
do not depend on "now" (every stretch has ended), so its figures are final.

Why it is cheap: the policy and its compiled calendar are looked up once per priority (and,
on a site with category or service policies, per category and linked CIs), and the measuring
itself is a handful of calendar bisections per ticket.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, select
from sqlmodel import Session

from itsm_tui.common.domain import TicketStatus
from itsm_tui.workflow.business_calendar import BusinessCalendar
from itsm_tui.workflow.demo.epoch import Stamper, to_datetime
from itsm_tui.workflow.demo.writing import table_of
from itsm_tui.workflow.sla import clock
from itsm_tui.workflow.sla import config as cfg
from itsm_tui.workflow.sla.phase import phase_of

#: The ticket columns written here, in this order (``clock.derived``'s keys).
COLUMNS = (
    "response_due_at", "resolution_due_at", "resolution_warn_at", "next_sla_at", "sla_policy",
    "resolution_elapsed_min", "response_elapsed_min",
)  # fmt: skip
#: An open ticket's columns in the insert: ``start_clocks`` measures it after the load.
UNMEASURED: tuple[None, ...] = (None,) * len(COLUMNS)
_TIMES = frozenset(k for k in COLUMNS if k.endswith("_at"))
#: The clock's phase before the first entry (``clock.stretches`` starts from a new ticket).
_FIRST_PHASE = phase_of(TicketStatus.NEW.value, None)

#: One change the clock reads, in epoch seconds: (at, new status, new tier or None).
Turn = tuple[int, str, int | None]


@dataclass(frozen=True)
class FinishedTicket:
    """What ``clock.measure`` reads of a ticket (``clock.ClockTicket``)."""

    opened_at: datetime
    status: str
    first_response_at: datetime | None
    tier: int


class _Entry(NamedTuple):
    """A journal entry as the clock reads it (``clock.JournalRow``)."""

    at: datetime
    changes: dict[str, Any]


class SlaFigures:
    """Measures finished demo tickets with the site's SLA policies and calendars."""

    def __init__(
        self,
        config: cfg.SlaConfig,
        calendars: Mapping[str, BusinessCalendar],
        stamp: Stamper,
        categories: Mapping[int, tuple[str, ...]] | None = None,
        ci_names: Mapping[int, str] | None = None,
    ) -> None:
        self.config, self.calendars, self.stamp = config, calendars, stamp
        self.categories = categories or {}
        self.ci_names = ci_names or {}
        self._policies: dict[tuple[int, int | None, tuple[int, ...]], cfg.Policy] = {}
        self._now = (0, to_datetime(0))  # the last "now" asked for, converted once

    @classmethod
    def of(
        cls, session: Session, stamp: Stamper, ci_names: Mapping[int, str] | None = None
    ) -> SlaFigures:
        """The site's configuration and calendars, read once (with the category codes a
        category policy matches on, when there is one)."""
        config = cfg.read_config(session)
        names = {p.calendar for p in config.policies}
        calendars = {name: cfg.calendar(session, name) for name in names}
        categories = _category_codes(session.connection()) if config.qualified else None
        return cls(config, calendars, stamp, categories, ci_names)

    def policy(self, priority: int, category: int | None, cis: Sequence[int]) -> cfg.Policy:
        """The policy the live clock would pick (``clock.policy_for``), cached."""
        key = (priority, category, tuple(cis)) if self.config.qualified else (priority, None, ())
        found = self._policies.get(key)
        if found is None:
            cats = self.categories.get(category, ()) if category is not None else ()
            services = [self.ci_names[c] for c in cis if c in self.ci_names]
            found = self._policies[key] = self.config.match(priority, cats, services)
        return found

    def measure(
        self,
        *,
        priority: int,
        category: int | None,
        cis: Sequence[int],
        opened: int,
        first_response: int | None,
        status: str,
        tier: int,
        turns: Iterable[Turn],
        now: int,
    ) -> tuple[Any, ...]:
        """The ticket's SLA columns (``COLUMNS``), as driver values for the bulk insert."""
        policy = self.policy(priority, category, cis)
        # Only the entries that change the clock's phase or the tier: the clock reads nothing
        # else of the others (``clock.stretches`` starts a stretch on a change of phase only),
        # and a ticket passed from group to group runs on through a dozen of them.
        journal = []
        phase = _FIRST_PHASE
        for at, new_status, new_tier in turns:
            new_phase = phase_of(new_status, None)
            if new_tier is not None:
                changes = {"status": (None, new_status), "tier": (None, new_tier)}
            elif new_phase != phase:
                changes = {"status": (None, new_status)}
            else:
                continue
            journal.append(_Entry(to_datetime(at), changes))
            phase = new_phase
        ticket = FinishedTicket(
            to_datetime(opened),
            status,
            None if first_response is None else to_datetime(first_response),
            tier,
        )
        if now != self._now[0]:
            self._now = (now, to_datetime(now))
        clocks = clock.measure(
            ticket, self._now[1], policy, self.calendars[policy.calendar], journal, ()
        )
        values = clock.derived(clocks)
        stamp = self.stamp
        return tuple(
            [
                values[k]
                if k not in _TIMES or values[k] is None
                else stamp(int(values[k].timestamp()))
                for k in COLUMNS
            ]
        )


def _category_codes(conn: Connection) -> dict[int, tuple[str, ...]]:
    """Each category's code and its parent's (what ``clock.policies_for`` matches on)."""
    table = table_of("category")
    rows = conn.execute(select(table.c.id, table.c.code, table.c.parent_id)).all()
    code = {r.id: r.code for r in rows}
    return {r.id: (r.code, code[r.parent_id]) if r.parent_id in code else (r.code,) for r in rows}
