"""Long text in a dialog: an article's Markdown to edit (Ctrl+S saves a new version, Escape
cancels), or a text to read, such as the diff between two versions (Escape closes).

The text is data: the editor holds it as typed, and the reader shows it literally, a diff's
added and removed lines in colour."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from itsm_tui.common.i18n import _
from itsm_tui.common.textsafe import visible
from itsm_tui.console.keymap import bind

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 90%; height: 90%; border: thick $accent; background: $surface; padding: 0 1;
}}
{name} .form-title {{ text-style: bold; }}
{name} .form-hint {{ color: $text-muted; }}
{name} TextArea, {name} VerticalScroll {{ height: 1fr; }}
"""


class TextEditDialog(ModalScreen[str | None]):
    """Dismisses with the edited text (Ctrl+S), or None (Escape)."""

    DEFAULT_CSS = _CSS.format(name="TextEditDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "cancel"),
        bind("save", "submit", priority=True),
        bind("help", "app.help", show=False),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.form_title, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.form_title, classes="form-title", markup=False)
            yield TextArea(self.text, id="edit-text", soft_wrap=True)
            yield Static(_("Ctrl+S: save a new version · Esc: cancel"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_submit(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextViewDialog(ModalScreen[None]):
    """Read-only text; with ``diff``, lines starting + or - are coloured."""

    DEFAULT_CSS = _CSS.format(name="TextViewDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("close", "close"),
        bind("help", "app.help", show=False),
    ]

    def __init__(self, title: str, lines: list[str], *, diff: bool = False) -> None:
        super().__init__()
        self.view_title, self.lines, self.diff = title, lines, diff

    def compose(self) -> ComposeResult:
        text = Text()
        for line in self.lines:
            style = ""
            if self.diff and line.startswith("+") and not line.startswith("+++"):
                style = "green"
            elif self.diff and line.startswith("-") and not line.startswith("---"):
                style = "red"
            text.append(visible(line.rstrip("\n")) + "\n", style=style)
        with Vertical():
            yield Static(self.view_title, classes="form-title", markup=False)
            with VerticalScroll():
                yield Static(text, id="view-text", markup=False)
            yield Static(_("Esc: close"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
