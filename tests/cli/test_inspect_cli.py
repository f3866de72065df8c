"""``itsm inspect`` as a sensor script and a supervisor drive it: JSON out, exit codes, one-line
errors naming the field."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.workflow import cmdb
from itsm_tui.workflow import staff as staff_flow
from tests.conftest import Desk

runner = CliRunner()
SMALL = Path(__file__).parents[1] / "unit" / "data" / "inspection_small.toml"


@pytest.fixture
def itsm(desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """``itsm`` as ``who`` (default: the inspector)."""
    cmdb.add_ci(desk.site, desk.admin, "核心机房A", "machine_room", criticality=1)
    cmdb.add_ci(desk.site, desk.admin, "UPS-01", "facility", attributes={"kind": "ups"})

    def run(*args: str, who: str = "insp") -> Any:
        monkeypatch.setattr(staff_flow, "os_login", lambda: who)
        return runner.invoke(app, ["--db", db_url, *args])

    return run


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_round_from_the_command_line(itsm: Callable[..., Any], tmp_path: Path) -> None:
    made = _json(itsm("inspect", "template", "import", str(SMALL), "--json", who="sup"))
    assert (made["code"], made["version"], made["created"]) == ("mr-daily", 1, True)
    listed = _json(itsm("inspect", "template", "list", "--json"))
    assert [(t["code"], t["item_count"]) for t in listed["items"]] == [("mr-daily", 5)]
    exported = itsm("inspect", "template", "export", "mr-daily")
    assert exported.exit_code == 0 and 'key = "ups_load"' in exported.stdout
    rnd = _json(itsm("inspect", "round", "start", "mr-daily", "--group", "hotline", "--json"))
    number = rnd["number"]
    answered = _json(itsm("inspect", "round", "answer", number, "temp_a", "29.5", "--json"))
    assert answered["outcome"] == "warn" and answered["incident"].startswith("INC")
    sensor = _json(
        itsm(
            "inspect",
            "reading",
            "add",
            "--ci",
            "UPS-01",
            "--item",
            "ups_load",
            "--value",
            "45",
            "--json",
        )
    )
    assert (sensor["round"], sensor["outcome"]) == (number, "pass")
    shown = _json(itsm("inspect", "round", "show", number, "--json"))
    assert [i["answer"]["outcome"] if i["answer"] else None for i in shown["checks"]] == [
        "warn",
        None,
        "pass",
        None,
        None,
    ]
    refused = itsm("inspect", "round", "complete", number, "--json")
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["field"] == "skipped"
    done = _json(
        itsm(
            "inspect",
            "round",
            "complete",
            number,
            "--skip",
            "leak=传感器维护",
            "--skip",
            "ups_light=门禁故障",
            "--skip",
            "remark=无",
            "--json",
        )
    )
    assert (done["warnings"], len(done["skipped"])) == (1, 3)
    history = _json(itsm("inspect", "history", "temp_a", "--json"))
    assert [r["value"] for r in history["items"]] == [29.5]
    months = _json(itsm("inspect", "failures", "mr-daily.temp_a", "--json"))
    assert list(months["failures_by_month"].values()) == [1]
    by_ci = _json(itsm("inspect", "history", "UPS-01", "--json"))
    assert {r["item"] for r in by_ci["items"]} == {"ups_load", "ups_light"}
    csv_out = itsm("inspect", "history", "temp_a", "--csv")
    assert csv_out.stdout.splitlines()[0].startswith("at,round,template")


def test_a_checklist_exported_as_yaml_imports_back(
    itsm: Callable[..., Any], tmp_path: Path
) -> None:
    _json(itsm("inspect", "template", "import", str(SMALL), "--json", who="sup"))
    target = tmp_path / "daily.yaml"
    written = itsm("inspect", "template", "export", "mr-daily", "-o", str(target))
    assert written.exit_code == 0, written.output
    assert "- key: ups_load" in target.read_text(encoding="utf-8")
    shown = itsm("inspect", "template", "export", "mr-daily", "--format", "yaml")
    assert shown.stdout == target.read_text(encoding="utf-8")
    again = _json(itsm("inspect", "template", "import", str(target), "--json", who="sup"))
    assert (again["version"], again["created"]) == (1, False)
    edited = tmp_path / "daily.yml"
    edited.write_text(target.read_text(encoding="utf-8").replace("[18, 27]", "[18, 26]"))
    newer = _json(itsm("inspect", "template", "import", str(edited), "--json", who="sup"))
    assert (newer["version"], newer["created"]) == (2, True)
    odd = itsm("inspect", "template", "export", "mr-daily", "--format", "xml")
    assert odd.exit_code == 1 and "format xml" in odd.stderr


def test_readings_from_a_csv_are_all_or_nothing(itsm: Callable[..., Any], tmp_path: Path) -> None:
    _json(itsm("inspect", "template", "import", str(SMALL), "--json", who="sup"))
    _json(itsm("inspect", "round", "start", "mr-daily", "--group", "hotline", "--json"))
    bad = tmp_path / "readings.csv"
    bad.write_text("ci,item,value\n核心机房A,temp_a,22\nUPS-01,ups_load,abc\n", encoding="utf-8")
    refused = itsm("inspect", "reading", "import", str(bad), "--json")
    assert refused.exit_code == 1
    errors = json.loads(refused.stdout)["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(3, "value")]
    history = _json(itsm("inspect", "history", "temp_a", "--json"))
    assert history["items"] == []  # the good line was not written either
    good = tmp_path / "good.csv"
    good.write_text("ci,item,value\n核心机房A,temp_a,22\nUPS-01,ups_load,45 %\n", encoding="utf-8")
    results = _json(itsm("inspect", "reading", "import", str(good), "--json"))
    assert [r["outcome"] for r in results["answers"]] == ["pass", "pass"]


def test_bad_input_is_one_line_naming_the_field(itsm: Callable[..., Any], tmp_path: Path) -> None:
    broken = tmp_path / "bad.toml"
    shutil.copy(SMALL, broken)
    broken.write_text(
        SMALL.read_text(encoding="utf-8").replace('key = "leak"', 'key = "temp_a"'),
        encoding="utf-8",
    )
    result = itsm("inspect", "template", "import", str(broken), who="sup")
    assert result.exit_code == 1
    assert "line 20" in result.stderr and "Duplicate key temp_a" in result.stderr
    _json(itsm("inspect", "template", "import", str(SMALL), "--json", who="sup"))
    never = itsm(
        "inspect",
        "schedule",
        "add",
        "x",
        "--template",
        "mr-daily",
        "--group",
        "hotline",
        "--cron",
        "0 0 30 2 *",
        "--json",
        who="sup",
    )
    assert never.exit_code == 1 and json.loads(never.stdout)["field"] == "cron"
    added = _json(
        itsm(
            "inspect",
            "schedule",
            "add",
            "twice",
            "--template",
            "mr-daily",
            "--group",
            "hotline",
            "--cron",
            "0 9,16 * * *",
            "--json",
            who="sup",
        )
    )
    assert added["active"] is True
    assert _json(itsm("inspect", "schedule", "list", "--json"))["items"][0]["code"] == "twice"
    forbidden = itsm("inspect", "schedule", "pause", "twice")
    assert forbidden.exit_code == 1  # an inspector runs rounds, not schedules
    assert (
        _json(itsm("inspect", "schedule", "pause", "twice", "--json", who="sup"))["active"] is False
    )
    rnd = _json(itsm("inspect", "round", "start", "mr-daily", "--group", "hotline", "--json"))
    nan = itsm("inspect", "round", "answer", rnd["number"], "temp_a", "warm", "--json")
    assert nan.exit_code == 1 and json.loads(nan.stdout)["field"] == "value"
    unit = itsm("inspect", "round", "answer", rnd["number"], "temp_a", "80 °F")
    assert unit.exit_code == 1 and "°F" in unit.stderr and len(unit.stderr.splitlines()) == 1
