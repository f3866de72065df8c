"""A group's ranking (绩效考评) for a period, opened from the scorecard with F11: each member's
total and the weighted points of every indicator, best first, and where a period was closed the
frozen total and the corrections since. Enter opens the highlighted person's scorecard; F12
chooses another of the groups this person may rank; ``<``/``>`` and ``T`` move the period as on
the scorecard. Who may see a ranking is the workflow's rule (supervisors their groups', admins
all); a refusal is shown in the heading."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.dialogs.form import Field, FormDialog
from itsm_tui.screens.scorecard import PeriodKeys
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.quality import scorecards
from itsm_tui.workflow.quality.scorecards import Scorecard
from itsm_tui.workflow.site import Actor, Site

#: The columns before the indicators' (which are named by the scheme).
COLUMNS = (N_("rank"), N_("staff"), N_("total"), N_("closed at"))


class RankingScreen(PeriodKeys, ReportsFailures, Screen[str | None]):
    """Dismisses with the login whose scorecard to show, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("open", "open_card"),
        bind("period-previous", "period(-1)"),
        bind("period-next", "period(1)"),
        bind("period-kind", "toggle_kind"),
        bind("ranking-group", "choose_group"),
        bind("refresh", "reload"),
    ]

    def __init__(self, site: Site, actor: Actor, period: str, login: str | None = None) -> None:
        """``login``: whose scorecard it was opened from (their group is ranked first)."""
        super().__init__()
        self.site, self.actor, self.period, self.login = site, actor, period, login
        self.group: str | None = None
        self.groups: list[str] = []
        self.cards: list[Scorecard] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Reading the ranking …"), id="ranking-head", markup=False)
        yield DataTable(id="ranking-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Group ranking")
        self.query_one(DataTable).focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_card":
            return bool(self.cards)
        if action == "choose_group":
            return len(self.groups) > 1
        return True

    def action_reload(self) -> None:
        self.load()

    def action_choose_group(self) -> None:
        def chosen(values: dict[str, str] | None) -> None:
            if values and values["group"]:
                self.group = values["group"]
                self.load()

        field = Field("group", _("Group"), [(c, c) for c in self.groups], value=self.group or "")
        self.app.push_screen(FormDialog(_("Which group's ranking?"), [field]), chosen)

    def action_open_card(self) -> None:
        table = self.query_one(DataTable)
        if self.cards and table.cursor_row < len(self.cards):
            self.dismiss(self.cards[table.cursor_row].login)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_card()

    @background(N_("read the group ranking"), retry=N_("r retries"), group="ranking")
    def load(self) -> None:
        groups = scorecards.rankable_groups(self.site, self.actor, first_for=self.login)
        group = self.group if self.group in groups else (groups[0] if groups else None)
        cards = scorecards.rank_group(self.site, self.actor, group, self.period) if group else []
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, groups, group, cards)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#ranking-head", Static).update(message)

    def show(self, groups: list[str], group: str | None, cards: list[Scorecard]) -> None:
        self.groups, self.group, self.cards = groups, group, cards
        self.refresh_bindings()
        head = self.query_one("#ranking-head", Static)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        if group is None:
            head.update(_("You supervise no group: a ranking shows only your groups' staff."))
            return
        head.update(
            Text(
                _("{group}  {period}: {n} staff, best first · Enter: their scorecard").format(
                    group=group, period=self.period, n=len(cards)
                ),
                style="bold",
            )
        )
        indicators = cards[0].indicators if cards else []
        table.add_columns(*(_(c) for c in COLUMNS), *(_(i.label) for i in indicators))
        for rank, card in enumerate(cards, start=1):
            frozen = "" if card.frozen_total is None else f"{card.frozen_total:.2f}"
            table.add_row(
                str(rank), Text(one_line(f"{card.name} ({card.login})")), f"{card.total:.2f}",
                frozen, *(f"{i.weighted:.2f}" for i in card.indicators), key=card.login,
            )  # fmt: skip
