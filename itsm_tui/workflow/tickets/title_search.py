"""A queue's search text as SQL: walk the sort index for a common term, read the title
bigram postings for a rare one.

A page of a queue searched for "蓝屏" walks the queue's index in the page's order and checks
each title; a page fills after about ``limit × tickets / matches`` rows, a few hundred for a
term many titles hold. For a term few titles hold that walk reads the whole queue (250–800 ms
at a million tickets). The term's bigrams (``common.ngrams``, as the knowledge base cuts
text) know how rare it is: the posting list of its rarest bigram is counted up to
:data:`RARE_MAX`, and when it is shorter the page reads only those tickets
(``Ticket.id IN (postings)``), the literal check staying the same, so both ways return the
same rows. The break-even is where walking ``limit × N / matches`` index rows costs what
reading ``matches`` postings does: about √(limit × N), 7,000 at a million tickets and pages
of 50.

A one-character term has no bigram and is always walked (a single character is in many
titles, or in none, and then is a typing slip). A number (all digits) is matched at the end of
ticket numbers as well, which no index serves: walked too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col

from itsm_tui.common.ngrams import fold, grams
from itsm_tui.storage import title_grams
from itsm_tui.storage.tables import Ticket
from itsm_tui.storage.text_match import (
    TOP,
    contains,
    contains_any_case,
    ends_with,
    starts_with,
)

#: A term whose rarest bigram is in at most this many titles is read from the postings.
RARE_MAX = 5_000
#: The same for the orders that are not by id (priority, deadline). A term is spread evenly
#: over the tickets' ages, not over their priorities: printer faults are P4, so a priority walk
#: passes every P1–P3 ticket before its first printer. Reading the postings is then the
#: shorter way up to this many (measured at 1M: 蓝屏, ~8,600 titles, all tickets by priority,
#: 108 ms walked).
RARE_MAX_SORTED = 20_000


def text_filter(session: Session, text: str, sort: str = "newest") -> Any:  # Any | Narrowed
    """The condition "the ticket's number or title matches ``text``", written so that the
    database reads the postings of the term's rarest bigram when that is the short way.

    ``text`` is matched as typed: a number prefix (any case) or words found in the title
    literally, as one string. ``text`` has been checked (``text_input.storable``). ``sort``:
    the page's order (``ticket_queries.SORTS``), which sets how rare is rare."""
    text = text.strip()
    if text.isdigit():
        digits = text.lstrip("0") or "0"
        return ends_with(col(Ticket.number), digits) | contains(col(Ticket.title), text)
    prefix = text.upper()
    literal = or_(starts_with(col(Ticket.number), prefix), contains(col(Ticket.title), text))
    cap = RARE_MAX if sort in ("newest", "oldest") else RARE_MAX_SORTED
    rarest = rarest_gram(session, text, cap)
    if rarest is None:
        return literal
    conn = session.connection()
    numbers = title_grams.numbers_up_to(conn, prefix, prefix + TOP, cap)
    gram, postings = rarest
    if postings + numbers > cap:
        return literal
    candidates = title_grams.posting_ids(gram, (prefix, prefix + TOP) if numbers else None)
    return Narrowed(col(Ticket.id).in_(candidates) & literal)


class Narrowed:
    """A condition that holds for at most :data:`RARE_MAX_SORTED` tickets, read from the
    title postings: its page is cut from those few (``ticket_queries.window_page``) rather
    than walked along a sort index, which a database may still choose for a page after a
    cursor (SQLite walked ``ix_ticket_by_priority`` for ``priority = ? AND id < ?``)."""

    def __init__(self, condition: Any) -> None:
        self.condition = condition


def terms_filter(session: Session, words: Sequence[str]) -> list[Any]:
    """The conditions "the title holds every one of ``words``" (any letter case), with the
    postings of the rarest bigram among them as the candidates when they are few."""
    where: list[Any] = [contains_any_case(col(Ticket.title), w) for w in words]
    rarest = rarest_gram(session, " ".join(words))
    if rarest is not None:
        where.append(col(Ticket.id).in_(title_grams.posting_ids(rarest[0])))
    return where


def rarest_gram(
    session: Session, text: str, cap: int | None = None
) -> tuple[str, int] | None:
    """The bigram of ``text`` held by the fewest titles and their number (counted up to
    ``cap`` + 1, :data:`RARE_MAX` by default), or None when ``text`` has no bigram or every
    one is in more than ``cap`` titles."""
    cap = RARE_MAX if cap is None else cap
    conn = session.connection()
    best: tuple[str, int] | None = None
    for gram in sorted(grams(fold(text))):
        count = title_grams.postings_up_to(conn, gram, cap)
        if count <= cap and (best is None or count < best[1]):
            best = (gram, count)
            if count == 0:
                break
    return best
