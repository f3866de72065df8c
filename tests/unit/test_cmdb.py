"""CIs, relationships and impact analysis on a hand-built graph, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from itsm_tui.common.errors import Conflict, Forbidden, Invalid
from itsm_tui.storage import cmdb_queries
from itsm_tui.storage.tables import JournalEntry
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.tickets import TicketDraft, claim, create_ticket, resolve
from tests.conftest import Desk


def _estate(site: Site, admin: Actor) -> None:
    """门户 (critical) runs on WEB-01, depends on 门户库 which runs on DB-01; both servers sit
    in RACK-1 in 核心机房A and connect to CORE-SW; OA is part-served by DB-01 too."""
    add = cmdb.add_ci
    add(site, admin, "公众服务门户", "business_service", criticality=1)
    add(site, admin, "OA", "business_service", criticality=3)
    add(site, admin, "WEB-01", "server", attributes={"kind": "virtual"}, ip="10.1.1.1")
    add(site, admin, "DB-01", "server", attributes={"kind": "physical"}, asset_tag="ZC-0001")
    add(site, admin, "门户库", "database", attributes={"engine": "达梦 DM8"})
    add(site, admin, "RACK-1", "rack")
    add(site, admin, "核心机房A", "machine_room")
    add(site, admin, "CORE-SW", "network_device", attributes={"kind": "switch"})
    add(site, admin, "备份一体机", "storage", attributes={"kind": "backup"})
    for src, kind, dst in [
        ("公众服务门户", "runs_on", "WEB-01"),
        ("公众服务门户", "depends_on", "门户库"),
        ("门户库", "runs_on", "DB-01"),
        ("DB-01", "part_of", "OA"),
        ("WEB-01", "located_in", "RACK-1"),
        ("DB-01", "located_in", "RACK-1"),
        ("RACK-1", "located_in", "核心机房A"),
        ("WEB-01", "connects_to", "CORE-SW"),
        ("DB-01", "connects_to", "CORE-SW"),
        ("门户库", "backed_up_by", "备份一体机"),
    ]:
        cmdb.link(site, admin, src, kind, dst)


def test_add_validates_class_attributes_and_fields(site: Site, admin: Actor) -> None:
    with pytest.raises(Invalid, match="kind") as err:
        cmdb.add_ci(site, admin, "S1", "server")
    assert err.value.field == "kind"
    with pytest.raises(Invalid, match="class 'toaster'"):
        cmdb.add_ci(site, admin, "T", "toaster")
    with pytest.raises(Invalid) as err:
        cmdb.add_ci(site, admin, "S1", "server", attributes={"kind": "virtual"}, ip="10.0.0.300")
    assert err.value.field == "ip"
    with pytest.raises(Invalid) as err:
        cmdb.add_ci(site, admin, "S1", "server", attributes={"kind": "virtual", "cpu_cores": "x"})
    assert err.value.field == "cpu_cores"
    with pytest.raises(Invalid) as err:
        cmdb.add_ci(site, admin, "S1", "server", attributes={"kind": "virtual", "colour": "red"})
    assert err.value.field == "colour"
    with pytest.raises(Invalid) as err:
        cmdb.add_ci(site, admin, "S1", "rack", criticality=7)
    assert err.value.field == "criticality"
    view = cmdb.add_ci(
        site, admin, "S1", "server", attributes={"kind": "virtual", "cpu_cores": "8"}
    )
    assert view.attributes == {"kind": "virtual", "cpu_cores": 8}
    with pytest.raises(Conflict):
        cmdb.add_ci(site, admin, "S1", "server", attributes={"kind": "virtual"})


def test_update_is_versioned_and_journaled(site: Site, admin: Actor) -> None:
    _estate(site, admin)
    view = cmdb.update_ci(site, admin, "ZC-0001", {"status": "maintenance", "memory_gb": 256})
    assert view.status == "maintenance" and view.attributes["memory_gb"] == 256
    assert view.version == 2
    with pytest.raises(Conflict):
        cmdb.update_ci(site, admin, "DB-01", {"status": "in_use"}, expect_version=1)
    with Session(site.engine) as s:
        entry = s.exec(
            select(JournalEntry)
            .where(JournalEntry.entity == "ci", JournalEntry.entity_id == view.id)
            .order_by(JournalEntry.id.desc())  # type: ignore[union-attr]
        ).first()
    assert entry is not None and entry.action == "update"
    assert entry.changes["status"] == ["in_use", "maintenance"]
    assert entry.changes["attributes"][1]["memory_gb"] == 256


def test_relationship_class_pairs_are_checked(site: Site, admin: Actor) -> None:
    _estate(site, admin)
    with pytest.raises(Invalid, match="not allowed") as err:
        cmdb.link(site, admin, "核心机房A", "runs_on", "WEB-01")
    assert err.value.field == "type"
    with pytest.raises(Invalid, match="type 'hosts'"):
        cmdb.link(site, admin, "WEB-01", "hosts", "DB-01")
    with pytest.raises(Conflict):
        cmdb.link(site, admin, "门户库", "runs_on", "DB-01")
    gone = cmdb.unlink(site, admin, "门户库", "runs_on", "DB-01")
    assert gone.type == "runs_on"
    detail = cmdb.show_ci(site, admin, "门户库")
    assert [(r.type, r.direction) for r in detail.relations] == [
        ("backed_up_by", "out"),
        ("depends_on", "in"),
    ]


def test_impact_names_services_with_paths(site: Site, admin: Actor) -> None:
    _estate(site, admin)
    report = cmdb.analyse(site, admin, ["核心机房A"])
    services = {s.name: s for s in report.services}
    assert list(services) == ["公众服务门户", "OA"]  # most critical first
    portal = services["公众服务门户"]
    assert portal.depth == 3
    assert portal.path[0] == "machine_room:核心机房A" and portal.via[0] == "located_in"
    assert portal.path[-1] == "business_service:公众服务门户"
    assert report.major_suggested and "公众服务门户" in report.reasons[0]
    oa = services["OA"]
    assert oa.via == ["located_in", "located_in", "part_of"]
    # The depth limit cuts the walk.
    shallow = cmdb.analyse(site, admin, ["核心机房A"], depth=2)
    assert shallow.services == [] and not shallow.major_suggested


def test_downstream_and_backup_do_not_propagate_upstream(site: Site, admin: Actor) -> None:
    _estate(site, admin)
    report = cmdb.analyse(site, admin, ["公众服务门户"])
    down = {d.name: d.depth for d in report.downstream}
    assert down["WEB-01"] == 1 and down["门户库"] == 1 and down["DB-01"] == 2
    assert down["备份一体机"] == 2 and down["核心机房A"] == 3
    backup = cmdb.analyse(site, admin, ["备份一体机"])
    assert backup.services == [] and [u.name for u in backup.upstream] == ["备份一体机"]


def test_cycles_end(site: Site, admin: Actor) -> None:
    add = cmdb.add_ci
    for n in ("A", "B", "C"):
        add(site, admin, n, "business_service", criticality=2)
    cmdb.link(site, admin, "A", "depends_on", "B")
    cmdb.link(site, admin, "B", "depends_on", "C")
    cmdb.link(site, admin, "C", "depends_on", "A")
    report = cmdb.analyse(site, admin, ["A"], depth=12)
    assert sorted((u.name, u.depth) for u in report.upstream) == [("A", 0), ("B", 2), ("C", 1)]
    assert [d.name for d in report.downstream] == ["B", "C"]


def test_ticket_shows_services_at_stake(desk: Desk) -> None:
    _estate(desk.site, desk.admin)
    ticket = create_ticket(
        desk.site, desk.agent1, TicketDraft(title="数据库服务器宕机", cis=["server:DB-01"])
    )
    stake = cmdb.services_at_stake(desk.site, desk.agent1, ticket.number)
    assert [s.name for s in stake.services] == ["公众服务门户", "OA"]
    assert stake.major_suggested
    report = cmdb.analyse(desk.site, desk.agent1, ["RACK-1"])
    assert [i.number for i in report.open_incidents] == [ticket.number]
    calm = create_ticket(desk.site, desk.agent1, TicketDraft(title="OA慢", cis=["OA办公系统"]))
    assert not cmdb.services_at_stake(desk.site, desk.agent1, calm.number).major_suggested


def test_impact_lists_an_incident_on_two_reached_cis_once(desk: Desk) -> None:
    """A ticket linked to two CIs the walk reaches is one open incident, naming both CIs
    (the console and ``itsm ci impact`` had listed it twice)."""
    _estate(desk.site, desk.admin)
    both = TicketDraft(title="机柜断电", cis=["server:WEB-01", "server:DB-01"])
    ticket = create_ticket(desk.site, desk.agent1, both)
    report = cmdb.analyse(desk.site, desk.agent1, ["RACK-1"])
    assert [i.number for i in report.open_incidents] == [ticket.number]
    assert sorted(report.open_incidents[0].cis) == ["server:DB-01", "server:WEB-01"]


def test_chains_read_the_way_relationships_are_recorded(site: Site, admin: Actor) -> None:
    """Each chain runs from what needs to what is needed, every hop as recorded: the service
    that depends on the CI analysed reads "X —depends_on→ CI", as the CI screen's "Used by"
    lists it, never "CI —depends_on→ X"; a part_of hop reads backwards (the whole needs its
    part)."""
    _estate(site, admin)
    cmdb.add_ci(site, admin, "档案管理", "business_service", criticality=2)
    cmdb.link(site, admin, "档案管理", "depends_on", "公众服务门户")
    report = cmdb.analyse(site, admin, ["公众服务门户"])
    used_by = {s.name: s.explanation for s in report.services}
    assert used_by["档案管理"] == (
        "business_service:档案管理 —depends_on→ business_service:公众服务门户"
    )
    assert report.upstream_count == 1
    needs = {d.name: d.last_hop for d in report.downstream}
    assert needs["DB-01"] == "database:门户库 —runs_on→ server:DB-01"
    rack = cmdb.analyse(site, admin, ["RACK-1"])
    oa = next(s for s in rack.services if s.name == "OA")
    assert oa.explanation == ("business_service:OA ←part_of— server:DB-01 —located_in→ rack:RACK-1")
    reason = "critical service 公众服务门户 is hit: business_service:公众服务门户 —runs_on→"
    assert rack.reasons[0].startswith(reason)
    # The CI screen's two sides follow the same rule.
    assert cmdb.impact.needs_other("runs_on", outgoing=True)
    assert not cmdb.impact.needs_other("runs_on", outgoing=False)
    assert not cmdb.impact.needs_other("part_of", outgoing=True)  # the whole uses its part
    assert cmdb.impact.needs_other("part_of", outgoing=False)


@pytest.mark.parametrize("many", [1_000, 0], ids=["through-links", "from-open-side"])
def test_ci_detail_lists_its_tickets_open_first_then_latest_closed(
    desk: Desk, many: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cmdb_queries, "MANY_TICKETS", many)  # both ways of reading open ones
    _estate(desk.site, desk.admin)
    site, agent = desk.site, desk.agent1
    made = [
        create_ticket(site, agent, TicketDraft(title=f"OA 故障 {n}", cis=["OA办公系统"]))
        for n in range(3)
    ]
    claim(site, agent, made[0].number)
    resolve(site, agent, made[0].number, code="fixed", text="重启服务")
    detail = cmdb.show_ci(site, agent, "OA办公系统")
    assert [(t.number, t.is_open) for t in detail.tickets] == [
        (made[2].number, True),  # same priority: newest first
        (made[1].number, True),
        (made[0].number, False),  # resolved: after the open ones
    ]
    assert detail.ticket_count == 3


def test_services_at_stake_say_when_the_walk_was_cut_off(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    _estate(desk.site, desk.admin)
    ticket = create_ticket(
        desk.site, desk.agent1, TicketDraft(title="机房断电", cis=["machine_room:核心机房A"])
    )
    assert not cmdb.services_at_stake(desk.site, desk.agent1, ticket.number).truncated
    monkeypatch.setattr(cmdb_queries, "MAX_ROWS", 2)  # a machine room of a real estate
    assert cmdb.services_at_stake(desk.site, desk.agent1, ticket.number).truncated


def test_agents_may_view_but_not_change(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        cmdb.add_ci(desk.site, desk.agent1, "X", "rack")
    assert cmdb.search_cis(desk.site, desk.agent1, "OA")[0].name == "OA办公系统"


def test_an_ip_longer_than_its_column_is_refused_by_name(site: Site, admin: Actor) -> None:
    """A link-local address with a long zone is a valid address but does not fit the 45
    characters the ip column holds: PostgreSQL would fail on it, SQLite would store it."""
    server = {"kind": "virtual"}
    with pytest.raises(Invalid, match="ip is longer than 45") as err:
        cmdb.add_ci(site, admin, "S1", "server", attributes=server, ip="fe80::1%" + "e" * 40)
    assert err.value.field == "ip"
    longest = "0000:0000:0000:0000:0000:ffff:192.168.100.200"  # 45 characters, as typed
    view = cmdb.add_ci(site, admin, "S1", "server", attributes=server, ip=longest)
    assert view.ip == "::ffff:c0a8:64c8"  # stored as ipaddress writes it


def test_document_fields_are_held_to_their_columns(site: Site, admin: Actor) -> None:
    cmdb.add_ci(site, admin, "OA", "business_service")
    with pytest.raises(Invalid) as err:
        cmdb.attach_document(site, admin, "OA", "manual", "Guide", "1", note="n" * 2001)
    assert err.value.field == "note"
    with pytest.raises(Invalid) as err:
        cmdb.attach_document(site, admin, "OA", "manual", "Guide", "1", uri="u" * 501)
    assert err.value.field == "uri"
    with pytest.raises(Invalid) as err:
        cmdb.attach_document(site, admin, "OA", "manual", "t" * 201, "1")
    assert err.value.field == "title"
    doc = cmdb.attach_document(
        site, admin, "OA", "manual", "t" * 200, "v" * 40, uri="u" * 500, note="n" * 2000
    )
    assert (len(doc.title), len(doc.version), len(doc.uri), len(doc.note)) == (200, 40, 500, 2000)
