"""Complaints to review: what waits for a supervisor, oldest first — those received or under
review, then those judged and not yet closed. V judges the highlighted complaint valid and I
invalid, each with a reason; Ctrl+F records a follow-up (what was done about it) and Ctrl+D
closes a judged one. A complaint about the reviewer is refused by the workflow (another
supervisor handles it) and the refusal shown in the heading. Enter shows its text, verdict,
follow-up and history below."""

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
from itsm_tui.dialogs.form import ConfirmDialog, Field, FormDialog
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
        bind("complaint-follow-up", "follow_up"),
        bind("complaint-close", "close_complaint"),
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
        steps = {"follow_up": "follow_up", "close_complaint": "close"}
        if action in steps:
            current = self._current()
            return current is not None and complaints.can(steps[action], current.status)
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()  # follow-up and close depend on the highlighted one's state

    def action_reload(self) -> None:
        self.load()

    @background(N_("read the complaints to review"), retry=N_("r retries"), group="list")
    def load(self) -> None:
        rows, _more = complaints.review_queue(self.site, self.actor, limit=PAGE, judged=True)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, rows)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#complaint-head", Static).update(message)

    def show(self, rows: list[ComplaintView]) -> None:
        self.rows = rows
        self.refresh_bindings()
        waiting = sum(1 for c in rows if c.status in complaints.TO_REVIEW)
        head = ngettext(
            "{n} complaint waits for review", "{n} complaints wait for review", waiting
        ).format(n=waiting)
        judged = len(rows) - waiting
        if judged:
            head += " · " + ngettext(
                "{n} judged, to follow up and close", "{n} judged, to follow up and close", judged
            ).format(n=judged)
        self.query_one("#complaint-head", Static).update(
            head
            + " · "
            + _("V: valid · I: invalid · Ctrl+F: follow up · Ctrl+D: close · Enter: details")
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
        if view.verdict is not None:
            verdict = _("Judged {verdict}: {reason}").format(
                verdict=status_text(view.verdict), reason=one_line(view.reason or "")
            )
            text.append("  " + verdict + "\n")
        if view.follow_up:
            text.append("  " + _("Follow-up: {text}").format(text=one_line(view.follow_up)) + "\n")
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
        rows, _more = complaints.review_queue(self.site, self.actor, limit=PAGE, judged=True)
        self.app.call_from_thread(self.show, rows)

    def action_follow_up(self) -> None:
        current = self._current()
        if current is None:
            return
        title = _("Follow-up: complaint #{id}").format(id=current.id)

        def given(values: dict[str, str] | None) -> None:
            if values:
                self.record_follow_up(current.id, current.version, values["text"])

        field = Field("text", _("What was done (called the caller back, coached the engineer)"))
        self.app.push_screen(FormDialog(title, [field]), given)

    @background(N_("record the follow-up"), retry=N_("Ctrl+F again"), group="judge")
    def record_follow_up(self, complaint_id: int, version: int, text: str) -> None:
        complaints.follow_up(
            self.site, self.actor, f"#{complaint_id}", text=text, expected_version=version
        )
        self._reload_after(complaint_id)

    def action_close_complaint(self) -> None:
        current = self._current()
        if current is None:
            return
        message = _("Close complaint #{id}, judged {verdict}?").format(
            id=current.id, verdict=status_text(current.verdict or current.status)
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.record_close(current.id, current.version)

        question = _("A closed complaint leaves this list; it can still be judged again.")
        self.app.push_screen(ConfirmDialog(message, question), answered)

    @background(N_("close the complaint"), retry=N_("Ctrl+D again"), group="judge")
    def record_close(self, complaint_id: int, version: int) -> None:
        complaints.close_complaint(
            self.site, self.actor, f"#{complaint_id}", expected_version=version
        )
        self._reload_after(complaint_id)

    def _reload_after(self, complaint_id: int) -> None:
        """On the worker: the list again, and the complaint's details below it."""
        rows, _more = complaints.review_queue(self.site, self.actor, limit=PAGE, judged=True)
        view = complaints.show_complaint(self.site, self.actor, f"#{complaint_id}")
        self.app.call_from_thread(self.show, rows)
        self.app.call_from_thread(self.show_detail, view)
