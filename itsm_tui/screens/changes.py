"""The change list: the newest changes with their type, state, risk and window; Enter opens
one. Reads in a worker, after the database code is loaded (the app loads it before pushing).
The table itself is :class:`~itsm_tui.screens.change_table.ChangeTableScreen`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import BindingType

from itsm_tui.common.changes import RISK_LABELS, STATUS_LABELS, TYPE_LABELS
from itsm_tui.common.i18n import N_, _, ngettext
from itsm_tui.console.change_form import RaisesChanges
from itsm_tui.console.keymap import bind
from itsm_tui.screens.change_table import (
    ChangeTableScreen,
    labels_column,
    number_column,
    risk_text,
    window_column,
)
from itsm_tui.widgets.cells import Column, widest

if TYPE_CHECKING:
    from itsm_tui.workflow.changes.records import ChangeRow

PAGE = 200


class ChangeListScreen(RaisesChanges, ChangeTableScreen["ChangeRow"]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *ChangeTableScreen.BINDINGS,
        bind("change-calendar", "app.change_calendar"),
        bind("change-new", "new_change"),
    ]
    PART = "changes"
    SUBTITLE = N_("Changes")
    LOADING = N_("Reading the changes …")

    def after_new_change(self) -> None:
        self.load()  # the new change's row

    def columns(self) -> list[Column]:
        return [
            number_column(),
            labels_column(N_("Type"), TYPE_LABELS, 4, rank=2),
            labels_column(N_("Status"), STATUS_LABELS, 8, rank=1),
            labels_column(N_("Risk level"), RISK_LABELS, 4, rank=2),
            window_column(),
            Column(N_("Implementer"), max(10, widest(_("Implementer"))), 6, droppable=True, rank=1),
        ]

    def fetch(self) -> list[ChangeRow]:
        from itsm_tui.workflow.changes.records import list_changes

        return list_changes(self.site, self.actor, limit=PAGE)

    def heading(self, rows: list[ChangeRow]) -> str:
        return ngettext(
            "{count} change · Enter opens it",
            "{count} newest changes · Enter opens one",
            len(rows),
        ).format(count=len(rows))

    def cells(self, r: ChangeRow, widths: list[int | None]) -> list[Text | None]:
        number, kind, status, risk, window, implementer, title = widths
        return [
            self.cell(r.number, number),
            self.cell(_(TYPE_LABELS[r.type]), kind),
            self.cell(_(STATUS_LABELS[r.status]), status),
            risk_text(r.risk_level, risk),
            self.window_cell(r.window_start, window),
            self.cell(r.implementer or "—", implementer),
            self.cell(r.title, title),
        ]
