"""The demo's changes: a year of standard, normal and emergency changes on the demo estate,
some failed or backed out, the CAB and its setting, the freezes of the year from the holiday
calendar — and the workflow takes them as its own (reads, approvals, the schedule)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from itsm_tui.workflow.changes import cab, conflicts, freeze, fsc, records, risk
from itsm_tui.workflow.demo import load_demo
from itsm_tui.workflow.site import Actor
from tests.conftest import T0
from tests.unit.test_demo import Loaded, digest, fresh_site

N = 2_000


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    with fresh_site(request.param, tmp_path_factory.mktemp("changes")) as (site, admin):
        summary = load_demo(site, admin, tickets=N, seed=2026)
        yield Loaded(request.param, site, admin, summary, digest(site.engine))


def _rows(demo: Loaded, sql: str) -> list[tuple[object, ...]]:
    with demo.site.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def _cab_member(demo: Loaded) -> Actor:
    """The first member of the demo's CAB (its tier-2 supervisor)."""
    ((sid, login, name, tier),) = _rows(
        demo,
        "SELECT s.id, s.login, s.display_name, s.tier FROM staff s "
        "JOIN group_member m ON m.staff_id = s.id JOIN assignment_group g ON g.id = m.group_id "
        "WHERE g.code = 'ecab' ORDER BY s.id LIMIT 1",
    )
    assert isinstance(sid, int) and isinstance(tier, int)
    return Actor(sid, str(login), str(name), tier, frozenset())


def test_a_year_of_changes_of_every_type_and_fate(demo: Loaded) -> None:
    assert demo.summary.changes == len(_rows(demo, "SELECT id FROM change_request")) > 250
    types = Counter(t for (t,) in _rows(demo, "SELECT type FROM change_request"))
    assert types["standard"] > 80 and types["normal"] > 80 and types["emergency"] >= 10
    outcomes = Counter(o for (o,) in _rows(demo, "SELECT outcome FROM change_request"))
    assert outcomes["failed"] + outcomes["backed_out"] >= 5
    statuses = Counter(s for (s,) in _rows(demo, "SELECT status FROM change_request"))
    assert statuses["closed"] > 150 and statuses["scheduled"] >= 5
    assert statuses["rejected"] >= 1 and statuses["cancelled"] >= 1
    # Chinese titles on the demo estate's systems and servers
    titles = [t for (t,) in _rows(demo, "SELECT title FROM change_request")]
    assert any("OA系统新增用户" in t for t in titles)
    assert any("数据库" in t for t in titles)


def test_the_changes_keep_the_workflow_s_rules(demo: Loaded) -> None:
    unreviewed = _rows(
        demo,
        "SELECT number FROM change_request WHERE status = 'closed' AND type <> 'standard' "
        "AND reviewed_at IS NULL",
    )
    assert unreviewed == []  # a closed normal or emergency change has its review
    unassessed = _rows(
        demo,
        "SELECT number FROM change_request WHERE status IN ('scheduled', 'closed', 'failed') "
        "AND risk_level IS NULL",
    )
    assert unassessed == []
    in_freeze = _rows(
        demo,
        "SELECT c.number FROM change_request c JOIN change_freeze f "
        "ON f.starts_at < c.window_end AND f.ends_at > c.window_start "
        "WHERE c.type <> 'emergency' AND c.status NOT IN ('cancelled', 'rejected')",
    )
    assert in_freeze == []
    ((last,),) = _rows(demo, "SELECT last_value FROM number_series WHERE prefix = 'CHG'")
    assert last == demo.summary.changes


def test_freezes_come_from_the_holiday_calendar(demo: Loaded) -> None:
    names = [
        f.name for f in freeze.list_freezes(demo.site, demo.admin, start=T0 - timedelta(days=365))
    ]
    assert "2026年国庆节封网" in names and "2026年春节封网" in names
    national = next(
        f
        for f in freeze.list_freezes(demo.site, demo.admin, start=T0 - timedelta(days=365))
        if f.name == "2026年国庆节封网"
    )
    assert national.starts_at.isoformat() == "2026-09-30T16:00:00+00:00"  # 1 October in Shanghai


def test_the_workflow_reads_and_works_the_demo_changes(demo: Loaded) -> None:
    sup2 = _cab_member(demo)
    site = demo.site
    listed = records.list_changes(site, sup2, status=["scheduled"])
    assert listed
    view = records.show_change(site, sup2, listed[0].number)
    assert view.cis and view.risk_factors
    assert risk.explain(site, sup2, view.number).assessed is not None
    conflicts.change_conflicts(site, sup2, view.number)  # answers on the demo estate
    schedule = fsc.forward_schedule(site, sup2, days=30)
    assert len(schedule.changes) >= 5
    pending = cab.pending_approvals(site, sup2)
    waiting = _rows(demo, "SELECT COUNT(*) FROM change_request WHERE status = 'awaiting_approval'")
    if waiting[0][0]:
        assert pending or all(
            a.staff == "sup2"
            for p in pending
            for a in records.show_change(site, sup2, p.number).approvals
        )


def test_the_same_seed_gives_the_same_changes(demo: Loaded, tmp_path: Path) -> None:
    if demo.kind != "sqlite":
        pytest.skip("one database is enough to compare two loads")
    with fresh_site("sqlite", tmp_path) as (site, admin):
        load_demo(site, admin, tickets=N, seed=2026)
        with site.engine.connect() as conn:
            again = [
                tuple(r)
                for r in conn.execute(
                    text("SELECT number, title, window_start FROM change_request ORDER BY id")
                )
            ]
    assert again == _rows(
        demo, "SELECT number, title, window_start FROM change_request ORDER BY id"
    )
