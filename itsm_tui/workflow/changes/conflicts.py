"""Conflicts between changes: two changes whose windows overlap and which touch the same CI,
or CIs where one is in the other's impact set.

"One is in the other's impact set": a CI of the other change reaches one of ours in the
downstream impact walk (it needs ours), or one of ours reaches one of theirs. Both walks go out
from this change's CIs only — the downstream walk, and the same relationships walked backward
(:data:`REACHING`) — so the check costs two walks whatever the number of changes scheduled; a
cycle in the graph ends the walk like any CI already reached.

Why the backward downstream walk and not the impact report's upstream one: the upstream walk
does not follow ``backed_up_by`` (a backup target's failure does not take its server down), so
from a backup target's change it would not find the server's change, which finds the target's
downstream. A pair must be decided the same way from either side, and as the forward schedule
of change decides it (``changes.fsc``: one change reaches the other downstream).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from itsm_tui.common.changes import HOLDING_WINDOW
from itsm_tui.storage import cmdb_queries
from itsm_tui.storage.tables import ChangeCI, ChangeRequest, ConfigurationItem
from itsm_tui.workflow.cmdb.impact import DEPTH, DOWNSTREAM, Affected
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.permissions import Action

#: What reaches a CI downstream: the downstream relationships walked from target to source.
REACHING = cmdb_queries.reversed_edges(DOWNSTREAM)


@dataclass(frozen=True)
class ChangeConflict:
    """Another change in the way, and why: the CI both touch, or the chain that relates them."""

    number: str
    title: str
    status: str
    window_start: datetime
    window_end: datetime
    why: str


def overlapping(
    session: Session, start: datetime, end: datetime, exclude_id: int | None
) -> list[ChangeRequest]:
    """Changes holding a window (scheduled, implementing) that overlaps ``[start, end)``
    (``ix_change_status_window``: one range per status)."""
    stmt = select(ChangeRequest).where(
        col(ChangeRequest.status).in_([s.value for s in HOLDING_WINDOW]),
        col(ChangeRequest.window_start) < end,
        col(ChangeRequest.window_end) > start,
    )
    if exclude_id is not None:
        stmt = stmt.where(ChangeRequest.id != exclude_id)
    return list(session.exec(stmt.order_by(col(ChangeRequest.window_start))).all())


def find(
    session: Session,
    change_id: int | None,
    ci_ids: Sequence[int],
    start: datetime | None,
    end: datetime | None,
) -> list[ChangeConflict]:
    """The changes that conflict with a change on ``ci_ids`` in ``[start, end)``."""
    if not ci_ids or start is None or end is None:
        return []
    others = overlapping(session, start, end, change_id)
    if not others:
        return []
    theirs: dict[int, list[int]] = {}
    for cid, ci in session.exec(
        select(ChangeCI.change_id, ChangeCI.ci_id).where(
            col(ChangeCI.change_id).in_([o.id for o in others])
        )
    ).all():
        theirs.setdefault(cid, []).append(ci)
    conn = session.connection()
    limit = cmdb_queries.MAX_ROWS  # each change's walk, as the FSC caps each change's
    up = cmdb_queries.walk(conn, ci_ids, REACHING, max_depth=DEPTH, limit=limit)
    down = cmdb_queries.walk(conn, ci_ids, DOWNSTREAM, max_depth=DEPTH, limit=limit)
    out = []
    for other in others:
        assert other.id is not None
        why = _why(session, set(ci_ids), theirs.get(other.id, []), up, down)
        if why and other.window_start and other.window_end:
            out.append(
                ChangeConflict(
                    other.number,
                    other.title,
                    other.status,
                    other.window_start,
                    other.window_end,
                    why,
                )
            )
    return out


def _why(
    session: Session,
    mine: set[int],
    theirs: list[int],
    up: cmdb_queries.Walk,
    down: cmdb_queries.Walk,
) -> str:
    shared = sorted(mine.intersection(theirs))
    if shared:
        item = session.get(ConfigurationItem, shared[0])
        return f"both change {item.ci_class}:{item.name}" if item else "both change one CI"
    for walk, upstream in ((up, True), (down, False)):
        for ci in sorted(theirs):
            if ci in walk.found:
                row = walk.row(ci)
                chain = Affected(
                    row.id,
                    row.ci_class,
                    row.name,
                    row.status,
                    row.criticality,
                    row.depth,
                    [walk.label(i) for i in row.path],
                    list(row.via),
                    upstream=upstream,
                )
                return chain.explanation
    return ""


@query(Action.VIEW_CHANGES)
def change_conflicts(read: Read, number: str) -> list[ChangeConflict]:
    """The scheduled changes that conflict with this one: shown on both, since the walks go
    both ways from whichever change is asked about."""
    from itsm_tui.workflow.changes.core import find_change

    change = find_change(read.session, number)
    assert change.id is not None
    ci_ids = list(
        read.session.exec(select(ChangeCI.ci_id).where(ChangeCI.change_id == change.id)).all()
    )
    return find(read.session, change.id, ci_ids, change.window_start, change.window_end)
