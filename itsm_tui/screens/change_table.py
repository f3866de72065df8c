"""What the change list and My approvals share: a heading line, a table of changes keyed by
number whose Title column takes the width the others leave, Enter to open one, and the read
in a worker.

The columns are sized from what they can hold in the operator's language (``rich.cells``:
a Chinese character is two cells), squeezed and then left out when the terminal is narrow,
so that at 80×24 the title is still read; they are fitted again when the terminal resizes.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.changes import RISK_LABELS
from itsm_tui.common.i18n import N_, _
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.widgets.cells import Column, clip, fit_columns, widest
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.site import Actor, Site

Row = TypeVar("Row")

#: The title keeps at least this many cells before other columns are squeezed or left out.
TITLE_LEAST = 22
#: A window's start in full, and without its year when the column is squeezed.
WINDOW_FULL, WINDOW_SHORT = "%Y-%m-%d %H:%M", "%m-%d %H:%M"
NUMBER_CELLS = 9  # CHG000012


def risk_text(level: str | None, width: int | None = None) -> Text:
    """A risk level in its colour (high and very high stand out), cut to ``width``."""
    if level is None:
        return Text("—", style="dim")
    style = {"very_high": "bold white on red", "high": "bold red", "medium": "yellow"}
    label = _(RISK_LABELS[level])
    return Text(clip(label, width) if width else label, style=style.get(level, ""))


def labels_column(label: str, values: dict[str, str], least: int, rank: int) -> Column:
    """A column of translated labels, as wide as the widest of them or its heading."""
    return Column(label, widest(_(label), *(_(v) for v in values.values())), least, rank=rank)


def number_column() -> Column:
    return Column(N_("Number"), max(NUMBER_CELLS, widest(_("Number"))), NUMBER_CELLS, rank=9)


def window_column() -> Column:
    # Squeezed first: it loses only the year.
    return Column(N_("Window"), len("2026-12-05 09:00"), len("12-05 09:00"), rank=0)


class ChangeTableScreen(ReportsFailures, Screen[None], Generic[Row]):
    """A subclass names its ``PART`` (the ids ``#<part>-head`` and ``#<part>-table``), its
    ``SUBTITLE`` and ``LOADING`` text, its fixed ``columns()`` (the title comes last), how to
    ``fetch`` its rows (in the worker), a row's ``cells`` at the fitted widths, and its
    ``heading``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("open", "open"),
        bind("refresh", "reload"),
    ]
    PART: ClassVar[str]
    SUBTITLE: ClassVar[str]
    LOADING: ClassVar[str]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor
        self.rows: list[Row] = []
        self.widths: list[int | None] = []

    # -- what a subclass says -------------------------------------------------------------

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def fetch(self) -> list[Row]:
        raise NotImplementedError

    def cells(self, row: Row, widths: list[int | None]) -> list[Text | None]:
        """The row's cells in column order (the title last); ``None`` where a column was
        left out is dropped here."""
        raise NotImplementedError

    def heading(self, rows: list[Row]) -> str:
        raise NotImplementedError

    def key_of(self, row: Row) -> str:
        number: str = getattr(row, "number")  # noqa: B009  # every row here is a change's
        return number

    # -- shared ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_(self.LOADING), id=f"{self.PART}-head", markup=False, classes="list-head")
        yield DataTable(
            id=f"{self.PART}-table", cursor_type="row", zebra_stripes=True, classes="list-table"
        )
        yield KeyFooter()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one(f"#{self.PART}-table", DataTable)

    def on_mount(self) -> None:
        self.sub_title = _(self.SUBTITLE)
        self._lay_out(self.app.size.width)
        self.table.focus()
        self.load()

    def on_resize(self, event: events.Resize) -> None:
        if self.widths and fit_columns(self.columns(), event.size.width, TITLE_LEAST) != (
            self.widths
        ):
            self._lay_out(event.size.width)
            self._fill()

    def _lay_out(self, width: int) -> None:
        columns = self.columns()
        self.widths = fit_columns(columns, width, TITLE_LEAST)
        table = self.table
        table.clear(columns=True)
        for column, cells in zip([*columns, None], self.widths, strict=True):
            if cells is not None:
                label = _(column.label) if column else _("Title")
                table.add_column(clip(label, cells), width=cells)

    def action_reload(self) -> None:
        self.load()

    @background(N_("read the changes"), retry=N_("r retries"), group="change-table")
    def load(self) -> None:
        rows = self.fetch()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, rows)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one(f"#{self.PART}-head", Static).update(message)

    def show(self, rows: list[Row]) -> None:
        self.rows = rows
        self.query_one(f"#{self.PART}-head", Static).update(self.heading(rows))
        self._fill()

    def _fill(self) -> None:
        table = self.table
        table.clear()
        for row in self.rows:
            cells = [c for c in self.cells(row, self.widths) if c is not None]
            table.add_row(*cells, key=self.key_of(row))

    @staticmethod
    def cell(text: str, width: int | None, style: str = "") -> Text | None:
        """User or label text on one line, cut to the column (``None``: left out)."""
        return None if width is None else Text(clip(text, width), style=style)

    def window_cell(self, start: Any, width: int | None) -> Text | None:
        """A window's start, without its year when the column was squeezed."""
        if width is None:
            return None
        if start is None:
            return Text("—")
        zone = self.site.settings.zone
        full = local(start, zone, WINDOW_FULL)
        return Text(full if len(full) <= width else local(start, zone, WINDOW_SHORT))

    def action_open(self) -> None:
        table = self.table
        if table.row_count:
            row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
            self.open_change(str(row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_change(str(event.row_key.value))

    def open_change(self, number: str) -> None:
        from itsm_tui.screens.change import ChangeScreen

        self.app.push_screen(ChangeScreen(self.site, self.actor, number))
