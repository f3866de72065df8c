"""The console's own upgrade of the embedded database: allowed without the admin check only
on a SQLite file the running account owns, and journaled like ``itsm db upgrade``."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from itsm_tui.common.config import Settings
from itsm_tui.common.errors import Forbidden
from itsm_tui.storage import migrate
from itsm_tui.storage.engine import make_engine, sqlite_path
from itsm_tui.storage.tables import JournalEntry
from itsm_tui.workflow.admin import ensure_schema, initialise
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.staff import os_login

NOBODY_UID = 65534


@pytest.fixture
def old_site(db_url: str) -> Site:
    site = Site(make_engine(db_url), settings=Settings(database_url=db_url))
    initialise(site, os_login())
    migrate.downgrade(site.engine, "0005")
    return site


def _upgrades(site: Site) -> int:
    with Session(site.engine) as session:
        query = select(func.count()).where(JournalEntry.action == "schema_upgrade")
        return session.exec(query.select_from(JournalEntry)).one()


def test_an_own_file_is_upgraded_and_journaled(old_site: Site) -> None:
    if sqlite_path(old_site.engine) is None:
        pytest.skip("the embedded database is SQLite")
    ensure_schema(old_site)
    assert migrate.current_revision(old_site.engine) == migrate.HEAD
    assert _upgrades(old_site) == 1


def test_anything_but_an_own_file_needs_db_upgrade(old_site: Site) -> None:
    path = sqlite_path(old_site.engine)
    if path is not None:
        if os.geteuid() != 0:
            pytest.skip("giving the file to another account needs root")
        os.chown(path, NOBODY_UID, -1)  # still writable here: ownership, not access, decides
    with pytest.raises(Forbidden, match="itsm db upgrade"):
        ensure_schema(old_site)
    assert migrate.current_revision(old_site.engine) == "0005"
    assert _upgrades(old_site) == 0
