"""Under tmux's or screen's TERM the console asks for 256 colours, not Rich's 16."""

from __future__ import annotations

import pytest

from itsm_tui.console.terminal import colour_system, prefer_full_colour


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"TERM": "screen"}, "256"),
        ({"TERM": "tmux"}, "256"),
        ({"TERM": "screen.xterm-new"}, "256"),
        ({"TERM": "screen-256color"}, None),  # Rich reads 256 from the suffix itself
        ({"TERM": "xterm-256color"}, None),
        ({"TERM": "linux"}, None),  # the Linux console really has 16
        ({"TERM": "screen", "TEXTUAL_COLOR_SYSTEM": "standard"}, None),  # the user's choice
        ({"TERM": "screen", "NO_COLOR": "1"}, None),
    ],
)
def test_colour_system(environ: dict[str, str], expected: str | None) -> None:
    assert colour_system(environ) == expected


def test_prefer_full_colour_sets_textuals_variable() -> None:
    environ = {"TERM": "screen"}
    prefer_full_colour(environ)
    assert environ["TEXTUAL_COLOR_SYSTEM"] == "256"
