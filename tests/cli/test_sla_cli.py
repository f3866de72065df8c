"""``itsm sla`` and ``itsm alerts`` as scripts drive them: JSON out, exit code 1 on refusal."""

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


@pytest.fixture
def itsm(desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    def run(*args: str, login: str = "sup") -> Any:
        monkeypatch.setattr(staff_flow, "os_login", lambda: login)
        return runner.invoke(app, ["--db", db_url, *args])

    return run


def test_deadline_and_calc(itsm: Callable[..., Any]) -> None:
    result = itsm("sla", "deadline", "--priority", "P2", "--from", "2026-09-30T16:00", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["policy"] == "P2" and data["response_due_at"] == "2026-09-30T08:30:00+00:00"
    result = itsm(
        "sla", "calc", "--calendar", "office", "--from", "2026-11-27T11:00",
        "--to", "2026-11-30T09:00", "--json",
    )  # fmt: skip
    assert json.loads(result.stdout)["minutes"] == 330
    result = itsm("sla", "calc", "--from", "2026-11-27T11:30", "--minutes", "30")
    assert result.exit_code == 0 and "2026-11-27 13:30" in result.stdout
    bad = itsm("sla", "deadline", "--priority", "P9", "--from", "2026-09-30T16:00")
    assert bad.exit_code == 1 and "P1 … P5" in bad.stderr


def test_policy_set_show_and_refusal(itsm: Callable[..., Any]) -> None:
    result = itsm("sla", "policy", "set", "--priority", "P3", "--resolution", "900", "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(itsm("sla", "policy", "show", "--json").stdout)
    p3 = next(p for p in shown["policies"] if p["priority"] == 3 and not p["category"])
    assert p3["resolution"] == 900
    denied = itsm("sla", "policy", "set", "--priority", "P3", "--resolution", "5", login="agent1")
    assert denied.exit_code == 1


def test_status_explain_calendar_and_alerts(itsm: Callable[..., Any], tmp_path: Any) -> None:
    created = itsm(
        "ticket", "create", "--title", "打印机卡纸", "--impact", "2", "--urgency", "2",
        "--json", login="agent1",
    )  # fmt: skip
    number = json.loads(created.stdout)["number"]
    status = json.loads(itsm("sla", "status", number, "--json").stdout)
    assert status["policy"] == "P3" and status["state"] == "running"
    explained = itsm("sla", "explain", number)
    assert explained.exit_code == 0 and "response:50" in explained.stdout
    path = tmp_path / "cal.toml"
    path.write_text('[holidays]\n2026-12-01 = "机房断电"\n', encoding="utf-8")
    assert itsm("sla", "calendar", "import", str(path)).exit_code == 0
    shown = json.loads(itsm("sla", "calendar", "show", "--json").stdout)
    assert shown["holidays"]["2026-12-01"] == "机房断电"
    alerts = itsm("alerts", "list", "--mine", "--json")
    assert alerts.exit_code == 0 and json.loads(alerts.stdout) == {"items": [], "next": None}
