"""Past tickets by the words of their titles: what the hotline looks up while a caller
describes a fault ("has this been solved before, and how?").

Terms are read as the knowledge base reads them (``workflow.search_terms``: folded, split at
spaces, ANDed) and found in titles through the title bigram index when they are rare
(``title_search.terms_filter``). Resolved and closed tickets only, by default; newest first,
paged by key over ``ix_ticket_status`` (one range per status, merged), so a page costs the
same however many tickets match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col

from itsm_tui.common.domain import TicketStatus
from itsm_tui.common.errors import Invalid
from itsm_tui.storage import ticket_queries as q
from itsm_tui.storage.tables import Ticket
from itsm_tui.workflow.context import Read, query
from itsm_tui.workflow.permissions import Action
from itsm_tui.workflow.search_terms import terms
from itsm_tui.workflow.tickets import title_search

#: The statuses of a ticket whose fault was solved.
SOLVED = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
#: A resolution summary is the text's first line, cut to this many characters.
SUMMARY_CHARS = 120
PAGE_MAX = 100


@dataclass(frozen=True)
class PastTicket:
    """One ticket found: what it was about and how it was solved."""

    id: int
    number: str
    title: str
    status: str
    resolved_at: datetime | None
    resolution_code: str | None
    resolution: str  # the resolution text's first line, cut to SUMMARY_CHARS ("" if none)


@dataclass(frozen=True)
class PastTicketPage:
    """A page of :func:`search_past_tickets`; pass ``next_after`` back for the next one."""

    items: list[PastTicket]
    next_after: int | None


def summary(text: str | None) -> str:
    """A resolution text's first non-blank line, cut to :data:`SUMMARY_CHARS` with "…"."""
    line = next((ln.strip() for ln in (text or "").splitlines() if ln.strip()), "")
    return line if len(line) <= SUMMARY_CHARS else line[: SUMMARY_CHARS - 1] + "…"


@query(Action.VIEW_TICKETS)
def search_past_tickets(
    read: Read,
    text: str,
    *,
    resolved_only: bool = True,
    after: int | None = None,
    limit: int = 20,
) -> PastTicketPage:
    """Tickets whose title holds every term of ``text``, newest first, with how each was
    resolved: the hotline's "solved before?" lookup (the call form's suggestions and
    ``itsm ticket search``). ``resolved_only``: resolved and closed tickets only (False: any
    status). ``after``: the id the previous page ended with."""
    if not 1 <= limit <= PAGE_MAX:
        raise Invalid("limit must be 1 to {max_page}.", field="limit", max_page=PAGE_MAX)
    words = terms(text)
    if not words:
        raise Invalid("Type at least one word to search for.", field="query")
    where = title_search.terms_filter(read.session, words)
    each = [[col(Ticket.status) == s.value] for s in SOLVED] if resolved_only else [[]]
    rows = q.queue_page(read.session, where, each=each, after=after, limit=limit)
    solved = q.resolutions(read.session, [r.id for r in rows])
    items = [
        PastTicket(
            r.id,
            r.number,
            r.title,
            r.status,
            solved[r.id][2],
            solved[r.id][0],
            summary(solved[r.id][1]),
        )
        for r in rows
    ]
    return PastTicketPage(items, rows[-1].id if len(rows) == limit else None)
