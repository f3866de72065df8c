"""An unforeseen failure (here: a database that cannot be opened) is one line or one JSON error,
exit 1, with the traceback in the log file — never a traceback on a script's output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app

runner = CliRunner()


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "itsm-tui" / "itsm.log"


def test_an_unreachable_database_is_one_json_error(tmp_path: Path, state_home: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'itsm.db'}"
    result = runner.invoke(app, ["--db", url, "ticket", "list", "--json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)
    assert (error["error"], error["field"]) == ("database", None)
    assert "check --db or ITSM_DATABASE_URL" in error["message"]
    assert str(state_home) in error["message"]
    log = state_home.read_text(encoding="utf-8")
    assert "Traceback" in log and "unable to open database file" in log


def test_without_json_it_is_one_line_on_stderr(tmp_path: Path, state_home: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'itsm.db'}"
    result = runner.invoke(app, ["--db", url, "caller", "search", "王"])
    assert result.exit_code == 1 and not result.stdout
    assert result.stderr.startswith("itsm: the database could not be used")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
