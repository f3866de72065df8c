"""``itsm change`` as a script drives it: a normal change from create to close with the CAB's
approvals, --json everywhere, refusals with exit 1 naming the field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.storage.tables import JournalEntry
from itsm_tui.workflow import staff as staff_flow
from tests.conftest import Desk
from tests.unit.change_fixtures import cab, estate

runner = CliRunner()
#: A Monday morning well ahead of the wall clock (the command line runs on the real one).
START, END = "2027-03-01 09:00", "2027-03-01 11:00"


@pytest.fixture
def itsm(desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    estate(desk)
    cab(desk)

    def run(login: str, *args: str) -> Any:
        monkeypatch.setattr(staff_flow, "os_login", lambda: login)
        return runner.invoke(app, ["--db", db_url, *args])

    return run


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_change_from_create_to_close(itsm: Callable[..., Any]) -> None:
    number = itsm(
        "eng1",
        "change", "create", "--type", "normal", "--title", "数据库补丁升级",
        "--reason", "安全补丁", "--plan", "打补丁", "--backout", "回滚", "--test", "办一件业务",
        "--start", START, "--end", END, "--implementer", "eng1", "--group", "server",
        "--ci", "db01", "-q",
    ).stdout.strip()  # fmt: skip
    assert number == "CHG000001"
    assert _json(itsm("eng1", "change", "submit", number, "--json"))["status"] == "submitted"
    assessed = _json(itsm("sup", "change", "assess", number, "--json"))
    assert assessed["risk_level"] == "medium"
    risk = _json(itsm("sup", "change", "risk", number, "--json"))
    assert {f["factor"] for f in risk["now"]["factors"]} >= {"service_critical", "type_normal"}
    text = itsm("sup", "change", "risk", number)
    assert "critical business services at stake" in text.stdout and "网上办事大厅" in text.stdout
    _json(itsm("sup", "change", "request", number, "--json"))
    pending = _json(itsm("spec1", "change", "approvals", "--json"))
    assert [p["number"] for p in pending["items"]] == [number]
    _json(itsm("spec1", "change", "approve", number, "--comment", "同意", "--json"))
    _json(itsm("sup", "change", "approve", number, "--json"))
    assert _json(itsm("spec1", "change", "approvals", "--json"))["items"] == []
    view = _json(itsm("sup", "change", "schedule", number, "--json"))
    assert view["status"] == "scheduled" and view["window_start"].startswith("2027-03-01T01:00")
    listed = _json(itsm("agent1", "change", "list", "--status", "scheduled", "--json"))
    assert [r["number"] for r in listed["items"]] == [number]
    assert _json(itsm("eng1", "change", "conflicts", number, "--json"))["items"] == []
    shown = itsm("agent1", "change", "show", number)
    assert shown.exit_code == 0 and "2027-03-01 09:00" in shown.stdout
    assert "sup" in shown.stdout and "approved" in shown.stdout


def test_refusals_exit_1_naming_the_field(itsm: Callable[..., Any]) -> None:
    bad = itsm(
        "eng1", "change", "create", "--type", "normal", "--title", "x",
        "--start", END, "--end", START, "--json",
    )  # fmt: skip
    assert bad.exit_code == 1 and json.loads(bad.stdout)["field"] == "window_end"
    bad = itsm("eng1", "change", "create", "--type", "normal", "--title", "x", "--start", "明天")
    assert bad.exit_code == 1 and "window_start" in bad.output
    bad = itsm("eng1", "change", "create", "--type", "normal", "--title", "x", "--ci", "nope")
    assert bad.exit_code == 1
    bad = itsm("eng1", "change", "show", "CHG000404", "--json")
    assert bad.exit_code == 1 and json.loads(bad.stdout)["field"] == "change"


def test_freezes_import_and_the_calendar(itsm: Callable[..., Any], tmp_path: Path) -> None:
    toml = tmp_path / "freeze.toml"
    toml.write_text(
        '[[freeze]]\nname = "全国两会"\nstart = "2027-03-04 00:00"\nend = "2027-03-12 00:00"\n',
        encoding="utf-8",
    )
    assert itsm("eng1", "change", "freeze", "import", str(toml)).exit_code == 1  # not a supervisor
    rows = _json(itsm("sup", "change", "freeze", "import", str(toml), "--json"))["freezes"]
    assert [r["name"] for r in rows] == ["全国两会"]
    listed = itsm("sup", "change", "freeze", "list", "--days", "3660")
    assert "全国两会" in listed.stdout
    schedule = _json(itsm("agent1", "change", "calendar", "--json"))
    assert schedule["changes"] == []


def test_a_freeze_is_removed_by_a_supervisor_and_journaled(
    itsm: Callable[..., Any], desk: Desk
) -> None:
    added = _json(
        itsm(
            "sup", "change", "freeze", "add", "全国两会",
            "--start", "2027-03-04 00:00", "--end", "2027-03-12 00:00", "--json",
        )
    )  # fmt: skip
    freeze_id = str(added["id"])
    refused = itsm("eng1", "change", "freeze", "remove", freeze_id)
    assert refused.exit_code == 1  # not a supervisor; the freeze stays
    assert "全国两会" in itsm("sup", "change", "freeze", "list", "--days", "3660").stdout
    removed = _json(itsm("sup", "change", "freeze", "remove", freeze_id, "--json"))
    assert removed["name"] == "全国两会" and removed["id"] == added["id"]
    assert "全国两会" not in itsm("sup", "change", "freeze", "list", "--days", "3660").stdout
    again = itsm("sup", "change", "freeze", "remove", freeze_id)
    assert again.exit_code == 1 and f"#{freeze_id}" in again.stderr
    assert itsm("sup", "change", "freeze", "remove", "not-a-number").exit_code == 2
    with Session(desk.site.engine) as s:
        journal = s.exec(
            select(JournalEntry.action, JournalEntry.changes).where(
                JournalEntry.entity == "change_freeze"
            )
        ).all()
    assert [action for action, _changes in journal] == ["set", "remove"]
    assert journal[-1][1]["name"] == "全国两会"


def test_a_change_raised_from_a_problem_and_linked_to_it(itsm: Callable[..., Any]) -> None:
    assert (
        _json(
            itsm(
                "eng1", "problem", "create", "--title", "数据库连接池耗尽", "--ci", "db01", "--json"
            )
        )["number"]
        == "PRB000001"
    )
    made = _json(
        itsm("eng1", "change", "create", "--type", "normal", "--problem", "PRB1", "--json")
    )
    assert made["title"] == "数据库连接池耗尽" and made["cis"] == ["database:db01"]
    assert made["links"] == [{"relation": "fixes", "entity": "problem", "number": "PRB000001"}]
    shown = itsm("eng1", "problem", "show", "PRB000001")
    assert made["number"] in shown.stdout
    refused = itsm("agent1", "change", "fixes", made["number"], "PRB000001", "--unlink")
    assert refused.exit_code == 1  # the hotline does not manage problems
    gone = _json(itsm("eng1", "change", "fixes", made["number"], "PRB000001", "--unlink", "--json"))
    assert gone["links"] == []
    again = _json(itsm("eng1", "change", "fixes", made["number"], "PRB1", "--json"))
    assert [x["number"] for x in again["links"]] == ["PRB000001"]
    twice = itsm("eng1", "change", "fixes", made["number"], "PRB1")
    assert twice.exit_code == 1 and "PRB000001" in twice.stderr


def test_change_show_reads_in_chinese(itsm: Callable[..., Any]) -> None:
    from itsm_tui.common import i18n

    number = itsm(
        "eng1", "change", "create", "--type", "normal", "--title", "数据库补丁升级",
        "--start", START, "--end", END, "--quiet",
    ).stdout.strip()
    try:
        assert i18n.install("zh_CN") == "zh_CN", i18n.problem
        shown = itsm("agent1", "change", "show", number)
    finally:
        i18n.install("en")
    assert shown.exit_code == 0, shown.output
    assert f"{number}（第 1 版）" in shown.stdout
    assert "一般" in shown.stdout and "草稿" in shown.stdout and "未评估" in shown.stdout
    assert "等变更" not in shown.stdout  # the number's label, not the pending reason "change"
    for english in ("version", "normal", "draft", "not assessed"):
        assert english not in shown.stdout, english
    english = itsm("agent1", "change", "show", number)
    assert f"{number} (version 1)" in english.stdout and "not assessed" in english.stdout
