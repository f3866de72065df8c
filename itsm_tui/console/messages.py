"""Messages that cross screens: "open this ticket", "open that queue", "open this change",
"a ticket changed"."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenTicket(Message):
    """Show a ticket (from a queue, the dashboard, intake or the command palette)."""

    number: str


@dataclass
class OpenChange(Message):
    """Show a change (from the alert inbox: an approval request, an overrun, a late review)."""

    number: str


@dataclass
class OpenQueue(Message):
    """Show a queue (a ``workflow.tickets.Queue`` value)."""

    queue: str


@dataclass
class TicketChanged(Message, bubble=False):
    """A ticket was changed from this console: counts and queues on screen refresh.

    Posted to the app, which hands it to the screens below; it does not bubble back up.
    """

    number: str
