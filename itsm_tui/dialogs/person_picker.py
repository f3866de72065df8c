"""Pick the person (or group queue) to hand a ticket to: a filterable list of names, each with
their group and their open-ticket count.

Built for the supervisor's reassign from the overdue list in three keys: ``a`` opens it with
the filter focused and the least-loaded member of the ticket's group highlighted; typing
narrows the list (name, login or group), ↑/↓ move, Enter assigns. Dismisses with
``{"target": "group/login"}`` (``"group/"``: the group's queue), or None when cancelled.

Who may be offered is the workflow's rule (``tier_move_allowed``: the same tier); the people
and their counts come from one query (``staff.assignable_people``), read off the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.console.loading import load_database_code
from itsm_tui.widgets.cells import one_line
from itsm_tui.workflow.site import Actor, Site

if TYPE_CHECKING:
    from itsm_tui.workflow.staff import Assignable


class PersonPicker(ReportsFailures, ModalScreen[dict[str, str] | None]):
    DEFAULT_CSS = """
    PersonPicker { align: center middle; }
    PersonPicker > Vertical {
        width: 72; max-width: 100%; height: 22; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    PersonPicker .form-title { text-style: bold; }
    PersonPicker .form-hint { color: $text-muted; }
    PersonPicker OptionList { height: 1fr; }
    /* The filter keeps the focus, so the list's highlight must show without it. */
    PersonPicker OptionList > .option-list--option-highlighted {
        background: $accent; color: $text;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "cancel"),
        bind("next-field", "move(1)", show=False),
        bind("previous-field", "move(-1)", show=False),
    ]

    def __init__(
        self,
        site: Site,
        actor: Actor,
        number: str,
        tier: int,
        group: str | None,
        holder: str | None = None,
    ) -> None:
        super().__init__()
        self.site, self.actor = site, actor
        self.number, self.tier, self.group = number, tier, group
        #: The login holding the ticket now: handing it to them again is no reassignment,
        #: so they are not offered.
        self.holder = holder
        self.people: list[Assignable] = []
        #: The option ids in the list's order: "group/login" or "group/" (the queue).
        self.shown: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                _("Assign {number} to …").format(number=self.number),
                classes="form-title",
                markup=False,
            )
            yield Input(placeholder=_("type to filter: name, login or group"), id="person-filter")
            yield OptionList(id="person-list")
            yield Static(_("Enter: assign · ↑↓: move · Esc: cancel"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#person-list", OptionList).add_option(Option(_("Loading people …")))
        self.query_one("#person-filter", Input).focus()
        self._read()

    @background(
        N_("read who can take the ticket"), retry=N_("press a again"), group="person-picker"
    )
    def _read(self) -> None:
        load_database_code()
        from itsm_tui.workflow.staff import assignable_people
        from itsm_tui.workflow.tickets.assignment import tier_move_allowed

        people = [
            p
            for p in assignable_people(self.site, self.actor, tier=self.tier)
            if tier_move_allowed("assign", self.tier, p.tier) and p.login != self.holder
        ]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._arrived, people)

    def _arrived(self, people: list[Assignable]) -> None:
        # The ticket's own group first; within a group the least loaded first (the query's order).
        self.people = sorted(people, key=lambda p: p.group != self.group)
        self._fill(self.query_one("#person-filter", Input).value)

    def show_failure(self, message: str, what: str) -> None:
        options = self.query_one("#person-list", OptionList)
        options.clear_options()
        options.add_option(Option(Text(message, style="bold red"), disabled=True))

    @on(Input.Changed, "#person-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, text: str) -> None:
        words = text.casefold().split()
        options = self.query_one("#person-list", OptionList)
        options.clear_options()
        self.shown = []
        groups: list[str] = []
        # Columns padded by terminal cells, not characters: a CJK name takes two per glyph,
        # so "韩文" and "刘雪兰" need different padding for the group and count to line up.
        name_width = max((cell_len(one_line(p.display_name)) for p in self.people), default=0)
        group_width = max((cell_len(one_line(p.group)) for p in self.people), default=0)
        for p in self.people:
            if p.group not in groups:
                groups.append(p.group)
            haystack = f"{p.display_name} {p.login} {p.group} {p.group_name}".casefold()
            if all(w in haystack for w in words):
                name, code = one_line(p.display_name), one_line(p.group)
                label = Text(name, style="bold")
                label.append(" " * (name_width - cell_len(name)))
                label.append(f"  {code}" + " " * (group_width - cell_len(code)), style="")
                label.append("  " + _("{count} open").format(count=p.open_tickets), style="dim")
                options.add_option(Option(label, id=f"{p.group}/{p.login}"))
                self.shown.append(f"{p.group}/{p.login}")
        for code in groups:
            if all(w in f"{code} queue unassigned".casefold() for w in words):
                label = Text(
                    _("{group} queue (unassigned)").format(group=one_line(code)), style="italic"
                )
                options.add_option(Option(label, id=f"{code}/"))
                self.shown.append(f"{code}/")
        if self.shown:
            options.highlighted = 0
        elif self.people:
            options.add_option(Option(Text(_("Nobody matches."), style="dim"), disabled=True))
        else:
            options.add_option(Option(Text(_("Nobody can take it."), style="dim"), disabled=True))

    def action_move(self, step: int) -> None:
        options = self.query_one("#person-list", OptionList)
        if self.shown:
            current = options.highlighted or 0
            options.highlighted = min(max(0, current + step), len(self.shown) - 1)

    @on(Input.Submitted, "#person-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        highlighted = self.query_one("#person-list", OptionList).highlighted
        if self.shown and highlighted is not None and highlighted < len(self.shown):
            self.dismiss({"target": self.shown[highlighted]})

    @on(OptionList.OptionSelected, "#person-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss({"target": event.option.id})

    def action_cancel(self) -> None:
        self.dismiss(None)
