"""The operator's alert inbox: SLA warnings and breaches addressed to me, live.

It opens with my newest alerts and then, every ``POLL_SECONDS``, asks only for alerts after the
newest id it holds (``list_alerts(since_id=…)``, an index range on ``ix_sla_alert_staff``):
a new alert shows within a few seconds and nothing is ever reloaded in full.

Focused (Tab), it has a cursor: up and down move it, and Enter opens what the alert is about,
a ticket or a change (an approval request, an overrun, a late review). An inspection round's
alert opens nothing here: its round has its own screen.
"""

from __future__ import annotations

from collections import deque
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import Static
from textual.worker import get_current_worker

from itsm_tui.common.changes import CHANGE_PREFIX
from itsm_tui.common.domain import NUMBER_PREFIX
from itsm_tui.common.i18n import N_, _
from itsm_tui.common.textsafe import visible
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.console.loading import load_database_code
from itsm_tui.console.messages import OpenChange, OpenTicket
from itsm_tui.console.sizes import ALERTS_SHOWN
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.sla.alert_rows import AlertRow


def subject_kind(number: str) -> str | None:
    """What an alert's subject number names: ``"change"``, ``"ticket"``, or None (a round)."""
    if number.startswith(CHANGE_PREFIX):
        return "change"
    if number.startswith(tuple(NUMBER_PREFIX.values())):
        return "ticket"
    return None


class AlertInbox(ReportsFailures, Static, can_focus=True):
    DEFAULT_CSS = """
    AlertInbox { border: round $warning; height: auto; min-height: 3; max-height: 8;
                 padding: 0 1; }
    AlertInbox:focus { border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("open", "open"),
        bind("cursor-up", "cursor(-1)", show=False),
        bind("cursor-down", "cursor(1)", show=False),
    ]
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
        self.cursor = 0  # the alert Enter opens, counted from the newest

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
        self.cursor = 0 if fresh else min(self.cursor + len(rows), len(self.alerts) - 1)
        self.render_alerts()

    def render_alerts(self) -> None:
        text = Text()
        zone = self.site.settings.zone
        for n, alert in enumerate(self.alerts):
            line = Text()
            line.append(local(alert.created_at, zone, "%m-%d %H:%M"), style="dim")
            line.append(f" {alert.ticket} ", style="bold")
            # The message names its ticket first (for e-mail); the number is already in bold.
            message = alert.message.removeprefix(f"{alert.ticket} ")
            line.append(visible(message) + "\n")
            if self.has_focus and n == self.cursor:
                line.stylize("reverse")
            text.append_text(line)
        text.rstrip()
        self.update(text)
        self.refresh_bindings()

    def on_focus(self) -> None:
        if self.alerts:
            self.render_alerts()

    def on_blur(self) -> None:
        if self.alerts:
            self.render_alerts()

    def action_cursor(self, step: int) -> None:
        if self.alerts:
            self.cursor = max(0, min(len(self.alerts) - 1, self.cursor + step))
            self.render_alerts()

    def action_open(self) -> None:
        """Open the ticket or change the alert under the cursor is about."""
        if not self.alerts:
            return
        number = self.alerts[self.cursor].ticket
        kind = subject_kind(number)
        if kind == "change":
            self.post_message(OpenChange(number))
        elif kind == "ticket":
            self.post_message(OpenTicket(number))

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action == "open":
            return bool(self.alerts) and subject_kind(self.alerts[self.cursor].ticket) is not None
        return True
