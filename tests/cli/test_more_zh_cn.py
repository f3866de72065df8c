"""What read English in a Chinese session until now: CMDB import row errors, business-calendar
refusals and the impact analysis's reasons. A person reads them in Chinese; ``--json`` keeps
its keys, codes and messages in English, the same in both languages."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.common import i18n
from itsm_tui.workflow import staff as staff_flow
from tests.conftest import Desk

runner = CliRunner()


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.install("en")


@pytest.fixture
def itsm(desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """``itsm`` as eng1 (CMDB) or sup (SLA), in ``language``."""

    def run(language: str, *args: str, who: str = "eng1") -> Any:
        monkeypatch.setattr(staff_flow, "os_login", lambda: who)
        assert i18n.install(language) == language, i18n.problem
        return runner.invoke(app, ["--db", db_url, *args])

    return run


def test_cmdb_import_row_errors_in_chinese_and_english_json(
    itsm: Callable[..., Any], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "class,name,ip\nserver,S1,1.2.3.4\nrack,R1,nope\nrack,R2,\nrack,R2,\n", encoding="utf-8"
    )
    shown = itsm("zh_CN", "ci", "import", str(bad), "--dry-run")
    assert shown.exit_code == 1
    assert "第 3 行，ip 列（值 'nope'）：" in shown.stdout
    assert "第 5 行，name 列（值 'R2'）：与第 4 行是同一个配置项" in shown.stdout
    assert "line 3" not in shown.stdout and "the same CI" not in shown.stdout
    rejected = itsm("zh_CN", "ci", "import", str(bad))
    assert rejected.exit_code == 1
    first = "第 2 行，kind 列：server 需要 'kind'（另有 2 个错误）；未导入任何内容"
    assert first in rejected.stderr
    assert "line 2" not in rejected.stderr

    english = itsm("en", "ci", "import", str(bad), "--json")
    chinese = itsm("zh_CN", "ci", "import", str(bad), "--json")
    assert english.stdout == chinese.stdout  # scripts read the same in every language
    body = json.loads(chinese.stdout)
    assert body["error"] == "import_rejected" and body["message"].endswith(
        "nothing was imported (fix the file, or --skip-invalid to import the rest)."
    )
    errors = body["summary"]["errors"]
    assert set(errors[0]) == {"line", "column", "value", "message"}
    assert errors[-1] == {
        "line": 5,
        "column": "name",
        "value": "R2",
        "message": "the same CI as line 4",
    }


def test_a_calendar_file_refused_in_chinese_and_english_json(
    itsm: Callable[..., Any], tmp_path: Path
) -> None:
    bad = tmp_path / "days.toml"
    bad.write_text('[holidays]\n2027-13-01 = "春节"\n', encoding="utf-8")
    refused = itsm("zh_CN", "sla", "calendar", "import", str(bad), who="sup")
    assert refused.exit_code == 1
    assert "键“holidays.2027-13-01”：'2027-13-01' 不是日期（应为 YYYY-MM-DD）。" in (
        refused.stderr
    )
    as_json = itsm("zh_CN", "sla", "calendar", "import", str(bad), "--json", who="sup")
    body = json.loads(as_json.stdout)
    assert body["error"] == "invalid" and body["field"] == "file"
    assert body["message"] == (
        f"{bad}: key 'holidays.2027-13-01': '2027-13-01' is not a date (expected YYYY-MM-DD)."
    )


def test_the_reasons_for_a_major_incident_in_chinese_and_english_json(
    itsm: Callable[..., Any], tmp_path: Path
) -> None:
    cis = tmp_path / "cis.csv"
    cis.write_text(
        "asset_tag,class,name,criticality,kind\nZC-1,server,OA-APP-01,2,virtual\n"
        ",business_service,OA,1,\n",
        encoding="utf-8",
    )
    assert itsm("en", "ci", "import", str(cis)).exit_code == 0
    assert itsm("en", "ci", "link", "business_service:OA", "runs_on", "ZC-1").exit_code == 0
    shown = itsm("zh_CN", "ci", "impact", "ZC-1")
    assert shown.exit_code == 0, shown.output
    assert "关键业务服务 OA 受到影响：business_service:OA —runs_on→ server:OA-APP-01" in (
        shown.stdout
    )
    assert "critical service" not in shown.stdout
    english = itsm("en", "ci", "impact", "ZC-1", "--json")
    chinese = itsm("zh_CN", "ci", "impact", "ZC-1", "--json")
    assert english.stdout == chinese.stdout
    assert json.loads(chinese.stdout)["reasons"] == [
        "critical service OA is hit: business_service:OA —runs_on→ server:OA-APP-01"
    ]
