"""The change list: the newest changes with their type, state, risk and window; Enter opens
one. Reads in a worker, after the database code is loaded (the app loads it before pushing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.changes import RISK_LABELS, STATUS_LABELS, TYPE_LABELS
from itsm_tui.common.i18n import N_, _, ngettext
from itsm_tui.common.timefmt import local
from itsm_tui.console.change_form import RaisesChanges
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.workflow.changes.records import ChangeRow

PAGE = 200
COLUMNS = (
    N_("Number"),
    N_("Type"),
    N_("Status"),
    N_("Risk level"),
    N_("Window"),
    N_("Implementer"),
    N_("Title"),
)


def risk_text(level: str | None) -> Text:
    """A risk level in its colour (high and very high stand out)."""
    if level is None:
        return Text("—", style="dim")
    style = {"very_high": "bold white on red", "high": "bold red", "medium": "yellow"}
    return Text(_(RISK_LABELS[level]), style=style.get(level, ""))


class ChangeListScreen(ReportsFailures, RaisesChanges, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("open", "open"),
        bind("refresh", "reload"),
        bind("change-calendar", "app.change_calendar"),
        bind("change-new", "new_change"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Reading the changes …"), id="changes-head", markup=False)
        yield DataTable(id="changes-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Changes")
        table = self.query_one("#changes-table", DataTable)
        table.add_columns(*(_(c) for c in COLUMNS))
        table.focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    @background(N_("read the changes"), retry=N_("r retries"), group="changes")
    def load(self) -> None:
        from itsm_tui.workflow.changes.records import list_changes

        rows = list_changes(self.site, self.actor, limit=PAGE)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, rows)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#changes-head", Static).update(message)

    def show(self, rows: list[ChangeRow]) -> None:
        zone = self.site.settings.zone
        head = ngettext(
            "{count} change · Enter opens it",
            "{count} newest changes · Enter opens one",
            len(rows),
        ).format(count=len(rows))
        self.query_one("#changes-head", Static).update(head)
        table = self.query_one("#changes-table", DataTable)
        table.clear()
        for r in rows:
            table.add_row(
                Text(r.number),
                Text(_(TYPE_LABELS[r.type])),
                Text(_(STATUS_LABELS[r.status])),
                risk_text(r.risk_level),
                Text(local(r.window_start, zone) if r.window_start else "—"),
                Text(one_line(r.implementer or "—")),
                Text(one_line(r.title)),
                key=r.number,
            )

    def action_open(self) -> None:
        table = self.query_one("#changes-table", DataTable)
        if table.row_count:
            row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
            self.open_change(str(row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_change(str(event.row_key.value))

    def open_change(self, number: str) -> None:
        from itsm_tui.screens.change import ChangeScreen

        self.app.push_screen(ChangeScreen(self.site, self.actor, number))
