"""A hotline day through the CLI, as a script would drive it: JSON in, JSON out, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.workflow import staff as staff_flow
from tests.conftest import Desk

runner = CliRunner()
Run = Callable[..., Any]


@pytest.fixture
def as_(desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Run]:
    """``as_("agent1")("ticket", "list")`` runs ``itsm`` as that OS account."""

    def login(name: str) -> Run:
        def run(*args: str) -> Any:
            monkeypatch.setattr(staff_flow, "os_login", lambda: name)
            return runner.invoke(app, ["--db", db_url, *args])

        return run

    return login


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_call_to_resolution(as_: Callable[[str], Run]) -> None:
    agent1 = as_("agent1")
    contact = _json(
        agent1(
            "call",
            "log",
            "--caller",
            "E001",
            "--title",
            "OA系统登录缓慢",
            "--impact",
            "2",
            "--urgency",
            "2",
            "--ci",
            "OA办公系统",
            "--json",
        )
    )
    number = contact["ticket"]
    assert number == "INC000001" and contact["new_ticket"] is True
    created = _json(agent1("ticket", "show", number, "--json"))
    assert created["priority"] == 3 and created["cis"] == ["OA办公系统"]
    again = _json(agent1("call", "log", "--caller", "E001", "--ticket", "inc1", "--json"))
    assert again["ticket"] == number and again["new_ticket"] is False
    _json(agent1("ticket", "claim", number, "--json"))
    escalated = _json(
        agent1("ticket", "escalate", number, "--group", "server", "--reason", "需要二线", "--json")
    )
    assert escalated["tier"] == 2
    eng = as_("eng1")
    _json(eng("ticket", "claim", number, "--json"))
    _json(eng("ticket", "note", number, "--text", "已重启应用服务", "--json"))
    resolved = _json(
        eng("ticket", "resolve", number, "--code", "fixed", "--text", "重启后恢复", "--json")
    )
    assert resolved["status"] == "resolved" and resolved["resolved_first_line"] is False
    history = _json(eng("ticket", "history", number, "--json"))["items"]
    assert [h["action"] for h in history] == [
        "create",
        "claim",
        "escalate",
        "claim",
        "note",
        "resolve",
    ]
    shown = _json(eng("ticket", "show", number, "--json"))
    assert shown["status"] == "resolved" and len(shown["contacts"]) == 2


def test_list_pages_with_after(as_: Callable[[str], Run]) -> None:
    agent1 = as_("agent1")
    for i in range(5):
        _json(agent1("ticket", "create", "--title", f"工单{i}", "--json"))
    first = _json(agent1("ticket", "list", "--queue", "group", "--limit", "2", "--json"))
    assert [r["number"] for r in first["items"]] == ["INC000005", "INC000004"]
    second = _json(
        agent1(
            "ticket",
            "list",
            "--queue",
            "group",
            "--limit",
            "2",
            "--after",
            first["next"],
            "--json",
        )
    )
    assert [r["number"] for r in second["items"]] == ["INC000003", "INC000002"]


def test_list_sorts_and_filters_like_the_console(as_: Callable[[str], Run]) -> None:
    """``--sort`` and ``--search`` read a queue as the console's ``s`` and ``/`` do, page by
    page with ``--after``, and the JSON rows keep their shape."""
    agent1 = as_("agent1")
    # impact × urgency → priority: (1, 1) P1, (2, 2) P3, (3, 3) P5.
    for title, level in [("打印机甲", "3"), ("网络乙", "1"), ("打印机丙", "2"), ("网络丁", "1")]:
        _json(
            agent1(
                "ticket",
                "create",
                "--title",
                title,
                "--impact",
                level,
                "--urgency",
                level,
                "--json",
            )
        )

    def numbers(*options: str) -> list[str]:
        page = _json(agent1("ticket", "list", "--queue", "group", *options, "--json"))
        return [r["number"] for r in page["items"]]

    assert numbers() == ["INC000004", "INC000003", "INC000002", "INC000001"]
    assert numbers("--sort", "oldest") == ["INC000001", "INC000002", "INC000003", "INC000004"]
    # Most urgent first, newest first within a priority; paged by key in that order.
    by_priority = ["INC000004", "INC000002", "INC000003", "INC000001"]
    assert numbers("--sort", "priority") == by_priority
    first = _json(
        agent1("ticket", "list", "--queue", "group", "--sort", "priority", "--limit", "3", "--json")
    )
    rest = numbers("--sort", "priority", "--limit", "3", "--after", str(first["next"]))
    assert [r["number"] for r in first["items"]] + rest == by_priority
    assert numbers("--sort", "priority", "--search", "打印机") == ["INC000003", "INC000001"]
    assert numbers("--sort", "oldest", "--priority", "1") == ["INC000002", "INC000004"]
    # Soonest resolution deadline first: the two P1s (the older first), the P3, the P5.
    assert numbers("--sort", "due") == ["INC000002", "INC000004", "INC000003", "INC000001"]
    assert numbers("--sort", "due", "--priority", "1") == ["INC000002", "INC000004"]
    assert numbers("--status", "closed") == []  # the group queue holds open work only
    row = first["items"][0]
    assert {"number", "priority", "status", "assignee", "assignee_name", "sla"} <= set(row)
    wrong = agent1("ticket", "list", "--sort", "due-soon")
    assert wrong.exit_code == 2 and "newest" in wrong.output


def test_refusals_exit_1_with_the_reason(as_: Callable[[str], Run]) -> None:
    agent1 = as_("agent1")
    _json(agent1("ticket", "create", "--title", "x", "--json"))
    result = as_("insp")("ticket", "resolve", "INC1", "--code", "fixed", "--text", "x")
    assert result.exit_code == 1 and "may not work tickets" in result.stderr
    stale = agent1("ticket", "claim", "INC1")
    assert stale.exit_code == 0
    result = as_("agent2")("ticket", "assign", "INC1", "--to", "agent2", "--expect-version", "1")
    assert result.exit_code == 1 and "was changed by 钱一 (agent1)" in result.stderr
    result = agent1("ticket", "create", "--title", "x", "--caller", "王小", "--json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)
    assert error["field"] == "caller" and "王小明" in error["suggestions"]
    assert agent1("ticket", "list", "--queue", "nope").exit_code == 2


def test_user_text_is_printed_literally(as_: Callable[[str], Run]) -> None:
    agent1 = as_("agent1")
    _json(agent1("ticket", "create", "--title", "[bold red]x[/] \x1b[31mred", "--json"))
    shown = agent1("ticket", "show", "INC1")
    assert "[bold red]x[/]" in shown.stdout
    assert "\x1b[31m" not in shown.stdout  # an escape sequence is never passed to the terminal


def test_settings_change_the_priority_matrix(as_: Callable[[str], Run]) -> None:
    sup = as_("sup")
    shown = _json(sup("settings", "show", "--json"))
    assert shown["priority_matrix"][0] == [1, 2, 3] and shown["reopen_window_days"] == 7
    _json(sup("settings", "set", "priority_matrix", "[[1,1,2],[2,3,4],[3,4,5]]", "--json"))
    made = _json(as_("agent1")("ticket", "create", "--title", "x", "--impact", "1",
                               "--urgency", "2", "--json"))  # fmt: skip
    assert made["priority"] == 1
    refused = as_("agent1")("settings", "set", "reopen_window_days", "30")
    assert refused.exit_code == 1 and "may not" in refused.stderr
    bad = sup("settings", "set", "reopen_window_days", "400")
    assert bad.exit_code == 1 and "0 to 365" in bad.stderr
    assert sup("settings", "set", "reopen_window_days", "{oops").exit_code == 2


def test_you_can_lists_what_this_operator_may_do(as_: Callable[[str], Run]) -> None:
    """The "you can" list is the workflow's rule for the operator asking, not the state's:
    a hotline agent on the server group's ticket may add a note, and only that."""
    agent1, agent2, eng = as_("agent1"), as_("agent2"), as_("eng1")
    number = _json(agent1("ticket", "create", "--title", "OA系统登录缓慢", "--json"))["number"]
    _json(
        agent1("ticket", "escalate", number, "--group", "server", "--reason", "需要二线", "--json")
    )
    assert _json(agent2("ticket", "show", number, "--json"))["allowed"] == ["note"]
    shown = agent2("ticket", "show", number)
    assert "you can" in shown.stdout and "note" in shown.stdout and "claim" not in shown.stdout
    assert "status" in shown.stdout and "new" in shown.stdout
    refused = agent2("ticket", "claim", number)
    assert refused.exit_code == 1 and "belongs to another group" in refused.output
    offered = _json(eng("ticket", "show", number, "--json"))["allowed"]
    assert {"claim", "escalate", "resolve", "reply"} <= set(offered)
    claimed = eng("ticket", "claim", number)
    assert claimed.exit_code == 0 and "in progress" in claimed.stdout  # the label, not the code
    assert "in_progress" not in eng("ticket", "show", number).stdout
