"""Shared fixtures: every storage and workflow test runs on SQLite and on PostgreSQL.

PostgreSQL runs when ``ITSM_TEST_PG_URL`` is set (``.ci/run`` sets it); each test then gets a
fresh schema of its own, dropped afterwards. SQLite gets a temporary file per test.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.config import Settings
from itsm_tui.storage import migrate
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import bootstrap_admin

#: The tests read English whatever the machine's locale (a developer's may be zh_CN); the
#: Chinese tests put their language in force themselves, and the processes they start
#: inherit this unless told otherwise.
os.environ["ITSM_LANG"] = "en"

PG_URL = os.environ.get("ITSM_TEST_PG_URL")
PG_SKIP = (
    "PostgreSQL tests need ITSM_TEST_PG_URL, e.g. "
    "ITSM_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test make test"
)

#: The instant every test starts at: a Friday morning in the site's zone (09:00 Asia/Shanghai).
T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database of each kind, isolated for this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'itsm.db'}"
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A database migrated to the newest revision."""
    eng = make_engine(db_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def site(engine: Engine, clock: FrozenClock) -> Site:
    return Site(engine, clock=clock, settings=Settings(database_url=str(engine.url)))


@pytest.fixture
def admin(site: Site) -> Actor:
    """The installation's first admin (also a supervisor), as ``itsm init`` creates it."""
    view = bootstrap_admin(site, "admin", "管理员")
    return Actor(view.id, view.login, view.display_name, view.tier, frozenset())


class Desk:
    """A small service desk: three tiers of groups, their staff, a caller, a category, a CI."""

    def __init__(self, site: Site, admin: Actor) -> None:
        from itsm_tui.workflow import callers, catalog, cmdb, groups
        from itsm_tui.workflow.staff import add_staff

        self.site = site
        self.admin = admin
        people = [
            ("sup", "赵主管", 2, ["supervisor"]),
            ("agent1", "钱一", 1, ["agent"]),
            ("agent2", "孙二", 1, ["agent"]),
            ("eng1", "李工", 2, ["engineer"]),
            ("spec1", "周专家", 3, ["specialist"]),
            ("insp", "吴巡检", 1, ["inspector"]),
        ]
        for login, name, tier, roles in people:
            view = add_staff(site, admin, login, name, tier=tier, roles=roles)
            setattr(self, login, Actor(view.id, login, name, tier, frozenset()))
        for code, name, tier, members in [
            ("hotline", "服务热线", 1, ["agent1", "agent2"]),
            ("desktop", "桌面运维", 1, []),
            ("server", "服务器运维", 2, ["eng1"]),
            ("dba", "数据库管理", 2, []),
            ("dev", "应用开发", 3, ["spec1"]),
        ]:
            groups.add_group(site, admin, code, name, tier=tier, supervisor="sup")
            for login in members:
                groups.add_member(site, admin, code, login)
        self.caller = callers.add_caller(
            site, admin, "王小明", department="办公室", phone="010-6123 4567", employee_no="E001"
        )
        catalog.add_category(site, admin, "sw", "软件")
        catalog.add_category(site, admin, "sw-oa", "OA系统", parent="sw")
        cmdb.add_ci(site, admin, "OA办公系统", "business_service")

    agent1: Actor
    agent2: Actor
    sup: Actor
    eng1: Actor
    spec1: Actor
    insp: Actor


@pytest.fixture
def desk(site: Site, admin: Actor) -> Desk:
    return Desk(site, admin)


@pytest.fixture
def smtp() -> Iterator[tuple[int, list[Any]]]:
    """A real SMTP server on a free loopback port, and the messages it received."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    messages: list[Any] = []

    class Keep(Message):
        def handle_message(self, message: Any) -> None:
            messages.append(message)

    with socket.socket() as probe:  # aiosmtpd needs a concrete port: take a free one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, messages
    controller.stop()


@pytest.fixture(autouse=True)
def _language_kept() -> Iterator[None]:
    """The language in force is the process's: a test that changes it (a command line run by
    an operator whose staff record prefers another) puts it back, for the tests after it."""
    from itsm_tui.common import i18n

    language, decided = i18n.language(), i18n.decided
    yield
    if i18n.language() != language:
        i18n.install(language)
    i18n.decided = decided
