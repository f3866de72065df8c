"""Incidents and service requests: every operation on a ticket, as one workflow function each."""

from itsm_tui.workflow.tickets.assignment import assign, claim, escalate, flag, return_ticket
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
from itsm_tui.workflow.tickets.queries import (
    Queue,
    TicketDetail,
    TicketPage,
    list_tickets,
    show_ticket,
    ticket_history,
)
from itsm_tui.workflow.tickets.views import TicketView

__all__ = [
    "Queue",
    "TicketDetail",
    "TicketDraft",
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
    "set_pending",
    "show_ticket",
    "ticket_history",
    "unlink_ci",
    "update_ticket",
]
