"""Incidents and service requests: every operation on a ticket, as one workflow function each.

The names below are imported on first use (PEP 562): importing one submodule — the queries
the console's first frame needs — must not import every operation, the SLA scan and the CMDB
with it. ``from itsm_tui.workflow.tickets import claim`` works as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from itsm_tui.workflow.tickets.assignment import (
        assign,
        claim,
        escalate,
        flag,
        return_ticket,
    )
    from itsm_tui.workflow.tickets.cis import link_ci, unlink_ci
    from itsm_tui.workflow.tickets.create import TicketDraft, create_ticket
    from itsm_tui.workflow.tickets.lifecycle import (
        cancel,
        close,
        override_priority,
        reopen,
        resolve,
        resume,
        set_pending,
        update_ticket,
    )
    from itsm_tui.workflow.tickets.notes import add_note
    from itsm_tui.workflow.tickets.overview import TicketOverview, ticket_overview
    from itsm_tui.workflow.tickets.pages import Queue, TicketPage
    from itsm_tui.workflow.tickets.queries import (
        TicketDetail,
        list_tickets,
        show_ticket,
        ticket_history,
    )
    from itsm_tui.workflow.tickets.resolved_search import PastTicketPage, search_past_tickets
    from itsm_tui.workflow.tickets.views import TicketView

#: Each exported name → the submodule that defines it.
_HOMES = {
    **dict.fromkeys(("assign", "claim", "escalate", "flag", "return_ticket"), "assignment"),
    **dict.fromkeys(("link_ci", "unlink_ci"), "cis"),
    **dict.fromkeys(("TicketDraft", "create_ticket"), "create"),
    **dict.fromkeys(
        (
            "cancel",
            "close",
            "override_priority",
            "reopen",
            "resolve",
            "resume",
            "set_pending",
            "update_ticket",
        ),
        "lifecycle",
    ),
    "add_note": "notes",
    **dict.fromkeys(("TicketOverview", "ticket_overview"), "overview"),
    **dict.fromkeys(
        ("Queue", "TicketPage"),
        "pages",
    ),
    **dict.fromkeys(
        (
            "TicketDetail",
            "list_tickets",
            "show_ticket",
            "ticket_history",
        ),
        "queries",
    ),
    **dict.fromkeys(("PastTicketPage", "search_past_tickets"), "resolved_search"),
    "TicketView": "views",
}

__all__ = [
    "PastTicketPage",
    "Queue",
    "TicketDetail",
    "TicketDraft",
    "TicketOverview",
    "TicketPage",
    "TicketView",
    "add_note",
    "assign",
    "cancel",
    "claim",
    "close",
    "create_ticket",
    "escalate",
    "flag",
    "link_ci",
    "list_tickets",
    "override_priority",
    "reopen",
    "resolve",
    "resume",
    "return_ticket",
    "search_past_tickets",
    "set_pending",
    "show_ticket",
    "ticket_history",
    "ticket_overview",
    "unlink_ci",
    "update_ticket",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
