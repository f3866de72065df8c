"""The journal's two writers, ``Tx.journal`` (one entry, through the JSON column) and
``Tx.journal_many`` (a bulk job's entries, JSON encoded here and sent through the driver),
store the same text for the same changes: one rule for the values JSON has no form of."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from itsm_tui.workflow.context import system_transaction
from itsm_tui.workflow.site import Actor, Site

CHANGES = {
    "due_at": datetime(2026, 11, 27, 1, 30, tzinfo=UTC),
    "window": (datetime(2026, 11, 27, 2, 0, tzinfo=UTC), datetime(2026, 11, 27, 3, 0, tzinfo=UTC)),
    "status": ("new", "assigned"),
    "reason": "来电人再次来电",
    "notified": ["sup", "eng1"],
    "late": True,
    "minutes": 90,
}


def _stored(site: Site, entity: str) -> list[str]:
    as_text = "::text" if site.engine.dialect.name == "postgresql" else ""
    with site.engine.connect() as conn:
        return [
            row[0]
            for row in conn.exec_driver_sql(
                f"SELECT changes{as_text} FROM journal_entry WHERE entity = '{entity}' ORDER BY id"
            )
        ]


def test_one_entry_and_a_bulk_entry_store_the_same_text(site: Site, admin: Actor) -> None:
    with system_transaction(site, admin) as tx:
        tx.journal("probe_one", 1, "test", CHANGES)
        tx.journal_many("probe_bulk", "test", [(1, CHANGES), (2, {})])
    one, (bulk, empty) = _stored(site, "probe_one"), _stored(site, "probe_bulk")
    assert one == [bulk]
    assert empty == "{}"
    assert '"due_at": "2026-11-27T01:30:00+00:00"' in bulk
    assert '"window": ["2026-11-27T02:00:00+00:00", "2026-11-27T03:00:00+00:00"]' in bulk


def test_a_bulk_entry_refuses_a_value_it_has_no_text_for(site: Site, admin: Actor) -> None:
    """Neither writer invents a form for a value the rule does not cover (a duration)."""
    with pytest.raises(TypeError, match="timedelta"), system_transaction(site, admin) as tx:
        tx.journal_many("probe_bulk", "test", [(1, {"took": timedelta(minutes=5)})])
    assert _stored(site, "probe_bulk") == []
