"""What a person types into a search box, as the terms every desk search ANDs: the knowledge
base (``knowledge.search``) and past tickets (``tickets.resolved_search``) read it the same
way, so "VPN 证书" means the same two terms in both."""

from __future__ import annotations

import unicodedata

from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.common.ngrams import fold
from itsm_tui.workflow import text_input

#: The longest search text accepted (a pasted log line is refused, not scanned).
QUERY_MAX = 200
#: At most this many terms are ANDed.
TERMS_MAX = 8


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PSZC"


def terms(query: str) -> list[str]:
    """The search's terms: folded, split at spaces, without terms that are only punctuation
    or symbols (they would match nearly everything). Refuses text that is too long."""
    text_input.storable("query", query)
    if len(query) > QUERY_MAX:
        raise Invalid(
            N_("The search text is {length} characters; the limit is {limit}."),
            field="query",
            length=len(query),
            limit=QUERY_MAX,
        )
    found: list[str] = []
    for word in fold(query).split():
        if all(_is_mark(ch) for ch in word) or word in found:
            continue
        found.append(word)
    return found[:TERMS_MAX]
