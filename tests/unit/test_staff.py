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


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("email", {"email": "a@b.example\r\nBcc: x@y.example"}),
        ("email", {"email": "a@b.example\nBcc: x@y.example"}),
        ("email", {"email": "Eve <a@b.example>"}),
        ("email", {"email": "a@b.example, c@d.example"}),
        ("email", {"email": "a b@c.example"}),
        ("email", {"email": "no-at-sign"}),
        ("email", {"email": "x" * 191 + "@b.example"}),  # 201 characters
        ("phone", {"phone": "010-1234\n5678"}),
        ("phone", {"phone": "1" * 41}),
        ("name", {"display_name": "two\nlines"}),
        ("name", {"display_name": "two\u2028lines"}),
        ("name", {"display_name": "x\udcff"}),  # how Python reads the argument $'x\xff'
        ("login", {"login": "x\udcff"}),
    ],
)
def test_staff_text_breaking_a_list_or_a_mail_header_is_refused_by_field(
    site: Site, admin: Actor, field: str, kwargs: dict[str, str]
) -> None:
    args = {"login": "evil", "display_name": "Eve", **kwargs}
    login, name = args.pop("login"), args.pop("display_name")
    with pytest.raises(Invalid) as err:
        add_staff(site, admin, login, name, **args)
    assert err.value.field == field
    assert [s.login for s in list_staff(site, admin)] == ["admin"]


def test_staff_contact_is_stored_trimmed_and_blank_is_none(site: Site, admin: Actor) -> None:
    view = add_staff(
        site, admin, "zhou", "周", email=" zhou@example.org ", phone=" +86 10 6123-4567 "
    )
    assert (view.email, view.phone) == ("zhou@example.org", "+86 10 6123-4567")
    other = add_staff(site, admin, "wu", "吴", email=" ", phone="")
    assert (other.email, other.phone) == (None, None)


def test_email_at_the_column_length_is_stored(site: Site, admin: Actor) -> None:
    address = "x" * (staff_flow.EMAIL_MAX - len("@b.example")) + "@b.example"
    assert add_staff(site, admin, "long", "Long", email=address).email == address
