"""The language: how it is chosen, that Chinese reads Chinese (plural forms too), that a missing
catalogue leaves English, that it is in force before the console's modules load, and that the
command line's ``--json`` never changes with it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_tui.common import config, i18n
from itsm_tui.common.i18n import _, ngettext


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.install("en")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zh_CN.UTF-8", "zh_CN"),
        ("zh_CN", "zh_CN"),
        ("zh-cn", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh_Hans_CN", "zh_CN"),
        ("en_US.UTF-8", "en"),
        ("C.UTF-8", "en"),
        ("POSIX", "en"),
        ("fr_FR.UTF-8", None),
        ("zh_TW.UTF-8", None),  # traditional Chinese is not Simplified Chinese
        ("", None),
    ],
)
def test_names_of_the_languages(value: str, expected: str | None) -> None:
    assert i18n.normalise(value) == expected


def test_itsm_lang_then_the_settings_file_then_the_locale_then_english() -> None:
    locale = {"LANG": "zh_CN.UTF-8"}
    assert i18n.choose({"ITSM_LANG": "en", **locale}, configured="zh_CN") == "en"
    assert i18n.choose(locale, configured="en") == "en"
    assert i18n.choose(locale) == "zh_CN"
    assert i18n.choose({"LC_ALL": "en_GB.UTF-8", **locale}) == "en"  # LC_ALL wins over LANG
    assert i18n.choose({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C"}) == "zh_CN"
    assert i18n.choose({"LANG": "fr_FR.UTF-8"}) == "en"  # a language we do not speak
    assert i18n.choose({}) == "en"
    # A value naming no language is passed over, to the next source.
    assert i18n.choose({"ITSM_LANG": "klingon", **locale}, configured=None) == "zh_CN"


def test_the_settings_file_names_the_language(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text('language = "zh_CN"\ntheme = "nord"\n', encoding="utf-8")
    assert config.read_console_file([file]).language == "zh_CN"
    file.write_text("language = 5\n", encoding="utf-8")
    read = config.read_console_file([file])
    assert read.language is None and "language must be text" in read.problems[0]


def test_chinese_reads_chinese_with_its_one_plural_form() -> None:
    assert i18n.install("zh_CN") == "zh_CN"
    assert _("Claim") == "认领"
    assert _("Escalate") == "升级"
    assert _("pending") == "挂起"
    assert i18n.status_text("in_progress") == "处理中"
    for n in (1, 3):
        assert ngettext("{n} loaded", "{n} loaded", n).format(n=n) == f"已读取 {n} 个"
    one = ngettext("{n:,} business service, above", "{n:,} business services, above", 1)
    assert one.format(n=1) == "上面 1 个业务服务"


def test_english_keeps_the_source_text_and_its_plurals() -> None:
    i18n.install("en")
    assert _("Claim") == "Claim"
    assert i18n.status_text("in_progress") == "in progress"
    forms = ("{n:,} business service, above", "{n:,} business services, above")
    assert ngettext(*forms, 1).format(n=1) == "1 business service, above"
    assert ngettext(*forms, 3).format(n=3) == "3 business services, above"


def test_a_missing_catalogue_leaves_english_and_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n.install("zh_CN") == "en"
    assert i18n.problem is not None and "zh_CN catalogue" in i18n.problem
    assert _("Claim") == "Claim"


def test_the_language_is_in_force_before_the_console_modules_load() -> None:
    """Textual reads BINDINGS when a module is imported: a bare ``itsm`` in Chinese shows the
    console's keys in Chinese, Textual's own keys panel included."""
    code = (
        "import os; os.environ['ITSM_LANG'] = 'zh_CN';"
        "from itsm_tui.console.start import install_language; install_language();"
        "from itsm_tui.console.app import ItsmApp;"
        "print([b.description for b in ItsmApp.BINDINGS][:2])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['新来电', '转到工单']"


def _cli_json(db_url: str, language: str, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    from itsm_tui.cli import app
    from itsm_tui.workflow import staff as staff_flow

    monkeypatch.setattr(staff_flow, "os_login", lambda: "ops")
    i18n.install(language)
    runner = CliRunner()
    outputs = []
    for args in (
        ["init"],
        ["staff", "list"],
        ["staff", "set-role", "nobody", "--role", "agent"],  # a refusal, as JSON
        ["ticket", "show", "INC999999"],
    ):
        result = runner.invoke(app, ["--db", db_url, *args, "--json"])
        outputs.append((result.exit_code, json.loads(result.stdout)))
    return outputs


def test_json_output_is_the_same_in_both_languages(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scripts parse ``--json``: its keys and codes stay English whatever the language."""
    english = _cli_json(db_url, "en", monkeypatch)
    chinese = _cli_json(db_url, "zh_CN", monkeypatch)
    assert chinese == english
    assert english[2][1]["error"] == "not_found"  # the refusal's code, in English


def test_a_refusal_is_shown_in_the_readers_language_and_stays_english_for_scripts() -> None:
    from itsm_tui.common.errors import Invalid, NotFound

    error = Invalid("Could not finish: {why}.", field="number", why="INC-1")
    i18n.install("zh_CN")
    assert error.text() == _("Could not finish: {why}.").format(why="INC-1")
    assert "INC-1" in error.text() and error.text() != error.message
    assert error.message == "Could not finish: INC-1."  # logs and --json read English
    assert error.to_dict()["message"] == "Could not finish: INC-1."

    missing = NotFound("Could not finish: {why}.", suggestions=["li.bin", "li.na"], why="x")
    assert missing.message.endswith("Did you mean: li.bin, li.na?")
    assert "li.bin, li.na" in missing.text() and "Did you mean" not in missing.text()


def test_a_sentence_without_arguments_keeps_its_braces() -> None:
    from itsm_tui.common.errors import Invalid

    assert Invalid("Use {number} as written.").message == "Use {number} as written."
