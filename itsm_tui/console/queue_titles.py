"""The queues' names as the console shows them (cards, queue bar, command palette).

Apart from ``screens.queue`` so the dashboard can name its cards without importing the queue
screen and its table: the first frame needs only the dashboard.
"""

from __future__ import annotations

from itsm_tui.workflow.tickets.pages import Queue

QUEUE_TITLES = {
    Queue.MINE: "Mine",
    Queue.GROUP: "My group",
    Queue.UNASSIGNED: "Unassigned",
    Queue.AT_RISK: "At risk",
    Queue.BREACHED: "Breached",
    Queue.OPEN: "All open",
    Queue.FLAGGED: "Flagged",
    Queue.ALL: "All",
}
