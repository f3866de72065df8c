"""Linking CIs to a ticket, and the console's CI lookup, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from itsm_tui.common.errors import Conflict, Forbidden, Invalid, NotFound
from itsm_tui.storage.tables import JournalEntry
from itsm_tui.workflow import cmdb
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import Desk


def _ticket(desk: Desk) -> t.TicketView:
    draft = TicketDraft(title="OA系统登录缓慢", caller="E001", cis=["OA办公系统"])
    return t.create_ticket(desk.site, desk.agent1, draft)


def _server(desk: Desk) -> None:
    cmdb.add_ci(
        desk.site,
        desk.admin,
        "OA-APP-01",
        "server",
        attributes={"kind": "virtual"},
        ip="10.2.0.15",
        asset_tag="ZC-2024-0015",
    )


def test_link_and_unlink_bump_the_version_and_journal_the_names(desk: Desk) -> None:
    _server(desk)
    view = _ticket(desk)
    linked = t.link_ci(desk.site, desk.agent1, view.number, "ZC-2024-0015", expected_version=1)
    assert linked.cis == ["OA-APP-01", "OA办公系统"] and linked.version == 2
    unlinked = t.unlink_ci(desk.site, desk.agent1, view.number, "OA办公系统")
    assert unlinked.cis == ["OA-APP-01"] and unlinked.version == 3
    with Session(desk.site.engine) as s:
        entries = s.exec(
            select(JournalEntry)
            .where(JournalEntry.entity == "ticket", JournalEntry.entity_id == view.id)
            .order_by(JournalEntry.id)
        ).all()
    assert [e.action for e in entries] == ["create", "link_ci", "unlink_ci"]
    assert entries[1].changes["cis"] == [["OA办公系统"], ["OA-APP-01", "OA办公系统"]]
    assert entries[2].changes["cis"] == [["OA-APP-01", "OA办公系统"], ["OA-APP-01"]]
    assert entries[1].actor_id == desk.agent1.id


def test_link_refuses_twice_unknown_stale_and_finished_tickets(desk: Desk) -> None:
    view = _ticket(desk)
    with pytest.raises(Conflict, match="already linked"):
        t.link_ci(desk.site, desk.agent1, view.number, "OA办公系统")
    with pytest.raises(NotFound) as err:
        t.link_ci(desk.site, desk.agent1, view.number, "OA办公")
    assert err.value.field == "ci"
    with pytest.raises(NotFound, match="not linked"):
        _server(desk)
        t.unlink_ci(desk.site, desk.agent1, view.number, "OA-APP-01")
    with pytest.raises(Conflict, match="version"):
        t.link_ci(desk.site, desk.agent1, view.number, "OA-APP-01", expected_version=7)
    t.resolve(desk.site, desk.agent1, view.number, code="fixed", text="重启")
    with pytest.raises(Invalid, match="resolved"):
        t.link_ci(desk.site, desk.agent1, view.number, "OA-APP-01")


def test_link_is_for_those_working_the_ticket(desk: Desk) -> None:
    _server(desk)
    view = _ticket(desk)
    with pytest.raises(Forbidden):
        t.link_ci(desk.site, desk.insp, view.number, "OA-APP-01")
    with pytest.raises(Forbidden):
        t.link_ci(desk.site, desk.eng1, view.number, "OA-APP-01")  # another group's ticket
    assert t.link_ci(desk.site, desk.sup, view.number, "OA-APP-01").cis[0] == "OA-APP-01"


def test_lookup_finds_by_tag_ip_prefix_and_words(desk: Desk) -> None:
    _server(desk)
    cmdb.add_ci(desk.site, desk.admin, "财务OA接口", "software")
    cmdb.add_ci(desk.site, desk.admin, "100%_工具", "software")

    def names(text: str) -> list[str]:
        return [c.name for c in cmdb.lookup_cis(desk.site, desk.agent1, text)]

    assert names("ZC-2024-0015") == ["OA-APP-01"]
    assert names("10.2.0.15") == ["OA-APP-01"]
    assert names("10.2") == ["OA-APP-01"]
    assert names("OA") == ["OA-APP-01", "OA办公系统", "财务OA接口"]  # prefixes first
    assert names("oa办公") == ["OA办公系统"]  # any case
    assert names("OA 系统") == ["OA办公系统"]  # every word, in any order
    assert names("办公") == ["OA办公系统"]
    assert names("%_") == ["100%_工具"]  # wildcards are literal
    assert names("  ") == []
    with pytest.raises(Invalid):
        cmdb.lookup_cis(desk.site, desk.agent1, "OA", limit=0)
