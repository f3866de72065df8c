"""A bare ``itsm`` opens in the language the operator keeps in their staff record.

Why a fresh process each time: the console's key labels (``BINDINGS``) and title are read when
its modules are imported, so only a process that has not yet imported them shows whether the
language was in force in time. The process runs the console as ``itsm_tui.launch`` does, with
no ``ITSM_LANG`` and no settings file: the staff record must beat the locale either way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from itsm_tui.workflow import staff as staff_flow
from tests.conftest import Desk

#: The console as a bare ``itsm`` opens it, as ``login``; prints what the operator reads.
SCRIPT = """
import asyncio, json, sys
from itsm_tui.common import i18n
from itsm_tui.common.config import Settings
from itsm_tui.workflow import operator

from itsm_tui.workflow import staff  # the child finds the operator through it

# The OS account, as the child reads it: for the record's read and for finding the operator.
operator.os_login = staff.os_login = lambda: sys.argv[2]
i18n.install_configured()
from itsm_tui.console.start import bare_console

app, first = bare_console(Settings(database_url=sys.argv[1]))
from textual.widgets._footer import FooterKey

async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            if list(app.screen.query(FooterKey)):
                break
        keys = [key.description for key in app.screen.query(FooterKey)]
        print(json.dumps({"language": i18n.language(), "title": str(app.sub_title),
                          "footer": keys, "login": app.actor.login}))
asyncio.run(main())
first.finish()
"""


def _console_as(login: str, db_url: str, tmp_path: Path, locale: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ("ITSM_LANG", "LC_ALL", "LANGUAGE")}
    env.update(
        LANG=locale,
        LC_MESSAGES=locale,
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # no settings file: no language there
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, db_url, login],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["login"] == login
    return result


def test_a_record_saying_chinese_beats_an_english_locale(
    desk: Desk, db_url: str, tmp_path: Path
) -> None:
    staff_flow.set_language(desk.site, desk.agent1, "agent1", "zh_CN")
    shown = _console_as("agent1", db_url, tmp_path, "C")
    assert shown["language"] == "zh_CN"
    assert shown["title"] == "IT 服务管理"
    footer = shown["footer"]
    assert isinstance(footer, list)
    assert "新来电" in footer and "命令" in footer  # bindings read at import: in Chinese
    assert "New call" not in footer


def test_a_record_saying_english_beats_a_chinese_locale(
    desk: Desk, db_url: str, tmp_path: Path
) -> None:
    staff_flow.set_language(desk.site, desk.agent2, "agent2", "en")
    shown = _console_as("agent2", db_url, tmp_path, "zh_CN.UTF-8")
    assert shown["language"] == "en"
    footer = shown["footer"]
    assert isinstance(footer, list)
    assert "New call" in footer and "新来电" not in footer


def test_no_record_leaves_the_locale(desk: Desk, db_url: str, tmp_path: Path) -> None:
    shown = _console_as("agent1", db_url, tmp_path, "zh_CN.UTF-8")
    assert shown["language"] == "zh_CN"
    assert "新来电" in shown["footer"]  # type: ignore[operator]


@pytest.mark.parametrize("given", ["en"])
def test_itsm_lang_still_beats_the_record(
    desk: Desk, db_url: str, tmp_path: Path, given: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff_flow.set_language(desk.site, desk.agent1, "agent1", "zh_CN")
    env_script = SCRIPT.replace(
        "i18n.install_configured()", f"i18n.install_configured({{'ITSM_LANG': {given!r}}})"
    )
    monkeypatch.setattr(sys.modules[__name__], "SCRIPT", env_script)
    shown = _console_as("agent1", db_url, tmp_path, "C")
    assert shown["language"] == "en" and "New call" in shown["footer"]  # type: ignore[operator]
