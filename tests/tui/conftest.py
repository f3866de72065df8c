"""A fixed, seeded database and a frozen clock, so screens look the same on every run."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from itsm_tui.clock import FrozenClock
from itsm_tui.config import Settings
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.context import Actor, Site
from itsm_tui.workflow.staff import add_staff
from tests.conftest import T0

# A fixed path: the console shows where its database is, and snapshots must not vary.
SNAPSHOT_DB_DIR = Path("/tmp/itsm-tui-snapshots")


@pytest.fixture
def screen_site() -> Iterator[tuple[Site, Actor]]:
    shutil.rmtree(SNAPSHOT_DB_DIR, ignore_errors=True)
    SNAPSHOT_DB_DIR.mkdir(parents=True)
    url = f"sqlite:///{SNAPSHOT_DB_DIR / 'itsm.db'}"
    site = Site(make_engine(url), clock=FrozenClock(T0), settings=Settings(database_url=url))
    view = initialise(site, "admin", "管理员")
    admin = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
    add_staff(site, admin, "zhang.wei", "张伟", roles=["agent"], tier=1)
    yield site, admin
    site.close()
