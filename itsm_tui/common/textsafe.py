"""User text is data: make it safe to put on a terminal or in a mail header, showing exactly
what was typed.

Control characters (ESC and friends) would let a ticket title move the cursor, recolour or
retitle the operator's terminal; the Unicode bidirectional controls (U+202E …) would make a
title read backwards. Both are shown as visible escapes (``\\x1b``, ``\\u202e``) instead.
Newlines and tabs stay in :func:`visible`, since descriptions and notes are multi-line;
:func:`flat` and :func:`one_line` fold them too, for the places that hold one line (a table
cell, an e-mail subject, whose header a CR/LF would break).
"""

from __future__ import annotations

import re

#: DEL, the C1 controls, and the bidi embeddings, overrides, isolates and marks (U+200E/F,
#: U+202A–E, U+2066–9): the controls beyond ASCII's C0 range, as a character-class body. The
#: JSON the CLI prints escapes these itself (JSON escapes C0 already).
CONTROLS_BEYOND_C0 = "\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: Every control character but newline and tab, which multi-line text keeps.
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f{CONTROLS_BEYOND_C0}]")
#: A line break: what ``str.splitlines`` breaks at, and so a terminal, a mail header or a
#: one-line cell would. Said once: the display folds these, and a one-line field refuses them
#: (``workflow.text_input``).
LINE_BREAK = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_LINE_BREAKS = re.compile(f"\\s*{LINE_BREAK.pattern}+\\s*")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character except newline and tab written as ``\\xNN``
    (or ``\\uNNNN`` for a bidi control)."""
    return _CONTROL.sub(_escape, text)


def flat(text: str) -> str:
    """``text`` on one line, whole: each run of line breaks (with the blanks around it) and
    each tab becomes one space, and controls are escaped as :func:`visible` does."""
    return visible(_LINE_BREAKS.sub(" ", text).replace("\t", " "))


def one_line(text: str, limit: int) -> str:
    """:func:`flat` ``text``, trimmed and cut with "…" to at most ``limit`` characters."""
    folded = flat(text).strip()
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


#: ``scheme://user:PASSWORD@`` in any text: the password part is what is masked.
_URL_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*:)[^/\s]*(@)")
PASSWORD_MASK = "***"


def mask_passwords(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``: what goes into a log
    file (a traceback, a command line) never carries a database password."""
    return _URL_PASSWORD.sub(rf"\g<1>{PASSWORD_MASK}\g<2>", text)
