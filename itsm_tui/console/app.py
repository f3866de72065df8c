"""The Textual application: screens, global bindings, the command palette. Kept small.

Only the dashboard is imported up front: the first frame needs nothing else. The other screens
(and the palette's provider) are imported when first used, and in a background thread once the
dashboard has shown its figures, so the first ticket or queue opened does not pay the import.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from functools import partial
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar, cast

from rich.align import Align
from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets.option_list import Option
from textual.worker import WorkerState, get_current_worker

from itsm_tui.common import i18n
from itsm_tui.common.collector import IdleCollector, settle_collector
from itsm_tui.common.config import read_console_file, save_console_setting
from itsm_tui.common.errors import DomainError, Invalid
from itsm_tui.common.i18n import N_, _
from itsm_tui.console.failures import ReportsFailures, background, log_failure
from itsm_tui.console.keymap import bind, check_overrides
from itsm_tui.console.loading import load_database_code
from itsm_tui.console.messages import OpenChange, OpenQueue, OpenTicket, TicketChanged
from itsm_tui.console.unsaved import HoldsInput
from itsm_tui.screens.dashboard import DashboardScreen
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from collections.abc import Iterable
    from concurrent.futures import Future

    from textual.command import Provider
    from textual.screen import Screen
    from textual.theme import Theme

    from itsm_tui.screens.ticket import TicketScreen
    from itsm_tui.workflow.dashboard_view import Dashboard
    from itsm_tui.workflow.tickets.overview import TicketOverview


#: The screens whose ``screens/<name>.tcss`` the app loads with its own.
SCREEN_STYLES = (
    "dashboard",
    "queue",
    "ticket",
    "intake",
    "ci_lookup",
    "ci_detail",
    "impact",
    "help",
    "problems",
    "knowledge",
    "rounds",
    "runner",
    "inspection_history",
    "punctuality",
    "callbacks",
    "scorecard",
    "complaints",
    "change_table",
    "change",
    "fsc",
    "reports",
)


#: Seconds an opened ticket's read may take before its screen shows "Loading …" instead.
TICKET_READ_WAIT = 0.3

_FUNCTION_KEY = re.compile(r"f\d{1,2}")


#: Textual's own words in the command palette (its system commands), translated where shown.
TEXTUAL_WORDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)


class ConsolePalette(CommandPalette):
    """Textual's command palette with its "No matches found" in the console's language
    (Textual writes it in ``_start_no_matches_countdown``; this replaces the option it adds)."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        super()._start_no_matches_countdown(search_value)
        timer = self._no_matches_timer
        if timer is None:
            return
        timer.stop()

        def show() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_("No matches found"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)


def _console_commands() -> type[Provider]:
    load_database_code()
    from itsm_tui.console.palette import ConsoleCommands

    return ConsoleCommands


class ItsmApp(ReportsFailures, App[None]):
    """The operator console."""

    TITLE = "itsm-tui"
    SUB_TITLE = N_("IT service management")
    # Every screen's styles load with the app's (each file still sits beside its screen; the
    # selectors are scoped by screen class): a screen's own CSS_PATH made Textual re-parse the
    # whole stylesheet and restyle every widget on every screen when it was first pushed.
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        "app.tcss",
        *(f"../screens/{name}.tcss" for name in SCREEN_STYLES),
    ]
    COMMANDS = App.COMMANDS | {_console_commands}
    actor: Actor
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("intake", "intake"),
        bind("goto", "goto"),
        bind("ci-lookup", "cis"),
        bind("problems", "problems"),
        bind("knowledge", "knowledge"),
        bind("dashboard", "dashboard"),
        bind("quit", "quit"),
        bind("help", "help"),
        bind("inspections", "inspections"),
        # The service-quality screens: in help and the palette, not in every footer.
        bind("callbacks", "callbacks", show=False),
        bind("scorecard", "scorecard", show=False),
        bind("complaints", "complaints", show=False),
        # Textual's own palette binding reads "palette" in every language: this one, with
        # the same key and action, is the console's (Textual then adds none).
        bind("palette", "command_palette", show=False, priority=True),
        bind("keys-panel-close", "hide_keys_panel", show=False, priority=True),
        # Not in the footer (it has no room on every screen for two more): keys and palette.
        bind("changes", "changes", show=False),
        bind("approvals", "approvals", show=False),
    ]

    def __init__(
        self,
        site: Site,
        actor: Actor | Callable[[], Actor | None],
        *,
        first_board: Future[Dashboard | None] | None = None,
    ) -> None:
        """``actor``: the operator, or how to learn who it is — asked while the app loads,
        before it takes the terminal; None there and the console does not open (``refused``).
        ``first_board``: the dashboard's first read, started by ``itsm_tui.console.start``."""
        super().__init__()
        self.sub_title = _(self.SUB_TITLE)
        self.site = site
        self._who = actor
        if isinstance(actor, Actor):
            self.actor = actor  # otherwise set on load: nothing may act before it is known
        self._first_board = first_board
        #: True after ``run()`` when the operator could not be known: nothing was shown.
        self.refused = False
        self._apply_console_file()
        #: The form (its id) last told that letter keys are off while it holds input.
        self._letters_off_told = 0
        #: Full collections wait for a second without input (see common.collector).
        self._idle = IdleCollector()

    def on_load(self) -> None:
        # Textual parsed the styles before this and starts the terminal after it: waiting
        # here overlaps the one with the first read, and a refusal shows nothing at all.
        if isinstance(self._who, Actor):
            return
        actor = self._who()
        if actor is None:
            self.refused = True
            self.exit()
        else:
            self.actor = actor

    def get_default_screen(self) -> DashboardScreen:
        # The dashboard is the bottom of the stack, not pushed over an empty default screen:
        # the console's first frame is the dashboard's (one frame sooner).
        first, self._first_board = self._first_board, None
        return DashboardScreen(self.site, self.actor, first=first)

    def on_mount(self) -> None:
        # Everything imported and built so far lives as long as the console: keep it out of
        # the cyclic collector, whose full passes over it cost ~0.1 s pauses mid-screen.
        # (A bare `itsm` starts with the collector off, see launch; it runs from here on.)
        gc.freeze()
        gc.enable()
        for problem in self._settings_problems:
            self.notify(problem, title=_("Settings"), severity="warning", timeout=15)
        self.theme_changed_signal.subscribe(self, self._keep_theme)
        self.set_interval(1.0, self._collect_when_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._idle.input_seen()
        await super().on_event(event)

    def _collect_when_idle(self) -> None:
        """A due full collection, once no key has come for a second and no read is running:
        its pause (40 ms once the statement caches are full) then delays nothing."""
        busy = any(w.state is WorkerState.RUNNING for w in self.workers)
        self._idle.tick(busy=busy)

    # --- Keys, help and theme ---------------------------------------------------------------

    def _apply_console_file(self) -> None:
        """The theme and key overrides from the XDG settings files, before the first frame.
        What is wrong in them is refused item by item, told on screen (``on_mount``) and
        written to the console log; the console starts either way."""
        settings = read_console_file()
        overrides, problems = check_overrides(settings.keys)
        problems = [*settings.problems, *problems]
        if settings.language is not None and i18n.normalise(settings.language) is None:
            problems.append(
                _("language {name!r} is not one the console speaks (en, zh_CN).").format(
                    name=settings.language
                )
            )
        if i18n.problem is not None:
            problems.append(i18n.problem)
        #: The key map in force: binding id → key(s), the defaults with the overrides applied.
        self.key_overrides = overrides
        if overrides:
            self.set_keymap(overrides)
        self._saved_theme = settings.theme
        if settings.theme is not None:
            if settings.theme in self.available_themes:
                self.theme = settings.theme
            else:
                problems.append(
                    _("theme {name!r} is not one the console has.").format(name=settings.theme)
                )
        self._settings_problems = problems
        for problem in problems:
            log_failure("apply the console settings", Invalid(problem))

    def _keep_theme(self, theme: Theme) -> None:
        """Save the theme chosen in the palette, so the next start uses it."""
        if theme.name == self._saved_theme:
            return
        try:
            save_console_setting("theme", theme.name)
        except (OSError, DomainError) as exc:
            log_failure("save the theme", exc)
            self.notify(
                _("Theme not saved: {reason}").format(reason=exc), severity="warning", timeout=10
            )
        else:
            self._saved_theme = theme.name

    def get_key_display(self, binding: Binding) -> str:
        """Textual's display of a key, with function keys as the keyboard prints them (F1)."""
        display = super().get_key_display(binding)
        return display.upper() if _FUNCTION_KEY.fullmatch(display) else display

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's system commands (Theme, Quit, Keys, …) in the console's language."""
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))

    def action_command_palette(self) -> None:
        """Textual's palette, with its placeholder and "No matches found" translated."""
        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(
                ConsolePalette(id="--command-palette", placeholder=_("Search for commands…"))
            )

    def search_themes(self) -> None:
        """Textual's theme list (palette: Theme), with its placeholder translated."""
        from textual.theme import ThemeProvider

        self.push_screen(
            ConsolePalette(providers=[ThemeProvider], placeholder=_("Search for themes…"))
        )

    def action_help(self) -> None:
        from itsm_tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(self.screen))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide_keys_panel":
            # Only while the keys panel is open: otherwise Esc is the screen's (back, cancel),
            # and the footer and help show the screen's meaning of it.
            return bool(self.screen.query("HelpPanel"))
        if action == "dashboard":
            # Not offered on the dashboard itself (nor in help over it).
            return sum(not screen.is_modal for screen in self.screen_stack) > 1
        return super().check_action(action, parameters)

    def action_show_help_panel(self) -> None:
        super().action_show_help_panel()
        self.refresh_bindings()  # Esc now closes the panel

    def action_hide_help_panel(self) -> None:
        super().action_hide_help_panel()
        self.refresh_bindings()

    def action_hide_keys_panel(self) -> None:
        """Esc closes Textual's keys panel (palette: "Keys") when it is open."""
        self.action_hide_help_panel()

    @background(
        N_("prepare the screens and the SLA calendars"),
        retry=N_("each loads when first used instead"),
        group="warm-up",
    )
    def warm_up(self) -> None:
        """Load the database code and the other screens off the UI thread (the dashboard
        calls this once it has shown its figures): a thread switch every few milliseconds
        keeps keys answered. Then compile the SLA calendars, which the first queue page
        would otherwise wait for."""
        load_database_code()
        from itsm_tui.workflow.sla.progress import prepare_calendars

        prepare_calendars(self.site, self.actor)
        # What warm-up loaded lives as long as the console (see launch); full collections
        # wait for the operator to pause (_collect_when_idle).
        settle_collector(full_when_idle=True)
        self._idle.restart()

    def action_dashboard(self) -> None:
        self._leaving_input(self.screen_stack[1:], _("Leave it?"), self._to_dashboard)

    def _to_dashboard(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    # --- unsaved input: no letter key leaves it, and leaving or quitting asks first ---------

    def _holding_input(self, screens: list[Screen[object]]) -> list[HoldsInput]:
        return [s for s in screens if isinstance(s, HoldsInput) and s.holds_unsaved_input()]

    def on_key(self, event: events.Key) -> None:
        """A plain character that reached the app (no field took it) fires no global key
        while the screen holds unsaved input: on a choice or a checkbox, ``q`` must not quit
        and ``d`` must not leave a half-filled form. Ctrl keys and Esc still work (and ask)."""
        if (
            event.is_printable
            and event.character is not None
            and len(event.key) == 1
            and self._holding_input([self.screen])
        ):
            event.stop()
            event.prevent_default()  # Textual's own handler, which runs the bindings, is next
            if self._letters_off_told != id(self.screen):  # once per form, not per key
                self._letters_off_told = id(self.screen)
                self.notify(
                    _(
                        "The form holds unsaved input: letter keys are off here. "
                        "Esc leaves it (asks)."
                    ),
                    timeout=3,
                )

    async def action_quit(self) -> None:
        self._leaving_input(self.screen_stack, _("Quit the console?"), self.exit)

    def _leaving_input(
        self,
        screens: list[Screen[object]],
        question: str,
        then: Callable[[], object],
    ) -> None:
        """Do ``then`` at once if none of ``screens`` holds unsaved input; else ask, and on
        yes let each keep its input (the call form saves its draft) before doing it."""
        holders = self._holding_input(screens)
        if not holders:
            then()
            return
        from itsm_tui.dialogs.form import ConfirmDialog

        async def keep_then() -> None:
            for holder in holders:
                if not await holder.keep_input():
                    return  # the screen said why; nothing is lost by staying
            then()

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_worker(keep_then(), group="keep-input", exit_on_error=False)

        message = "\n".join(holder.unsaved_input_note() for holder in holders)
        self.push_screen(ConfirmDialog(message, question), answered)

    def action_intake(self) -> None:
        load_database_code()  # at once, unless pressed in the first moment (see loading)
        from itsm_tui.screens.intake import IntakeScreen

        # One call form per console: if one is open under other screens (a ticket looked up
        # mid-call), go back to it rather than open a second that could log the call again.
        if any(isinstance(screen, IntakeScreen) for screen in self.screen_stack):
            while not isinstance(self.screen, IntakeScreen):
                self.pop_screen()
            return
        self.push_screen(IntakeScreen(self.site, self.actor))

    def action_goto(self) -> None:
        """Ask for a number and open its ticket; the dialog finds the ticket first and says
        so in place when there is none (``console.goto``)."""
        load_database_code()
        from itsm_tui.console.goto import GoToDialog

        def chosen(values: dict[str, str] | None) -> None:
            if values:
                self.open_ticket(values["number"])

        self.push_screen(GoToDialog(self.site, self.actor), chosen)

    def action_cis(self) -> None:
        load_database_code()
        from itsm_tui.screens.ci_lookup import CILookupScreen

        if not isinstance(self.screen, CILookupScreen):
            self.push_screen(CILookupScreen(self.site, self.actor))

    def action_problems(self) -> None:
        from itsm_tui.screens.problems import ProblemsScreen

        if not isinstance(self.screen, ProblemsScreen):
            self.push_screen(ProblemsScreen(self.site, self.actor))

    def action_knowledge(self) -> None:
        from itsm_tui.screens.knowledge import KnowledgeScreen

        if not isinstance(self.screen, KnowledgeScreen):
            self.push_screen(KnowledgeScreen(self.site, self.actor))

    def action_inspections(self) -> None:
        """The inspection rounds (Enter on one opens the runner)."""
        load_database_code()
        from itsm_tui.screens.rounds import RoundsScreen

        if not isinstance(self.screen, RoundsScreen):
            self.push_screen(RoundsScreen(self.site, self.actor))

    def action_callbacks(self) -> None:
        """Surveys to call back: the hotline's satisfaction callbacks."""
        load_database_code()
        from itsm_tui.screens.callbacks import CallbackScreen

        if not isinstance(self.screen, CallbackScreen):
            self.push_screen(CallbackScreen(self.site, self.actor))

    def action_scorecard(self) -> None:
        """The operator's own scorecard, this month."""
        load_database_code()
        from itsm_tui.screens.scorecard import ScorecardScreen

        if not isinstance(self.screen, ScorecardScreen):
            self.push_screen(ScorecardScreen(self.site, self.actor))

    def action_ranking(self) -> None:
        """A group's ranking this month (the palette; F11 on a scorecard); Enter on a person
        opens their scorecard."""
        load_database_code()
        from itsm_tui.screens.ranking import RankingScreen
        from itsm_tui.screens.scorecard import ScorecardScreen

        now = self.site.clock.now().astimezone(self.site.settings.zone)

        def chosen(login: str | None) -> None:
            if login:
                self.push_screen(ScorecardScreen(self.site, self.actor, login))

        if not isinstance(self.screen, RankingScreen):
            self.push_screen(
                RankingScreen(self.site, self.actor, f"{now.year}-{now.month:02d}"), chosen
            )

    def action_complaints(self) -> None:
        """Complaints waiting for a supervisor's review."""
        load_database_code()
        from itsm_tui.screens.complaints import ComplaintReviewScreen

        if not isinstance(self.screen, ComplaintReviewScreen):
            self.push_screen(ComplaintReviewScreen(self.site, self.actor))

    def action_changes(self) -> None:
        load_database_code()
        from itsm_tui.screens.changes import ChangeListScreen

        if not isinstance(self.screen, ChangeListScreen):
            self.push_screen(ChangeListScreen(self.site, self.actor))

    def action_approvals(self) -> None:
        load_database_code()
        from itsm_tui.screens.approvals import ApprovalsScreen

        if not isinstance(self.screen, ApprovalsScreen):
            self.push_screen(ApprovalsScreen(self.site, self.actor))

    def action_change_calendar(self) -> None:
        load_database_code()
        from itsm_tui.screens.fsc import ScheduleScreen

        if not isinstance(self.screen, ScheduleScreen):
            self.push_screen(ScheduleScreen(self.site, self.actor))

    def action_impact_of(self) -> None:
        """Search the CMDB as the call form does and show the impact of the CI picked."""
        load_database_code()
        from itsm_tui.screens.impact import ImpactPickDialog, ImpactScreen

        def chosen(values: dict[str, str] | None) -> None:
            if values:
                refs = [values["ci"]]
                self.push_screen(ImpactScreen(self.site, self.actor, refs, values["name"]))

        self.push_screen(ImpactPickDialog(self.site, self.actor, _("Impact of …")), chosen)

    def action_reports(self) -> None:
        """The KPI reports: headline figures, and the printable report written and mailed."""
        from itsm_tui.screens.reports import ReportsScreen

        if not isinstance(self.screen, ReportsScreen):
            self.push_screen(ReportsScreen(self.site, self.actor))

    def open_ticket(self, number: str) -> None:
        """Read the ticket first (in a worker), then push its screen with it: one compose and
        one frame, and a read that does not share the interpreter with the building screen
        (``TicketScreen.prefetch``). A newer open supersedes one still reading. A read slower
        than ``TICKET_READ_WAIT`` (a busy database) gives way to the screen's "Loading …"
        and its own read, so that Enter never seems to do nothing."""
        load_database_code()
        worker = self.run_worker(
            partial(self._read_and_open_ticket, number),
            thread=True,
            exclusive=True,
            group="ticket-open",
            exit_on_error=False,
        )

        def slow() -> None:
            if worker.is_running:
                from itsm_tui.screens.ticket import TicketScreen

                worker.cancel()
                self._push_ticket(TicketScreen, number, None)

        self.set_timer(TICKET_READ_WAIT, slow)

    def _read_and_open_ticket(self, number: str) -> None:
        from itsm_tui.screens.ticket import TicketScreen

        overview = TicketScreen.prefetch(self.site, self.actor, number)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._push_ticket, TicketScreen, number, overview)

    def _push_ticket(
        self, screen: type[TicketScreen], number: str, overview: TicketOverview | None
    ) -> None:
        self.push_screen(screen(self.site, self.actor, number, overview))

    def open_queue(self, queue: str) -> None:
        load_database_code()
        from itsm_tui.screens.queue import QueueScreen

        self.push_screen(QueueScreen(self.site, self.actor, queue))

    def on_open_ticket(self, message: OpenTicket) -> None:
        self.open_ticket(message.number)

    def on_open_change(self, message: OpenChange) -> None:
        load_database_code()
        from itsm_tui.screens.change import ChangeScreen

        self.push_screen(ChangeScreen(self.site, self.actor, message.number))

    def on_ticket_changed(self, message: TicketChanged) -> None:
        # Screens below the one that changed the ticket refresh their counts and rows.
        for screen in self.screen_stack[:-1]:
            screen.post_message(TicketChanged(message.number))

    def on_open_queue(self, message: OpenQueue) -> None:
        self.open_queue(message.queue)
