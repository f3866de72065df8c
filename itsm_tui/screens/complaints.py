"""Complaints to review: what waits for a supervisor, oldest first. V judges the highlighted
complaint valid and I invalid, each with a reason (a complaint about the reviewer is refused:
another supervisor judges it); Enter shows its text and history below."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _, ngettext, status_text
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.dialogs.form import Field, FormDialog
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.quality import complaints
from itsm_tui.workflow.quality.complaints import ComplaintView
from itsm_tui.workflow.site import Actor, Site

COLUMNS = (N_("no."), N_("received"), N_("against"), N_("ticket"), N_("status"), N_("text"))
PAGE = 200
#: The complaint states and journal steps, as ``status_text`` shows them (translated there).
WORDS = (
    N_("received"),
    N_("under review"),
    N_("valid"),
    N_("invalid"),
    N_("closed"),
    N_("create"),
    N_("review"),
    N_("judge"),
    N_("follow up"),
    N_("close"),
)


class ComplaintReviewScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("open", "detail"),
        bind("complaint-valid", "judge('valid')"),
        bind("complaint-invalid", "judge('invalid')"),
        bind("refresh", "reload"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor
        self.rows: list[ComplaintView] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Reading the complaints …"), id="complaint-head", markup=False)
        yield DataTable(id="complaint-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="complaint-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Complaints to review")
        self.query_one(DataTable).add_columns(*(_(c) for c in COLUMNS))
        self.query_one(DataTable).focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("judge", "detail"):
            return bool(self.rows)
        return True

    def action_reload(self) -> None:
        self.load()

    @background(N_("read the complaints to review"), retry=N_("r retries"), group="list")
    def load(self) -> None:
        rows, _more = complaints.review_queue(self.site, self.actor, limit=PAGE)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, rows)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#complaint-head", Static).update(message)

    def show(self, rows: list[ComplaintView]) -> None:
        self.rows = rows
        self.refresh_bindings()
        head = ngettext(
            "{n} complaint waits for review", "{n} complaints wait for review", len(rows)
        ).format(n=len(rows))
        self.query_one("#complaint-head", Static).update(
            head + " · " + _("V: valid · I: invalid · Enter: details")
        )
        table = self.query_one(DataTable)
        table.clear()
        zone = self.site.settings.zone
        for c in rows:
            table.add_row(
                f"#{c.id}", local(c.received_at, zone), one_line(c.staff_name or c.staff or ""),
                c.ticket or "", status_text(c.status), Text(one_line(c.text)), key=str(c.id),
            )  # fmt: skip
        self.query_one("#complaint-detail", Static).update("")

    def _current(self) -> ComplaintView | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_detail()

    def action_detail(self) -> None:
        current = self._current()
        if current is not None:
            self.detail(current.id)

    @background(N_("read the complaint"), retry=N_("Enter tries again"), group="detail")
    def detail(self, complaint_id: int) -> None:
        view = complaints.show_complaint(self.site, self.actor, f"#{complaint_id}")
        self.app.call_from_thread(self.show_detail, view)

    def show_detail(self, view: ComplaintView) -> None:
        zone = self.site.settings.zone
        text = Text()
        text.append(f"#{view.id}  ", style="bold")
        text.append(one_line(view.text) + "\n")
        for event in view.history:
            who = event.actor or _("the system")
            text.append(f"  {local(event.at, zone)}  {who}  {status_text(event.action)}\n")
        self.query_one("#complaint-detail", Static).update(text)

    def action_judge(self, verdict: str) -> None:
        current = self._current()
        if current is None:
            return
        title = (
            _("Valid: complaint #{id}") if verdict == "valid" else _("Invalid: complaint #{id}")
        ).format(id=current.id)

        def given(values: dict[str, str] | None) -> None:
            if values:
                self.judge(current.id, verdict, values["reason"])

        self.app.push_screen(FormDialog(title, [Field("reason", _("Reason"))]), given)

    @background(N_("judge the complaint"), retry=N_("V or I again"), group="judge")
    def judge(self, complaint_id: int, verdict: str, reason: str) -> None:
        complaints.judge(self.site, self.actor, f"#{complaint_id}", verdict=verdict, reason=reason)
        rows, _more = complaints.review_queue(self.site, self.actor, limit=PAGE)
        self.app.call_from_thread(self.show, rows)
