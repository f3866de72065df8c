"""My scorecard (绩效考评): each indicator's raw value, the band it fell in, its points, its
weight and weighted points for a month or a year; Enter drills down to the tickets, surveys,
complaints or contacts behind the highlighted figure. ``<``/``>`` move a period, ``T`` switches
between months and years, F11 ranks a group's staff for the period (``screens.ranking``)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.dialogs.form import Field, FormDialog
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.quality import scorecards
from itsm_tui.workflow.quality.scorecards import ExplainRow, Scorecard
from itsm_tui.workflow.site import Actor, Site

#: Column titles, translated where shown.
SCORE_COLUMNS = (
    N_("indicator"),
    N_("value"),
    N_("of"),
    N_("band"),
    N_("points"),
    N_("weight"),
    N_("weighted"),
)
ROW_COLUMNS = (N_("kind"), N_("ticket"), N_("when"), N_("counts"), N_("detail"))
DRILL_ROWS = 200
#: What a drill-down row is, translated where shown.
ROW_KINDS = (N_("ticket"), N_("survey"), N_("complaint"), N_("contact"))


def shift(period: str, step: int) -> str:
    """The month or year ``step`` periods from ``period`` (``2026-11`` + 1 → ``2027-01``...)."""
    if "-" not in period:
        return str(int(period) + step)
    year, month = (int(p) for p in period.split("-"))
    index = year * 12 + month - 1 + step
    return f"{index // 12}-{index % 12 + 1:02d}"


class PeriodKeys:
    """The period keys (``<`` ``>`` and month/year) of a screen that shows one period: the
    scorecard and the group ranking move through periods the same way."""

    site: Site
    period: str

    def load(self) -> object:
        """Read the period shown again (the screen's own background read)."""
        raise NotImplementedError

    def action_period(self, step: int) -> None:
        self.period = shift(self.period, step)
        self.load()

    def action_toggle_kind(self) -> None:
        if "-" in self.period:
            self.period = self.period.split("-")[0]
        else:
            now = self.site.clock.now().astimezone(self.site.settings.zone)
            self.period = f"{self.period}-{now.month:02d}"
        self.load()


class ScorecardScreen(PeriodKeys, ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("open", "drill"),
        bind("period-previous", "period(-1)"),
        bind("period-next", "period(1)"),
        bind("period-kind", "toggle_kind"),
        bind("score-person", "choose_person"),
        bind("group-ranking", "ranking"),
        bind("refresh", "reload"),
    ]

    def __init__(self, site: Site, actor: Actor, login: str | None = None) -> None:
        super().__init__()
        self.site, self.actor = site, actor
        self.login = login or actor.login
        now = site.clock.now().astimezone(site.settings.zone)
        self.period = f"{now.year}-{now.month:02d}"
        self.card: Scorecard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Reading the scorecard …"), id="score-head", markup=False)
        yield DataTable(id="score-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="score-rows-title", markup=False)
        yield DataTable(id="score-rows", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Scorecard")
        self.query_one("#score-table", DataTable).add_columns(*(_(c) for c in SCORE_COLUMNS))
        self.query_one("#score-rows", DataTable).add_columns(*(_(c) for c in ROW_COLUMNS))
        self.query_one("#score-table").focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_choose_person(self) -> None:
        """Another staff member's card (supervisors: their groups'; admins: anyone's; the
        workflow refuses the rest)."""

        def chosen(values: dict[str, str] | None) -> None:
            if values and values["login"].strip():
                self.login = values["login"].strip()
                self.load()

        field = Field("login", _("Staff login"), value=self.login)
        self.app.push_screen(FormDialog(_("Whose scorecard?"), [field]), chosen)

    def action_ranking(self) -> None:
        """The group ranking for this period; Enter there brings back that person's card."""
        from itsm_tui.screens.ranking import RankingScreen

        def chosen(login: str | None) -> None:
            if login:
                self.login = login
                self.load()

        self.app.push_screen(RankingScreen(self.site, self.actor, self.period, self.login), chosen)

    @background(N_("read the scorecard"), retry=N_("r retries"), group="card")
    def load(self) -> None:
        card = scorecards.show_scorecard(self.site, self.actor, self.login, self.period)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, card)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#score-head", Static).update(message)

    def show(self, card: Scorecard) -> None:
        self.card = card
        head = Text()
        head.append(f"{one_line(card.name)} ({card.login})  {card.period}  ", style="bold")
        head.append(_("total {total:.2f}").format(total=card.total), style="bold")
        head.append("  " + _("scheme: {name} v{version}").format(
            name=one_line(card.scheme), version=card.scheme_version
        ))  # fmt: skip
        if card.frozen_total is not None:
            head.append(
                "\n"
                + _("Closed at {total:.2f}; corrections since: {difference:+.2f}").format(
                    total=card.frozen_total, difference=card.difference or 0
                ),
                style="yellow",
            )
        self.query_one("#score-head", Static).update(head)
        table = self.query_one("#score-table", DataTable)
        table.clear()
        for i in card.indicators:
            value = (
                _("no data")
                if i.value is None
                else f"{i.value:g}" + (" %" if i.unit == "percent" else "")
            )
            table.add_row(
                _(i.label), value, str(i.whole or ""), i.band, f"{i.points:g}",
                f"{i.weight:g}", f"{i.weighted:.2f}", key=i.formula,
            )  # fmt: skip
        self.query_one("#score-rows-title", Static).update(
            _("Enter: the tickets, surveys or complaints behind the highlighted figure")
        )
        self.query_one("#score-rows", DataTable).clear()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on an indicator (the table takes Enter itself): its rows below."""
        if event.data_table.id == "score-table":
            self.action_drill()

    def action_drill(self) -> None:
        table = self.query_one("#score-table", DataTable)
        if self.card is None or not table.row_count:
            return
        formula = self.card.indicators[table.cursor_row].formula
        self.drill(formula, self.period)

    @background(N_("list the rows behind the figure"), retry=N_("Enter tries again"), group="drill")
    def drill(self, formula: str, period: str) -> None:
        rows, more = scorecards.explain(
            self.site, self.actor, self.login, period, formula, limit=DRILL_ROWS
        )
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_rows, formula, rows, more is not None)

    def show_rows(self, formula: str, rows: list[ExplainRow], more: bool) -> None:
        label = (
            next((i.label for i in self.card.indicators if i.formula == formula), formula)
            if self.card
            else formula
        )
        title = _("Behind {indicator}: {count} rows").format(indicator=_(label), count=len(rows))
        if more:
            title += " " + _("(the first {n}; itsm score rows lists them all)").format(n=DRILL_ROWS)
        self.query_one("#score-rows-title", Static).update(title)
        table = self.query_one("#score-rows", DataTable)
        table.clear()
        zone = self.site.settings.zone
        for r in rows:
            when = local(r.at, zone) if isinstance(r.at, datetime) else ""
            table.add_row(
                _(r.kind), r.ticket or "", when, _("yes") if r.counts else _("no"),
                Text(one_line(r.detail)),
            )  # fmt: skip
