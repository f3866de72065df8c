"""Staff, roles and identity, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from itsm_tui.common.errors import Conflict, Forbidden, Invalid, NotFound, UnknownOperator
from itsm_tui.storage.tables import JournalEntry, Staff
from itsm_tui.workflow import staff as staff_flow
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import (
    add_staff,
    bootstrap_admin,
    list_staff,
    resolve_actor,
    set_roles,
    whoami,
)


def _journal(site: Site, action: str) -> list[JournalEntry]:
    with Session(site.engine) as s:
        return list(s.exec(select(JournalEntry).where(JournalEntry.action == action)).all())


def _actor(site: Site, login: str) -> Actor:
    with Session(site.engine) as s:
        staff = s.exec(select(Staff).where(Staff.login == login)).one()
    return Actor(staff.id, staff.login, staff.display_name, staff.tier, frozenset())


def test_add_staff_is_journaled_with_the_actor(site: Site, admin: Actor) -> None:
    view = add_staff(site, admin, "zhang.wei", "张伟", tier=1, roles=["agent", "inspector"])
    assert view.roles == ("agent", "inspector")
    [entry] = _journal(site, "create")[1:]  # the first is the bootstrap admin
    assert entry.entity == "staff" and entry.entity_id == view.id
    assert entry.actor_id == admin.id
    assert entry.changes["login"] == "zhang.wei"
    assert entry.at == site.clock.now()


def test_duplicate_login_is_a_conflict_and_writes_nothing(site: Site, admin: Actor) -> None:
    add_staff(site, admin, "zhang.wei", "张伟")
    with pytest.raises(Conflict, match="already exists"):
        add_staff(site, admin, "zhang.wei", "张伟二")
    assert len(_journal(site, "create")) == 2


@pytest.mark.parametrize(
    ("login", "name", "tier", "roles", "field"),
    [
        ("has space", "x", 1, ["agent"], "login"),
        ("", "x", 1, ["agent"], "login"),
        ("ok", "   ", 1, ["agent"], "name"),
        ("ok", "x", 4, ["agent"], "tier"),
        ("ok", "x", 1, ["wizard"], "role"),
        ("ok", "x", 1, [], "role"),
    ],
)
def test_bad_input_names_the_field(
    site: Site, admin: Actor, login: str, name: str, tier: int, roles: list[str], field: str
) -> None:
    with pytest.raises(Invalid) as err:
        add_staff(site, admin, login, name, tier=tier, roles=roles)
    assert err.value.field == field
    assert [s.login for s in list_staff(site, admin)] == ["admin"]


def test_only_admins_manage_staff(site: Site, admin: Actor) -> None:
    add_staff(site, admin, "li.na", "李娜", roles=["supervisor"])
    with pytest.raises(Forbidden, match="may not manage staff"):
        add_staff(site, _actor(site, "li.na"), "wang.fang", "王芳")


def test_set_roles_journals_old_and_new(site: Site, admin: Actor) -> None:
    add_staff(site, admin, "li.na", "李娜", roles=["agent"])
    view = set_roles(site, admin, "li.na", ["engineer"], tier=2)
    assert view.roles == ("engineer",) and view.tier == 2 and view.version == 2
    [entry] = _journal(site, "set_roles")
    assert entry.changes == {"roles": [["agent"], ["engineer"]], "tier": [1, 2]}


def test_a_revoked_role_counts_at_once(site: Site, admin: Actor) -> None:
    add_staff(site, admin, "chen.jie", "陈杰", roles=["admin"])
    chen = _actor(site, "chen.jie")
    add_staff(site, chen, "wu.lei", "吴磊")  # allowed while admin
    set_roles(site, admin, "chen.jie", ["agent"])
    with pytest.raises(Forbidden):
        add_staff(site, chen, "zhou.min", "周敏")


def test_admin_cannot_drop_own_admin_role(site: Site, admin: Actor) -> None:
    with pytest.raises(Invalid, match="own admin"):
        set_roles(site, admin, "admin", ["agent"])


def test_unknown_login_suggests_close_ones(site: Site, admin: Actor) -> None:
    add_staff(site, admin, "zhang.wei", "张伟")
    with pytest.raises(NotFound) as err:
        set_roles(site, admin, "zhang.wie", ["agent"])
    assert "zhang.wei" in err.value.suggestions


def test_identity_comes_from_the_os_account(
    site: Site, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "admin")  # $USER is not trusted
    monkeypatch.setattr(staff_flow, "os_login", lambda: "stranger")
    with pytest.raises(UnknownOperator, match="itsm staff add stranger"):
        resolve_actor(site)
    monkeypatch.setattr(staff_flow, "os_login", lambda: "admin")
    assert resolve_actor(site).login == "admin"


def test_only_admins_act_as_another(
    site: Site, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_staff(site, admin, "li.na", "李娜", roles=["supervisor"])
    monkeypatch.setattr(staff_flow, "os_login", lambda: "admin")
    acting = resolve_actor(site, "li.na")
    assert acting.login == "li.na" and whoami(site, acting).display_name == "李娜"
    monkeypatch.setattr(staff_flow, "os_login", lambda: "li.na")
    with pytest.raises(Forbidden, match="act as another"):
        resolve_actor(site, "admin")


def test_bootstrap_only_on_an_empty_installation(site: Site, admin: Actor) -> None:
    assert bootstrap_admin(site, "admin").login == "admin"  # idempotent for the same admin
    with pytest.raises(Invalid, match="only an admin can add staff"):
        bootstrap_admin(site, "intruder")
