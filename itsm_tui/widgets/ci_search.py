"""Search-as-you-type over the CMDB: a box and a result list (class, name, status, criticality,
IP). Enter in the box or on a row posts :class:`CISearch.Picked`; the screen decides what a
pick means (open the CI, link it to a ticket)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _, status_text
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.widgets.cells import one_line
from itsm_tui.workflow.cmdb import CIView, lookup_cis
from itsm_tui.workflow.site import Actor, Site

LIMIT = 50
#: Fixed columns; the name takes what the terminal has left.
COLUMNS = ((N_("Class"), 16), (N_("Status"), 10), (N_("Crit"), 4), (N_("IP / tag"), 15))


class CISearch(ReportsFailures, Vertical):
    DEFAULT_CSS = """
    CISearch { height: 1fr; }
    CISearch #ci-search-status { color: $text-muted; height: 1; padding: 0 1; }
    CISearch #ci-search-results { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("results", "results", show=False),
    ]

    class Picked(Message):
        """The operator chose a CI (Enter on a row, or in the box for the highlighted one)."""

        def __init__(self, ci: CIView) -> None:
            super().__init__()
            self.ci = ci

    def __init__(self, site: Site, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.site, self.actor = site, actor
        self.found: list[CIView] = []

    def compose(self) -> ComposeResult:
        hint = _("name, IP or asset tag (名称 / IP / 资产编号)")
        yield Input(placeholder=hint, id="ci-search-input")
        yield Static(_("Type to search the CMDB."), id="ci-search-status", markup=False)
        yield DataTable(id="ci-search-results", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self._columns()
        self.query_one(Input).focus()

    def on_resize(self) -> None:
        self._columns()
        self._show(self.found)

    def _columns(self) -> None:
        table = self.query_one(DataTable)
        fixed = sum(width + 2 for _label, width in COLUMNS)
        name_width = max(16, self.size.width - fixed - 4)
        table.clear(columns=True)
        table.add_column(_("Class"), width=16)
        table.add_column(_("Name"), width=name_width)
        for label, width in COLUMNS[1:]:
            table.add_column(_(label), width=width)

    @on(Input.Changed, "#ci-search-input")
    def _typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @background(N_("search the CMDB"), retry=N_("type on to retry"), group="ci-search")
    def search(self, text: str) -> None:
        found = lookup_cis(self.site, self.actor, text, limit=LIMIT) if text.strip() else []
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._found, text, found)

    def show_failure(self, message: str, what: str) -> None:
        self._status(message)

    def _found(self, text: str, found: list[CIView]) -> None:
        self._show(found)
        if not text.strip():
            self._status(_("Type to search the CMDB."))
        elif not found:
            self._status(_("No CI matches '{text}'.").format(text=one_line(text)))
        else:
            more = _(" (first {limit})").format(limit=LIMIT) if len(found) == LIMIT else ""
            self._status(
                _("{count} found{more} · Enter opens · ↓ to the list").format(
                    count=len(found), more=more
                )
            )

    def _show(self, found: list[CIView]) -> None:
        self.found = found
        table = self.query_one(DataTable)
        table.clear()
        for ci in found:
            crit = Text(str(ci.criticality), style="bold red" if ci.criticality == 1 else "")
            table.add_row(
                Text(ci.ci_class),
                Text(one_line(ci.name)),
                Text(status_text(ci.status)),
                crit,
                Text(one_line(ci.ip or ci.asset_tag or "")),
            )

    def _status(self, message: str) -> None:
        self.query_one("#ci-search-status", Static).update(message)

    def action_results(self) -> None:
        if self.found:
            self.query_one(DataTable).focus()

    @on(Input.Submitted, "#ci-search-input")
    def _submitted(self) -> None:
        self._pick(self.query_one(DataTable).cursor_row)

    @on(DataTable.RowSelected, "#ci-search-results")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._pick(event.cursor_row)

    def _pick(self, row: int) -> None:
        if 0 <= row < len(self.found):
            self.post_message(self.Picked(self.found[row]))
