"""Problems: the list (open ones first by default, every state with ``S``), and the highlighted
problem in full beneath it — its root cause, workaround, fix and linked incidents. Enter on a
problem opens its newest incident's ticket; Ctrl+L lists what can be done with it
(``problem_actions``).

Problem text is user text: shown literally (``markup=False``, ``Text``), never as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _, ngettext, status_text
from itsm_tui.common.textsafe import visible
from itsm_tui.common.timefmt import local
from itsm_tui.console.change_form import ProblemSource, RaisesChanges, ci_field
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.console.loading import load_database_code
from itsm_tui.console.messages import OpenTicket
from itsm_tui.screens.problem_actions import ProblemActions
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.workflow.problems.queries import ProblemRow
    from itsm_tui.workflow.problems.records import ProblemView

#: What ``S`` cycles through: the open ones, then each state, then all.
FILTERS: tuple[str | None, ...] = (
    "open",
    "new",
    "investigating",
    "known_error",
    "resolved",
    "closed",
    None,
)
PAGE = 200


class ProblemsScreen(ProblemActions, ReportsFailures, RaisesChanges, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("open", "open"),
        bind("status-filter", "status"),
        bind("refresh", "reload"),
        bind("change-new", "new_change"),
        bind("record-actions", "actions"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor
        self.status: str | None = "open"
        self.rows: list[ProblemRow] = []
        self.shown: ProblemView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("loading …"), id="problems-bar", markup=False)
        yield DataTable(id="problems-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="problem-box"):
            yield Static("", id="problem-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Problems")
        table = self.query_one("#problems-table", DataTable)
        columns = ((_("Number"), 9), (_("Status"), 11), (_("P"), 1), (_("Incidents"), 9))
        fixed = sum(width + 2 for _label, width in columns) + 4
        for label, width in (*columns, (_("Title"), max(20, self.app.size.width - fixed - 2))):
            table.add_column(label, width=width)
        table.focus()
        self.load()

    def _bar(self) -> str:
        which = status_text(self.status) if self.status else _("all")
        shown = ngettext("{n} shown", "{n} shown", len(self.rows)).format(n=len(self.rows))
        return _("Problems: {which} · {shown} · S: status").format(which=which, shown=shown)

    @background(N_("load the problems"), retry=N_("r reloads"), group="problems-load")
    def load(self) -> None:
        load_database_code()
        from itsm_tui.workflow.problems.queries import list_problems

        rows = list_problems(self.site, self.actor, status=self.status, limit=PAGE)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_rows, rows)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#problems-bar", Static).update(message)

    def show_rows(self, rows: list[ProblemRow]) -> None:
        self.rows = rows
        table = self.query_one("#problems-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                row.number,
                status_text(row.status),
                str(row.priority),
                str(row.incidents),
                Text(one_line(row.title)),
                key=row.number,
            )
        self.query_one("#problems-bar", Static).update(self._bar())
        if not rows:
            self.query_one("#problem-detail", Static).update(_("No problems here."))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.load_problem(str(event.row_key.value))

    @background(N_("load the problem"), retry=N_("r reloads"), group="problem-load")
    def load_problem(self, number: str) -> None:
        load_database_code()
        from itsm_tui.workflow.problems.queries import show_problem

        view = show_problem(self.site, self.actor, number)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_problem, view)

    def show_problem(self, v: ProblemView) -> None:
        self.shown = v
        zone = self.site.settings.zone
        out = Text()
        out.append(f"{v.number} ", style="bold")
        out.append(visible(v.title), style="bold")
        out.append(f"\n{status_text(v.status)} · P{v.priority} · {v.group or '—'}")
        out.append(f" · {visible(v.owner_name or '—')} · {local(v.opened_at, zone)}\n")
        fields: list[tuple[str, str]] = [
            (_("CIs"), ", ".join(v.cis) or "—"),
            (_("Cause code"), v.cause_code or "—"),
            (_("Root cause"), v.root_cause or "—"),
            (_("Workaround"), v.workaround or "—"),
            (_("Fix"), v.fix or "—"),
            (_("Fixing change"), v.fix_change or "—"),
        ]
        for label, value in fields:
            out.append(f"\n{label}: ", style="bold")
            out.append(visible(value))
        out.append("\n\n" + _("Incidents") + "\n", style="bold")
        for incident in v.incidents:
            out.append(f"  {incident.number}  {status_text(incident.status)}  ")
            out.append(visible(incident.title) + "\n")
        if not v.incidents:
            out.append("  —\n")
        self.query_one("#problem-detail", Static).update(out)
        self.refresh_bindings()  # A (new change) and Enter depend on the problem shown

    def action_open(self) -> None:
        """Open the highlighted problem's newest incident (its ticket screen)."""
        if self.shown is not None and self.shown.incidents:
            self.app.post_message(OpenTicket(self.shown.incidents[-1].number))

    def action_status(self) -> None:
        self.status = FILTERS[(FILTERS.index(self.status) + 1) % len(FILTERS)]
        self.load()

    def action_reload(self) -> None:
        self.load()

    def after_new_change(self) -> None:
        self.load()  # the problem now names its fixing change

    def change_problem(self) -> ProblemSource | None:
        """A new change (A) fixes the highlighted problem and starts from what it says."""
        v = self.shown
        if v is None:
            return None
        return ProblemSource(v.number, v.title, v.root_cause, ci_field(v.cis))

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action == "open":
            return self.shown is not None and bool(self.shown.incidents)
        if action == "new_change":  # an open problem without a fix yet, for its managers
            v = self.shown
            return v is not None and "link" in v.allowed and not v.fix_change
        return True
