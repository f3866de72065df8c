"""``itsm`` with no arguments opens the console without the command line; anything else,
including a case the console cannot open on its own, goes to the command line."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

import itsm_tui.console as console_module
from itsm_tui import launch
from itsm_tui.workflow import staff as staff_flow
from tests.conftest import Desk


class FakeApp:
    """Stands in for the Textual app: records who it was opened for."""

    opened: ClassVar[list[str]] = []

    def __init__(self, site: Any, actor: Any) -> None:
        self.actor = actor

    def run(self) -> None:
        FakeApp.opened.append(self.actor.login)


@pytest.fixture
def bare_itsm(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> Desk:
    url = desk.site.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("ITSM_DATABASE_URL", url)
    monkeypatch.setattr("sys.argv", ["itsm"])
    monkeypatch.setattr(console_module, "console", FakeApp)
    FakeApp.opened = []
    return desk


def test_bare_itsm_opens_the_console_for_the_os_account(
    bare_itsm: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_flow, "os_login", lambda: "agent1")
    launch.main()
    assert FakeApp.opened == ["agent1"]


def test_an_unknown_account_gets_the_command_lines_refusal(
    bare_itsm: Desk, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(staff_flow, "os_login", lambda: "stranger")
    with pytest.raises(SystemExit) as done:
        launch.main()
    assert done.value.code == 1 and FakeApp.opened == []
    assert "itsm staff add stranger" in capsys.readouterr().err


def test_arguments_go_to_the_command_line(
    bare_itsm: Desk, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.argv", ["itsm", "--help"])
    with pytest.raises(SystemExit) as done:
        launch.main()
    assert done.value.code == 0 and "Run with no command to open the console" in (
        capsys.readouterr().out
    )
