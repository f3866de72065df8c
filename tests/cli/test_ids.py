"""Ids beyond what an id column holds are refused where they are typed, naming the option, on
both databases (they used to fail inside the driver: past 2^63 on SQLite, 2^31 on PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.workflow import staff as staff_flow
from tests.conftest import Desk

runner = CliRunner()


@pytest.fixture(autouse=True)
def as_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    """The OS account running ``itsm`` is the hotline's agent1."""
    monkeypatch.setattr(staff_flow, "os_login", lambda: "agent1")


TOO_BIG = "2147483648"  # 2**31: one past the largest PostgreSQL INTEGER


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["ticket", "list", "--after", TOO_BIG], "--after"),
        (["ticket", "list", "--after", "9223372036854775808"], "--after"),
        (["caller", "search", "王", "--after", TOO_BIG], "--after"),
        (["ci", "search", "--after", TOO_BIG], "--after"),
        (["ticket", "list", "--after", "²"], "--after"),
        (["caller", "show", "#99999999999999999999"], "CALLER"),
        (["ci", "show", f"#{TOO_BIG}"], "CI"),
        (["ticket", "create", "--title", "OA", "--caller", f"#{TOO_BIG}"], "--caller"),
    ],
)
def test_an_id_out_of_range_is_a_usage_error_naming_the_option(
    desk: Desk, db_url: str, args: list[str], field: str
) -> None:
    result = runner.invoke(app, ["--db", db_url, *args, "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)
    assert (error["error"], error["field"]) == ("usage", field)
    assert "is not an id" in error["message"] and "2147483647" in error["message"]
    plain = runner.invoke(app, ["--db", db_url, *args])
    assert plain.exit_code == 2 and "Traceback" not in plain.output


def test_ids_in_range_still_page_and_find(desk: Desk, db_url: str) -> None:
    run = ["--db", db_url]
    shown = runner.invoke(app, [*run, "caller", "show", f"#{desk.caller.id}", "--json"])
    assert json.loads(shown.stdout)["name"] == "王小明"
    page = runner.invoke(app, [*run, "ticket", "list", "--after", "2147483647", "--json"])
    assert page.exit_code == 0 and json.loads(page.stdout)["items"] == []
