"""A one-line SLA bar: how much of a clock's target is used and how much business time is left,
coloured by the same risk rule as the queues.

The time left is business time on the policy's calendar, measured by the workflow
(``sla.progress``): a ticket due Monday 10:00 shows "2h 0m left" on Friday at 17:00, not 65
hours. A resolution clock waiting on the customer or a vendor shows "paused" with what is left.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from itsm_tui.common.domain import ClockState
from itsm_tui.common.i18n import _
from itsm_tui.common.timefmt import business, local
from itsm_tui.widgets.cells import fit
from itsm_tui.workflow.sla.time_left import Progress
from itsm_tui.workflow.tickets.risk import Risk, risk_of

#: The label's column (Response, Resolution), in cells.
LABEL_CELLS = 10
_COLOUR = {Risk.BREACHED: "bold red", Risk.AT_RISK: "yellow", Risk.OK: "green"}
WIDTH = 8


class SlaBar(Static):
    DEFAULT_CSS = "SlaBar { height: auto; }"

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.label = label

    def show(
        self,
        clock: Progress,
        due: datetime | None,
        met_at: datetime | None,
        now: datetime,
        zone: ZoneInfo,
        warn: datetime | None = None,
    ) -> None:
        """``clock``: the business time left; ``warn``: when the at-risk colour starts."""
        text = Text(fit(self.label, LABEL_CELLS) + " ")
        if met_at is not None and due is not None:
            met = met_at <= due
            text.append("█" * WIDTH, style="green" if met else "red")
            state = _("met") if met else _("missed")
            text.append(f" {state} {local(met_at, zone, '%m-%d %H:%M')}")
        elif clock.state == ClockState.PAUSED and clock.minutes_left is not None:
            self._bar(text, clock, "dim")
            paused = _("paused, {time} left").format(time=business(clock.minutes_left))
            text.append(f" {paused}", style="dim")
        elif due is None or clock.state != ClockState.RUNNING or clock.minutes_left is None:
            text.append(
                _("no target yet")
                if due is None
                else _("due {when}").format(when=local(due, zone)),
                style="dim",
            )
        else:
            colour = _COLOUR.get(risk_of(due, warn, now), "green")
            self._bar(text, clock, colour)
            minutes = clock.minutes_left
            left = (
                _("{time} left").format(time=business(minutes))
                if minutes >= 0
                else _("{time} overdue").format(time=business(minutes))
            )
            text.append(f" {left}", style=colour)
            due_at = _("due {when}").format(when=local(due, zone, "%m-%d %H:%M"))
            text.append("\n" + " " * (LABEL_CELLS + 1) + due_at, style="dim")
        self.update(text)

    @staticmethod
    def _bar(text: Text, clock: Progress, colour: str) -> None:
        used = min(1.0, max(0.0, (clock.elapsed_percent or 0) / 100))
        filled = round(used * WIDTH)
        text.append("█" * filled, style=colour)
        text.append("░" * (WIDTH - filled), style="dim")
