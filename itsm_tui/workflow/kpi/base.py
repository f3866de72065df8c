"""What every KPI section shares: the window it measures, the optional group or tier, and the
arithmetic of rates and percentiles (written once, see the package's definitions)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_

from itsm_tui.common.domain import TicketStatus
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import Ticket
from itsm_tui.workflow.context import Read

TICKET = core_table(Ticket)  # Core: set-based reads
T = TICKET.c

#: A ticket that counts as resolved: resolved now, or resolved and since closed.
RESOLVED = (TicketStatus.RESOLVED.value, TicketStatus.CLOSED.value)


@dataclass(frozen=True)
class Window:
    """One period's instants (UTC, ``[start, end)``) and the scope: one group, one tier."""

    start: datetime
    end: datetime
    group_id: int | None = None
    tier: int | None = None

    def scope(self) -> list[ColumnElement[bool]]:
        """The group and tier conditions on ``ticket`` (none: the whole site)."""
        where: list[ColumnElement[bool]] = []
        if self.group_id is not None:
            where.append(T.group_id == self.group_id)
        if self.tier is not None:
            where.append(T.tier == self.tier)
        return where

    def opened(self) -> ColumnElement[bool]:
        """Tickets opened in the window (an ``ix_ticket_opened_kpi`` range)."""
        return and_(T.opened_at >= self.start, T.opened_at < self.end, *self.scope())

    def resolved(self) -> ColumnElement[bool]:
        """Tickets resolved in the window and not reopened since (``ix_ticket_resolved_kpi``)."""
        return and_(
            T.resolved_at >= self.start,
            T.resolved_at < self.end,
            T.status.in_(RESOLVED),
            *self.scope(),
        )


def rate(part: int | None, whole: int | None) -> float | None:
    """``part / whole`` as a percentage to one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)


def percentile(sorted_values: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``p`` % of the values at or
    below it (the median is ``p = 50``); None for no values. Nearest rank, not interpolation, so
    every figure is a time some ticket really took."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return float(sorted_values[rank - 1])


def rows(read: Read, statement: Any) -> list[Any]:
    """The rows of one Core statement."""
    return list(read.session.execute(statement).all())
