"""The forward schedule of change (FSC): the next 30 days' changes per business service, with
conflicts and freezes marked, the freezes of the period on top. Enter is not needed: the
numbers are the changes' (``B`` lists them, Ctrl+P opens one by its screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from itsm_tui.common.changes import STATUS_LABELS, TYPE_LABELS
from itsm_tui.common.i18n import N_, _, ngettext
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.screens.change_table import risk_text
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.workflow.changes.fsc import Schedule

DAYS = 30
#: The schedule's stand-in for "no business service at stake" (``workflow.changes.fsc``).
NO_SERVICE = "-"


class ScheduleScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("refresh", "reload"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Reading the schedule …"), id="fsc-head", markup=False)
        with VerticalScroll(id="fsc-box"):
            yield Static("", id="fsc-body", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Change calendar")
        self.query_one("#fsc-box").focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    @background(N_("read the change calendar"), retry=N_("r retries"), group="fsc")
    def load(self) -> None:
        from itsm_tui.workflow.changes.fsc import forward_schedule

        schedule = forward_schedule(self.site, self.actor, days=DAYS)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, schedule)

    def show_failure(self, message: str, what: str) -> None:
        self.query_one("#fsc-head", Static).update(message)

    def show(self, schedule: Schedule) -> None:
        zone = self.site.settings.zone
        head = ngettext(
            "{count} change in the next {days} days, per business service",
            "{count} changes in the next {days} days, per business service",
            len(schedule.changes),
        ).format(count=len(schedule.changes), days=DAYS)
        self.query_one("#fsc-head", Static).update(head)
        text = Text()
        for f in schedule.freezes:
            text.append(_("Freeze") + " ", style="bold white on blue")
            text.append(
                f" {one_line(f.name)}  {local(f.starts_at, zone)} – {local(f.ends_at, zone)}\n"
            )
        by_number = {p.number: p for p in schedule.changes}
        for service, numbers in schedule.by_service.items():
            text.append("\n" if text else "")
            name = _("(no business service at stake)") if service == NO_SERVICE else service
            text.append(one_line(name) + "\n", style="bold underline")
            for number in numbers:
                p = by_number[number]
                text.append(f"  {local(p.window_start, zone, '%m-%d %H:%M')} ", style="dim")
                text.append(f"{p.number} ", style="bold")
                text.append(_(TYPE_LABELS[p.type]) + " · " + _(STATUS_LABELS[p.status]) + " · ")
                text.append_text(risk_text(p.risk_level))
                text.append("  " + one_line(p.title))
                if p.conflicts:
                    text.append(
                        "  " + _("conflicts with {numbers}").format(numbers=", ".join(p.conflicts)),
                        style="bold red",
                    )
                if p.freeze:
                    text.append(
                        "  " + _("in freeze {name}").format(name=one_line(p.freeze)),
                        style="bold blue",
                    )
                text.append("\n")
        if not schedule.changes:
            text.append(_("Nothing is planned."), style="dim")
        self.query_one("#fsc-body", Static).update(text)
