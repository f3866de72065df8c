"""The console on a database whose schema is older (or newer) than this code: it refuses before
it takes the terminal, instead of waiting at "loading …" for reads that can never succeed, and
changes nothing — on SQLite and PostgreSQL. The command line then says what to do
(``tests/cli/test_faults.py``)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from itsm_tui.cli.invocation import CliState
from itsm_tui.cli.setup import open_console
from itsm_tui.common.config import Settings
from itsm_tui.common.errors import SchemaMismatch
from itsm_tui.console.app import ItsmApp
from itsm_tui.console.start import start_first_read
from itsm_tui.storage import migrate
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.staff import os_login


def _site_at(db_url: str, revision: str) -> None:
    engine = make_engine(db_url)
    initialise(Site(engine, settings=Settings(database_url=db_url)), os_login())
    if revision < migrate.HEAD:
        migrate.downgrade(engine, revision)
    else:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


@pytest.mark.parametrize("revision", ["0004", "0099"])
def test_itsm_with_a_database_url_refuses_before_building_the_console(
    db_url: str, revision: str
) -> None:
    """``itsm --db URL`` (or ``ITSM_DATABASE_URL``) on a 0004 database used to open the
    console, which sat at "loading …" for good."""
    _site_at(db_url, revision)
    state = CliState(db_url)
    try:
        with pytest.raises(SchemaMismatch, match=f"revision {revision}"):
            open_console(state)
    finally:
        state.close()


@pytest.mark.parametrize("revision", ["0001", "0004", "0099"])
async def test_the_console_refuses_a_schema_it_does_not_know(db_url: str, revision: str) -> None:
    _site_at(db_url, revision)
    settings = Settings(database_url=db_url)
    first = start_first_read(settings)  # the bare console's own read, in a forked child
    app = ItsmApp(Site.later(settings), first.actor, first_board=first.board)
    try:
        await app.run_async(headless=True)  # returns at once when refused: nothing to drive
        assert app.refused
        assert first.board.result(timeout=5) is None
    finally:
        first.finish()
        app.site.close()
    engine = make_engine(db_url)
    assert migrate.current_revision(engine) == revision  # nothing upgraded behind the admin's back
    engine.dispose()
