"""What every KPI section shares: the window it measures, the optional group or tier, and the
arithmetic of rates and percentiles (written once, see the package's definitions)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select

from itsm_tui.common.domain import TicketStatus
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.kpi_queries import not_indexed
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
        """Tickets resolved in the window and not reopened since (``ix_ticket_resolved_kpi``).

        The status is tested where no index serves it: SQLite, without statistics, otherwise
        walks ``ix_ticket_status_due`` for ``status IN (…)`` — nearly every ticket — instead
        of the window's range of ``resolved_at``, and more so under a GROUP BY."""
        return and_(
            T.resolved_at >= self.start,
            T.resolved_at < self.end,
            not_indexed(T.status).in_(RESOLVED),
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
    return float(sorted_values[_rank(p, len(sorted_values)) - 1])


def counted_percentile(counted: Sequence[tuple[int, int]], p: float) -> float | None:
    """:func:`percentile` of values given as ``(value, how many)`` pairs in ascending order of
    value (a histogram, as a GROUP BY returns it): the same nearest rank, so a period's
    figures can be read as a few hundred whole minutes with their counts instead of one row
    per ticket. None for no values."""
    total = sum(n for _v, n in counted)
    if not total:
        return None
    rank, seen = _rank(p, total), 0
    for value, n in counted:
        seen += n
        if seen >= rank:
            return float(value)
    raise AssertionError("unreachable: the counts add up to the total")


def _rank(p: float, count: int) -> int:
    """The nearest rank of the ``p`` th percentile of ``count`` values (1-based)."""
    return max(1, math.ceil(p / 100.0 * count))


def ranked_percentiles(
    read: Read, column: Any, where: ColumnElement[bool], ps: Sequence[int]
) -> list[float | None]:
    """:func:`percentile` of ``column``'s non-null values where ``where`` holds, for each of
    ``ps`` (whole per cents), ranked by the database in one statement: the values counted per
    distinct value, a running count in ascending order, and for each ``p`` the first value
    whose running count reaches the nearest rank (``100 × seen ≥ p × total`` is ``seen ≥
    ⌈p × total / 100⌉`` in whole numbers). Neither the rows nor their counts cross to Python:
    the console's history reads twelve periods."""
    assert all(0 < p <= 100 for p in ps)
    counted = (
        select(column.label("v"), func.count().label("n"))
        .where(where, column.is_not(None))
        .group_by(column)
        .subquery()
    )
    running = select(
        counted.c.v,
        func.sum(counted.c.n).over(order_by=counted.c.v).label("seen"),
        func.sum(counted.c.n).over().label("total"),
    ).subquery()
    found = read.session.execute(
        select(
            *(
                func.min(case((running.c.seen * 100 >= running.c.total * p, running.c.v)))
                for p in ps
            )
        )
    ).one()
    return [None if v is None else float(v) for v in found]


def rows(read: Read, statement: Any) -> list[Any]:
    """The rows of one Core statement."""
    return list(read.session.execute(statement).all())
