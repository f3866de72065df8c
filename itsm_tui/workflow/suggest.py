"""Closest-match suggestions for a name that was not found ("Did you mean …?")."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(wanted: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates that look like ``wanted``: substring hits first, then fuzzy ones."""
    pool = list(dict.fromkeys(candidates))
    low = wanted.lower()
    contains = [c for c in pool if low and low in c.lower()]
    fuzzy = difflib.get_close_matches(wanted, pool, n=n, cutoff=0.5)
    return list(dict.fromkeys(contains + fuzzy))[:n]
