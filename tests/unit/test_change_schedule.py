"""Scheduling changes: conflicts through the impact graph (a cycle included), the supervisor's
override, freeze windows taken from the holiday calendar around make-up working days (调休),
their TOML import, and the forward schedule of change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.changes import cab, conflicts, freeze, fsc, lifecycle, records
from itsm_tui.workflow.changes.records import ChangeDraft, create_change
from tests.conftest import T0, Desk
from tests.unit.change_fixtures import NIGHT, WINDOW, estate, normal
from tests.unit.change_fixtures import cab as make_cab

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def board(desk: Desk) -> Desk:
    estate(desk)
    make_cab(desk)
    return desk


def _ready(desk: Desk, number: str) -> None:
    """Submitted, assessed and approved: ready to schedule."""
    lifecycle.submit(desk.site, desk.eng1, number)
    lifecycle.assess(desk.site, desk.sup, number)
    lifecycle.request_approval(desk.site, desk.sup, number)
    cab.approve(desk.site, desk.sup, number)
    cab.approve(desk.site, desk.eng1, number)


def _scheduled(desk: Desk, **fields: object) -> str:
    number = normal(desk, **fields).number
    _ready(desk, number)
    lifecycle.schedule(desk.site, desk.sup, number)
    return number


def test_changes_on_the_same_ci_in_overlapping_windows_conflict(board: Desk) -> None:
    desk = board
    first = _scheduled(desk)
    second = normal(desk, window_start=WINDOW[0] + timedelta(hours=1), window_end=WINDOW[1])
    _ready(desk, second.number)
    with pytest.raises(Forbidden) as refused:  # an engineer may schedule, not override
        lifecycle.schedule(desk.site, desk.eng1, second.number)
    assert refused.value.field == "window_start" and first in refused.value.message
    with pytest.raises(Invalid) as refused:  # a supervisor must say why
        lifecycle.schedule(desk.site, desk.sup, second.number)
    assert refused.value.field == "reason"
    view = lifecycle.schedule(desk.site, desk.sup, second.number, reason="两项可同时进行")
    assert view.status == "scheduled" and view.override_reason == "两项可同时进行"
    # shown on both changes
    assert [c.number for c in conflicts.change_conflicts(desk.site, desk.sup, first)] == [
        second.number
    ]
    shown = conflicts.change_conflicts(desk.site, desk.sup, second.number)
    assert [(c.number, c.why) for c in shown] == [(first, "both change database:db01")]


def test_a_conflict_through_the_impact_graph_and_none_without_it(board: Desk) -> None:
    desk = board
    service = _scheduled(desk, cis=["网上办事大厅"])
    on_db = normal(desk)  # 网上办事大厅 depends on db01: in db01's impact set
    found = conflicts.change_conflicts(desk.site, desk.sup, on_db.number)
    assert [c.number for c in found] == [service]
    assert "depends_on" in found[0].why and "db01" in found[0].why
    elsewhere = normal(desk, cis=["oa01"])  # unrelated
    assert conflicts.change_conflicts(desk.site, desk.sup, elsewhere.number) == []
    later = normal(desk, window_start=NIGHT[0], window_end=NIGHT[1])  # no overlap
    assert conflicts.change_conflicts(desk.site, desk.sup, later.number) == []


def test_a_cycle_in_the_graph_still_ends_and_still_conflicts(board: Desk) -> None:
    desk = board
    for name in ("x1", "x2", "x3"):
        cmdb.add_ci(desk.site, desk.admin, name, "server", attributes={"kind": "virtual"})
    cmdb.link(desk.site, desk.admin, "x1", "depends_on", "x2")
    cmdb.link(desk.site, desk.admin, "x2", "depends_on", "x3")
    cmdb.link(desk.site, desk.admin, "x3", "depends_on", "x1")
    first = _scheduled(desk, cis=["x1"])
    second = normal(desk, cis=["x3"])
    found = conflicts.change_conflicts(desk.site, desk.sup, second.number)
    assert [c.number for c in found] == [first]


FREEZES = """\
[[freeze]]
name = "春节封网"
holiday = "春节"
year = 2026
reason = "春节长假"

[[freeze]]
name = "国庆节封网"
holiday = "国庆节"
year = 2026

[[freeze]]
name = "全国两会"
start = "2026-03-04 00:00"
end = "2026-03-12 00:00"
reason = "重要会议保障"
"""


def _local(day: str, hour: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def test_freezes_from_the_holiday_calendar_end_at_make_up_working_days(
    board: Desk, clock: FrozenClock
) -> None:
    desk = board
    clock.set(datetime(2026, 1, 5, 1, 0, tzinfo=UTC))
    imported = freeze.import_freezes(desk.site, desk.sup, "freeze.toml", FREEZES)
    spans = {f.name: (f.starts_at, f.ends_at) for f in imported}
    # Spring Festival: Saturday 14 February is worked (调休), Sunday 15 is the first day off,
    # Monday 23 the last (a day off for Saturday 28 February).
    assert spans["春节封网"] == (_local("2026-02-15"), _local("2026-02-24"))
    # National Day: 1–7 October; Saturday 10 October is worked instead.
    assert spans["国庆节封网"] == (_local("2026-10-01"), _local("2026-10-08"))
    assert spans["全国两会"] == (_local("2026-03-04"), _local("2026-03-12"))

    def window(day: str) -> dict[str, datetime]:
        return {"window_start": _local(day, 10), "window_end": _local(day, 12)}

    with pytest.raises(Invalid) as refused:
        normal(desk, **window("2026-10-07"))
    assert refused.value.field == "window_start" and "国庆节封网" in refused.value.message
    with pytest.raises(Invalid):
        normal(desk, **window("2026-02-15"))
    assert normal(desk, **window("2026-10-10")).status == "draft"  # the make-up Saturday
    assert normal(desk, **window("2026-02-14")).status == "draft"


def test_an_emergency_change_may_enter_a_freeze_with_a_reason(board: Desk) -> None:
    desk = board
    freeze.add_freeze(desk.site, desk.sup, "年终结算", WINDOW[0] - timedelta(days=1), WINDOW[1])
    with pytest.raises(Invalid) as refused:
        normal(desk)
    assert refused.value.field == "window_start"
    emergency = create_change(
        desk.site,
        desk.eng1,
        ChangeDraft(
            type="emergency",
            title="紧急修复数据库漏洞",
            reason="高危漏洞",
            implementation_plan="打补丁",
            backout_plan="回滚",
            test_plan="验证业务",
            window_start=WINDOW[0],
            window_end=WINDOW[1],
            implementer="eng1",
            group="server",
            cis=["db01"],
        ),
    )
    lifecycle.submit(desk.site, desk.eng1, emergency.number)
    lifecycle.assess(desk.site, desk.sup, emergency.number)
    lifecycle.request_approval(desk.site, desk.sup, emergency.number)
    cab.approve(desk.site, desk.sup, emergency.number)  # the emergency CAB: one approval …
    cab.approve(desk.site, desk.admin, emergency.number)  # … and its high risk's lead
    with pytest.raises(Invalid) as refused:
        lifecycle.schedule(desk.site, desk.sup, emergency.number)
    assert refused.value.field == "reason" and "年终结算" in refused.value.message
    view = lifecycle.schedule(desk.site, desk.sup, emergency.number, reason="漏洞正被利用")
    assert view.status == "scheduled" and view.override_reason == "漏洞正被利用"


def test_a_bad_freeze_file_names_the_line_and_imports_nothing(board: Desk) -> None:
    desk = board
    bad = FREEZES + '\n[[freeze]]\nname = "错的"\nstart = "明天"\nend = "2026-12-31"\n'
    with pytest.raises(Invalid) as refused:
        freeze.import_freezes(desk.site, desk.sup, "freeze.toml", bad)
    assert refused.value.message.startswith("freeze.toml:18:") and refused.value.field == "start"
    with desk.site.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM change_freeze")).scalar() == 0
    with pytest.raises(Invalid) as refused:
        freeze.import_freezes(desk.site, desk.sup, "x.toml", "[[freeze]\n")
    assert refused.value.field == "file"
    with pytest.raises(Forbidden):
        freeze.import_freezes(desk.site, desk.eng1, "freeze.toml", FREEZES)


def test_the_forward_schedule_marks_conflicts_and_freezes_per_service(board: Desk) -> None:
    desk = board
    first = _scheduled(desk)
    second = normal(desk, window_start=WINDOW[0] + timedelta(minutes=30), window_end=WINDOW[1])
    _ready(desk, second.number)
    lifecycle.schedule(desk.site, desk.sup, second.number, reason="同一维护窗口")
    other = _scheduled(desk, cis=["oa01"], window_start=NIGHT[0], window_end=NIGHT[1])
    freeze.add_freeze(
        desk.site, desk.sup, "元旦封网", T0 + timedelta(days=34), T0 + timedelta(days=36)
    )
    schedule = fsc.forward_schedule(desk.site, desk.agent1, days=30)
    by_number = {p.number: p for p in schedule.changes}
    assert [p.number for p in schedule.changes] == [other, first, second.number]
    assert by_number[first].conflicts == [second.number]
    assert by_number[second.number].conflicts == [first]
    assert by_number[other].conflicts == []
    assert schedule.by_service["网上办事大厅"] == [first, second.number]
    assert schedule.by_service["OA办公系统"] == [other]
    assert schedule.freezes == []  # New Year's freeze is beyond 30 days
    assert [f.name for f in fsc.forward_schedule(desk.site, desk.agent1, days=40).freezes] == [
        "元旦封网"
    ]
    assert records.show_change(desk.site, desk.agent1, first).status == "scheduled"


def _awaiting(desk: Desk, **fields: object) -> str:
    """Waiting for the CAB: on the forward schedule, not yet checked by scheduling."""
    number = normal(desk, **fields).number
    lifecycle.submit(desk.site, desk.eng1, number)
    lifecycle.assess(desk.site, desk.sup, number)
    lifecycle.request_approval(desk.site, desk.sup, number)
    return number


def test_the_forward_schedule_marks_conflicts_through_the_impact_graph(board: Desk) -> None:
    desk = board
    for name in ("x1", "x2", "x3"):
        cmdb.add_ci(desk.site, desk.admin, name, "server", attributes={"kind": "virtual"})
    cmdb.link(desk.site, desk.admin, "x1", "depends_on", "x2")
    cmdb.link(desk.site, desk.admin, "x2", "depends_on", "x3")
    cmdb.link(desk.site, desk.admin, "x3", "depends_on", "x1")  # a cycle
    service = _scheduled(desk, cis=["网上办事大厅"])
    on_db = _awaiting(desk)  # 网上办事大厅 depends on db01: no CI shared, related by the graph
    unrelated = _awaiting(desk, cis=["oa01"])
    on_x1 = _awaiting(desk, cis=["x1"])
    on_x3 = _awaiting(desk, cis=["x3"])
    later = _awaiting(desk, window_start=NIGHT[0], window_end=NIGHT[1])  # db01, no overlap
    by_number = {
        p.number: sorted(p.conflicts)
        for p in fsc.forward_schedule(desk.site, desk.agent1, days=30).changes
    }
    assert by_number[service] == [on_db]
    assert by_number[on_db] == [service]
    assert by_number[unrelated] == []
    assert by_number[on_x1] == [on_x3] and by_number[on_x3] == [on_x1]
    assert by_number[later] == []
    # The schedule agrees with the check made on the change itself.
    assert [c.number for c in conflicts.change_conflicts(desk.site, desk.sup, on_db)] == [service]


def test_the_forward_schedule_marks_a_conflict_through_a_backup_only_from_its_user(
    board: Desk,
) -> None:
    """A backup is walked downstream only (a failed backup target is a risk, not an outage
    of what it backs up): changing a server and, at the same time, its backup target is a
    conflict, found from the server's side; two servers that share the backup target are
    not related to each other."""
    desk = board
    for name in ("y1", "y2", "bk1"):
        cmdb.add_ci(desk.site, desk.admin, name, "server", attributes={"kind": "virtual"})
    cmdb.link(desk.site, desk.admin, "y1", "backed_up_by", "bk1")
    cmdb.link(desk.site, desk.admin, "y2", "backed_up_by", "bk1")
    on_backup = _scheduled(desk, cis=["bk1"])
    on_y1 = _awaiting(desk, cis=["y1"])
    on_y2 = _awaiting(desk, cis=["y2"])
    by_number = {
        p.number: sorted(p.conflicts)
        for p in fsc.forward_schedule(desk.site, desk.agent1, days=30).changes
    }
    assert by_number[on_backup] == sorted([on_y1, on_y2])
    assert by_number[on_y1] == [on_backup] and by_number[on_y2] == [on_backup]
    # The check made when the server's change is scheduled finds the same change, and why.
    found = conflicts.change_conflicts(desk.site, desk.sup, on_y1)
    assert [c.number for c in found] == [on_backup]
    assert "backed_up_by" in found[0].why and "bk1" in found[0].why


def test_a_conflict_through_a_backup_is_found_from_either_side_as_the_schedule_marks_it(
    board: Desk,
) -> None:
    """Scheduling the backup target's change while the server's is scheduled is refused like
    any conflict: the check decides the pair from either side, as the FSC does."""
    desk = board
    for name in ("y1", "y2", "bk1"):
        cmdb.add_ci(desk.site, desk.admin, name, "server", attributes={"kind": "virtual"})
    cmdb.link(desk.site, desk.admin, "y1", "backed_up_by", "bk1")
    cmdb.link(desk.site, desk.admin, "y2", "backed_up_by", "bk1")
    on_y1 = _scheduled(desk, cis=["y1"])
    on_backup = normal(desk, cis=["bk1"]).number
    found = conflicts.change_conflicts(desk.site, desk.sup, on_backup)
    assert [c.number for c in found] == [on_y1]
    assert found[0].why == "server:y1 —backed_up_by→ server:bk1"
    _ready(desk, on_backup)
    with pytest.raises(Invalid) as refused:  # in the way: the supervisor must say why
        lifecycle.schedule(desk.site, desk.sup, on_backup)
    assert refused.value.field == "reason"
    # Two servers sharing the backup target are still unrelated, from either side.
    on_y2 = normal(desk, cis=["y2"]).number
    assert conflicts.change_conflicts(desk.site, desk.sup, on_y2) == []
    lifecycle.schedule(desk.site, desk.sup, on_backup, reason="备份暂停期间升级")
    by_number = {
        p.number: sorted(p.conflicts)
        for p in fsc.forward_schedule(desk.site, desk.agent1, days=30).changes
    }
    assert by_number[on_y1] == [on_backup] and by_number[on_backup] == [on_y1]


def test_a_change_on_a_hub_does_not_cut_short_the_walks_of_the_others(
    board: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each change's walk has its own cap: a change on a switch that most of the estate
    needs (here: more CIs than the cap) stops at the cap, and a chain elsewhere is still
    walked to its end, so the conflict at its far end is marked — as the check finds it."""
    from itsm_tui.storage import cmdb_queries

    desk = board
    names = ["hub", *(f"h{i:02d}" for i in range(12)), "c0", "c1", "c2", "c3"]
    for name in names:
        cmdb.add_ci(desk.site, desk.admin, name, "server", attributes={"kind": "virtual"})
    for i in range(12):
        cmdb.link(desk.site, desk.admin, f"h{i:02d}", "depends_on", "hub")
    for a, b in (("c0", "c1"), ("c1", "c2"), ("c2", "c3")):
        cmdb.link(desk.site, desk.admin, a, "depends_on", b)
    monkeypatch.setattr(cmdb_queries, "MAX_ROWS", 8)  # the hub reaches 13 CIs
    on_hub = _awaiting(desk, cis=["hub"])
    on_c3 = _scheduled(desk, cis=["c3"])
    on_c0 = _awaiting(desk, cis=["c0"])  # needs c3, three hops away
    by_number = {
        p.number: sorted(p.conflicts)
        for p in fsc.forward_schedule(desk.site, desk.agent1, days=30).changes
    }
    assert by_number[on_c0] == [on_c3] and by_number[on_c3] == [on_c0]
    assert by_number[on_hub] == []
    assert [c.number for c in conflicts.change_conflicts(desk.site, desk.sup, on_c0)] == [on_c3]
