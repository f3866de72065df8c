"""User text is data: make it safe to put on a terminal or in a mail header, showing exactly
what was typed.

Control characters (ESC and friends) would let a ticket title move the cursor, recolour or
retitle the operator's terminal; the Unicode bidirectional controls (U+202E …) would make a
title read backwards. Both are shown as visible escapes (``\\x1b``, ``\\u202e``) instead.
Newlines and tabs stay in :func:`visible`, since descriptions and notes are multi-line;
:func:`one_line` folds them too, for the places that hold one line (an e-mail subject, whose
header a CR/LF would break).
"""

from __future__ import annotations

import re

#: C0 controls but newline and tab, DEL, the C1 controls, and the bidi embeddings, overrides,
#: isolates and marks (U+200E/F, U+202A–E, U+2066–9).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x85]+\s*")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character except newline and tab written as ``\\xNN``
    (or ``\\uNNNN`` for a bidi control)."""
    return _CONTROL.sub(_escape, text)


def one_line(text: str, limit: int) -> str:
    """``text`` on one safe line of at most ``limit`` characters: line breaks folded into one
    space, tabs into spaces, controls escaped as :func:`visible` does, cut with "…"."""
    folded = visible(_LINE_BREAKS.sub(" ", text).replace("\t", " ")).strip()
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


#: ``scheme://user:PASSWORD@`` in any text: the password part is what is masked.
_URL_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*:)[^/\s]*(@)")
PASSWORD_MASK = "***"


def mask_passwords(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``: what goes into a log
    file (a traceback, a command line) never carries a database password."""
    return _URL_PASSWORD.sub(rf"\g<1>{PASSWORD_MASK}\g<2>", text)
