"""Call intake: find the caller as you type, see their open tickets (attach a repeat call
instead of opening a duplicate), fill title, CI, impact, urgency, category, description,
channel, type and group with the computed priority shown live, and save with one key.

The common path never leaves the keyboard, and Enter always moves on: type the caller (name,
phone, department or employee number), Enter picks the first match; type the title, Enter;
type the CI, Enter picks it (and fills in the category it suggests); one digit each for
impact and urgency; Ctrl+S. What the agent types is kept as a draft (see
``workflow.drafts``): saved a moment after each change and when the form is left, and offered
back when the form next opens. While the form holds unsaved input the console's letter keys
are off and leaving asks first (``console.unsaved``).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Checkbox, Header, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from itsm_tui.common.domain import Channel, TicketType
from itsm_tui.common.i18n import N_, _, status_text
from itsm_tui.common.timefmt import local
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind, key_text
from itsm_tui.console.messages import OpenTicket, TicketChanged
from itsm_tui.console.sizes import CALLER_MATCHES, CI_MATCHES
from itsm_tui.dialogs.fields import ChoiceSelect
from itsm_tui.screens.intake_suggestions import SuggestionPanel, SuggestionReader
from itsm_tui.widgets.cells import one_line
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.callers import CallerView, search_callers, show_caller
from itsm_tui.workflow.catalog import CategoryView
from itsm_tui.workflow.cmdb.items import CIView
from itsm_tui.workflow.contacts import SUMMARY_MAX, ContactView
from itsm_tui.workflow.drafts import CallDraftView, discard_draft, load_draft, save_draft
from itsm_tui.workflow.intake import (
    IntakeChoices,
    category_for_ci,
    intake_choices,
    log_call,
    search_cis,
)
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.sla.service import Deadline, deadline
from itsm_tui.workflow.tickets import TicketDraft, TicketView, show_ticket

#: Short enough to be shown whole in a half-row select at 80 columns (12 cells at most: the
#: row's label says which scale it is).
IMPACTS = [(N_("1 enterprise"), 1), (N_("2 department"), 2), (N_("3 one person"), 3)]
URGENCIES = [(N_("1 stopped"), 1), (N_("2 impaired"), 2), (N_("3 can wait"), 3)]
CHANNELS = [
    (N_("phone"), Channel.PHONE.value),
    (N_("walk-in"), Channel.WALK_IN.value),
    (N_("e-mail"), Channel.EMAIL.value),
    (N_("web"), Channel.WEB.value),
    (N_("monitoring"), Channel.MONITORING.value),
]
TYPES = [(N_("incident"), TicketType.INCIDENT.value), (N_("request"), TicketType.REQUEST.value)]
#: What the caller box suggests typing; each finds a caller in the demo site (a test says so).
CALLER_EXAMPLES = ("王", "办公室", "010-6", "E0001")
#: Seconds after the last change before the draft is saved (a burst of typing saves once).
DRAFT_DELAY = 1.5
#: The form's hint says how the focus moves; the keys below keep to it.
HINT = N_("Enter/Tab: next field · 1-3: impact, urgency · Ctrl+S: save · Esc: back")
#: In Details Enter starts a new line, so only Tab moves on: the hint says so while it has focus.
DETAILS_HINT = N_("Tab: next field · Enter: new line · Ctrl+S: save · Esc: back")
NO_CALLER = N_("Choose the caller: type, Enter picks the first match · Ctrl+N registers a new one.")


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


def _choices(pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A select's options in the language in force (the constants above hold the msgids)."""
    return [(_(label), value) for label, value in pairs]


def _row(label: str, *widgets: Any, row_id: str | None = None) -> Horizontal:
    """One line of the form: its label, always visible, then the field(s)."""
    return Horizontal(Label(label, classes="field-label", markup=False), *widgets, id=row_id,
                      classes="form-row")  # fmt: skip


class IntakeScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("save", "save", priority=True),
        # F4, not Ctrl+A: Ctrl+A (like Ctrl+E, K, U, W, T) edits text in a shell and in many
        # editors; an F-key edits nothing, reaches the console through SSH and tmux, and
        # attaching still asks, showing the ticket.
        bind("intake-attach", "attach", priority=True),
        bind("intake-new-caller", "new_caller", priority=True),
        bind("intake-clear", "clear"),
        bind("intake-open-last", "open_last"),
        bind("intake-reload", "reload", show=False),
        bind("intake-link-suggestion", "use_suggestion(False)", priority=True),
        bind("intake-resolve-suggestion", "use_suggestion(True)", priority=True),
        bind("intake-read-suggestion", "read_suggestion", priority=True),
        bind("back", "leave"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor
        self.choices: IntakeChoices | None = None
        self.callers: list[CallerView] = []
        self.caller: CallerView | None = None
        self.cis: list[CIView] = []
        self.ci: CIView | None = None
        #: A restored draft's CI as ``class:name``, while the box still shows its name.
        self._restored_ci: str | None = None
        self.last_saved: str | None = None
        self.failure_shown = False
        self._draft_timer: Timer | None = None
        #: The fields the stored draft holds (None: there is none). The form saves only when
        #: they differ, so its own changes (a restore, the lists arriving) save nothing.
        self._kept: dict[str, Any] | None = None
        #: No draft is written before the stored one has been read and offered back: the
        #: first keystrokes must not overwrite the call left unsaved last time.
        self._draft_known = False
        self._pending_draft: dict[str, Any] | None = None  # read before the choices came
        #: A call is being logged: no draft is written meanwhile (it would outlive the call).
        self._saving = False
        #: Draft writes run one at a time, and only the newest asked for is written: a
        #: cancelled worker's thread still runs, so without these an older save (or one begun
        #: before the call was logged) could land after a newer one, or bring a logged call
        #: back as a draft. Every request (and logging a call) takes the next generation; a
        #: write whose generation is no longer the newest does nothing.
        self._draft_lock = threading.Lock()
        self._draft_generation = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="intake"):
            with VerticalScroll(id="intake-form"):
                yield _row(
                    _("Caller"),
                    LookupInput(
                        placeholder=_("e.g. {examples}").format(
                            examples=", ".join(CALLER_EXAMPLES)
                        ),
                        id="caller-search",
                        compact=True,
                    ),
                )
                yield Static("", id="caller-error", classes="field-error", markup=False)
                yield OptionList(id="caller-results", compact=True, markup=False)
                yield _row(
                    _("Title"),
                    Input(
                        placeholder=_("what is wrong, in the caller's words"),
                        id="title",
                        compact=True,
                    ),
                )
                yield _row(
                    _("CI"),
                    LookupInput(
                        placeholder=_("name, IP or asset tag"), id="ci-search", compact=True
                    ),
                )
                yield OptionList(id="ci-results", compact=True, markup=False)
                yield _row(
                    _("Impact"),
                    ChoiceSelect(
                        _choices(IMPACTS), value=3, allow_blank=False, id="impact", compact=True
                    ),
                    Label(_("Urgency"), classes="field-label inline", markup=False),
                    ChoiceSelect(
                        _choices(URGENCIES), value=3, allow_blank=False, id="urgency", compact=True
                    ),
                )
                yield _row(
                    _("Category"),
                    ChoiceSelect[str]([], prompt=_("(none)"), id="category", compact=True),
                )
                yield _row(
                    _("Details"),
                    TextArea(id="description", compact=True, soft_wrap=True),
                    row_id="description-row",
                )
                yield _row(
                    _("Channel"),
                    ChoiceSelect(_choices(CHANNELS), value="phone", allow_blank=False, id="channel",
                                 compact=True),
                    Label(_("Type"), classes="field-label inline", markup=False),
                    ChoiceSelect(_choices(TYPES), value="incident", allow_blank=False, id="type",
                                 compact=True),
                )  # fmt: skip
                yield _row(
                    _("Group"),
                    ChoiceSelect[str]([], prompt=_("(choose)"), id="group", compact=True),
                    Checkbox(_("Assign to me"), id="assign-to-me", compact=True),
                )
                yield Static("", id="group-error", classes="field-error", markup=False)
                yield Static("", id="priority", markup=False)
                yield Static(_(HINT), id="intake-hint", markup=False)
            with Vertical(id="intake-side"):
                yield Static(_("No caller chosen."), id="caller-card", markup=False)
                yield OptionList(id="caller-tickets", compact=True, markup=False)
                yield SuggestionPanel(self.site, self.actor, id="suggest-panel")
                yield Static("", id="intake-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("New call")
        self.query_one("#caller-tickets", OptionList).border_title = _("Open tickets")
        for selector in ("#caller-results", "#ci-results"):
            # Reached from the box above with ↑/↓: Tab and Enter go from field to field.
            self.query_one(selector, OptionList).can_focus = False
        self._show_error("#caller-error", "")
        self._show_error("#group-error", "")
        self.query_one("#caller-search").focus()
        self.watch(self, "focused", self._focus_moved)
        self.load_choices()
        self.find_draft()

    def _focus_moved(self, focused: Widget | None) -> None:
        """The hint follows the focus: Enter moves on everywhere but in Details."""
        hint = DETAILS_HINT if focused is not None and focused.id == "description" else HINT
        self.query_one("#intake-hint", Static).update(_(hint))

    # --- reference data and live priority -----------------------------------------------

    def show_failure(self, message: str, what: str) -> None:
        # What was typed stays: the operator retries with the same form.
        self.failure_shown = True
        self._saving = False
        self.query_one("#intake-status", Static).update(message)

    def _answered(self) -> None:
        """A read came back: a failure shown before is over."""
        if self.failure_shown:
            self.failure_shown = False
            self.query_one("#intake-status", Static).update("")

    def action_reload(self) -> None:
        self.load_choices()

    @background(
        N_("load the categories and the priority matrix"),
        retry=N_("Ctrl+R retries"),
        group="intake-choices",
    )
    def load_choices(self) -> None:
        choices = intake_choices(self.site, self.actor)
        self.app.call_from_thread(self._choices_loaded, choices)

    def _choices_loaded(self, choices: IntakeChoices) -> None:
        self._answered()
        self.choices = choices
        category = self.query_one("#category", Select)
        chosen = category.value
        category.set_options((one_line(_category_label(c)), c.code) for c in choices.categories)
        if (
            chosen is not Select.NULL
            and category._options
            and any(code == chosen for _, code in category._options)
        ):
            category.value = chosen
        group = self.query_one("#group", Select)
        group.set_options(
            # Name and code only: with the tier too it was cut at 80 columns.
            (one_line(f"{g.name} ({g.code})"), g.code)
            for g in choices.groups
        )
        if choices.default_group is not None:
            group.value = choices.default_group
        if self._pending_draft is not None:
            fields, self._pending_draft = self._pending_draft, None
            self._restore(fields)
        self._show_priority()

    @on(Select.Changed, "#impact, #urgency, #category")
    def _show_priority(self) -> None:
        if self.choices is None:
            return
        impact, urgency = self._impact_urgency()
        priority = self.choices.priority(impact, urgency)
        self._priority_line(priority, impact, urgency, None)
        self.find_deadline(priority, impact, urgency, self._value("#category"))

    @background(
        N_("work out the SLA due times"),
        retry=N_("change impact or urgency to retry"),
        group="deadline",
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
        text.append(_("Priority P{priority}").format(priority=priority), style="bold")
        text.append(
            _("  (impact {impact} × urgency {urgency})").format(impact=impact, urgency=urgency),
            style="dim",
        )
        if due is not None:
            text.append(
                _("  respond by {respond} · resolve by {resolve} ({policy}, {calendar})").format(
                    respond=local(due.response_due_at, zone, "%m-%d %H:%M"),
                    resolve=local(due.resolution_due_at, zone, "%m-%d %H:%M"),
                    policy=due.policy,
                    calendar=due.calendar,
                ),
                style="dim",
            )
        self.query_one("#priority", Static).update(text)

    def _value(self, selector: str) -> Any:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else value

    def _impact_urgency(self) -> tuple[int, int]:
        impact, urgency = self._value("#impact"), self._value("#urgency")
        return (
            impact if isinstance(impact, int) else 3,
            urgency if isinstance(urgency, int) else 3,
        )

    def _show_error(self, selector: str, message: str) -> None:
        error = self.query_one(selector, Static)
        error.update(message)
        error.display = bool(message)

    # --- caller search ------------------------------------------------------------------

    @on(Input.Changed, "#caller-search")
    def _caller_typed(self, event: Input.Changed) -> None:
        if self.caller is not None:
            # Typing over the chosen caller's name is looking for another: the call must
            # not go to the one still on the card.
            self.caller = None
            self.query_one("#caller-card", Static).update(_("No caller chosen."))
            tickets = self.query_one("#caller-tickets", OptionList)
            tickets.clear_options()
            tickets.border_title = _("Open tickets")
        self.find_callers(event.value)

    @background(N_("search the callers"), retry=N_("type on to retry"), group="caller-search")
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
            if self.caller is not None and not self.callers:
                self.query_one("#title", Input).focus()  # the caller chosen before stays
                return
            self._show_error(
                "#caller-error",
                _("No caller matches: check the spelling, or Ctrl+N registers them."),
            )
            return
        self._show_error("#caller-error", "")
        self.load_caller(self.callers[index].id)
        self.query_one("#title", Input).focus()

    @on(OptionList.OptionSelected, "#caller-results")
    def _caller_clicked(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#caller-results", OptionList).highlighted = event.option_index
        self._pick_caller()

    @background(N_("read the caller"), retry=N_("Enter retries"), group="caller")
    def load_caller(self, caller_id: int) -> None:
        caller = show_caller(self.site, self.actor, f"#{caller_id}")
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._caller_loaded, caller)

    def _caller_loaded(self, caller: CallerView) -> None:
        self._answered()
        self.caller = caller
        self._changed()
        card = Text()
        card.append(one_line(caller.name) + (_("  VIP") if caller.vip else ""), style="bold")
        for value in (caller.department, caller.phone, caller.location):
            if value:
                card.append("\n" + one_line(value))
        self.query_one("#caller-card", Static).update(card)
        tickets = self.query_one("#caller-tickets", OptionList)
        tickets.clear_options()
        open_ones = caller.open_tickets
        tickets.add_options(
            Option(
                Text(one_line(f"{t.number} P{t.priority} {status_text(t.status)} {t.title}")),
                id=t.number,
            )
            for t in open_ones
        )
        if open_ones:
            tickets.highlighted = 0
            attach = key_text(self.app, "intake-attach")
            tickets.border_title = _("Open tickets ({count}) — {key} attaches the call").format(
                count=len(open_ones), key=attach
            )
        else:
            tickets.border_title = _("No open tickets")
        # The list has gone: the box names the chosen caller.
        search = self.query_one("#caller-search", Input)
        with search.prevent(Input.Changed):
            search.value = caller.name
        self.callers = []
        self.query_one("#caller-results", OptionList).clear_options()

    def action_new_caller(self) -> None:
        """Register a caller who is not in the directory (name, department, phone)."""
        from itsm_tui.dialogs.new_caller import NewCallerDialog

        # What was typed is likely the name, unless it is a number, or the box already
        # names a caller chosen before.
        typed = self.query_one("#caller-search", Input).value.strip()
        name = "" if self.caller is not None or any(ch.isdigit() for ch in typed) else typed

        def registered(caller: CallerView | None) -> None:
            if caller is not None:
                self._show_error("#caller-error", "")
                self.load_caller(caller.id)
                self.query_one("#title", Input).focus()

        self.app.push_screen(NewCallerDialog(self.site, self.actor, name), registered)

    # --- CI lookup ----------------------------------------------------------------------

    @on(Input.Changed, "#ci-search")
    def _ci_typed(self, event: Input.Changed) -> None:
        self.ci = None
        self.find_cis(event.value)

    @background(N_("search the CIs"), retry=N_("type on to retry"), group="ci-search")
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
            self.ci = self.cis[index]
            ci_input = self.query_one("#ci-search", Input)
            with ci_input.prevent(Input.Changed):
                ci_input.value = self.ci.name
            self.query_one("#ci-results", OptionList).clear_options()
            self.cis = []
            self._changed()
            self.suggest_category(self.ci.id)
            self._ask_suggestions()
        self.query_one("#impact", Select).focus()

    @background(
        N_("find the CI's category"), retry=N_("choose the category yourself"), group="ci-cat"
    )
    def suggest_category(self, ci_id: int) -> None:
        found = category_for_ci(self.site, self.actor, ci_id)
        if found is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._category_suggested, found)

    def _category_suggested(self, category: CategoryView) -> None:
        """Fill the category in from the CI; the agent may change it."""
        select = self.query_one("#category", Select)
        if any(code == category.code for _, code in select._options):
            select.value = category.code

    @on(Input.Submitted, "#title")
    def _title_done(self) -> None:
        self.query_one("#ci-search", Input).focus()

    # --- the draft: kept as the agent types, offered back when the form opens -----------

    def form_fields(self) -> dict[str, Any]:
        """The form as a draft holds it (``workflow.drafts.DRAFT_FIELDS``)."""
        impact, urgency = self._impact_urgency()
        return {
            "caller": self.caller.id if self.caller else None,
            "caller_search": self.query_one("#caller-search", Input).value,
            "title": self.query_one("#title", Input).value,
            "description": self.query_one("#description", TextArea).text,
            "ci": self._ci_ref(),
            "category": self._value("#category"),
            "impact": impact,
            "urgency": urgency,
            "channel": self._value("#channel"),
            "type": self._value("#type"),
            "group": self._value("#group"),
            "assign_to_me": self.query_one("#assign-to-me", Checkbox).value,
        }

    def holds_unsaved_input(self) -> bool:
        """Anything the agent typed or chose that a blank form would not have (the group's
        default is the form's, not the agent's)."""
        f = self.form_fields()
        return bool(
            f["caller"] is not None
            or any(f[k].strip() for k in ("caller_search", "title", "description", "ci"))
            or f["category"] is not None
            or (f["impact"], f["urgency"]) != (3, 3)
            or f["channel"] != Channel.PHONE.value
            or f["type"] != TicketType.INCIDENT.value
            or f["assign_to_me"]
        )

    def unsaved_input_note(self) -> str:
        return _(
            "The New-call form holds a call you have not logged. It is kept as a draft and "
            "offered when you next open New call."
        )

    def _changed(self) -> None:
        """The form changed: save the draft once the agent pauses."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft_later)

    @on(Input.Changed, "#title")
    @on(TextArea.Changed, "#description")
    @on(Select.Changed, "#impact, #urgency, #category, #channel, #type, #group")
    @on(Checkbox.Changed, "#assign-to-me")
    def _field_changed(self) -> None:
        self._changed()

    @on(Input.Changed, "#caller-search, #ci-search")
    def _lookup_changed(self) -> None:
        self._changed()

    # --- suggestions: known errors and articles for what the caller says ----------------

    @on(Input.Changed, "#title")
    @on(TextArea.Changed, "#description")
    def _ask_suggestions(self) -> None:
        """The panel asks a moment after the last keystroke, off the UI thread."""
        title = self.query_one("#title", Input).value
        text = title if title.strip() else self.query_one("#description", TextArea).text
        self.query_one(SuggestionPanel).ask(text, (self.ci.key,) if self.ci else ())

    def action_read_suggestion(self) -> None:
        hit = self.query_one(SuggestionPanel).chosen()
        if hit is None:
            self.notify(_("No suggestion to read: type the title first."), severity="warning")
            return
        self.app.push_screen(SuggestionReader(self.site, self.actor, hit))

    async def action_use_suggestion(self, resolve: bool) -> None:
        """Save the call as a new ticket linked to the highlighted suggestion (a known
        error's problem, or the article as "solved with"); resolved with it when asked."""
        hit = self.query_one(SuggestionPanel).chosen()
        if hit is None:
            self.notify(_("No suggestion chosen: type the title first."), severity="warning")
            return
        if not self._check_before_save():
            return
        await self._before_logging()
        self._show_error("#caller-error", "")
        self._show_error("#group-error", "")
        draft = self._draft()
        self.save_with_suggestion(
            f"#{self.caller.id}" if self.caller else None,
            draft,
            self.query_one("#assign-to-me", Checkbox).value,
            (hit.kind, hit.number),
            resolve,
        )

    @background(
        N_("log the call"), retry=N_("the form is kept, Ctrl+S retries"), group="intake-save"
    )
    def save_with_suggestion(
        self,
        caller: str | None,
        draft: TicketDraft,
        assign_to_me: bool,
        hit: tuple[str, str],
        resolve: bool,
    ) -> None:
        from itsm_tui.workflow.knowledge.at_intake import log_call_with_suggestion

        kind, number = hit
        done = log_call_with_suggestion(
            self.site,
            self.actor,
            channel=self._channel(),
            caller=caller,
            summary=draft.title[:SUMMARY_MAX],
            new_ticket=draft,
            assign_to_me=assign_to_me,
            known_error=number if kind == "known_error" else None,
            article=number if kind != "known_error" else None,
            resolve=resolve,
        )
        self.app.call_from_thread(self._saved, done.contact, number, resolve)

    def _save_draft_later(self) -> None:
        self._draft_timer = None
        if not self._draft_known or self._saving:
            return
        fields = self.form_fields()
        if self.holds_unsaved_input():
            if fields != self._kept:
                self._keep(fields)
        elif self._kept is not None:
            self._keep(None)  # emptied by hand: nothing left to offer back

    def _keep(self, fields: dict[str, Any] | None) -> Worker[None]:
        """Ask for the draft to be saved (None: dropped) as the newest request."""
        self._draft_generation += 1
        return self.keep_draft(fields, self._draft_generation)

    @background(
        N_("keep the call's draft"), retry=N_("it is tried again as you type"), group="draft"
    )
    def keep_draft(self, fields: dict[str, Any] | None, generation: int) -> None:
        """Save the draft (or drop it, for a form emptied by hand) off the UI thread, unless
        a newer request or a call being logged has overtaken this one."""
        with self._draft_lock:
            if generation != self._draft_generation:
                return
            self._write_draft(fields)
        self.app.call_from_thread(self._draft_kept, fields, generation)

    def _write_draft(self, fields: dict[str, Any] | None) -> None:
        if fields is None:
            discard_draft(self.site, self.actor)
        else:
            save_draft(self.site, self.actor, fields)

    def _draft_kept(self, fields: dict[str, Any] | None, generation: int) -> None:
        if generation == self._draft_generation:
            self._kept = fields

    async def keep_input(self) -> bool:
        """Save the draft now, before the form goes (``console.unsaved``)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        fields = self.form_fields()
        if fields == self._kept:
            return True
        try:
            await self._keep(fields).wait()
        except Exception:  # reported in place by ReportsFailures; the form stays
            return False
        return True

    async def action_leave(self) -> None:
        if not self.holds_unsaved_input():
            self.app.pop_screen()
            return
        from itsm_tui.dialogs.form import ConfirmDialog

        async def answered(yes: bool | None) -> None:
            if yes and await self.keep_input():
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmDialog(self.unsaved_input_note(), _("Leave the call form?")), answered
        )

    @background(
        N_("read your call draft"),
        retry=N_("it is kept; open New call again"),
        group="draft-read",
    )
    def find_draft(self) -> None:
        draft = load_draft(self.site, self.actor)
        self.app.call_from_thread(self._draft_found, draft)

    def _draft_found(self, draft: CallDraftView | None) -> None:
        if draft is None:
            self._draft_known = True
            self._changed()  # what was typed meanwhile is kept too
            return
        self._kept = draft.fields
        self._offer_draft(draft)

    def _offer_draft(self, draft: CallDraftView) -> None:
        from itsm_tui.dialogs.choice import ChoiceDialog

        zone = self.site.settings.zone
        f = draft.fields
        what = " — ".join(
            one_line(str(v)) for v in (f.get("caller_search"), f.get("title")) if v
        ) or _("(no caller or title yet)")
        message = _("You left a call unsaved at {time}:\n{what}").format(
            time=local(draft.saved_at, zone, "%m-%d %H:%M"), what=what
        )

        def answered(answer: str | None) -> None:
            self._draft_known = True
            if answer == "discard":
                self._keep(None)
            elif self.choices is None:
                self._pending_draft = f  # restored once the lists are there
            else:
                self._restore(f)

        # Yes/no keys, as in every question (the key map's SHARED y and n): d and r would
        # read as Dashboard and Refresh, which they mean everywhere else.
        answers = [
            ("enter,y,escape", _("Enter/y: restore it"), "restore"),
            ("n", _("n: discard it"), "discard"),
        ]
        self.app.push_screen(ChoiceDialog(message, answers), answered)

    def _restore(self, f: dict[str, Any]) -> None:
        ci = str(f.get("ci") or "")
        self._restored_ci = ci or None
        for selector, text in (("#caller-search", str(f.get("caller_search") or "")),
                               ("#title", str(f.get("title") or "")),
                               ("#ci-search", ci.rpartition(":")[2])):  # fmt: skip
            box = self.query_one(selector, Input)
            with box.prevent(Input.Changed):
                box.value = text
        self.query_one("#description", TextArea).text = str(f.get("description") or "")
        for selector, key in (("#impact", "impact"), ("#urgency", "urgency"),
                              ("#category", "category"), ("#channel", "channel"),
                              ("#type", "type"), ("#group", "group")):  # fmt: skip
            select = self.query_one(selector, Select)
            value = f.get(key)
            if value is not None and any(v == value for _, v in select._options):
                select.value = value
        self.query_one("#assign-to-me", Checkbox).value = bool(f.get("assign_to_me"))
        if isinstance(f.get("caller"), int):
            self.load_caller(f["caller"])
        self.query_one("#title", Input).focus()
        self._ask_suggestions()

    # --- saving -------------------------------------------------------------------------

    def _ci_ref(self) -> str:
        """The chosen CI as ``class:name`` (a name alone may belong to two classes); what
        was typed, if nothing was picked (the workflow then says what it matches)."""
        typed = self.query_one("#ci-search", Input).value.strip()
        if self.ci is not None:
            return self.ci.key
        if self._restored_ci and typed == self._restored_ci.rpartition(":")[2]:
            return self._restored_ci
        return typed

    def _draft(self) -> TicketDraft:
        impact, urgency = self._impact_urgency()
        ci = self._ci_ref()
        return TicketDraft(
            title=self.query_one("#title", Input).value,
            description=self.query_one("#description", TextArea).text,
            type=self._value("#type") or TicketType.INCIDENT.value,
            category=self._value("#category"),
            impact=impact,
            urgency=urgency,
            group=self._value("#group"),
            cis=[ci] if ci else [],
        )

    def _channel(self) -> str:
        return str(self._value("#channel") or Channel.PHONE.value)

    def _check_before_save(self) -> bool:
        """What the form itself can tell: a call needs its caller (unless a monitor raised
        it) and a group to go to. The rest is the workflow's to refuse, in its words."""
        ok = True
        if self.caller is None and self._channel() != Channel.MONITORING.value:
            self._show_error("#caller-error", _(NO_CALLER))
            self.query_one("#caller-search").focus()
            ok = False
        if self._value("#group") is None:
            none_yet = self.choices is not None and not self.choices.groups
            self._show_error(
                "#group-error",
                _("The site has no assignment group yet: a supervisor adds one (itsm group add).")
                if none_yet
                else _("Choose the group the call goes to."),
            )
            if ok:
                self.query_one("#group").focus()
            ok = False
        return ok

    async def _before_logging(self) -> None:
        """No draft save may land after the call: stop the pending one, wait for one under
        way (milliseconds), and write none until the call is logged or refused."""
        self._saving = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        self._draft_generation += 1  # every save asked for until now is overtaken
        # A write under way finishes first (its thread runs on even if its worker was
        # cancelled): wait for the lock off the UI thread, then let it go.
        await asyncio.to_thread(self._draft_lock.acquire)
        self._draft_lock.release()

    async def action_save(self) -> None:
        if not self._check_before_save():
            return
        await self._before_logging()
        self._show_error("#caller-error", "")
        self._show_error("#group-error", "")
        caller = f"#{self.caller.id}" if self.caller else None
        draft = self._draft()
        assign = self.query_one("#assign-to-me", Checkbox).value
        self.save(caller, None, draft, draft.title[:SUMMARY_MAX], assign)

    def action_attach(self) -> None:
        tickets = self.query_one("#caller-tickets", OptionList)
        if self.caller is None or tickets.highlighted is None:
            self.notify(_("Choose a caller with an open ticket first."), severity="warning")
            return
        number = tickets.get_option_at_index(tickets.highlighted).id
        if number is not None:
            self.read_for_attach(number)

    @background(N_("read the ticket to attach to"), retry=N_("F4 retries"), group="attach")
    def read_for_attach(self, number: str) -> None:
        view = show_ticket(self.site, self.actor, number).ticket
        self.app.call_from_thread(self._confirm_attach, view)

    def _confirm_attach(self, ticket: TicketView) -> None:
        from itsm_tui.dialogs.form import ConfirmDialog

        holder = ticket.assignee_name or _("nobody yet")
        group = ticket.group_name or ticket.group or "-"
        message = (
            f"{ticket.number} · {status_text(ticket.status)} · P{ticket.priority}\n"
            f"{one_line(ticket.title)}\n"
            + _("held by {holder} ({group})").format(holder=one_line(holder), group=one_line(group))
        )
        caller = self.caller

        async def answered(yes: bool | None) -> None:
            if yes and caller is not None:
                await self._before_logging()
                title = self.query_one("#title", Input).value
                summary = title[:SUMMARY_MAX] or _("repeat call")
                self.save(f"#{caller.id}", ticket.number, None, summary, False)

        self.app.push_screen(
            ConfirmDialog(message, _("Attach this call to this ticket?")), answered
        )

    @background(
        N_("log the call"), retry=N_("the form is kept, Ctrl+S retries"), group="intake-save"
    )
    def save(
        self,
        caller: str | None,
        ticket: str | None,
        draft: TicketDraft | None,
        summary: str,
        assign_to_me: bool,
    ) -> None:
        view = log_call(
            self.site,
            self.actor,
            channel=self._channel(),
            caller=caller,
            summary=summary,
            ticket=ticket,
            new_ticket=draft,
            assign_to_me=assign_to_me,
        )
        self.app.call_from_thread(self._saved, view)

    def _saved(self, view: ContactView, used: str | None = None, resolved: bool = False) -> None:
        self.failure_shown = False
        self._saving = False
        self.last_saved = view.ticket
        if used and resolved:
            message = _("Call logged, {number} resolved with {used}").format(
                number=view.ticket, used=used
            )
        elif used:
            message = _("Call logged, opened {number} linked to {used}").format(
                number=view.ticket, used=used
            )
        elif not view.ticket:
            message = _("Call logged")
        elif view.new_ticket:
            message = _("Call logged, opened {number}").format(number=view.ticket)
        else:
            message = _("Call logged, attached to {number}").format(number=view.ticket)
        self.notify(message, timeout=4, markup=False)
        self.app.post_message(TicketChanged(view.ticket or ""))
        self._clear_form()
        self._kept = None  # the draft went with the call (``log_call``)
        self.query_one("#intake-status", Static).update(
            _("{message}. Ctrl+O opens it.").format(message=message)
        )

    def action_clear(self) -> None:
        """Empty the form and drop its draft: asks first when it holds a call."""
        if not self.holds_unsaved_input():
            self._clear_now()
            return
        from itsm_tui.dialogs.form import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self._clear_now()

        question = ConfirmDialog(self.unsaved_input_note(), _("Clear the form and discard it?"))
        self.app.push_screen(question, answered)

    def _clear_now(self) -> None:
        self._clear_form()
        if self._kept is not None and self._draft_known:
            self._keep(None)

    def _clear_form(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        for selector in ("#caller-search", "#title", "#ci-search"):
            box = self.query_one(selector, Input)
            with box.prevent(Input.Changed):
                box.value = ""
        self.query_one("#description", TextArea).text = ""
        for selector in ("#caller-results", "#ci-results", "#caller-tickets"):
            self.query_one(selector, OptionList).clear_options()
        self.query_one("#category", Select).clear()
        self.query_one("#impact", Select).value = 3
        self.query_one("#urgency", Select).value = 3
        self.query_one("#channel", Select).value = Channel.PHONE.value
        self.query_one("#type", Select).value = TicketType.INCIDENT.value
        self.query_one("#assign-to-me", Checkbox).value = False
        if self.choices is not None and self.choices.default_group is not None:
            self.query_one("#group", Select).value = self.choices.default_group
        self.caller, self.callers, self.cis, self.ci = None, [], [], None
        self._restored_ci = None
        self.query_one("#caller-card", Static).update(_("No caller chosen."))
        self.query_one("#caller-tickets", OptionList).border_title = _("Open tickets")
        self._show_error("#caller-error", "")
        self._show_error("#group-error", "")
        self.query_one("#intake-status", Static).update("")
        self.query_one(SuggestionPanel).clear()
        self.query_one("#caller-search").focus()

    def action_open_last(self) -> None:
        if self.last_saved:
            self.app.post_message(OpenTicket(self.last_saved))


def _category_label(category: CategoryView) -> str:
    return f"{category.parent}/{category.name}" if category.parent else category.name
