"""``itsm survey``, ``itsm complaint`` and ``itsm score`` as a script drives them."""

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
Run = Callable[..., Any]


@pytest.fixture
def itsm(desk: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    def run(*args: str, login: str = "agent1") -> Any:
        monkeypatch.setattr(staff_flow, "os_login", lambda: login)
        return runner.invoke(app, ["--db", db_url, *args])

    return run


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _resolved(itsm: Run) -> str:
    number = itsm("call", "log", "--caller", "E001", "--title", "OA系统登录缓慢", "-q")
    assert number.exit_code == 0, number.output
    n = number.stdout.strip()
    assert itsm("ticket", "resolve", n, "--code", "fixed", "--text", "已恢复").exit_code == 0
    return n


def test_a_survey_answered_from_a_script(itsm: Run) -> None:
    number = _resolved(itsm)
    listed = _json(itsm("survey", "list", "--status", "open", "--json"))
    assert [(s["ticket"], s["staff"]) for s in listed["items"]] == [(number, "agent1")]
    assert listed["next"] is None
    unsolved = itsm("survey", "answer", number, "--overall", "4", "--json")
    assert unsolved.exit_code == 1
    assert json.loads(unsolved.stdout)["field"] == "solved"  # the site asks it
    out_of_range = itsm("survey", "answer", number, "--overall", "7", "--json")
    assert out_of_range.exit_code == 2
    assert json.loads(out_of_range.stdout)["field"] == "--overall"
    answered = _json(itsm("survey", "answer", number, "--overall", "2", "--not-solved", "--json"))
    assert (answered["status"], answered["low_score"], answered["reopen_offer"]) == (
        "answered",
        True,
        True,
    )
    again = itsm("survey", "answer", number, "--overall", "4", "--solved")
    assert again.exit_code == 1
    assert again.stderr.strip().endswith("is already answered.")
    alerts = _json(itsm("alerts", "list", "--json", login="sup"))
    assert [a["ticket"] for a in alerts["items"]] == [number]


def test_a_survey_link_is_signed(itsm: Run) -> None:
    number = _resolved(itsm)
    made = _json(itsm("survey", "link", number, "--json"))
    assert made["link"] == "/survey/" + made["token"]
    assert made["token"].count(".") == 3


def test_a_complaint_from_logging_to_verdict(itsm: Run) -> None:
    ref = itsm("complaint", "add", "--staff", "eng1", "--text", "处理拖延", "-q")
    assert ref.exit_code == 0, ref.output
    complaint = ref.stdout.strip()
    refused = itsm("complaint", "review", complaint, "--verdict", "valid", "--reason", "x")
    assert refused.exit_code == 1  # hotline staff log, supervisors judge
    judged = _json(
        itsm(
            "complaint",
            "review",
            complaint,
            "--verdict",
            "valid",
            "--reason",
            "录音属实",
            "--json",
            login="sup",
        )
    )
    assert (judged["status"], judged["reviewer"]) == ("valid", "sup")
    shown = _json(itsm("complaint", "show", complaint, "--json", login="sup"))
    assert [e["action"] for e in shown["history"]] == ["create", "judge"]


def test_a_scorecard_shown_explained_and_ranked(itsm: Run) -> None:
    number = _resolved(itsm)
    card = _json(itsm("score", "show", "agent1", "--period", "2026", "--json"))
    by = {i["formula"]: i for i in card["indicators"]}
    assert set(by) == {"satisfaction", "valid_complaints", "first_line_rate", "call_volume"}
    assert (by["first_line_rate"]["value"], by["first_line_rate"]["weight"]) == (100.0, 25.0)
    assert {"band", "points", "weighted"} <= set(by["call_volume"])
    rows = _json(
        itsm(
            "score",
            "rows",
            "agent1",
            "--period",
            "2026",
            "--indicator",
            "first_line_rate",
            "--json",
        )
    )
    assert [(r["ticket"], r["counts"]) for r in rows["items"]] == [(number, True)]
    assert itsm("score", "show", "agent1", "--period", "2026", login="agent2").exit_code == 1
    ranking = _json(itsm("score", "rank", "hotline", "--period", "2026", "--json", login="sup"))
    assert [c["login"] for c in ranking["items"]] == ["agent1", "agent2"]
    closed = _json(itsm("score", "close", "2025", "--json", login="sup"))
    assert closed == {"period": "2025", "scorecards": 2}


def test_a_bad_scheme_names_the_file_key_and_line(itsm: Run, tmp_path: Path) -> None:
    exported = itsm("score", "scheme", "export", login="sup")
    assert exported.exit_code == 0 and "first_line_rate" in exported.stdout
    bad = tmp_path / "scheme.toml"
    bad.write_text(exported.stdout.replace("weight = 40", "weight = 45"), encoding="utf-8")
    refused = itsm("score", "scheme", "import", str(bad), login="sup")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        f"itsm: {bad}: line 6, indicator[1].weight: the weights add up to 105, not 100."
    )
    good = tmp_path / "good.toml"
    good.write_text(exported.stdout, encoding="utf-8")
    imported = _json(itsm("score", "scheme", "import", str(good), "--json", login="sup"))
    assert imported["version"] == 1


def test_the_site_wording_is_set_listed_and_read_out_with_the_next_caller(itsm: Run) -> None:
    wording = {"overall": {"zh_CN": "您对这次服务满意吗？", "en": "Happy with us today?"}}
    bad = itsm("settings", "set", "survey_wording", json.dumps({"overall": {"en": "x"}}), "--json",
               login="sup")  # fmt: skip
    assert bad.exit_code == 1 and json.loads(bad.stdout)["field"] == "survey_wording"
    assert "no wording in zh_CN" in json.loads(bad.stdout)["message"]
    done = itsm("settings", "set", "survey_wording", json.dumps(wording, ensure_ascii=False),
                login="sup")  # fmt: skip
    assert done.exit_code == 0, done.output
    listed = _json(itsm("survey", "questions", "--json"))["questions"]
    assert listed[0] == {"name": "overall", "kind": "score", "text": wording["overall"]}
    assert [q["name"] for q in listed] == ["overall", "timeliness", "attitude", "solved", "comment"]
    table = itsm("survey", "questions")
    assert "Happy with us today?" in table.stdout and "您对这次服务满意吗？" in table.stdout
    number = _resolved(itsm)
    made = _json(itsm("survey", "link", number, "--json"))
    assert made["questions"] == listed
    taken = itsm("survey", "next", login="agent2")
    assert taken.exit_code == 0, taken.output
    assert "1. Happy with us today?  (--overall)" in taken.stdout
    assert "4. Was your problem solved?  (--solved)" in taken.stdout
    empty = _json(itsm("survey", "next", "--json", login="agent2"))  # the one survey is held
    assert empty == {"survey": None, "questions": listed}
