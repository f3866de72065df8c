"""A one-line SLA bar: how much of the time between opening and a due time is used, and how
much is left, coloured by the same risk rule as the queues."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from itsm_tui.timefmt import local, relative
from itsm_tui.workflow.tickets.risk import Risk, risk_of

_COLOUR = {Risk.BREACHED: "bold red", Risk.AT_RISK: "yellow", Risk.OK: "green"}


class SlaBar(Static):
    DEFAULT_CSS = "SlaBar { height: auto; }"

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.label = label

    def show(
        self,
        opened: datetime,
        due: datetime | None,
        met_at: datetime | None,
        now: datetime,
        zone: ZoneInfo,
        warn: datetime | None = None,
    ) -> None:
        """``warn``: when the clock's last warning step comes (the at-risk colour starts)."""
        text = Text(f"{self.label:<10} ")
        if due is None:
            text.append("no target yet", style="dim")
            self.update(text)
            return
        width = 8
        if met_at is not None:
            state = "met" if met_at <= due else "missed"
            text.append("█" * width, style="green" if state == "met" else "red")
            text.append(f" {state} {local(met_at, zone, '%m-%d %H:%M')}")
            self.update(text)
            return
        total = max(1.0, (due - opened).total_seconds())
        used = min(1.0, max(0.0, (now - opened).total_seconds() / total))
        filled = round(used * width)
        colour = _COLOUR.get(risk_of(due, warn, now), "green")
        text.append("█" * filled, style=colour)
        text.append("░" * (width - filled), style="dim")
        text.append(f" {relative(due - now)}", style=colour)
        text.append(f"\n{'':<11}due {local(due, zone, '%m-%d %H:%M')}", style="dim")
        self.update(text)
