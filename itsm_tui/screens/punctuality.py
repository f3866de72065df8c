"""Rounds completed on time and late, and still open past their due time, per group: the
console's ``itsm inspect punctuality``. Reached from the rounds list with ``F10``."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.workflow.inspections.history import Punctuality


def on_time_share(row: Punctuality) -> str:
    """The completed rounds done by their due time, in whole per cent ("—" with none)."""
    return f"{round(100 * row.on_time / row.completed)}%" if row.completed else "—"


class PunctualityScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("refresh", "reload"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading …"), id="punctuality-head", markup=False)
        yield DataTable(id="punctuality-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Inspection punctuality")
        table = self.query_one(DataTable)
        for label, width in (
            (_("Group"), 16),
            (_("Completed"), 9),
            (_("On time"), 8),
            (_("Late"), 6),
            (_("On time share"), 13),
            (_("Overdue now"), 11),
        ):
            table.add_column(label, width=width)
        table.focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    @background(N_("read the punctuality"), retry=N_("r reloads"), group="punctuality-load")
    def load(self) -> None:
        from itsm_tui.workflow.inspections.history import punctuality

        rows = punctuality(self.site, self.actor)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, rows)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#punctuality-head", Static).update(message)

    def show(self, rows: list[Punctuality]) -> None:
        self.query_one("#punctuality-head", Static).update(
            _("Rounds by their due time, per group (all time)")
            if rows
            else _("No inspection rounds yet.")
        )
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            table.add_row(
                Text(one_line(r.group)),
                Text(str(r.completed)),
                Text(str(r.on_time), style="green" if r.on_time else ""),
                Text(str(r.late), style="yellow" if r.late else ""),
                Text(on_time_share(r)),
                Text(str(r.open_overdue), style="bold red" if r.open_overdue else ""),
            )
