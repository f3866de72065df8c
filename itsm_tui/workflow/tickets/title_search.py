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

A page in the priority order is different: a term is spread over the tickets' ages, not over
their priorities (printer faults are P4), so a walk by priority may pass every P1–P3 ticket
before its first match. Each posting carries its ticket's priority, and such a page walks the
postings of the term's rarest bigram in the page's order (``ix_ticket_gram_by_priority``,
``ticket_queries.posting_page``) and stops when it is full — unless the term is common and
the queue small enough to walk whole (:data:`QUEUE_WALK_MAX`), which then costs less than
checking thousands of postings' tickets by key.

A queue of open work (every queue but "all", and "all" filtered to an open status) reads the
term's *open* postings instead (``ix_ticket_gram_open``): about one ticket in a hundred is
open, so a term's postings are ~99 % closed tickets, and both ways above read a ticket row per
closed one (a posting's ticket, or a queue row whose title is tested). The open postings are
tens or hundreds even for a common term (VPN: ~540 of ~54,000 at a million tickets); up to
:data:`OPEN_MAX` of them, the page is cut from those few tickets (:class:`OpenPostings`) in
any order. Past that the term is in a fifth of the open tickets or more, and walking the queue
fills a page within a few hundred rows.

A one-character term has no bigram and is always walked (a single character is in many
titles, or in none, and then is a typing slip). A number (all digits) is matched at the end of
ticket numbers as well, which no index serves: walked too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
#: The same for the deadline order. A term is spread evenly over the tickets' ages, not over
#: their deadlines' order; reading the postings (and sorting them) is the shorter way up to
#: this many, when the queue is too large to walk (:data:`QUEUE_WALK_MAX`).
RARE_MAX_SORTED = 20_000
#: A queue of at most this many tickets is walked in the priority order for a term that is
#: not rare, and in the deadline order when it holds fewer tickets than the term's postings: a
#: walk costs at most the queue (the open queue, ~9,500 tickets at a million, 11.7 ms walked
#: by priority for 蓝屏), where reading ~8,600 postings of 蓝屏 by key cost 29 ms. Counted no
#: further than this (``ticket_queries.count_up_to``).
QUEUE_WALK_MAX = 10_000
#: A term held by at most this many open tickets is read from its open postings in a queue of
#: open work (:class:`OpenPostings`): reading that many tickets by key costs a few ms.
OPEN_MAX = 2_000


def text_filter(
    session: Session,
    text: str,
    sort: str = "newest",
    *,
    priority: int | None = None,
    queue_size: Callable[[int], int] | None = None,
    open_only: bool = False,
) -> Any:  # Any | Narrowed | ByPriority | OpenPostings
    """The condition "the ticket's number or title matches ``text``", written so that the
    database reads the postings of the term's rarest bigram when that is the short way.

    ``text`` is matched as typed: a number prefix (any case) or words found in the title
    literally, as one string. ``text`` has been checked (``text_input.storable``). ``sort``:
    the page's order (``ticket_queries.SORTS``), which sets how rare is rare; ``priority``:
    the page's priority filter; ``queue_size(cap)``: how many tickets the queue holds,
    counted up to ``cap`` + 1 (None: the queue is taken to be large).

    A page in the priority order (sorted so, or newest first within one priority) walks
    the postings of the rarest bigram in that order (:class:`ByPriority`) unless the term is
    common and the queue small enough to walk: its cost is the postings read until the page
    is full, not the tickets of the priorities the term is seldom in.

    ``open_only``: the queue holds open tickets only; a term with at most :data:`OPEN_MAX`
    open postings is then read from those (:class:`OpenPostings`), whatever the order."""
    text = text.strip()
    if text.isdigit():
        digits = text.lstrip("0") or "0"
        return ends_with(col(Ticket.number), digits) | contains(col(Ticket.title), text)
    prefix = text.upper()
    literal = or_(starts_with(col(Ticket.number), prefix), contains(col(Ticket.title), text))
    if open_only and (few := open_postings(session, text, prefix, literal)) is not None:
        return few
    by_priority = sort == "priority" or (sort == "newest" and priority is not None)
    sorted_walk = by_priority or sort == "due"
    cap = RARE_MAX_SORTED if sort == "due" else RARE_MAX
    rarest = rarest_gram(session, text, cap, any_gram=by_priority)
    if rarest is None:
        return literal
    conn = session.connection()
    numbers = title_grams.numbers_up_to(conn, prefix, prefix + TOP, cap)
    gram, postings = rarest
    if by_priority and not numbers:
        if queue_size and postings > RARE_MAX:  # common: walk a queue of at most this many
            if queue_size(QUEUE_WALK_MAX) <= QUEUE_WALK_MAX:
                return literal
        elif queue_size and postings and queue_size(postings) < postings:
            return literal  # rare, but the queue is smaller still: walking it is shorter
        return ByPriority(gram, literal)
    if postings + numbers > cap:
        return literal
    if sorted_walk and queue_size and queue_size(QUEUE_WALK_MAX) < postings + numbers:
        return literal  # fewer tickets in the queue than postings: walking it is shorter
    candidates = title_grams.posting_ids(gram, (prefix, prefix + TOP) if numbers else None)
    return Narrowed(col(Ticket.id).in_(candidates), literal, postings + numbers)


class ByPriority:
    """A term whose page is read from the postings of ``gram`` in the priority order
    (``ticket_queries.posting_page``); ``condition``, the literal match, holds for the
    rows either way (a page read otherwise, an at-risk window, checks it)."""

    def __init__(self, gram: str, condition: Any) -> None:
        self.gram = gram
        self.condition = condition


class OpenPostings:
    """``candidates``, a condition that holds for at most :data:`OPEN_MAX` tickets (the open
    postings of the term's rarest bigram, and the tickets whose number starts with the term),
    and ``condition``, the literal match: the page, first or after a cursor, is cut from
    those few tickets, each read by key (``ticket_queries.window_page``)."""

    def __init__(self, candidates: Any, condition: Any) -> None:
        self.candidates = candidates
        self.condition = condition


def open_postings(session: Session, text: str, prefix: str, literal: Any) -> OpenPostings | None:
    """``literal`` over the open tickets holding the rarest bigram of ``text`` (by open
    postings, counted up to :data:`OPEN_MAX` + 1) or whose number starts with ``prefix``;
    None when ``text`` has no bigram or those are more than :data:`OPEN_MAX`."""
    cut = sorted(grams(fold(text)))
    if not cut:
        return None
    conn = session.connection()
    counts, numbers = title_grams.open_counts(conn, cut, prefix, prefix + TOP, OPEN_MAX)
    postings, gram = min(zip(counts, cut, strict=True))
    if postings + numbers > OPEN_MAX:
        return None
    number_range = (prefix, prefix + TOP) if numbers else None
    candidates = title_grams.posting_ids(gram, number_range, open_only=True)
    return OpenPostings(col(Ticket.id).in_(candidates), literal)


class Narrowed:
    """A condition that holds for at most :data:`RARE_MAX_SORTED` tickets, read from the
    title postings: its page is cut from those few (``ticket_queries.window_page``) rather
    than walked along a sort index, which a database may still choose for a page after a
    cursor (SQLite walked ``ix_ticket_by_priority`` for ``priority = ? AND id < ?``).
    ``candidates``: the postings' tickets (``id IN (…)``), ``size`` of them at most;
    ``literal``: the match itself; ``condition``: both."""

    def __init__(self, candidates: Any, literal: Any, size: int) -> None:
        self.candidates, self.literal, self.size = candidates, literal, size
        self.condition = candidates & literal


def terms_filter(session: Session, words: Sequence[str]) -> list[Any]:
    """The conditions "the title holds every one of ``words``" (any letter case), with the
    postings of the rarest bigram among them as the candidates when they are few."""
    where: list[Any] = [contains_any_case(col(Ticket.title), w) for w in words]
    rarest = rarest_gram(session, " ".join(words))
    if rarest is not None:
        where.append(col(Ticket.id).in_(title_grams.posting_ids(rarest[0])))
    return where


def rarest_gram(
    session: Session, text: str, cap: int | None = None, *, any_gram: bool = False
) -> tuple[str, int] | None:
    """The bigram of ``text`` held by the fewest titles and their number (counted up to
    ``cap`` + 1, :data:`RARE_MAX` by default), or None when ``text`` has no bigram or every
    one is in more than ``cap`` titles (with ``any_gram``, then the first, counted
    ``cap`` + 1: a posting walk needs a gram however common)."""
    cap = RARE_MAX if cap is None else cap
    conn = session.connection()
    best: tuple[str, int] | None = None
    for gram in sorted(grams(fold(text))):
        count = title_grams.postings_up_to(conn, gram, cap)
        if (count <= cap or any_gram) and (best is None or count < best[1]):
            best = (gram, count)
            if count == 0:
                break
    return best
