"""What a script and a person read back: -q references, caller search pages, readable history."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.workflow import callers
from itsm_tui.workflow import staff as staff_flow
from tests.conftest import Desk

runner = CliRunner()
Run = Callable[..., Any]


@pytest.fixture
def itsm(desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    def run(*args: str, login: str = "agent1") -> Any:
        monkeypatch.setattr(staff_flow, "os_login", lambda: login)
        return runner.invoke(app, ["--db", db_url, *args])

    return run


def _ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def test_quiet_prints_only_the_new_reference(itsm: Run) -> None:
    number = _ok(itsm("call", "log", "--caller", "E001", "--title", "OA系统登录缓慢", "-q"))
    assert number == "INC000001\n"
    again = _ok(itsm("call", "log", "--caller", "E001", "--ticket", number.strip(), "-q"))
    assert again == number  # a repeat call: the ticket it was attached to
    assert _ok(itsm("call", "log", "--caller", "E001", "--summary", "问路", "-q")) == ""
    assert _ok(itsm("ticket", "create", "--title", "x", "--quiet")) == "INC000002\n"
    caller = _ok(itsm("caller", "add", "李四", "-q")).strip()
    assert caller.startswith("#")
    shown = json.loads(_ok(itsm("caller", "show", caller, "--json")))
    assert shown["name"] == "李四"
    assert _ok(itsm("staff", "add", "zhou.qi", "--name", "周七", "-q", login="admin")) == (
        "zhou.qi\n"
    )


def test_caller_search_says_more_exist_and_pages(desk: Desk, itsm: Run) -> None:
    for i in range(5):  # 王小明 (the desk's) and five more by prefix; one only by substring
        callers.add_caller(desk.site, desk.admin, f"王{i}", department="财务处")
    callers.add_caller(desk.site, desk.admin, "李王", department="办公室")
    plain = _ok(itsm("caller", "search", "王", "--limit", "4"))
    first = json.loads(_ok(itsm("caller", "search", "王", "--limit", "4", "--json")))
    assert f"4 shown, more: --after {first['next']}" in plain
    second = json.loads(
        _ok(itsm("caller", "search", "王", "--limit", "4", "--after", first["next"], "--json"))
    )
    assert second["next"] is None and "more" not in _ok(
        itsm("caller", "search", "王", "--limit", "4", "--after", first["next"])
    )
    names = [c["name"] for c in first["items"] + second["items"]]
    assert names == ["王0", "王1", "王2", "王3", "王4", "王小明", "李王"]  # prefix first
    everyone = json.loads(_ok(itsm("caller", "search", "王", "--json")))
    assert [c["name"] for c in everyone["items"]] == names and everyone["next"] is None


def test_caller_search_refuses_an_unknown_cursor(itsm: Run) -> None:
    result = itsm("caller", "search", "王", "--after", "99999", "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["field"] == "after"


def test_history_reads_as_the_console_shows_it(itsm: Run) -> None:
    _ok(itsm("ticket", "create", "--title", "打印机卡纸", "--ci", "OA办公系统"))
    _ok(itsm("ticket", "claim", "INC1"))
    _ok(itsm("ticket", "pending", "INC1", "--reason", "customer"))
    _ok(itsm("ticket", "resume", "INC1"))
    _ok(itsm("ticket", "resolve", "INC1", "--code", "fixed", "--text", "换纸"))
    _ok(itsm("ticket", "note", "INC1", "--text", "已换纸，待确认"))
    text = _ok(itsm("ticket", "history", "INC1"))
    entries = json.loads(_ok(itsm("ticket", "history", "INC1", "--json")))["items"]
    opened = datetime.fromisoformat(entries[0]["at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert opened.strftime("%Y-%m-%d %H:%M") in text  # the site's zone, not UTC
    assert "钱一 claimed it" in text  # a name, not a login
    assert "钱一 set it pending, waiting for the caller" in text
    assert "钱一 resumed it (now in progress)" in text  # labels as the queues show them
    assert "CIs OA办公系统" in text
    assert "钱一 resolved it at first line (fixed permanently): 换纸" in text
    assert text.count("已换纸，待确认") == 1  # a note once, with its text
    for raw in ("None", "[", "T01:00", "+00:00", "in_progress", "agent1", "chars", "False"):
        assert raw not in text, raw
    for bookkeeping in ("left_first_line", "reassignment", "version", "first_response"):
        assert bookkeeping not in text, bookkeeping
    claim = next(e for e in entries if e["action"] == "claim")
    assert claim["changes"]["assignee"] == [None, "agent1"]  # --json keeps the raw fields
    assert claim["changes"]["status"] == ["new", "in_progress"]
    assert entries[0]["at"].endswith("+00:00")


def test_history_shows_a_title_that_begins_like_a_timestamp_as_typed(itsm: Run) -> None:
    """Only the fields that hold instants are converted: a title is words, whatever it looks
    like, and a title that is not a valid instant never breaks the history."""
    _ok(itsm("call", "log", "--caller", "E001", "--title", "2026-12-04T10:00 mail down", "-q"))
    _ok(itsm("ticket", "update", "INC1", "--title", "2026-12-04T10:00:00"))
    text = _ok(itsm("ticket", "history", "INC1"))
    assert "title: 2026-12-04T10:00 mail down → 2026-12-04T10:00:00" in text
