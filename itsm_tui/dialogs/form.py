"""One small form dialog for every ticket action that needs input: a reason, a group, a
resolution code and text, a note. Enter in the last field or Ctrl+S submits; Escape cancels.
A choice is a :class:`~itsm_tui.dialogs.fields.ChoiceSelect`: Enter opens it, and a choice
moves on to the next field, so Enter and text typed after it go there.

Dismisses with ``{field name: value}`` or None when cancelled (a subclass that acts on the
values itself, such as ``dialogs.new_caller``, overrides :meth:`FormDialog.finish`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from itsm_tui.common.i18n import _
from itsm_tui.console.keymap import bind
from itsm_tui.dialogs.fields import ChoiceSelect


@dataclass(frozen=True)
class Field:
    """One input: free text (``choices`` empty) or a choice among ``(label, value)`` pairs."""

    name: str
    label: str
    choices: list[tuple[str, str]] = field(default_factory=list)
    value: str = ""
    required: bool = True


class FormDialog(ModalScreen[Any]):
    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    FormDialog .form-title { text-style: bold; margin-bottom: 1; }
    FormDialog .form-error { color: $error; height: auto; }
    FormDialog .form-hint { color: $text-muted; }
    FormDialog Input, FormDialog Select { margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "cancel"),
        bind("save", "submit", priority=True),
        bind("help", "app.help", show=False),
    ]

    def __init__(self, title: str, fields: list[Field]) -> None:
        super().__init__()
        self.form_title = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.form_title, classes="form-title", markup=False)
            for f in self.fields:
                yield Label(f.label, markup=False)
                if f.choices:
                    yield ChoiceSelect(
                        f.choices,
                        value=f.value or f.choices[0][1],
                        allow_blank=False,
                        id=f"field-{f.name}",
                    )
                else:
                    yield Input(f.value, id=f"field-{f.name}")
            yield Static("", classes="form-error", id="form-error", markup=False)
            yield Static(_("Enter: next/save · Ctrl+S: save · Esc: cancel"), classes="form-hint")

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in self.fields:
            widget = self.query_one(f"#field-{f.name}")
            value = widget.value if isinstance(widget, Input | Select) else ""
            out[f.name] = "" if value is Select.NULL else str(value)
        return out

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_submit()
        else:
            self.focus_next()

    def action_submit(self) -> None:
        values = self.values()
        missing = [f.label for f in self.fields if f.required and not values[f.name].strip()]
        if missing:
            self.show_error(_("Required: {fields}").format(fields=_(", ").join(missing)))
            return
        self.finish(values)

    def finish(self, values: dict[str, str]) -> None:
        """The form is complete: dismiss with its values."""
        self.dismiss(values)

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A message and a yes/no (used to offer a reload after a conflict)."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical {
        width: 72; max-width: 100%; height: auto; border: thick $warning;
        background: $surface; padding: 0 1;
    }
    ConfirmDialog .form-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("yes", "answer(True)"),
        bind("no", "answer(False)"),
        bind("help", "app.help", show=False),
    ]

    def __init__(self, message: str, question: str) -> None:
        super().__init__()
        self.message, self.question = message, question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.message, markup=False)
            yield Static(
                _("{question}  [y/Enter] yes  [n/Esc] no").format(question=self.question),
                classes="form-hint",
                markup=False,
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
