"""``itsm problem`` and ``itsm kb`` as scripts drive them: JSON out, exit codes, the
resolution preview, Markdown import and export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.workflow import staff as staff_flow
from itsm_tui.workflow.tickets import TicketDraft, create_ticket
from tests.conftest import Desk

runner = CliRunner()


@pytest.fixture
def itsm(desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    login = {"who": "eng1"}
    monkeypatch.setattr(staff_flow, "os_login", lambda: login["who"])

    def run(*args: str, who: str = "eng1") -> Any:
        login["who"] = who
        return runner.invoke(app, ["--db", db_url, *args])

    return run


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_problem_from_incidents_to_resolution(itsm: Callable[..., Any], desk: Desk) -> None:
    numbers = [
        create_ticket(
            desk.site, desk.agent1, TicketDraft(title=f"OA白屏{i}", group="server")
        ).number
        for i in range(2)
    ]
    made = _json(itsm("problem", "create", "-t", numbers[0], "-t", numbers[1], "--json"))
    assert made["number"] == "PRB000001"
    assert [i["number"] for i in made["incidents"]] == numbers
    refused = itsm("problem", "create", "-t", numbers[0], who="agent1")
    assert refused.exit_code == 1 and "may not" in refused.stderr
    _json(itsm("problem", "investigate", "PRB1", "--json"))
    known = _json(
        itsm(
            "problem",
            "known-error",
            "1",
            "--cause-code",
            "software_defect",
            "--root-cause",
            "前端脚本缺陷",
            "--workaround",
            "清除缓存",
            "--json",
        )
    )
    assert known["status"] == "known_error"
    preview = _json(itsm("problem", "resolve", "PRB1", "--preview", "--json"))
    assert [o["number"] for o in preview["items"]] == numbers
    assert _json(itsm("problem", "show", "PRB1", "--json"))["status"] == "known_error"
    done = _json(
        itsm("problem", "resolve", "PRB1", "--fix", "升级到3.2", "--with-incidents", "--json")
    )
    assert done["resolved"] == numbers
    listed = _json(itsm("problem", "list", "--status", "resolved", "--json"))
    assert [p["number"] for p in listed["items"]] == ["PRB000001"]
    assert "software_defect" in itsm("problem", "causes").stdout
    assert _json(itsm("problem", "candidates", "--json"))["items"] == []
    bad = itsm("problem", "list", "--status", "bogus", "--json")
    assert bad.exit_code == 1 and json.loads(bad.stdout)["field"] == "status"


def test_kb_write_review_publish_search_suggest(itsm: Callable[..., Any]) -> None:
    added = itsm("kb", "add", "--title", "VPN证书过期无法连接", "--body", "续期证书。", "--json")
    number = _json(added)["number"]
    assert itsm("kb", "review", number, who="eng1").exit_code == 1  # a supervisor reviews
    _json(itsm("kb", "review", number, "--json", who="sup"))
    _json(itsm("kb", "publish", number, "--json", who="sup"))
    hits = _json(itsm("kb", "search", "vpn 证书", "--json"))["items"]
    assert [h["number"] for h in hits] == [number]
    assert _json(itsm("kb", "search", "！！", "--json"))["items"] == []
    suggested = _json(itsm("kb", "suggest", "VPN 证书过期", "--json"))
    assert [a["number"] for a in suggested["articles"]] == [number]
    _json(itsm("kb", "edit", number, "--body", "在统一身份认证平台续期证书。", "--json"))
    diff = itsm("kb", "history", number, "--diff")
    assert "+在统一身份认证平台续期证书。" in diff.stdout
    assert len(_json(itsm("kb", "history", number, "--json"))["items"]) == 2


def test_kb_export_and_import_round_trip(itsm: Callable[..., Any], tmp_path: Path) -> None:
    body = "## 处理\n取出卡纸。"
    _json(itsm("kb", "add", "--title", "打印机卡纸", "--body", body, "--tag", "打印机", "--json"))
    assert _json(itsm("kb", "export", str(tmp_path), "--json"))["articles"] == ["KB000001"]
    text = (tmp_path / "KB000001.md").read_text(encoding="utf-8")
    assert text.startswith("---\nnumber: KB000001\ntitle: 打印机卡纸\n")
    added = _json(itsm("kb", "import", str(tmp_path / "KB000001.md"), "--json"))["articles"]
    assert added == ["KB000002"]
    copy = _json(itsm("kb", "show", "KB2", "--json"))
    assert (copy["body"], copy["tags"]) == ("## 处理\n取出卡纸。", ["打印机"])
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: 坏文件\nauthor: 某人\n---\n正文", encoding="utf-8")
    refused = itsm("kb", "import", str(bad))
    assert refused.exit_code == 1 and "bad.md, line 3" in refused.stderr
