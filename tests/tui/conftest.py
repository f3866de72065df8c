"""A fixed, seeded database and a frozen clock, so screens look the same on every run."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.config import Settings
from itsm_tui.storage.engine import make_engine
from itsm_tui.storage.tables import Ticket
from itsm_tui.workflow import cmdb
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import add_staff
from itsm_tui.workflow.tickets import TicketDraft, add_note, claim, create_ticket, escalate
from tests.conftest import T0, Desk


@pytest.fixture(autouse=True)
def _own_settings_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The console reads (and saves its theme to) the XDG settings files: each test gets empty
    folders of its own, so neither the machine's files nor another test's choices show."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site-config"))


@pytest.fixture(autouse=True)
def _process_collector() -> Iterator[None]:
    """A console settles the process's collector once warmed up (full collections left to
    idle moments, common.collector); a test process runs hundreds of consoles and is never
    idle, so each test gives the thresholds back."""
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database file of this test's own: two test runs at once (two checkouts, CI jobs)
    must not rebuild each other's database under a running console. No screen shows the
    path, so the snapshots do not depend on it."""
    return f"sqlite:///{tmp_path_factory.mktemp('console') / 'itsm.db'}"


@pytest.fixture
def screen_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Actor]]:
    url = _database_url(tmp_path_factory)
    site = Site(make_engine(url), clock=FrozenClock(T0), settings=Settings(database_url=url))
    view = initialise(site, "admin", "管理员")
    admin = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
    add_staff(site, admin, "zhang.wei", "张伟", roles=["agent"], tier=1)
    yield site, admin
    site.close()


@dataclass
class Console:
    """The seeded desk the console tests and snapshots run against."""

    site: Site
    desk: Desk
    numbers: list[str]


def _set_due(site: Site, number: str, due: datetime) -> None:
    """Fix a ticket's resolution due time (and its warning an hour before), whatever the SLA
    policy would say, so the screens show every risk level."""
    with Session(site.engine) as session:
        session.exec(  # type: ignore[call-overload]
            update(Ticket)
            .where(Ticket.number == number)
            .values(resolution_due_at=due, resolution_warn_at=due - timedelta(hours=1))
        )
        session.commit()


def seed_console(site: Site, desk: Desk) -> list[str]:
    """Twelve hotline tickets: some claimed, some late, one escalated, two with hostile titles."""
    titles = [
        "OA系统登录缓慢",
        "打印机卡纸",
        "邮箱无法收信",
        "[bold red]x[/]",
        "VPN 断线 \x1b[31m红色",
        "财务系统报表导出失败",
        "会议室投影仪无信号",
        "新员工开通账号",
        "Wi-Fi 信号弱",
        "电脑蓝屏",
        "共享盘权限申请",
        "网站首页打不开",
    ]
    numbers = []
    for i, title in enumerate(titles):
        draft = TicketDraft(
            title=title,
            caller="E001" if i % 3 == 0 else None,
            category="软件/OA系统" if i % 2 == 0 else None,
            impact=1 + i % 3,
            urgency=1 + (i // 3) % 3,
            cis=["OA办公系统"] if i % 4 == 0 else [],
        )
        numbers.append(create_ticket(site, desk.agent1, draft).number)
        site.clock.advance(minutes=17)  # type: ignore[attr-defined]
    for number in numbers[:3]:
        claim(site, desk.agent1, number)
    add_note(site, desk.agent1, numbers[0], "已远程查看，[i]怀疑[/i]是缓存问题")
    escalate(site, desk.agent1, numbers[5], group="server", reason="需要服务器日志")
    now = site.clock.now()
    _set_due(site, numbers[0], now - timedelta(minutes=40))  # breached, held by 钱一
    _set_due(site, numbers[1], now + timedelta(minutes=50))  # at risk
    _set_due(site, numbers[3], now - timedelta(hours=5))  # breached, unassigned
    for number in numbers[6:]:
        _set_due(site, number, now + timedelta(hours=8))
    return numbers


def seed_cmdb(site: Site, admin: Actor) -> None:
    """A small graph around the desk's OA办公系统 (made critical): it runs on OA-APP-01 in
    核心机房A and depends on OA库, which runs on DB-01 in the same room."""
    cmdb.update_ci(site, admin, "OA办公系统", {"criticality": 1})
    add = cmdb.add_ci
    add(site, admin, "核心机房A", "machine_room")
    server = {"kind": "virtual", "os": "麒麟 V10"}
    add(site, admin, "OA-APP-01", "server", attributes=server, ip="10.2.0.15",
        asset_tag="ZC-2024-0015", owner_group="server", criticality=2)  # fmt: skip
    add(site, admin, "DB-01", "server", attributes={"kind": "physical"}, ip="10.2.0.21")
    add(site, admin, "OA库", "database", attributes={"engine": "达梦 DM8"}, owner_group="dba")
    for source, kind, target in [
        ("OA办公系统", "runs_on", "OA-APP-01"),
        ("OA办公系统", "depends_on", "OA库"),
        ("OA库", "runs_on", "DB-01"),
        ("OA-APP-01", "located_in", "核心机房A"),
        ("DB-01", "located_in", "核心机房A"),
    ]:
        cmdb.link(site, admin, source, kind, target)


@pytest.fixture
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """A frozen clock, the small desk and its tickets: the same on every run."""
    url = _database_url(tmp_path_factory)
    site = Site(make_engine(url), clock=FrozenClock(T0), settings=Settings(database_url=url))
    view = initialise(site, "admin", "管理员")
    admin = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
    desk = Desk(site, admin)
    numbers = seed_console(site, desk)
    seed_cmdb(site, admin)
    yield Console(site, desk, numbers)
    site.close()
