"""User text is data: make it safe to put on a terminal, showing exactly what was typed.

Control characters (ESC and friends) would let a ticket title move the cursor, recolour or
retitle the operator's terminal; they are shown as visible escapes (``\\x1b``) instead.
Newlines and tabs stay, since descriptions and notes are multi-line.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with every control character except newline and tab written as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
