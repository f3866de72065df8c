"""The CMDB walk's reads: each step is a range scan of a covering index, both ways, on SQLite
and PostgreSQL; the walk expands each CI once and explains it by its smallest parent."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, text
from sqlmodel import Session

from itsm_tui.storage import cmdb_queries as q
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.cmdb.impact import DOWNSTREAM, UPSTREAM, impact_of
from itsm_tui.workflow.context import Read
from itsm_tui.workflow.site import Actor, Site


def _plan(site: Site, edges: q.Edges) -> str:
    sql = q._step_sql(edges)
    with site.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            stmt = text(f"EXPLAIN QUERY PLAN {sql}").bindparams(bindparam("ids", expanding=True))
            return "\n".join(str(r[-1]) for r in conn.execute(stmt, {"ids": [1, 2, 3]}))
        # An empty table is cheapest to read whole; rule that out to see the path the index
        # gives (on the benchmark graph the planner takes it unasked).
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        stmt = text(f"EXPLAIN {sql}").bindparams(bindparam("ids", expanding=True))
        return "\n".join(r[0] for r in conn.execute(stmt, {"ids": [1, 2, 3]}))


def test_each_step_reads_only_the_covering_indexes(site: Site) -> None:
    for edges in (UPSTREAM, DOWNSTREAM):
        plan = _plan(site, edges)
        if site.engine.dialect.name == "sqlite":
            assert "USING COVERING INDEX ix_ci_relation_target" in plan, plan
            assert "USING COVERING INDEX ix_ci_relation_source" in plan, plan
        else:
            assert "Index Only Scan using ix_ci_relation_target" in plan, plan
            assert "Index Only Scan using ix_ci_relation_source" in plan, plan
        assert "SCAN ci_relation" not in plan and "Seq Scan" not in plan, plan


def _chain(site: Site, admin: Actor) -> None:
    """Two ways from RACK up to SVC: RACK ← S1 ← SVC and RACK ← S2 ← SVC (S1 older)."""
    cmdb.add_ci(site, admin, "SVC", "business_service", criticality=1)
    for name in ("S1", "S2"):
        cmdb.add_ci(site, admin, name, "server", attributes={"kind": "physical"})
    cmdb.add_ci(site, admin, "RACK", "rack")
    for name in ("S1", "S2"):
        cmdb.link(site, admin, name, "located_in", "RACK")
        cmdb.link(site, admin, "SVC", "runs_on", name)


@pytest.mark.parametrize("chunk", [1000, 1], ids=["one-read", "a-read-per-ci"])
def test_walk_takes_the_smallest_parent_and_stops_at_the_limit(
    site: Site, admin: Actor, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read a depth a CI at a time too: the smallest parent must still win across reads.
    monkeypatch.setattr(q, "CHUNK", chunk)
    monkeypatch.setattr(q, "FIRST_CHUNK", chunk)
    _chain(site, admin)
    report = cmdb.analyse(site, admin, ["RACK"])
    [svc] = report.services
    assert svc.path == ["rack:RACK", "server:S1", "business_service:SVC"]
    assert [(a.name, a.depth) for a in report.upstream] == [
        ("RACK", 0),
        ("S1", 1),
        ("S2", 1),
        ("SVC", 2),
    ]
    with site.engine.connect() as conn:
        rack = conn.execute(text("SELECT id FROM configuration_item WHERE name = 'RACK'")).scalar()
        cut = q.walk(conn, [rack], UPSTREAM, max_depth=6, limit=2)
    # The walk stops at the limit, part way through a depth, and says it was cut off.
    assert [(r.name, r.depth) for r in cut.nearest(None)] == [("RACK", 0), ("S1", 1)]
    assert cut.truncated and cut.count(min_depth=1) == 1


def test_services_at_stake_walks_upstream_for_services_only(site: Site, admin: Actor) -> None:
    _chain(site, admin)
    with site.engine.connect() as conn:
        rack = conn.execute(text("SELECT id FROM configuration_item WHERE name = 'RACK'")).scalar()
    full = cmdb.analyse(site, admin, ["RACK"])
    with Session(site.engine) as session:
        only = impact_of(
            Read(site, session, admin, site.clock.now()), [rack], 6, services_only=True
        )
    assert only.services == full.services and only.reasons == full.reasons
    assert [a.name for a in only.upstream] == ["RACK", "SVC"]
    assert only.downstream == [] and only.open_incidents == []


def test_a_wide_outage_is_counted_whole_but_listed_nearest_first(
    site: Site, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine room hits thousands of CIs: the report lists the nearest few, counts them
    all by class, and still names every business service with its path."""
    cmdb.add_ci(site, admin, "RACK", "rack")
    for n in range(5):
        cmdb.add_ci(site, admin, f"S{n}", "server", attributes={"kind": "physical"})
        cmdb.link(site, admin, f"S{n}", "located_in", "RACK")
        cmdb.add_ci(site, admin, f"SVC{n}", "business_service", criticality=3)
        cmdb.link(site, admin, f"SVC{n}", "runs_on", f"S{n}")
    report = cmdb.analyse(site, admin, ["RACK"], listed=3)
    assert [(a.name, a.depth) for a in report.upstream] == [("RACK", 0), ("S0", 1), ("S1", 1)]
    assert report.upstream_count == 10
    assert report.upstream_classes == {"business_service": 5, "server": 5}
    assert [s.name for s in report.services] == [f"SVC{n}" for n in range(5)]
    assert report.services[4].path == ["rack:RACK", "server:S4", "business_service:SVC4"]
    everything = cmdb.analyse(site, admin, ["RACK"], listed=None)
    assert len(everything.upstream) == 11 and not everything.truncated
    # Past the interactive limit the walk is cut off and says so; listing all walks on.
    monkeypatch.setattr(q, "MAX_ROWS", 4)
    cut = cmdb.analyse(site, admin, ["RACK"])
    assert cut.truncated and cut.upstream_count == 3
    assert not cmdb.analyse(site, admin, ["RACK"], listed=None).truncated


def test_a_walk_leaves_the_transaction_settings_as_it_found_them(site: Site, admin: Actor) -> None:
    """On PostgreSQL the walk's reads run without parallel workers (starting them costs more
    than the reads); the rest of the caller's transaction keeps its own setting."""
    _chain(site, admin)
    with site.engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL setting")
        conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 3")
        rack = conn.execute(text("SELECT id FROM configuration_item WHERE name = 'RACK'")).scalar()
        reader = q._Reader(conn)
        setting = "SELECT current_setting('max_parallel_workers_per_gather') WHERE 0 {ids}"
        assert reader.rows(setting, [0]) == [("3",)]  # a narrow read changes nothing
        assert reader.rows(setting, range(q.SERIAL_FROM + 1)) == [("0",)]
        reader.close()
        assert [r.name for r in q.walk(conn, [rack], UPSTREAM, max_depth=6).nearest(None)] == [
            "RACK",
            "S1",
            "S2",
            "SVC",
        ]
        setting = conn.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar()
        assert setting == "3"
