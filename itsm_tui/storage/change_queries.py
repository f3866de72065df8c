"""The reads change management makes over sets of CIs: incidents on them since a date, past
changes on them that went wrong, and scheduled changes whose windows overlap a window.

A change's impact walk hands over up to thousands of CI ids, so these read through the bare
cursor as the walk does (``cmdb_queries``: one array parameter on PostgreSQL, ``IN`` lists in
chunks on SQLite)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection

from itsm_tui.common.changes import ChangeOutcome
from itsm_tui.common.domain import TicketType
from itsm_tui.storage.cmdb_queries import _Reader


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def incidents_since(
    conn: Connection, ci_ids: Sequence[int], since: datetime, *, limit: int = 1000
) -> list[tuple[str, int]]:
    """(number, CI id) of incidents opened since ``since`` on any of ``ci_ids`` (through the
    ticket_ci reverse index), at most ``limit`` rows a chunk."""
    # The instant as a literal (naive UTC, as stored): the cursor's parameters are the ids.
    at = since.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    sql = (
        "SELECT t.number, tc.ci_id FROM ticket_ci tc JOIN ticket t ON t.id = tc.ticket_id "
        f"WHERE tc.ci_id {{ids}} AND t.type = '{TicketType.INCIDENT.value}' "
        f"AND t.opened_at >= '{at}' LIMIT {int(limit)}"
    )
    reader = _Reader(conn)
    try:
        return [(r[0], r[1]) for r in reader.rows(sql, list(ci_ids))]
    finally:
        reader.close()


def troubled_changes(
    conn: Connection, ci_ids: Sequence[int], exclude_id: int | None
) -> list[tuple[str, str | None, int]]:
    """(number, outcome, caused incidents) of past changes on any of ``ci_ids`` that failed,
    were backed out, or caused an incident (a ``caused`` link)."""
    reader = _Reader(conn)
    bad = _quoted([ChangeOutcome.FAILED.value, ChangeOutcome.BACKED_OUT.value])
    sql = (
        "SELECT c.number, c.outcome, "
        "(SELECT COUNT(*) FROM change_link l WHERE l.change_id = c.id "
        "AND l.relation = 'caused') AS caused "
        "FROM change_request c WHERE c.id IN (SELECT cc.change_id FROM change_ci cc "
        "WHERE cc.ci_id {ids}) "
        f"AND c.id <> {int(exclude_id or 0)} "
        f"AND (c.outcome IN ({bad}) OR EXISTS (SELECT 1 FROM change_link l2 "
        "WHERE l2.change_id = c.id AND l2.relation = 'caused')) ORDER BY c.id"
    )
    try:
        rows = reader.rows(sql, list(ci_ids))
    finally:
        reader.close()
    seen: dict[str, tuple[str, str | None, int]] = {}
    for number, outcome, caused in rows:
        seen.setdefault(number, (number, outcome, int(caused)))
    return list(seen.values())
