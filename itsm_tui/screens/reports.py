"""The Reports screen: the KPI report's headline figures for this period and the last, with a
sparkline of the last twelve periods each; ``w`` writes the printable HTML report into the
reports folder (with a progress bar: charts take a second or two) and ``M`` mails it to the
supervisors. ``[``/``]`` move a period back or forward, ``W`` switches months and weeks.

Workflow is imported inside the workers, after ``load_database_code()``: the console's start
path stays free of database code."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, ProgressBar, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.console.loading import load_database_code
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.kpi.periods import Period, PeriodKind, current
from itsm_tui.workflow.site import Actor, Site

#: Periods in a sparkline: this one and the eleven before it.
HISTORY = 12
BARS = "▁▂▃▄▅▆▇█"
TRENDS = {"better": N_("better"), "worse": N_("worse"), "same": N_("unchanged")}


def sparkline(values: list[float | int | None]) -> str:
    """One cell per period, the height scaled between the lowest and highest; a gap for none."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = min(known), max(known)
    span = (high - low) or 1
    return "".join(
        " " if v is None else BARS[round((v - low) / span * (len(BARS) - 1))] for v in values
    )


def shown(value: float | int | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f} %"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


class ReportsScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("refresh", "reload"),
        bind("report-render", "render"),
        bind("report-mail", "mail"),
        bind("period-previous", "move(-1)"),
        bind("period-next", "move(1)"),
        bind("period-kind", "kind"),
    ]

    def __init__(self, site: Site, actor: Actor, *, today: date | None = None) -> None:
        super().__init__()
        self.site, self.actor = site, actor
        if today is None:
            today = site.clock.now().astimezone(site.settings.zone).date()
        self.today = today
        self.period: Period = current(PeriodKind.MONTH, today)
        self.report_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Reading the figures …"), id="reports-head", markup=False)
        with VerticalScroll(id="reports-box"):
            yield Static("", id="reports-body", markup=False)
        yield ProgressBar(total=3, show_eta=False, id="reports-progress")
        yield Static("", id="reports-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("KPI reports")
        self.query_one("#reports-progress").display = False
        self.query_one("#reports-box").focus()
        # After the first frame: the read's thread would otherwise share the interpreter with
        # the screen being built, and the placeholder would paint late.
        self.call_after_refresh(self.load)

    def action_reload(self) -> None:
        self.load()

    def action_move(self, step: int) -> None:
        self.period = self.period.previous() if step < 0 else _following(self.period)
        self.report_id = None
        self.load()

    def action_kind(self) -> None:
        kind = PeriodKind.WEEK if self.period.kind is PeriodKind.MONTH else PeriodKind.MONTH
        self.period = current(kind, self.today)
        self.report_id = None
        self.load()

    @background(N_("read the KPI figures"), retry=N_("r retries"), group="reports")
    def load(self) -> None:
        load_database_code()
        from itsm_tui.workflow.kpi.report import kpi_report

        report = kpi_report(
            self.site, self.actor, self.period, sections=["summary"], history=HISTORY
        )
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, report.to_json())

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#reports-status", Static).update(message)

    def show(self, data: dict[str, Any]) -> None:
        head = Text()
        period = data["period"]["key"]
        head.append(_("KPI report {period}").format(period=period), style="bold")
        if self.period.end > self.today:
            head.append(" " + _("(so far)"))
        head.append(
            " · " + _("against {previous}").format(previous=data["previous"]["key"]), style="dim"
        )
        self.query_one("#reports-head", Static).update(head)
        table = Table(box=None, pad_edge=False, expand=False, show_edge=False)
        table.add_column(_("Figure"), no_wrap=True, overflow="ellipsis", max_width=34)
        table.add_column(_("This period"), justify="right", no_wrap=True)
        table.add_column(_("Previous period"), justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        table.add_column(_("12 periods"), no_wrap=True)
        history = data["history"]
        for h in data["headlines"]:
            trend, label = h["trend"], h["label"]  # marked where the headlines are declared
            table.add_row(
                Text(one_line(_(label))),
                Text(shown(h["current"], h["unit"])),
                Text(shown(h["previous"], h["unit"])),
                Text(_(TRENDS[trend]) if trend else "—", style="bold" if trend == "worse" else ""),
                Text(sparkline(history.get(h["key"], []))),
            )
        self.query_one("#reports-body", Static).update(table)

    def action_render(self) -> None:
        self.query_one("#reports-status", Static).update(_("Drawing the report …"))
        bar = self.query_one("#reports-progress", ProgressBar)
        bar.update(progress=0)
        bar.display = True
        self.render_report(mail=False)

    def action_mail(self) -> None:
        if self.report_id is None:
            self.action_render_and_mail()
            return
        self.mail_report()

    def action_render_and_mail(self) -> None:
        bar = self.query_one("#reports-progress", ProgressBar)
        bar.display = True
        self.render_report(mail=True)

    def _progress(self, done: int, total: int) -> None:
        self.app.call_from_thread(
            self.query_one("#reports-progress", ProgressBar).update, total=total, progress=done
        )

    @background(N_("write the KPI report"), retry=N_("w tries again"), group="report-render")
    def render_report(self, mail: bool) -> None:
        load_database_code()
        from itsm_tui.reports.files import report_path, write_atomically
        from itsm_tui.reports.render import render_html
        from itsm_tui.workflow.kpi import stored
        from itsm_tui.workflow.kpi.report import kpi_report

        data = kpi_report(self.site, self.actor, self.period).to_json()
        html = render_html(data, progress=self._progress)
        path = report_path(self.site.settings.reports_path, self.period.key, None)
        write_atomically(path, html.encode("utf-8"))
        kept = stored.record_report(self.site, self.actor, self.period.key, str(path))
        queued = stored.mail_report(self.site, self.actor, kept.id) if mail else None
        self.app.call_from_thread(self.rendered, kept.id, str(path), queued)

    @background(N_("mail the KPI report"), retry=N_("M tries again"), group="report-render")
    def mail_report(self) -> None:
        load_database_code()
        from itsm_tui.workflow.kpi import stored

        assert self.report_id is not None
        queued = stored.mail_report(self.site, self.actor, self.report_id)
        self.app.call_from_thread(self.mailed, queued)

    def rendered(self, report_id: int, path: str, queued: int | None) -> None:
        self.report_id = report_id
        self.query_one("#reports-progress").display = False
        self.query_one("#reports-status", Static).update(
            _("Wrote {path}").format(path=one_line(path))
        )
        if queued is not None:
            self.mailed(queued)

    def mailed(self, queued: int) -> None:
        self.query_one("#reports-status", Static).update(
            _("Queued for {count} supervisors").format(count=queued)
            if queued
            else _("No supervisor with an e-mail address is left to send it to.")
        )


def _following(period: Period) -> Period:
    """The period after ``period`` (of the same kind)."""
    nxt = current(period.kind, period.end)
    return nxt if period.kind is not PeriodKind.RANGE else period
