"""The console in Chinese in a real terminal: tmux at 80×24, read back with ``capture-pane``.

Why besides the Pilot and snapshot tests: Textual's SVG snapshots draw CJK glyphs overlapping,
so they cannot show whether a Chinese label really takes its two cells. A terminal multiplexer
lays the text out as a terminal does; what it captures is what an agent sees. Needs ``tmux``
(skipped without it: ``apt-get install tmux``)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"
)

WIDTH, HEIGHT = 80, 24
ITSM = [sys.executable, "-m", "itsm_tui"]


class Terminal:
    """One tmux server of this test's own (its own socket: never the user's sessions)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"itsm-test-{uuid.uuid4().hex[:8]}"
        self.env = env

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def start(self, command: list[str]) -> None:
        exports = " ".join(f"{k}={v}" for k, v in self.env.items())
        line = f"env {exports} " + " ".join(command)
        self.tmux("new-session", "-d", "-s", "t", "-x", str(WIDTH), "-y", str(HEIGHT), line)

    def screen(self) -> list[str]:
        return self.tmux("capture-pane", "-p", "-t", "t").rstrip("\n").split("\n")

    def wait_for(
        self, text: str | re.Pattern[str], footer: str = "", timeout: float = 30.0
    ) -> list[str]:
        """The screen once ``text`` (or a match of the pattern) is on it and its last line
        (the footer, drawn last) holds ``footer``."""
        end = time.monotonic() + timeout
        while True:
            lines = self.screen()
            found = any(
                text.search(line) if isinstance(text, re.Pattern) else text in line
                for line in lines
            )
            done = found and footer in lines[-1]
            if done or time.monotonic() > end:
                assert done, "\n".join(lines)
                return lines
            time.sleep(0.2)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """The console on a small demo database, in Chinese, in an 80×24 tmux window."""
    env = {
        "ITSM_LANG": "zh_CN",
        "TERM": "xterm-256color",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "ITSM_DATABASE_URL": f"sqlite:///{tmp_path / 'itsm.db'}",
        "PATH": os.environ.get("PATH", ""),
    }
    for args in (["init"], ["demo", "--tickets", "300"]):
        subprocess.run([*ITSM, *args], env={**os.environ, **env}, check=True, capture_output=True)
    term = Terminal(env)
    term.start(ITSM)
    yield term
    term.close()


def _columns(line: str, chars: str) -> set[int]:
    """The cell columns at which ``line`` holds one of ``chars``."""
    found, at = set(), 0
    for char in line:
        if char in chars:
            found.add(at)
        at += cell_len(char)
    return found


def _fits(lines: list[str]) -> None:
    """Every line within the 80 cells, and every panel's right border in the column its
    corners are in: a CJK label drawn one cell wide instead of two (or overlapping the next)
    would shift the border out of line."""
    assert len(lines) <= HEIGHT
    corners = set().union(*(_columns(line, "╮╯") for line in lines))
    for line in lines:
        assert cell_len(line) <= WIDTH, line
        framed = line.rstrip()
        if framed[:1] == "│" and framed[-1:] == "│":
            assert cell_len(framed) - 1 in corners, line
    assert not any("\ufffd" in line for line in lines)


def _footer(lines: list[str]) -> str:
    footer = lines[-1]
    assert cell_len(footer) <= WIDTH
    return footer


def test_the_console_reads_chinese_in_a_real_terminal(terminal: Terminal) -> None:
    board = terminal.wait_for("各组积压", footer="命令")
    _fits(board)
    for label in ("我的", "本组", "未分派", "即将超时", "已超时", "提醒", "各组积压"):
        assert any(label in line for line in board), label
    footer = _footer(board)
    assert "新来电" in footer and "退出" in footer and "命令" in footer
    assert "palette" not in footer and "Quit" not in footer

    terminal.keys("6")  # all open tickets
    queue = terminal.wait_for("已读取", footer="返回")  # the page of rows is in
    _fits(queue)
    assert any("编号" in line and "状态" in line and "标题" in line for line in queue)
    assert "返回" in _footer(queue) and "打开" in _footer(queue)

    time.sleep(1)  # the table has the focus
    terminal.keys("Enter")  # the newest ticket, its history in Chinese sentences
    # The newest ticket may be the demo's inspection incident, whose later notes push its
    # creation out of sight: its creation or a note, in Chinese, will do.
    ticket = terminal.wait_for(re.compile("新建了事件|添加了工作备注"), footer="备注")
    _fits(ticket)
    assert "备注" in _footer(ticket) and "解决" in _footer(ticket)


#: The screens added with inspections, service quality, problems and the knowledge base,
#: changes and KPI reports: the key that opens each from the dashboard, and its title.
LATER_SCREENS = [
    ("w", "巡检轮次"),
    ("b", "待回访的满意度调查"),
    ("G", "绩效考评"),
    ("J", "待审核的投诉"),
    ("B", "itsm-tui — 问题"),
    ("K", "知识库"),
    ("C", "itsm-tui — 变更"),
    ("M", "我的审批"),
    ("F9", "KPI 报表"),
]
#: English a Chinese screen must not show: column headings, footer labels, states.
ENGLISH = re.compile(
    r"\b(Number|Status|Title|Risk|Window|Type|Approvals|Implementer|Back|Open|Quit|Refresh|"
    r"More|Help|palette)\b"
    r"|\b(investigat|known.err|schedul|submitt|publish|answere)"  # states, even cut short
)


def _settled(terminal: Terminal, timeout: float = 30.0) -> list[str]:
    """The screen once two captures a second apart agree: a table widens its columns to its
    rows a frame after they arrive, so the first frame with rows is not yet the one shown."""
    end = time.monotonic() + timeout
    last = terminal.screen()
    while time.monotonic() < end:
        time.sleep(1)
        now = terminal.screen()
        if now == last:
            return now
        last = now
    return last


def test_the_later_screens_fit_80_by_24_in_chinese(terminal: Terminal) -> None:
    terminal.wait_for("各组积压", footer="命令")
    for key, title in LATER_SCREENS:
        terminal.keys(key)
        terminal.wait_for(title, footer="返回")
        lines = _settled(terminal)
        _fits(lines)
        footer = _footer(lines)
        assert "返回" in footer and "命令" in footer, (key, footer)
        for line in lines:
            assert not ENGLISH.search(line), (key, line)
        terminal.keys("Escape")
        terminal.wait_for("各组积压", footer="命令")
