"""``itsm`` with no arguments opens the console without the command line; anything else,
including a case the console cannot open on its own, goes to the command line.

A bare start reads the operator and the dashboard in a forked process (``itsm_tui.console.start``):
these run the real fork, and the child inherits the patched OS login."""

from __future__ import annotations

import gc
import os
from typing import Any, ClassVar

import pytest

import itsm_tui.console.app as app_module
from itsm_tui import launch
from itsm_tui.common import collector
from itsm_tui.workflow import staff as staff_flow
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.tickets import Queue, TicketDraft
from tests.conftest import Desk


class FakeApp:
    """Stands in for the Textual app: records who it was opened for."""

    opened: ClassVar[list[str]] = []
    last: ClassVar[FakeApp | None] = None

    def __init__(self, site: Any, who: Any, *, first_board: Any = None) -> None:
        self.site, self.who, self.first_board = site, who, first_board
        self.engine_open_at_start = site._engine is not None
        self.refused = False

    def run(self) -> None:
        actor = self.who()  # as ItsmApp asks before it takes the terminal
        self.refused = actor is None
        if actor is not None:
            FakeApp.opened.append(actor.login)
        FakeApp.last = self


@pytest.fixture
def bare_itsm(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> Desk:
    url = desk.site.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("ITSM_DATABASE_URL", url)
    monkeypatch.setattr("sys.argv", ["itsm"])
    monkeypatch.setattr(app_module, "ItsmApp", FakeApp)
    FakeApp.opened, FakeApp.last = [], None
    return desk


def test_bare_itsm_opens_the_console_for_the_os_account(
    bare_itsm: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_flow, "os_login", lambda: "agent1")
    launch.main()
    assert FakeApp.opened == ["agent1"]
    with pytest.raises(ChildProcessError):  # the forked reader is over and reaped
        os.waitpid(-1, os.WNOHANG)


def test_the_first_figures_come_from_the_forked_read_not_this_process(
    bare_itsm: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = t.create_ticket(bare_itsm.site, bare_itsm.agent1, TicketDraft(title="printer jam"))
    t.claim(bare_itsm.site, bare_itsm.agent1, number.number)
    monkeypatch.setattr(staff_flow, "os_login", lambda: "agent1")
    launch.main()
    app = FakeApp.last
    assert app is not None and not app.engine_open_at_start  # no database code here yet
    board = app.first_board.result(timeout=30)
    assert board.counts[Queue.MINE] == 1
    assert [row.title for row in board.mine.rows] == ["printer jam"]


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


def test_without_fork_the_first_read_runs_in_a_thread(
    bare_itsm: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows has no fork: the same read runs beside Textual's import in a thread."""
    monkeypatch.delattr(os, "fork")
    monkeypatch.setattr(staff_flow, "os_login", lambda: "agent1")
    launch.main()
    app = FakeApp.last
    assert FakeApp.opened == ["agent1"] and app is not None
    assert app.first_board.result(timeout=30).counts[Queue.MINE] == 0


def test_a_fork_that_fails_falls_back_to_a_thread(
    bare_itsm: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    monkeypatch.setattr(staff_flow, "os_login", lambda: "agent1")
    launch.main()
    assert FakeApp.opened == ["agent1"]


def test_settling_freezes_what_start_up_loaded_and_collects_at_running_thresholds() -> None:
    """A long-lived process (the console after warm-up) keeps what start-up loaded out of the
    collector's passes, and no longer waits 100,000 allocations between young collections."""
    before = gc.get_threshold()
    try:
        gc.set_threshold(*launch.COMMAND_GC_THRESHOLDS)
        gc.disable()
        collector.settle_collector()
        assert gc.isenabled()
        assert gc.get_threshold() == collector.RUNNING_GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
        assert collector.RUNNING_GC_THRESHOLDS[0] < 10_000
        # What the first older collections leave (caches filling) is frozen too, for a while.
        frozen = gc.get_freeze_count()
        keep = [object() for _ in range(3)], [[] for _ in range(3)]
        keep[1][0].append(keep)  # a cycle, so tracked
        gc.collect(1)
        assert gc.get_freeze_count() > frozen
    finally:
        if collector._freeze_while_warming in gc.callbacks:
            gc.callbacks.remove(collector._freeze_while_warming)
        gc.set_threshold(*before)
        gc.enable()
