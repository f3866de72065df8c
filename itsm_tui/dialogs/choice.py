"""A message and a few answers, each on its own key: for questions that are not yes/no
(restore or discard a draft). Dismisses with the answer's value."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ChoiceDialog(ModalScreen[str]):
    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical {
        width: 72; max-width: 100%; height: auto; border: thick $warning;
        background: $surface; padding: 0 1;
    }
    ChoiceDialog .form-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, message: str, answers: list[tuple[str, str, str]]) -> None:
        """``answers``: (keys as Textual names them, e.g. ``"enter,r"``; what the keys are
        shown as with what they do, e.g. ``"Enter/r restore"``; the value dismissed with)."""
        super().__init__()
        self.message, self.answers = message, answers
        for keys, label, value in answers:
            self._bindings.bind(keys, f"answer('{value}')", label, show=False)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.message, markup=False)
            hint = " · ".join(label for _, label, _ in self.answers)
            yield Static(hint, classes="form-hint", markup=False)

    def action_answer(self, value: str) -> None:
        self.dismiss(value)
