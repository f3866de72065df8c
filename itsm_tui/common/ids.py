"""Row ids as people type them: ``--after 123``, ``#123``.

Every id column is an ``INTEGER``: 32 bits on PostgreSQL (``integer out of range`` past
2,147,483,647), 64 on SQLite (``OverflowError`` past 2^63 - 1). An id typed beyond the smaller
range is refused before any query is built, so both databases answer alike and no row can be
missed: PostgreSQL cannot hold a larger id. Only ASCII digits make an id: ``"²".isdigit()`` is
true, yet ``int("²")`` fails.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1  # the largest PostgreSQL INTEGER: no row of either database has a larger id


def parse_id(text: str) -> int | None:
    """``text`` as a row id (``0`` to :data:`MAX_ID`), or None if it is not one."""
    text = text.strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def ref_id(ref: str) -> int | None:
    """The id in a ``#id`` reference, or None if ``ref`` is not one (a name, a phone …)."""
    ref = ref.strip()
    return parse_id(ref[1:]) if ref.startswith("#") else None


def is_id_ref(ref: str) -> bool:
    """Whether ``ref`` has the shape of a ``#id`` reference: ``#`` and digits only."""
    digits = ref.strip()[1:]
    return ref.strip().startswith("#") and digits.isascii() and digits.isdigit()
