"""The Textual application: screens, global bindings, the command palette. Kept small.

Only the dashboard is imported up front: the first frame needs nothing else. The other screens
(and the palette's provider) are imported when first used, and in a background thread once the
dashboard has shown its figures, so the first ticket or queue opened does not pay the import.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.loading import load_database_code
from itsm_tui.console.messages import OpenQueue, OpenTicket, TicketChanged
from itsm_tui.console.unsaved import HoldsInput
from itsm_tui.screens.dashboard import DashboardScreen
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from concurrent.futures import Future

    from textual.command import Provider

    from itsm_tui.workflow.dashboard_view import Dashboard


#: The screens whose ``screens/<name>.tcss`` the app loads with its own.
SCREEN_STYLES = ("dashboard", "queue", "ticket", "intake", "ci_lookup", "ci_detail", "impact")


def _console_commands() -> type[Provider]:
    load_database_code()
    from itsm_tui.console.palette import ConsoleCommands

    return ConsoleCommands


class ItsmApp(ReportsFailures, App[None]):
    """The operator console."""

    TITLE = "itsm-tui"
    SUB_TITLE = "IT service management"
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
        Binding("q", "quit", "Quit", id="quit"),
        Binding("d", "dashboard", "Dashboard", id="dashboard"),
        Binding("i", "intake", "New call", id="intake"),
        Binding("ctrl+g", "goto", "Go to ticket", id="goto"),
        Binding("l", "cis", "CI lookup", id="ci-lookup"),
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
        self.site = site
        self._who = actor
        if isinstance(actor, Actor):
            self.actor = actor  # otherwise set on load: nothing may act before it is known
        self._first_board = first_board
        #: True after ``run()`` when the operator could not be known: nothing was shown.
        self.refused = False
        #: The form (its id) last told that letter keys are off while it holds input.
        self._letters_off_told = 0

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

    @background(
        "prepare the screens and the SLA calendars",
        retry="each loads when first used instead",
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

    def action_dashboard(self) -> None:
        self._leaving_input(self.screen_stack[1:], "Leave it?", self._to_dashboard)

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
                    "The form holds unsaved input: letter keys are off here. Esc leaves it (asks).",
                    timeout=3,
                )

    async def action_quit(self) -> None:
        self._leaving_input(self.screen_stack, "Quit the console?", self.exit)

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

        if not isinstance(self.screen, IntakeScreen):
            self.push_screen(IntakeScreen(self.site, self.actor))

    def action_goto(self) -> None:
        load_database_code()
        from itsm_tui.dialogs.form import Field, FormDialog
        from itsm_tui.workflow.lookup import normalise_number

        def chosen(values: dict[str, str] | None) -> None:
            if values and values["number"].strip():
                self.open_ticket(normalise_number(values["number"]))

        self.push_screen(FormDialog("Go to ticket", [Field("number", "Number")]), chosen)

    def action_cis(self) -> None:
        load_database_code()
        from itsm_tui.screens.ci_lookup import CILookupScreen

        if not isinstance(self.screen, CILookupScreen):
            self.push_screen(CILookupScreen(self.site, self.actor))

    def action_impact_of(self) -> None:
        load_database_code()
        from itsm_tui.dialogs.form import Field, FormDialog
        from itsm_tui.screens.impact import ImpactScreen

        def chosen(values: dict[str, str] | None) -> None:
            if values and values["ci"].strip():
                ref = values["ci"].strip()
                self.push_screen(ImpactScreen(self.site, self.actor, [ref], ref))

        field = Field("ci", "CI (name, class:name, asset tag or #id)")
        self.push_screen(FormDialog("Impact of …", [field]), chosen)

    def open_ticket(self, number: str) -> None:
        load_database_code()
        from itsm_tui.screens.ticket import TicketScreen

        self.push_screen(TicketScreen(self.site, self.actor, number))

    def open_queue(self, queue: str) -> None:
        load_database_code()
        from itsm_tui.screens.queue import QueueScreen

        self.push_screen(QueueScreen(self.site, self.actor, queue))

    def on_open_ticket(self, message: OpenTicket) -> None:
        self.open_ticket(message.number)

    def on_ticket_changed(self, message: TicketChanged) -> None:
        # Screens below the one that changed the ticket refresh their counts and rows.
        for screen in self.screen_stack[:-1]:
            screen.post_message(TicketChanged(message.number))

    def on_open_queue(self, message: OpenQueue) -> None:
        self.open_queue(message.queue)
