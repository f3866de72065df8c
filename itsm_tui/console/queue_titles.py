"""The queues' names as the console shows them (cards, queue bar, command palette): marked
for the catalogue here, translated where shown (:func:`queue_title`).

Apart from ``screens.queue`` so the dashboard can name its cards without importing the queue
screen and its table: the first frame needs only the dashboard.
"""

from __future__ import annotations

from itsm_tui.common.i18n import N_, _
from itsm_tui.workflow.tickets.pages import Queue

QUEUE_TITLES = {
    Queue.MINE: N_("Mine"),
    Queue.GROUP: N_("My group"),
    Queue.UNASSIGNED: N_("Unassigned"),
    Queue.AT_RISK: N_("At risk"),
    Queue.BREACHED: N_("Breached"),
    Queue.OPEN: N_("All open"),
    Queue.FLAGGED: N_("Flagged"),
    Queue.ALL: N_("All"),
}


def queue_title(queue: Queue) -> str:
    """``queue``'s name in the language in force."""
    return _(QUEUE_TITLES[queue])
