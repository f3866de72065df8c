"""Call intake: find the caller as you type, see their open tickets (attach a repeat call
instead of opening a duplicate), fill title, CI, category, impact and urgency with the
computed priority shown live, and save with one key.

The common path never leaves the keyboard: type the caller (name, phone, department or
employee number), Enter picks the first match and moves to the title, type the title, Ctrl+S.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from itsm_tui.common.domain import Channel, status_label
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.console.messages import OpenTicket, TicketChanged
from itsm_tui.console.sizes import CALLER_MATCHES, CI_MATCHES
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.callers import CallerView, search_callers, show_caller
from itsm_tui.workflow.cmdb.items import CIView
from itsm_tui.workflow.contacts import SUMMARY_MAX, ContactView, log_contact
from itsm_tui.workflow.intake import IntakeChoices, intake_choices, search_cis
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.sla.service import Deadline, deadline
from itsm_tui.workflow.tickets import TicketDraft

IMPACTS = [("1 enterprise-wide", 1), ("2 department", 2), ("3 one person", 3)]
URGENCIES = [("1 work stopped", 1), ("2 work impaired", 2), ("3 can wait", 3)]


class LookupInput(Input):
    """An input whose Up/Down move the highlight in the result list beside it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("next-field", "move(1)", show=False),
        bind("previous-field", "move(-1)", show=False),
    ]

    class Move(Message):
        def __init__(self, lookup: LookupInput, step: int) -> None:
            super().__init__()
            self.lookup, self.step = lookup, step

    def action_move(self, step: int) -> None:
        self.post_message(self.Move(self, step))


class IntakeScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("save", "save", priority=True),
        bind("intake-attach", "attach", priority=True),
        bind("intake-clear", "clear"),
        bind("intake-open-last", "open_last"),
        bind("intake-reload", "reload", show=False),
        bind("back", "app.pop_screen"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor
        self.choices: IntakeChoices | None = None
        self.callers: list[CallerView] = []
        self.caller: CallerView | None = None
        self.cis: list[CIView] = []
        self.last_saved: str | None = None
        self.failure_shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="intake"):
            with Vertical(id="intake-form"):
                yield Label("Caller — name, phone, department or employee no.", markup=False)
                yield LookupInput(
                    placeholder="e.g. 王小明, 6123, 办公室, E001", id="caller-search", compact=True
                )
                yield OptionList(id="caller-results", compact=True, markup=False)
                yield Label("Title", markup=False)
                yield Input(
                    placeholder="what is wrong, in the caller's words", id="title", compact=True
                )
                yield Label("CI (configuration item)", markup=False)
                yield LookupInput(placeholder="type to look up", id="ci-search", compact=True)
                yield OptionList(id="ci-results", compact=True, markup=False)
                with Horizontal(id="intake-choices"):
                    yield Select([], prompt="Category", id="category", compact=True)
                    yield Select(IMPACTS, value=3, allow_blank=False, id="impact", compact=True)
                    yield Select(URGENCIES, value=3, allow_blank=False, id="urgency", compact=True)
                yield Static("", id="priority", markup=False)
            with Vertical(id="intake-side"):
                yield Static("No caller chosen.", id="caller-card", markup=False)
                yield OptionList(id="caller-tickets", compact=True, markup=False)
                yield Static("", id="intake-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "New call"
        self.query_one("#caller-tickets", OptionList).border_title = "Open tickets"
        self.query_one("#caller-search").focus()
        self.load_choices()

    # --- reference data and live priority -----------------------------------------------

    def show_failure(self, message: str, what: str) -> None:
        # What was typed stays: the operator retries with the same form.
        self.failure_shown = True
        self.query_one("#intake-status", Static).update(message)

    def _answered(self) -> None:
        """A read came back: a failure shown before is over."""
        if self.failure_shown:
            self.failure_shown = False
            self.query_one("#intake-status", Static).update("")

    def action_reload(self) -> None:
        self.load_choices()

    @background(
        "load the categories and the priority matrix",
        retry="Ctrl+R retries",
        group="intake-choices",
    )
    def load_choices(self) -> None:
        choices = intake_choices(self.site, self.actor)
        self.app.call_from_thread(self._choices_loaded, choices)

    def _choices_loaded(self, choices: IntakeChoices) -> None:
        self._answered()
        self.choices = choices
        options = [
            (one_line(f"{c.parent}/{c.name}" if c.parent else c.name), c.code)
            for c in choices.categories
        ]
        self.query_one("#category", Select).set_options(options)
        self._show_priority()

    @on(Select.Changed, "#impact, #urgency, #category")
    def _show_priority(self) -> None:
        if self.choices is None:
            return
        impact, urgency = self._impact_urgency()
        priority = self.choices.priority(impact, urgency)
        self._priority_line(priority, impact, urgency, None)
        category = self.query_one("#category", Select).value
        code = category if isinstance(category, str) else None
        self.find_deadline(priority, impact, urgency, code)

    @background(
        "work out the SLA due times", retry="change impact or urgency to retry", group="deadline"
    )
    def find_deadline(self, priority: int, impact: int, urgency: int, category: str | None) -> None:
        """The SLA what-if for a ticket opened now: the due times the agent can promise."""
        due = deadline(self.site, self.actor, priority, self.site.clock.now(), category=category)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._priority_line, priority, impact, urgency, due)

    def _priority_line(
        self, priority: int, impact: int, urgency: int, due: Deadline | None
    ) -> None:
        zone = self.site.settings.zone
        text = Text()
        text.append(f"Priority P{priority}", style="bold")
        text.append(f"  (impact {impact} × urgency {urgency})", style="dim")
        if due is not None:
            text.append(
                f"  respond by {local(due.response_due_at, zone, '%m-%d %H:%M')}"
                f" · resolve by {local(due.resolution_due_at, zone, '%m-%d %H:%M')}"
                f" ({due.policy}, {due.calendar})",
                style="dim",
            )
        self.query_one("#priority", Static).update(text)

    def _impact_urgency(self) -> tuple[int, int]:
        impact = self.query_one("#impact", Select).value
        urgency = self.query_one("#urgency", Select).value
        return (
            impact if isinstance(impact, int) else 3,
            urgency if isinstance(urgency, int) else 3,
        )

    # --- caller search ------------------------------------------------------------------

    @on(Input.Changed, "#caller-search")
    def _caller_typed(self, event: Input.Changed) -> None:
        self.find_callers(event.value)

    @background("search the callers", retry="type on to retry", group="caller-search")
    def find_callers(self, text: str) -> None:
        found = (
            search_callers(self.site, self.actor, text, limit=CALLER_MATCHES)
            if text.strip()
            else []
        )
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._callers_found, found)

    def _callers_found(self, found: list[CallerView]) -> None:
        self._answered()
        self.callers = found
        results = self.query_one("#caller-results", OptionList)
        results.clear_options()
        results.add_options(
            Option(
                one_line(f"{c.name}  {c.department or ''}  {c.phone or ''}  {c.employee_no or ''}")
            )
            for c in found
        )
        if found:
            results.highlighted = 0

    @on(LookupInput.Move)
    def _move_highlight(self, event: LookupInput.Move) -> None:
        target = "#caller-results" if event.lookup.id == "caller-search" else "#ci-results"
        results = self.query_one(target, OptionList)
        if results.option_count:
            current = results.highlighted or 0
            results.highlighted = min(max(0, current + event.step), results.option_count - 1)

    @on(Input.Submitted, "#caller-search")
    def _pick_caller(self) -> None:
        index = self.query_one("#caller-results", OptionList).highlighted
        if index is None or index >= len(self.callers):
            self.notify(
                "No caller matches: check the spelling or register the caller.", severity="warning"
            )
            return
        self.load_caller(self.callers[index].id)
        self.query_one("#title", Input).focus()

    @on(OptionList.OptionSelected, "#caller-results")
    def _caller_clicked(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#caller-results", OptionList).highlighted = event.option_index
        self._pick_caller()

    @background("read the caller", retry="Enter retries", group="caller")
    def load_caller(self, caller_id: int) -> None:
        caller = show_caller(self.site, self.actor, f"#{caller_id}")
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._caller_loaded, caller)

    def _caller_loaded(self, caller: CallerView) -> None:
        self._answered()
        self.caller = caller
        card = Text()
        card.append(one_line(caller.name) + ("  VIP" if caller.vip else ""), style="bold")
        for value in (caller.department, caller.phone, caller.location):
            if value:
                card.append("\n" + one_line(value))
        self.query_one("#caller-card", Static).update(card)
        tickets = self.query_one("#caller-tickets", OptionList)
        tickets.clear_options()
        open_ones = caller.open_tickets
        tickets.add_options(
            Option(
                Text(one_line(f"{t.number} P{t.priority} {status_label(t.status)} {t.title}")),
                id=t.number,
            )
            for t in open_ones
        )
        if open_ones:
            tickets.highlighted = 0
            tickets.border_title = f"Open tickets ({len(open_ones)}) — Ctrl+T attaches the call"
        else:
            tickets.border_title = "No open tickets"

    # --- CI lookup ----------------------------------------------------------------------

    @on(Input.Changed, "#ci-search")
    def _ci_typed(self, event: Input.Changed) -> None:
        self.find_cis(event.value)

    @background("search the CIs", retry="type on to retry", group="ci-search")
    def find_cis(self, text: str) -> None:
        found = search_cis(self.site, self.actor, text, limit=CI_MATCHES) if text.strip() else []
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._cis_found, found)

    def _cis_found(self, found: list[CIView]) -> None:
        self._answered()
        self.cis = found
        results = self.query_one("#ci-results", OptionList)
        results.clear_options()
        results.add_options(Option(Text(one_line(f"{c.name}  ({c.ci_class})"))) for c in found)
        if found:
            results.highlighted = 0

    @on(Input.Submitted, "#ci-search")
    def _pick_ci(self) -> None:
        index = self.query_one("#ci-results", OptionList).highlighted
        if index is not None and index < len(self.cis):
            ci_input = self.query_one("#ci-search", Input)
            with ci_input.prevent(Input.Changed):
                ci_input.value = self.cis[index].name
            self.query_one("#ci-results", OptionList).clear_options()
        self.query_one("#category", Select).focus()

    @on(Input.Submitted, "#title")
    def _title_done(self) -> None:
        self.query_one("#ci-search", Input).focus()

    # --- saving -------------------------------------------------------------------------

    def _draft(self) -> TicketDraft:
        impact, urgency = self._impact_urgency()
        category = self.query_one("#category", Select).value
        ci = self.query_one("#ci-search", Input).value.strip()
        return TicketDraft(
            title=self.query_one("#title", Input).value,
            category=category if isinstance(category, str) else None,
            impact=impact,
            urgency=urgency,
            cis=[ci] if ci else [],
        )

    def action_save(self) -> None:
        caller = f"#{self.caller.id}" if self.caller else None
        draft = self._draft()
        self.save(caller, None, draft, draft.title[:SUMMARY_MAX])

    def action_attach(self) -> None:
        tickets = self.query_one("#caller-tickets", OptionList)
        if self.caller is None or tickets.highlighted is None:
            self.notify("Choose a caller with an open ticket first.", severity="warning")
            return
        number = tickets.get_option_at_index(tickets.highlighted).id
        title = self.query_one("#title", Input).value
        self.save(f"#{self.caller.id}", number, None, title[:SUMMARY_MAX] or "repeat call")

    @background("log the call", retry="the form is kept, Ctrl+S retries", group="intake-save")
    def save(
        self, caller: str | None, ticket: str | None, draft: TicketDraft | None, summary: str
    ) -> None:
        view = log_contact(
            self.site,
            self.actor,
            channel=Channel.PHONE,
            caller=caller,
            summary=summary,
            ticket=ticket,
            new_ticket=draft,
        )
        self.app.call_from_thread(self._saved, view)

    def _saved(self, view: ContactView) -> None:
        self.failure_shown = False
        self.last_saved = view.ticket
        verb = "opened" if view.new_ticket else "attached to"
        message = f"Call logged, {verb} {view.ticket}" if view.ticket else "Call logged"
        self.query_one("#intake-status", Static).update(f"{message}. Ctrl+O opens it.")
        self.notify(message, timeout=4, markup=False)
        self.app.post_message(TicketChanged(view.ticket or ""))
        self.action_clear()

    def action_clear(self) -> None:
        for selector in ("#caller-search", "#title", "#ci-search"):
            self.query_one(selector, Input).value = ""
        for selector in ("#caller-results", "#ci-results", "#caller-tickets"):
            self.query_one(selector, OptionList).clear_options()
        self.query_one("#category", Select).clear()
        self.query_one("#impact", Select).value = 3
        self.query_one("#urgency", Select).value = 3
        self.caller, self.callers, self.cis = None, [], []
        self.query_one("#caller-card", Static).update("No caller chosen.")
        self.query_one("#caller-search").focus()

    def action_open_last(self) -> None:
        if self.last_saved:
            self.app.post_message(OpenTicket(self.last_saved))
