"""My approvals: the changes waiting for this CAB member's decision, earliest window first;
Enter opens one, where Y approves and N rejects."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.changes import TYPE_LABELS
from itsm_tui.common.i18n import N_, _, ngettext
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.screens.changes import risk_text
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.workflow.changes.cab import PendingApproval

COLUMNS = (N_("Number"), N_("Type"), N_("Risk level"), N_("Window"), N_("Approvals"), N_("Title"))


class ApprovalsScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("open", "open"),
        bind("refresh", "reload"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Reading your approvals …"), id="approvals-head", markup=False)
        yield DataTable(id="approvals-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("My approvals")
        table = self.query_one("#approvals-table", DataTable)
        table.add_columns(*(_(c) for c in COLUMNS))
        table.focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()  # back from a change just decided: it has left the list

    def action_reload(self) -> None:
        self.load()

    @background(N_("read your approvals"), retry=N_("r retries"), group="approvals")
    def load(self) -> None:
        from itsm_tui.workflow.changes.cab import pending_approvals

        rows = pending_approvals(self.site, self.actor)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, rows)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#approvals-head", Static).update(message)

    def show(self, rows: list[PendingApproval]) -> None:
        zone = self.site.settings.zone
        head = (
            ngettext(
                "{n} change waits for your decision · Enter opens it",
                "{n} changes wait for your decision · Enter opens one",
                len(rows),
            ).format(n=len(rows))
            if rows
            else _("Nothing waits for your approval.")
        )
        self.query_one("#approvals-head", Static).update(head)
        table = self.query_one("#approvals-table", DataTable)
        table.clear()
        for p in rows:
            table.add_row(
                Text(p.number),
                Text(_(TYPE_LABELS[p.type])),
                risk_text(p.risk_level),
                Text(local(p.window_start, zone) if p.window_start else "—"),
                Text(p.approvals),
                Text(one_line(p.title)),
                key=p.number,
            )

    def action_open(self) -> None:
        table = self.query_one("#approvals-table", DataTable)
        if table.row_count:
            row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
            self.open_change(str(row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_change(str(event.row_key.value))

    def open_change(self, number: str) -> None:
        from itsm_tui.screens.change import ChangeScreen

        self.app.push_screen(ChangeScreen(self.site, self.actor, number))
