"""Inspection rounds, newest first: the open ones an engineer picks up (Enter opens the runner),
and the completed ones with how many items were answered. Reached from anywhere with ``w`` or
the palette ("screen: inspection rounds").

From here: ``Ctrl+E`` opens the highlighted round at one section (two engineers split it),
``Ctrl+T`` starts a round now, outside the schedules (after a power event, before a holiday),
``Ctrl+Y`` shows the readings of a CI or an item, ``F10`` the rounds on time and late per
group."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.screens.inspection_history import ask_history
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.workflow.inspections.views import RoundRow, SectionCount, TemplateRow

STATUS_WORDS = {"open": N_("open"), "completed": N_("completed")}


class RoundsScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("open", "open"),
        bind("refresh", "reload"),
        bind("round-section", "section"),
        bind("round-start", "start"),
        bind("inspection-history", "history"),
        bind("punctuality", "punctuality"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor
        self.rows: list[RoundRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading the rounds …"), id="rounds-head", markup=False)
        yield DataTable(id="rounds-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Inspection rounds")
        table = self.query_one(DataTable)
        for label, width in (
            (_("Round"), 9),
            (_("Checklist"), 14),
            (_("Status"), 9),
            (_("Slot"), 11),
            (_("Due"), 11),
            (_("Answered"), 8),
        ):
            table.add_column(label, width=width)
        table.focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()  # back from the runner: its answers show

    def action_reload(self) -> None:
        self.load()

    @background(N_("read the rounds"), retry=N_("r reloads"), group="rounds-load")
    def load(self) -> None:
        from itsm_tui.workflow.inspections.rounds import list_rounds

        rows = list_rounds(self.site, self.actor, limit=100)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, rows)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#rounds-head", Static).update(message)

    def show(self, rows: list[RoundRow]) -> None:
        # Open rounds first (oldest due first: the one to walk now), then the completed.
        self.rows = sorted((r for r in rows if r.status == "open"), key=lambda r: r.due_at) + [
            r for r in rows if r.status != "open"
        ]
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        zone = self.site.settings.zone
        for r in self.rows:
            style = "bold" if r.status == "open" else "dim"
            table.add_row(
                Text(r.number, style=style),
                Text(r.template),
                Text(_(STATUS_WORDS.get(r.status, r.status)), style=style),
                Text(local(r.slot_at, zone, "%m-%d %H:%M") if r.slot_at else _("ad hoc")),
                Text(local(r.due_at, zone, "%m-%d %H:%M")),
                Text(f"{r.answered}/{r.item_count}"),
            )
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        opened = sum(1 for r in self.rows if r.status == "open")
        self.query_one("#rounds-head", Static).update(
            _("{open} open rounds · Enter opens one").format(open=opened)
            if self.rows
            else _("No inspection rounds yet.")
        )

    @on(DataTable.RowSelected, "#rounds-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.cursor_row)

    def action_open(self) -> None:
        self._open(self.query_one(DataTable).cursor_row)

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            from itsm_tui.screens.runner import RunnerScreen

            self.app.push_screen(RunnerScreen(self.site, self.actor, self.rows[row].number))

    # ------------------------------------------------------------------ one section
    def action_section(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.rows):
            self.read_sections(self.rows[row].number)

    @background(N_("read the sections"), retry=N_("Ctrl+E again"), group="rounds-sections")
    def read_sections(self, number: str) -> None:
        from itsm_tui.workflow.inspections.rounds import open_round

        whole = open_round(self.site, self.actor, number)
        self.app.call_from_thread(self._pick_section, number, whole.sections())

    def _pick_section(self, number: str, sections: list[SectionCount]) -> None:
        from itsm_tui.screens.runner import RunnerScreen, ask_section

        def chosen(section: str | None) -> None:
            self.app.push_screen(RunnerScreen(self.site, self.actor, number, section))

        ask_section(self, sections, None, chosen)

    # ------------------------------------------------------------------ ad hoc
    def action_start(self) -> None:
        self.read_checklists()

    @background(N_("read the checklists"), retry=N_("Ctrl+T again"), group="rounds-start")
    def read_checklists(self) -> None:
        from itsm_tui.workflow.inspections.templates import checklists_to_start

        found = checklists_to_start(self.site, self.actor)  # refused to those who may not
        self.app.call_from_thread(self._ask_start, found)

    def _ask_start(self, checklists: list[TemplateRow]) -> None:
        if not checklists:
            self.query_one("#rounds-head", Static).update(_("No checklists to start a round of."))
            return
        from itsm_tui.dialogs.form import Field, FormDialog

        fields = [
            Field(
                "template",
                _("Checklist"),
                choices=[(one_line(f"{t.code} · {t.name}"), t.code) for t in checklists],
            ),
            Field("reason", _("Why now (e.g. after a power event)"), required=False),
        ]

        def given(values: dict[str, str] | None) -> None:
            if values is not None:
                self.start(values["template"], values.get("reason", "").strip())

        self.app.push_screen(FormDialog(_("Start a round now"), fields), given)

    @background(N_("start the round"), retry=N_("Ctrl+T again"), group="rounds-start")
    def start(self, template: str, reason: str) -> None:
        from itsm_tui.workflow.inspections.rounds import start_round

        view = start_round(self.site, self.actor, template, reason=reason)
        self.app.call_from_thread(self._started, view.number)

    def _started(self, number: str) -> None:
        from itsm_tui.screens.runner import RunnerScreen

        self.app.push_screen(RunnerScreen(self.site, self.actor, number))

    # ------------------------------------------------------------------ history, punctuality
    def action_history(self) -> None:
        ask_history(self, self.site, self.actor, "")

    def action_punctuality(self) -> None:
        from itsm_tui.screens.punctuality import PunctualityScreen

        self.app.push_screen(PunctualityScreen(self.site, self.actor))
