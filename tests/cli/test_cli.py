"""The ``itsm`` command as a script sees it: output, JSON, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.storage import migrate
from itsm_tui.workflow import staff as staff_flow

runner = CliRunner()
Run = Callable[..., Any]


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run ``itsm --db URL …`` as the OS account ``ops`` (the first admin)."""
    monkeypatch.setattr(staff_flow, "os_login", lambda: "ops")

    def run(*args: str) -> Any:
        return runner.invoke(app, ["--db", db_url, *args])

    return run


def test_init_creates_schema_and_admin(cli: Run) -> None:
    result = cli("init", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "admin": "ops",
        "revision": migrate.head_revision(),
        "demo": None,
    }
    assert cli("init").exit_code == 0  # running it again is harmless


def test_staff_add_list_and_set_role(cli: Run) -> None:
    cli("init")
    added = cli("staff", "add", "zhang.wei", "--name", "张伟", "--role", "agent", "--json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["roles"] == ["agent"]
    listed = json.loads(cli("staff", "list", "--json").stdout)
    assert [s["login"] for s in listed["items"]] == ["ops", "zhang.wei"]
    text = cli("staff", "list").stdout
    assert "张伟" in text and "agent" in text
    changed = cli("staff", "set-role", "zhang.wei", "--role", "engineer", "--tier", "2", "--json")
    assert json.loads(changed.stdout)["tier"] == 2


def test_refusal_is_one_line_and_exit_1(cli: Run) -> None:
    cli("init")
    cli("staff", "add", "zhang.wei", "--name", "张伟")
    result = cli("staff", "add", "zhang.wei", "--name", "张伟")
    assert result.exit_code == 1
    assert result.stderr.strip() == "itsm: A staff member with login 'zhang.wei' already exists."
    assert "Traceback" not in result.output


def test_refusal_as_json(cli: Run) -> None:
    cli("init")
    result = cli("staff", "set-role", "nobody", "--role", "agent", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"] == "not_found"


def test_usage_error_is_exit_2(cli: Run) -> None:
    result = cli("staff", "list", "--bogus")
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_unknown_operator_is_told_how_to_get_in(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("init")
    monkeypatch.setattr(staff_flow, "os_login", lambda: "visitor")
    result = cli("staff", "list")
    assert result.exit_code == 1
    assert "itsm staff add visitor" in result.stderr


def test_db_current_reports_revision_and_counts(cli: Run) -> None:
    cli("init")
    data = json.loads(cli("db", "current", "--json").stdout)
    assert data["revision"] == data["head"] == migrate.head_revision()
    assert data["counts"]["staff"] == 1


def test_help_reads_well() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("init", "demo", "staff", "db", "--db", "--as"):
        assert word in result.stdout
