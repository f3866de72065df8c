"""What the workflow takes as text in a ticket, a caller or a contact, said once.

- Text is stored exactly as typed, but it must be text: a NUL character is refused (PostgreSQL
  cannot store one and SQLite can, so refusing it keeps the two databases alike, as the CMDB
  does), and so is a lone surrogate — what Python makes of bytes that are not UTF-8 in a
  command-line argument (``$'\\xff'``), which neither database can store.
- A one-line field (a title is "one line saying what is wrong", a call's summary, a caller's
  name) refuses a line break rather than folding it: a title that was silently joined would
  not be what the person typed, and a script that sends a whole message as the title learns
  at once to put it in the description. Control characters that are not line breaks are
  kept and shown escaped wherever they are displayed (``common.textsafe``).
- Text a person searches with is held to the same first rule, so that a lookup is refused in
  a sentence instead of failing in the database driver.
"""

from __future__ import annotations

import re

from itsm_tui.common.errors import Invalid
from itsm_tui.common.textsafe import LINE_BREAK, visible

#: What no stored text may hold: NUL, and lone surrogates (bytes that were not UTF-8).
NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
_LINE_BREAKS = re.compile(f"{LINE_BREAK.pattern}+")


def storable(name: str, value: str) -> str:
    """``value``, unless it holds a NUL or bytes that are not UTF-8 (refused naming ``name``)."""
    bad = NOT_TEXT.search(value)
    if bad is None:
        return value
    if bad.group() == "\x00":
        raise Invalid("{name} holds a NUL character, which is not text.", field=name, name=name)
    raise Invalid(
        "{name} holds bytes that are not UTF-8 (as {sample}); check the encoding of the "
        "terminal or the file it came from.",
        field=name,
        name=name,
        sample=visible(repr(bad.group()))[1:-1],
    )


def text_only(value: str) -> str:
    """Text stored before these rules (or written around them) with what they refuse dropped:
    NUL and lone surrogates. For text the workflow carries from an old record into a new one,
    where refusing would leave the user nothing they could fix."""
    return NOT_TEXT.sub("", value)


def folded(value: str) -> str:
    """:func:`text_only`, on one line: each run of line breaks (a CR LF) becomes a space."""
    return text_only(_LINE_BREAKS.sub(" ", value))


def one_line(name: str, value: str, *, hint: str = "") -> str:
    """``value`` if it is storable text on one line; a line break is refused, with ``hint``
    saying where longer text belongs."""
    storable(name, value)
    if LINE_BREAK.search(value):
        raise Invalid(
            "{name} must be one line, without line breaks{hint}.", field=name, name=name, hint=hint
        )
    return value
