"""Help (F1 or ?): the keys of the screen you were on and the keys that work everywhere, as they
are bound now (a site's overrides included), and how to do the desk's four everyday things.

The keys are read from the screen below's active bindings, not from a written list, so help
cannot disagree with the footer: an action the operator may not take on this ticket is not
listed, and a key remapped in the settings file shows its new key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from itsm_tui.common.i18n import N_, _
from itsm_tui.console.keymap import bind, key_text, label, rank

#: The screens' and dialogs' names as help's title shows them (their class names in English,
#: less "Screen" or "Dialog"): every screen help can open over has one here, so that under
#: zh_CN its title is not left in English (``tests/tui/test_keys_and_help.py`` checks).
SCREEN_NAMES = (
    N_("Dashboard"),
    N_("Queue"),
    N_("Ticket"),
    N_("Intake"),
    N_("CILookup"),
    N_("CIDetail"),
    N_("Impact"),
    N_("ImpactPick"),
    N_("CIPick"),
    N_("PersonPicker"),
    N_("Form"),
    N_("Confirm"),
    N_("GoTo"),
    # Machine-room inspections.
    N_("Rounds"),
    N_("Runner"),
    N_("InspectionHistory"),
    N_("Punctuality"),
    # Changes, problems, knowledge, the follow-up of surveys and complaints, the reports.
    N_("ChangeList"),
    N_("Change"),
    N_("Approvals"),
    N_("Schedule"),
    N_("Problems"),
    N_("Knowledge"),
    N_("SuggestionReader"),
    N_("Callback"),
    N_("AnswerForm"),
    N_("ComplaintReview"),
    N_("Scorecard"),
    N_("Ranking"),
    N_("Reports"),
    # Dialogs over any of them.
    N_("NewCaller"),
    N_("Choice"),
    N_("TextEdit"),
    N_("TextView"),
    N_("ActionMenu"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("close", "dismiss"),
        bind("help", "dismiss", _("Close"), show=False),
    ]

    def __init__(self, beneath: Screen[Any]) -> None:
        super().__init__()
        self.beneath = beneath

    def compose(self) -> ComposeResult:
        here, everywhere = screen_keys(self.beneath)
        global_heading = _("Everywhere")
        if self.beneath.is_modal:
            # A dialog holds every key until it closes: the global keys are those of the
            # screen under it, and work once the dialog is closed.
            base = next((s for s in reversed(self.app.screen_stack) if not s.is_modal), None)
            if base is not None:
                everywhere = screen_keys(base)[1]
                global_heading = _("Everywhere, once this dialog is closed")
        name = _(type(self.beneath).__name__.removesuffix("Screen").removesuffix("Dialog"))
        # A form has no subtitle of its own; its title says which form it is ("Start a round
        # now"), where "Form" alone would not.
        detail = self.beneath.sub_title or getattr(self.beneath, "form_title", "")
        title = f"{name} · {detail}" if detail else name
        with Vertical(id="help-box"):
            yield Static(
                Text(_("Keys and help — {title}").format(title=title), style="bold"),
                id="help-title",
            )
            with VerticalScroll(id="help-body"):
                yield Static(_section(_("On this screen"), here), id="help-screen-keys")
                yield Static(_section(global_heading, everywhere), id="help-global-keys")
                yield Static(_how_to(self.app), id="help-how-to")
            yield Static(
                Text(_("Esc closes · ↑↓ PgUp PgDn scroll · keys: docs/keys.md")), id="help-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()


def screen_keys(screen: Screen[Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(key, what it does) for ``screen``'s own keys (its widgets' included) and for the app's,
    each action once with all its keys, in footer order."""
    app = screen.app
    actions: dict[tuple[bool, str], tuple[Binding, list[str]]] = {}
    for namespace, binding, enabled, _tooltip in screen.active_bindings.values():
        # The console's own bindings (each has an id); Textual's (scrolling, focus, copy) are
        # the same in every app and would bury them.
        ours = binding.id is not None or binding.key == app.COMMAND_PALETTE_BINDING
        if not ours or not binding.description or not enabled or binding.id == "keys-panel-close":
            continue
        slot = (namespace is app, binding.action)
        known = actions.setdefault(slot, (binding, []))
        display = app.get_key_display(binding)
        if display not in known[1]:
            known[1].append(display)
    here: list[tuple[Binding, list[str]]] = []
    everywhere: list[tuple[Binding, list[str]]] = []
    for (is_global, _action), entry in actions.items():
        (everywhere if is_global else here).append(entry)
    return _rows(here), _rows(everywhere)


def _rows(entries: Iterable[tuple[Binding, list[str]]]) -> list[tuple[str, str]]:
    ordered = sorted(entries, key=lambda entry: rank(entry[0]))
    return [(" / ".join(keys), label(binding)) for binding, keys in ordered]


def _section(heading: str, rows: list[tuple[str, str]]) -> Group:
    """Two (key, does) pairs a line, read down the left pair first: half the height, so an
    80×24 terminal shows a screen's keys without scrolling."""
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), expand=False)
    for _pair in range(2):
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("does", min_width=12)
    if not rows:
        rows = [("—", _("no keys of its own"))]
    half = (len(rows) + 1) // 2
    left, right = rows[:half], rows[half:]
    for n, (key, does) in enumerate(left):
        other = right[n] if n < len(right) else ("", "")
        table.add_row(Text(key), Text(does), Text(other[0]), Text(other[1]))
    return Group(Text(heading, style="bold underline"), table, Text(""))


def _how_to(app: App[Any]) -> Group:
    def k(binding_id: str) -> str:
        return key_text(app, binding_id)

    palette = app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, ""))
    steps = [
        (
            _("Log a call"),
            _(
                "{intake} New call: find the caller, type the title, look up the CI, choose "
                "impact and urgency, {save} saves."
            ).format(intake=k("intake"), save=k("save")),
        ),
        (
            _("Find a ticket"),
            _(
                "{goto} and the ticket's number; or {palette} and words of a screen or action; "
                "in a queue {search} searches its rows."
            ).format(goto=k("goto"), palette=palette, search=k("search")),
        ),
        (
            _("Escalate"),
            _(
                "open the ticket ({open} in a list), {escalate}: choose the group, give the "
                "reason, {save}."
            ).format(open=k("open"), escalate=k("escalate"), save=k("save")),
        ),
        (
            _("Resolve"),
            _(
                "open the ticket, {claim} claims it if it is not yours yet, {resolve}: write "
                "what fixed it, {save}."
            ).format(claim=k("claim"), resolve=k("resolve"), save=k("save")),
        ),
    ]
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=False)
    table.add_column("task", style="bold", no_wrap=True)
    table.add_column("how")
    for task, how in steps:
        table.add_row(Text(task), Text(how))
    return Group(Text(_("How do I …"), style="bold underline"), table)
