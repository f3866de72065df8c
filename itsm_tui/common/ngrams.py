"""The character n-grams every text search of the desk indexes: knowledge articles and known
errors (``workflow.knowledge.search``) and ticket titles (``workflow.tickets.title_search``).

The hotline types "打印", "蓝屏" or "VPN": short terms, no spaces between Chinese words. So a
text is indexed as every pair of consecutive characters of its folded form, within runs of
non-space characters. SQLite's FTS5 ``trigram`` finds nothing for a two-character term and
PostgreSQL's ``pg_trgm`` indexes no Chinese under the C locale; a table of (bigram, row) works
the same on both. Written once here, so that a document and the term looking for it are always
cut the same way.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """The form text is indexed and matched in: compatibility forms unified (full-width
    Latin and digits), letters case-folded (``VPN`` = ``vpn`` = ``ＶＰＮ``)."""
    return unicodedata.normalize("NFKC", text).casefold()


def grams(folded: str) -> set[str]:
    """Every pair of consecutive characters within a run of non-space characters."""
    out: set[str] = set()
    for word in folded.split():
        out.update(word[i : i + 2] for i in range(len(word) - 1))
    return out
