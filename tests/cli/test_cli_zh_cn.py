"""The command line in Chinese and in English: help, usage errors and refusals read in the
language in force; ``--json`` is the same in both (scripts parse it)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.common import i18n
from itsm_tui.workflow import staff as staff_flow

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.install("en")


def _run(language: str, *args: str) -> Any:
    assert i18n.install(language) == language, i18n.problem
    return runner.invoke(app, list(args))


def test_itsm_help_in_both_languages() -> None:
    english = _run("en", "--help")
    chinese = _run("zh_CN", "--help")
    assert english.exit_code == chinese.exit_code == 0
    assert english.stdout.startswith("Usage: itsm [OPTIONS] COMMAND [ARGS]...")
    assert "ITIL service management in the terminal" in english.stdout
    assert "Show this message and exit." in english.stdout
    assert not CJK.search(english.stdout)
    assert chinese.stdout.startswith("用法：itsm [OPTIONS] COMMAND [ARGS]...")
    for words in ("终端里的 ITIL 服务管理", "选项", "命令", "显示本帮助并退出", "事件和服务请求"):
        assert words in chinese.stdout, words
    for english_words in ("Usage", "Show this message", "Incidents and service requests"):
        assert english_words not in chinese.stdout


def test_a_sub_commands_help_and_its_options_in_both_languages() -> None:
    english = _run("en", "ticket", "escalate", "--help").stdout
    chinese = _run("zh_CN", "ticket", "escalate", "--help").stdout
    assert "Escalate to the next tier (1 → 2 → 3)." in english
    assert "A group of the next tier." in english and "--json" in english
    assert "升级到下一线（1 → 2 → 3）。" in chinese
    assert "下一线级的组。" in chinese and "原因（记入工单历史）。" in chinese
    assert "--group" in chinese and "--json" in chinese  # options keep their names
    assert "Escalate" not in chinese and "A group of" not in chinese


def test_a_groups_command_list_fits_in_chinese() -> None:
    """The first sentence of each command, cut to the line by columns, not characters."""
    listing = _run("zh_CN", "ticket", "--help").stdout
    assert "认领本组未分派的工单" in listing
    from rich.cells import cell_len

    assert max(cell_len(line) for line in listing.splitlines()) <= 80


def test_a_usage_error_in_both_languages() -> None:
    english = _run("en", "ticket", "claim")
    chinese = _run("zh_CN", "ticket", "claim")
    assert english.exit_code == chinese.exit_code == 2
    assert "Error: Missing argument 'NUMBER'." in english.stderr
    assert "Try 'itsm ticket claim -h' for help." in english.stderr
    assert "错误：缺少参数 'NUMBER'。" in chinese.stderr
    assert "用 'itsm ticket claim -h' 查看帮助。" in chinese.stderr
    unknown = _run("zh_CN", "ticket", "--nope")
    assert unknown.exit_code == 2 and "错误：没有选项：--nope" in unknown.stderr


def _as(login: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_flow, "os_login", lambda: login)


def test_a_refusal_in_chinese_on_stderr_and_english_in_json(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as("ops", monkeypatch)
    assert _run("en", "--db", db_url, "init").exit_code == 0
    added = _run(
        "en", "--db", db_url, "staff", "add", "li.bin", "--name", "李斌", "--role", "agent"
    )
    assert added.exit_code == 0, added.output
    _as("li.bin", monkeypatch)
    refused = _run("zh_CN", "--db", db_url, "staff", "set-role", "ops", "--role", "agent")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        "itsm：li.bin（一线坐席）无权管理员工和角色；需要以下角色之一：管理员。"
    )
    as_json = _run("zh_CN", "--db", db_url, "staff", "set-role", "ops", "--role", "agent", "--json")
    assert json.loads(as_json.stdout) == {
        "error": "forbidden",
        "message": "li.bin (agent) may not manage staff and roles; that needs one of: admin.",
        "field": None,
    }
    missing = _run("zh_CN", "--db", db_url, "ticket", "show", "INC999999")
    assert missing.exit_code == 1 and "没有工单 INC999999。" in missing.stderr


#: A command of each kind: set-up, reads, a creation, changes, refusals (invalid, not found).
SCRIPT = (
    ["init"],
    ["staff", "whoami"],
    ["staff", "list"],
    ["group", "add", "hotline", "--name", "服务台热线", "--tier", "1"],
    ["group", "add-member", "hotline", "ops"],
    ["group", "list"],
    ["category", "list"],
    ["settings", "show"],
    ["sla", "policy", "show"],
    ["db", "current"],
    ["ticket", "create", "--title", "打印机卡纸", "--type", "incident"],
    ["ticket", "list"],
    ["ticket", "claim", "INC000001"],
    ["ticket", "show", "INC000001"],
    ["ticket", "history", "INC000001"],
    ["ticket", "resolve", "INC000001", "--code", "bogus", "--text", "x"],
    ["ticket", "escalate", "INC000001", "--group", "nowhere", "--reason", "x"],
    ["ticket", "show", "INC999999"],
    ["alerts", "list"],
    ["ticket", "nonsense"],  # a usage error: Typer's own words, English in JSON too
)
#: Times differ between two runs; everything else must not.
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")


def _script(language: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    _as("ops", monkeypatch)
    where = folder / language
    where.mkdir()
    outputs = []
    for args in SCRIPT:
        result = _run(language, "--db", f"sqlite:///{where / 'itsm.db'}", *args, "--json")
        text = STAMP.sub("T", result.stdout).replace(str(where), "DIR")
        outputs.append((args, result.exit_code, json.loads(text)))
    return outputs


def test_json_is_the_same_in_both_languages_for_every_kind_of_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    english = _script("en", tmp_path, monkeypatch)
    chinese = _script("zh_CN", tmp_path, monkeypatch)
    assert chinese == english
    codes = [code for _args, code, _out in english]
    refusals = [out["error"] for _args, code, out in english if code]
    assert refusals == ["invalid", "not_found", "not_found", "usage"], english
    assert codes.count(1) == 3 and codes.count(2) == 1
