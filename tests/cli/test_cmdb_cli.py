"""``itsm ci`` as a script drives it: import, link, impact, export — JSON out, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.workflow import staff as staff_flow
from tests.conftest import Desk

runner = CliRunner()


@pytest.fixture
def itsm(desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    monkeypatch.setattr(staff_flow, "os_login", lambda: "eng1")
    return lambda *args: runner.invoke(app, ["--db", db_url, *args])


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_import_link_impact_export(itsm: Callable[..., Any], tmp_path: Path) -> None:
    cis = tmp_path / "cis.csv"
    cis.write_text(
        "asset_tag;class;name;criticality;kind\n"
        "ZC-1;server;OA-APP-01;2;virtual\n"
        ";business_service;OA;1;\n;rack;机柜-A01;3;\n",
        encoding="gb18030",
    )
    dry = _json(itsm("ci", "import", str(cis), "--dry-run", "--json"))
    assert (dry["created"], dry["encoding"], dry["delimiter"]) == (3, "gb18030", ";")
    done = _json(itsm("ci", "import", str(cis), "--json"))
    assert done["written"] is True and done["created"] == 3
    _json(itsm("ci", "link", "business_service:OA", "runs_on", "ZC-1", "--json"))
    report = _json(itsm("ci", "impact", "ZC-1", "--json"))
    assert [s["name"] for s in report["services"]] == ["OA"]
    assert report["major_suggested"] is True
    assert (report["upstream_count"], report["upstream_classes"]) == (1, {"business_service": 1})
    text = itsm("ci", "impact", "ZC-1", "--all")
    assert text.exit_code == 0
    assert "used by, directly or not: 1 CIs hit (1 business_service)" in text.stdout
    assert "C1 OA: business_service:OA —runs_on→ server:OA-APP-01" in text.stdout
    shown = _json(itsm("ci", "show", "ZC-1", "--json"))
    assert shown["relations"][0]["other"] == "business_service:OA"
    found = _json(itsm("ci", "search", "OA", "--json"))
    assert {f["name"] for f in found["items"]} == {"OA", "OA-APP-01", "OA办公系统"}
    assert found["next"] is None
    first = _json(itsm("ci", "search", "OA", "--limit", "2", "--json"))
    rest = _json(itsm("ci", "search", "OA", "--after", first["next"], "--json"))
    assert [f["name"] for f in first["items"] + rest["items"]] == [
        f["name"] for f in found["items"]
    ]
    updated = _json(itsm("ci", "update", "ZC-1", "--set", "status=maintenance", "--json"))
    assert updated["status"] == "maintenance" and updated["version"] == 2
    out = itsm("ci", "export", "--format", "json")
    assert out.exit_code == 0 and "OA-APP-01" in out.stdout


def test_bad_rows_exit_1_with_every_error(itsm: Callable[..., Any], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("class,name,ip\nserver,S1,1.2.3.4\nrack,R1,nope\n", encoding="utf-8")
    result = itsm("ci", "import", str(bad), "--json")
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["error"] == "import_rejected"
    assert [(e["line"], e["column"]) for e in body["summary"]["errors"]] == [(2, "kind"), (3, "ip")]
    plain = itsm("ci", "add", "R2", "--class", "rack", "--set", "units=x")
    assert plain.exit_code == 1 and "units" in plain.stderr


def test_a_refused_export_leaves_the_file_it_would_have_replaced(
    itsm: Callable[..., Any], tmp_path: Path
) -> None:
    kept = tmp_path / "cis.csv"
    kept.write_text("yesterday's export\n", encoding="utf-8")
    refused = itsm("ci", "export", "-o", str(kept), "--format", "xml")
    assert refused.exit_code == 1 and "not csv or json" in refused.output
    assert kept.read_text(encoding="utf-8") == "yesterday's export\n"
    assert itsm("ci", "export", "-o", str(kept)).exit_code == 0
    assert "OA办公系统" in kept.read_text(encoding="utf-8-sig")
    assert [p.name for p in tmp_path.iterdir()] == ["cis.csv"]  # no partial file left behind
