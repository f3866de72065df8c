"""My approvals: the changes waiting for this CAB member's decision, earliest window first;
Enter opens one, where Y approves and D rejects. The table itself is
:class:`~itsm_tui.screens.change_table.ChangeTableScreen`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from itsm_tui.common.changes import RISK_LABELS, TYPE_LABELS
from itsm_tui.common.i18n import N_, _, ngettext
from itsm_tui.screens.change_table import (
    ChangeTableScreen,
    labels_column,
    number_column,
    risk_text,
    window_column,
)
from itsm_tui.widgets.cells import Column, widest

if TYPE_CHECKING:
    from itsm_tui.workflow.changes.cab import PendingApproval


class ApprovalsScreen(ChangeTableScreen["PendingApproval"]):
    PART = "approvals"
    SUBTITLE = N_("My approvals")
    LOADING = N_("Reading your approvals …")

    def columns(self) -> list[Column]:
        return [
            number_column(),
            labels_column(N_("Type"), TYPE_LABELS, 4, rank=2),
            labels_column(N_("Risk level"), RISK_LABELS, 4, rank=2),
            window_column(),
            Column(
                N_("Approvals"),
                max(8, widest(_("Approvals"))),
                max(8, widest(_("Approvals"))),
                rank=1,
            ),  # "1/2 of 3"
        ]

    def on_screen_resume(self) -> None:
        self.load()  # back from a change just decided: it has left the list

    def fetch(self) -> list[PendingApproval]:
        from itsm_tui.workflow.changes.cab import pending_approvals

        return pending_approvals(self.site, self.actor)

    def heading(self, rows: list[PendingApproval]) -> str:
        if not rows:
            return _("Nothing waits for your approval.")
        return ngettext(
            "{n} change waits for your decision · Enter opens it",
            "{n} changes wait for your decision · Enter opens one",
            len(rows),
        ).format(n=len(rows))

    def cells(self, p: PendingApproval, widths: list[int | None]) -> list[Text | None]:
        number, kind, risk, window, approvals, title = widths
        return [
            self.cell(p.number, number),
            self.cell(_(TYPE_LABELS[p.type]), kind),
            risk_text(p.risk_level, risk),
            self.window_cell(p.window_start, window),
            self.cell(p.approvals, approvals),
            self.cell(p.title, title),
        ]
