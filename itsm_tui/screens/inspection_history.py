"""The readings of one inspection item (across its checklist's versions) or of one CI, newest
first, with their trend as a sparkline and the warnings and failures per month. Opened from the
runner with ``h`` on an item, and with ``Ctrl+Y`` (the runner or the rounds list) for any CI
or item named: the CLI's ``itsm inspect history``."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Sparkline, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _, ngettext
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from textual.screen import Screen as AnyScreen

    from itsm_tui.workflow.inspections.views import History

#: How many readings the screen reads (two years of twice-daily rounds are 1,460).
SHOWN = 1500
OUTCOME_STYLES = {"pass": "", "warn": "yellow", "fail": "bold red", "skipped": "dim"}
OUTCOME_WORDS = {
    "pass": N_("pass"),
    "warn": N_("warn"),
    "fail": N_("fail"),
    "skipped": N_("skipped"),
}


def ask_history(screen: AnyScreen[None], site: Site, actor: Actor, value: str) -> None:
    """Ask which CI (``UPS-01``) or item (``daily.ups01_load``, or its key) and show its
    history; ``value`` is offered first."""
    from itsm_tui.dialogs.form import Field, FormDialog

    def named(values: dict[str, str] | None) -> None:
        ref = (values or {}).get("ref", "").strip()
        if ref:
            screen.app.push_screen(InspectionHistoryScreen(site, actor, ref))

    field = Field("ref", _("CI or item"), value=value)
    screen.app.push_screen(FormDialog(_("Inspection history of which CI or item?"), [field]), named)


class InspectionHistoryScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("refresh", "reload"),
    ]

    def __init__(self, site: Site, actor: Actor, ref: str) -> None:
        super().__init__()
        self.site, self.actor, self.ref = site, actor, ref

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading {ref} …").format(ref=self.ref), id="history-head", markup=False)
        yield Sparkline([], id="history-spark")
        yield Static("", id="history-months", markup=False)
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Inspection history")
        table = self.query_one(DataTable)
        for label, width in (
            (_("When"), 11),
            (_("Round"), 9),
            (_("Item"), 18),
            (_("CI"), 12),
            (_("Outcome"), 7),
            (_("Reading"), 9),
        ):
            table.add_column(label, width=width)
        table.focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    @background(N_("read the history"), retry=N_("r reloads"), group="history-load")
    def load(self) -> None:
        from itsm_tui.workflow.inspections.history import history

        found = history(self.site, self.actor, self.ref, limit=SHOWN)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, found)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#history-head", Static).update(message)

    def show(self, found: History) -> None:
        zone = self.site.settings.zone
        values = [r.value for r in reversed(found.readings) if r.value is not None]
        head = Text()
        head.append(one_line(found.subject), style="bold")
        count = len(found.readings)
        head.append("  " + ngettext("{count} answer", "{count} answers", count).format(count=count))
        if values:
            head.append(
                "  "
                + _("low {low:g} · high {high:g} · last {last:g}").format(
                    low=min(values), high=max(values), last=values[-1]
                ),
                style="dim",
            )
        self.query_one("#history-head", Static).update(head)
        spark = self.query_one("#history-spark", Sparkline)
        spark.data = values[-200:]
        spark.display = bool(values)
        months = found.failures_by_month
        self.query_one("#history-months", Static).update(
            _("warnings and failures per month: {months}").format(
                months=", ".join(f"{m} {n}" for m, n in months.items())
            )
            if months
            else _("No warnings or failures.")
        )
        table = self.query_one(DataTable)
        table.clear()
        for r in found.readings:
            style = OUTCOME_STYLES.get(r.outcome, "")
            value = f"{r.value:g}" if r.value is not None else r.text
            table.add_row(
                Text(local(r.at, zone, "%m-%d %H:%M")),
                Text(r.round),
                Text(one_line(f"{r.template}.{r.item}")),
                Text(one_line(r.ci or "")),
                Text(_(OUTCOME_WORDS.get(r.outcome, r.outcome)), style=style),
                Text(one_line(value), style=style),
            )
