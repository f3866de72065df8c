"""One ticket: its fields, SLA bars, linked CIs (and the business services they put at stake;
``l``/``L`` link and unlink, ``m`` the impact) and timeline (journal, notes and calls, newest
first), with every action one key away."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _, status_text
from itsm_tui.common.textsafe import visible
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import background
from itsm_tui.console.keymap import bind
from itsm_tui.console.loading import load_database_code
from itsm_tui.console.ticket_actions import TICKET_KEYS, TicketActions, TicketRef, op_bindings
from itsm_tui.screens.impact import ImpactScreen
from itsm_tui.widgets.cells import fit
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.widgets.sla_bar import SlaBar
from itsm_tui.workflow.cmdb.impact import ServicesAtStake
from itsm_tui.workflow.groups import GroupView
from itsm_tui.workflow.history_text import HistoryLine
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.tickets.overview import TicketOverview, ticket_overview
from itsm_tui.workflow.tickets.queries import TicketDetail

if TYPE_CHECKING:
    from itsm_tui.workflow.problems.queries import ProblemBrief

#: The field labels' column, in cells (a Chinese label is two cells a character).
LABEL_CELLS = 9


class TitleLine(Static):
    """Textual's Header as the ticket screen shows it (the app's title and the ticket's
    number, centred, a click opens the command palette), in one widget: the Header's icon,
    title and clock-space widgets, docked, with their watchers, were about a third of what
    was left of an open once the read came first (benchmarks/ticket_open.py)."""

    DEFAULT_CSS = """
    TitleLine {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        content-align: center middle;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.screen, "title", self._retitle)
        self.watch(self.screen, "sub_title", self._retitle)

    def _retitle(self) -> None:
        """As Header shows them: the screen's title and sub-title, else the app's."""
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        self.update(app.format_title(title, sub_title))

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        await self.run_action("app.command_palette")


class TicketScreen(TicketActions):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("refresh", "reload"),
        bind("impact", "impact"),
        bind("open-round", "open_round"),
        *op_bindings(TICKET_KEYS),
    ]

    def __init__(
        self, site: Site, actor: Actor, number: str, overview: TicketOverview | None = None
    ) -> None:
        """``overview``: the ticket as :meth:`prefetch` read it before the screen was built,
        shown in the screen's first frame; without it the screen reads it once mounted."""
        super().__init__()
        self.site, self.actor, self.number = site, actor, number
        self._first = overview
        self._resumed = False
        self.detail: TicketDetail | None = None
        self.timeline: list[HistoryLine] = []
        self.stake: ServicesAtStake | None = None
        self.rounds: list[str] = []  # the inspection rounds that raised it (I opens one)
        self.groups: list[GroupView] = []

    def compose(self) -> ComposeResult:
        yield TitleLine(id="ticket-title")
        yield Static(
            _("Loading {number} …").format(number=self.number), id="ticket-head", markup=False
        )
        with Horizontal(id="ticket-body"):
            with Vertical(id="ticket-side"):
                yield Static("", id="ticket-fields", markup=False)
                yield SlaBar(_("Response"), id="sla-response")
                yield SlaBar(_("Resolution"), id="sla-resolution")
                yield Static("", id="sla-legend", markup=False)
            with VerticalScroll(id="ticket-timeline-box"):
                # The linked problem's workaround, above the history (hidden when none).
                yield Static("", id="ticket-problem", markup=False)
                yield Static("", id="ticket-timeline", markup=False)
        yield KeyFooter()

    @property
    def keys_pending(self) -> bool:
        """Until the ticket is read its actions are unknown: the footer waits (``KeyFooter``)."""
        return self.detail is None

    def on_mount(self) -> None:
        self.sub_title = self.number
        first, self._first = self._first, None
        if first is None:
            self.load()
        else:  # before the first layout: the first frame painted is the ticket
            self.show(first)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler. Pushing a screen resumes it with a restyle of all
        # its widgets, which mounting has just styled (~a fifth of an open): not the first time.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    @staticmethod
    def prefetch(site: Site, actor: Actor, number: str) -> TicketOverview | None:
        """The ticket's read, run (in a worker) before the screen is built: the read then has
        the interpreter to itself instead of sharing it with Textual building the screen, and
        the screen composes once with the ticket in it, not once with "Loading …" and again.
        None when it fails: the screen then reads again itself and reports the failure as
        every read does (message in place, notification, log)."""
        try:
            return ticket_overview(site, actor, number)
        except Exception:  # reported by the screen's own read, see above
            return None

    def action_reload(self) -> None:
        self.load()

    def after_change(self, number: str) -> None:
        self.load()

    def ticket_ref(self) -> TicketRef | None:
        if self.detail is None:
            return None
        v = self.detail.ticket
        cis = tuple(self.stake.cis) if self.stake else tuple(v.cis)
        return TicketRef(
            v.number,
            v.version,
            v.tier,
            v.group,
            tuple(v.allowed),
            cis,
            title=v.title,
            priority=v.priority,
            impact=v.impact,
            urgency=v.urgency,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "op" and parameters:
            name = str(parameters[0])
            if name == "unlink_ci" and not (self.detail and self.detail.ticket.cis):
                return False
            return self.op_offered(name)
        if action == "impact":
            return bool(self.stake and self.stake.cis)
        if action == "open_round":
            return bool(self.rounds)
        return True

    def action_open_round(self) -> None:
        """The inspection round that raised this incident (the newest, if several noted it)."""
        if self.rounds:
            from itsm_tui.screens.runner import RunnerScreen

            self.app.push_screen(RunnerScreen(self.site, self.actor, self.rounds[-1]))

    def action_impact(self) -> None:
        if self.stake and self.stake.cis:
            title = f"{self.number} ({', '.join(self.stake.cis)})"
            self.app.push_screen(ImpactScreen(self.site, self.actor, self.stake.cis, title))

    @background(N_("load the ticket"), retry=N_("r reloads"), group="ticket-load")
    def load(self) -> None:
        overview = ticket_overview(self.site, self.actor, self.number)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, overview)

    def show_failure(self, message: str, what: str) -> None:
        if self.detail is None:  # not "Loading …" for ever; a ticket shown stays shown
            self.query_one("#ticket-head", Static).update(message)

    def show(self, overview: TicketOverview) -> None:
        with self.app.batch_update():  # one layout for the five widgets below, not five
            self._show(overview)

    def _show(self, overview: TicketOverview) -> None:
        detail = overview.detail
        self.detail, self.timeline, self.stake = detail, overview.timeline, overview.stake
        self.rounds = overview.rounds
        self.number = self.sub_title = detail.ticket.number
        zone = self.site.settings.zone
        now = overview.read_at  # the instant the clocks were measured at
        v = detail.ticket
        head = Text()
        head.append(f"{v.number} ", style="bold")
        head.append(f"P{v.priority}{'*' if v.priority_overridden else ''} ", style="bold")
        head.append(status_text(v.status))
        if v.pending_reason:
            head.append(f" ({status_text(v.pending_reason)})")
        holder = v.assignee_name or _("unassigned")
        head.append(
            _(" · tier {tier} · {group} / {holder}").format(
                tier=v.tier, group=v.group or "—", holder=holder
            )
        )
        if v.flagged_at:
            head.append(_(" · FLAGGED"), style="bold red")
        head.append("\n")
        head.append(visible(v.title), style="bold")
        self.query_one("#ticket-head", Static).update(head)
        self.query_one("#ticket-fields", Static).update(self._fields(detail, zone, now))
        self.query_one("#sla-response", SlaBar).show(
            overview.response, v.response_due_at, v.first_response_at, now, zone
        )
        self.query_one("#sla-resolution", SlaBar).show(
            overview.resolution, v.resolution_due_at, v.resolved_at, now, zone, v.resolution_warn_at
        )
        calendar = overview.resolution.calendar
        legend = (
            _("left: business hours ({calendar})").format(calendar=calendar) if calendar else ""
        )
        self.query_one("#sla-legend", Static).update(Text(legend, style="dim"))
        self.query_one("#ticket-timeline", Static).update(self._timeline(zone))
        self.refresh_bindings()
        self.load_problem(v.number)

    @background(N_("read the ticket's problem"), retry=N_("r reloads"), group="ticket-problem")
    def load_problem(self, number: str) -> None:
        """The problem the incident is linked to, read after the ticket is shown: its
        workaround is what the person at the desk can try now."""
        load_database_code()
        from itsm_tui.workflow.problems.queries import problem_of_ticket

        brief = problem_of_ticket(self.site, self.actor, number)
        if brief is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_problem, brief)

    def _show_problem(self, brief: ProblemBrief) -> None:
        line = Text()
        line.append(_("Problem {number}").format(number=brief.number), style="bold")
        line.append(f" ({status_text(brief.status)}): ")
        line.append(visible(brief.title))
        if brief.workaround.strip():
            line.append("\n" + _("Workaround: "), style="bold")
            line.append(visible(brief.workaround))
        box = self.query_one("#ticket-problem", Static)
        box.update(line)
        box.display = True

    def _fields(self, detail: TicketDetail, zone: Any, now: datetime) -> Text:
        v = detail.ticket
        rows = [
            (N_("Type"), status_text(v.type)),
            (N_("Caller"), v.caller or "—"),
            (N_("Dept"), v.caller_department or ""),
            (N_("Phone"), v.caller_phone or ""),
            (N_("Category"), v.category or "—"),
            (N_("CIs"), ", ".join(v.cis) or "—"),
            (
                N_("Impact"),
                _("{impact}  urgency {urgency}").format(impact=v.impact, urgency=v.urgency),
            ),
            (N_("Opened"), local(v.opened_at, zone)),
            (N_("Updated"), local(v.updated_at, zone)),
            (
                N_("Moves"),
                _("{reassigned} reassigned, {escalated} escalated").format(
                    reassigned=v.reassignment_count, escalated=v.escalation_count
                ),
            ),
        ]
        if v.resolution_code:
            rows.append((N_("Resolved"), f"{v.resolution_code}: {v.resolution_text or ''}"))
        if v.related_number:
            rows.append((N_("Related"), v.related_number))
        if self.rounds:
            rows.append((N_("Inspection"), ", ".join(self.rounds)))
        text = Text()
        for label, value in rows:
            text.append(fit(_(label), LABEL_CELLS), style="dim")
            text.append(visible(value) + "\n")
            if label == "CIs":
                self._at_stake(text)
        if v.description:
            text.append("\n" + visible(v.description))
        return text

    def _at_stake(self, text: Text) -> None:
        """The business services the linked CIs put at stake, under the CIs (m: the impact)."""
        if self.stake is None or not self.stake.cis:
            return
        text.append(fit(_("At stake"), LABEL_CELLS), style="dim")
        services = [f"{s.name} ({s.criticality})" for s in self.stake.services]
        text.append(visible(", ".join(services) or _("no business service")))
        # A core switch or machine room: the walk stopped at its limit (m shows the impact).
        text.append(_(" … and maybe more (wide outage)") + "\n" if self.stake.truncated else "\n")
        if self.stake.major_suggested:
            text.append(" " * LABEL_CELLS + _("major incident?") + "\n", style="bold white on red")

    def _timeline(self, zone: Any) -> Text:
        """The events newest first, each one sentence as ``itsm ticket history`` prints it
        (``workflow.history_text``): a note or a reason of several lines under it."""
        text = Text()
        for line in reversed(self.timeline):
            text.append(line.when(zone, "%m-%d %H:%M"), style="dim")
            text.append(" " + visible(line.heading))
            if line.block:
                text.append("\n  " + visible(line.block).replace("\n", "\n  "), style="italic")
            text.append("\n")
        return text or Text(_("No history."))
