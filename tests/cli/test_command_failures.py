"""An unforeseen failure (here: a table gone from a database at the newest revision, which no
check foresees) is one line or one JSON error, exit 1, with the traceback in the log file —
never a traceback on a script's output. The foreseen ones (no database, a missing folder, an
old schema …) are typed refusals: ``test_faults.py``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.common.config import Settings
from itsm_tui.storage.engine import make_engine
from itsm_tui.workflow.admin import initialise
from itsm_tui.workflow.site import Site
from itsm_tui.workflow.staff import os_login

runner = CliRunner()


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "itsm-tui" / "itsm.log"


@pytest.fixture
def broken_url(tmp_path: Path) -> str:
    """A database at the newest revision, the OS account its admin, whose callers and tickets
    tables were dropped by hand."""
    url = f"sqlite:///{tmp_path / 'itsm.db'}"
    engine = make_engine(url)
    initialise(Site(engine, settings=Settings(database_url=url)), os_login())
    with engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys=OFF"))
        for table in ("ticket", "caller"):
            conn.execute(text(f"DROP TABLE {table}"))
    engine.dispose()
    return url


def test_an_unforeseen_database_failure_is_one_json_error(
    broken_url: str, state_home: Path
) -> None:
    result = runner.invoke(app, ["--db", broken_url, "ticket", "list", "--json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)
    assert (error["error"], error["field"]) == ("database", None)
    assert "check --db or ITSM_DATABASE_URL" in error["message"]
    assert str(state_home) in error["message"]
    log = state_home.read_text(encoding="utf-8")
    assert "Traceback" in log and "no such table" in log


def test_without_json_it_is_one_line_on_stderr(broken_url: str, state_home: Path) -> None:
    result = runner.invoke(app, ["--db", broken_url, "caller", "search", "王"])
    assert result.exit_code == 1 and not result.stdout
    assert result.stderr.startswith("itsm: the database could not be used")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
