"""A short list of what can be done with the record on screen (a problem, an article): ↑/↓
and Enter choose, Escape cancels. Dismisses with the chosen action's id, or None.

The list offers what the record's state allows; who may do it is the workflow's to decide,
so an action the person may not take is still listed and refused in the workflow's words."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from itsm_tui.common.i18n import _
from itsm_tui.console.keymap import bind


class ActionMenu(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ActionMenu { align: center middle; }
    ActionMenu > Vertical {
        width: 60; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ActionMenu .form-title { text-style: bold; }
    ActionMenu OptionList { height: auto; max-height: 16; margin: 1 0; }
    ActionMenu .form-hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "cancel"),
        bind("help", "app.help", show=False),
    ]

    def __init__(self, title: str, actions: list[tuple[str, str]]) -> None:
        """``actions``: (id, label) pairs, in the order shown."""
        super().__init__()
        self.menu_title, self.actions = title, actions

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.menu_title, classes="form-title", markup=False)
            yield OptionList(
                *(Option(label, id=action) for action, label in self.actions),
                id="action-list",
                markup=False,
            )
            yield Static(_("↑/↓ choose · Enter: do it · Esc: cancel"), classes="form-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if self.actions:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
