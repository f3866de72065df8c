"""The operator's alert inbox: SLA warnings and breaches addressed to me, polled live.

PLACEHOLDER — SLA MERGE POINT. The SLA engine (another branch) produces the alerts. After it
is merged, set ``AlertInbox.source`` (e.g. in ``app.py``) to its workflow query
``(site, actor) -> list[Alert]``; the inbox already polls it every ``POLL_SECONDS`` in a
thread worker and redraws. Until then it shows that it is waiting for the SLA engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.widgets import Static
from textual.worker import get_current_worker

from itsm_tui.textsafe import visible
from itsm_tui.timefmt import local
from itsm_tui.workflow.context import Actor, Site


@dataclass(frozen=True)
class Alert:
    at: datetime
    number: str
    text: str


AlertSource = Callable[[Site, Actor], list[Alert]]


class AlertInbox(Static):
    DEFAULT_CSS = """
    AlertInbox { border: round $warning; height: auto; min-height: 3; max-height: 8;
                 padding: 0 1; }
    """
    POLL_SECONDS = 30.0
    #: SLA MERGE POINT: the workflow query that returns my alerts (None: not wired yet).
    source: ClassVar[AlertSource | None] = None

    def __init__(self, site: Site, actor: Actor, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.site, self.actor = site, actor

    def on_mount(self) -> None:
        self.border_title = "Alerts"
        self.update(
            Text("Waiting for the SLA engine: alerts appear here once it is merged.", style="dim")
        )
        self.set_interval(self.POLL_SECONDS, self.poll)
        self.poll()

    @work(thread=True, exclusive=True, exit_on_error=False, group="alerts")
    def poll(self) -> None:
        source = type(self).source
        if source is None:
            return
        alerts = source(self.site, self.actor)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, alerts)

    def show(self, alerts: list[Alert]) -> None:
        if not alerts:
            self.update(Text("No alerts.", style="dim"))
            return
        text = Text()
        for alert in alerts:
            text.append(local(alert.at, self.site.settings.zone, "%H:%M"), style="dim")
            text.append(f" {alert.number} ", style="bold")
            text.append(visible(alert.text) + "\n")
        self.update(text)
