"""What the terminal can show, where its TERM undersells it."""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping

# TERM values of terminal multiplexers: tmux's old default and GNU screen's.
MULTIPLEXER_TERMS = ("screen", "tmux")


def colour_system(environ: Mapping[str, str]) -> str | None:
    """The colour system Textual should use, or None to leave its own detection alone.

    Textual (through Rich) reads the colour count from TERM's suffix, so under TERM=screen it
    falls back to 16 colours, where the at-risk amber and the breached red both come out red
    and the zebra rows lose their contrast. tmux and GNU screen draw 256 colours whatever TERM
    says, and translate them for the terminal outside. $TMUX is not looked at: it does not
    cross an SSH session, and an engineer in the machine room runs tmux on their laptop and
    the console on the jump host. An explicit TEXTUAL_COLOR_SYSTEM or NO_COLOR always wins.
    """
    if environ.get("TEXTUAL_COLOR_SYSTEM") or environ.get("NO_COLOR"):
        return None
    name = environ.get("TERM", "").split(".")[0]  # screen.xterm-new → screen
    return "256" if name in MULTIPLEXER_TERMS else None


def prefer_full_colour(environ: MutableMapping[str, str] = os.environ) -> None:
    """Apply :func:`colour_system` before Textual is imported (it reads the setting once)."""
    chosen = colour_system(environ)
    if chosen:
        environ["TEXTUAL_COLOR_SYSTEM"] = chosen
