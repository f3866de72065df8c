"""The operator's alert inbox: SLA warnings and breaches addressed to me, live.

It opens with my newest alerts and then, every ``POLL_SECONDS``, asks only for alerts after the
newest id it holds (``list_alerts(since_id=…)``, an index range on ``ix_sla_alert_staff``):
a new alert shows within a few seconds and nothing is ever reloaded in full.
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.widgets import Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _
from itsm_tui.common.textsafe import visible
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.loading import load_database_code
from itsm_tui.console.sizes import ALERTS_SHOWN
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.sla.alert_rows import AlertRow


class AlertInbox(ReportsFailures, Static):
    DEFAULT_CSS = """
    AlertInbox { border: round $warning; height: auto; min-height: 3; max-height: 8;
                 padding: 0 1; }
    """
    POLL_SECONDS = 3.0

    def __init__(self, site: Site, actor: Actor, *, id: str | None = None) -> None:
        """The screen reads my newest alerts with its own figures and hands them to
        :meth:`show`; the inbox polls for newer ones (and reads the newest itself if the
        screen's read has not brought them by the first poll)."""
        super().__init__("", id=id, markup=False)
        self.site, self.actor = site, actor
        self.alerts: deque[AlertRow] = deque(maxlen=ALERTS_SHOWN)  # newest first
        self.loaded = False
        self.failed = False  # the last read failed: what is shown may be out of date

    def on_mount(self) -> None:
        self.border_title = _("Alerts")
        self.update(Text(_("Loading alerts …"), style="dim"))
        self.set_interval(self.POLL_SECONDS, self.poll)

    @background(
        N_("read the alerts"),
        retry=N_("retrying every {seconds:g} s"),
        group="alerts",
        values={"seconds": POLL_SECONDS},
    )
    def poll(self) -> None:
        load_database_code()
        from itsm_tui.workflow.sla.alerts import list_alerts, recent_alerts

        if not self.loaded:
            rows = recent_alerts(self.site, self.actor, limit=ALERTS_SHOWN)
            fresh = True
        else:
            since = self.alerts[0].id if self.alerts else 0
            rows = list_alerts(self.site, self.actor, mine=True, since_id=since)[::-1]
            fresh = False
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, rows, fresh)

    def show_failure(self, message: str, what: str) -> None:
        """Until the database answers again: the alerts already shown stay, marked stale."""
        self.failed = True
        if self.alerts:
            self.border_title = _("Alerts ({count}) · not up to date").format(
                count=len(self.alerts)
            )
        else:
            self.update(Text(message, style="bold red"))

    def show(self, rows: list[AlertRow], fresh: bool) -> None:
        """Put ``rows`` (newest first) on top of what is shown."""
        recovered, self.failed = self.failed, False
        if fresh:
            self.alerts.clear()
            self.loaded = True
        elif not rows and not recovered:
            return
        self.alerts.extendleft(reversed(rows))
        self.border_title = (
            _("Alerts ({count})").format(count=len(self.alerts)) if self.alerts else _("Alerts")
        )
        if not self.alerts:
            self.update(Text(_("No alerts."), style="dim"))
            return
        text = Text()
        zone = self.site.settings.zone
        for alert in self.alerts:
            text.append(local(alert.created_at, zone, "%m-%d %H:%M"), style="dim")
            text.append(f" {alert.ticket} ", style="bold")
            # The message names its ticket first (for e-mail); the number is already in bold.
            message = alert.message.removeprefix(f"{alert.ticket} ")
            text.append(visible(message) + "\n")
        text.rstrip()
        self.update(text)
