"""Form fields that move on: what every form and dialog of the console uses for a choice.

Textual's ``Select`` opens its list on Enter and, once a choice is made, keeps the focus, so
the next Enter opens the list again and the text typed next goes nowhere (or, on a screen,
into a global key such as ``q``). :class:`ChoiceSelect` does what a form's hint promises:

- Enter (or ↓, space) on it opens the list, as before;
- choosing from the list moves the focus to the next field, so the next Enter or text goes
  there;
- a character that starts one option's label picks that option at once and moves on: the
  impact ``1 enterprise-wide`` … ``3 one person`` is one digit, the type ``r`` (request); a
  character that starts several (``w``: walk-in, web) picks the next of them, and Enter
  moves on with it.
"""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual import events, on
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

T = TypeVar("T")


def _label(prompt: object) -> str:
    return prompt.plain if isinstance(prompt, Text) else str(prompt)


class ChoiceSelect(Select[T]):
    """A ``Select`` that moves on after a choice (see the module's docstring)."""

    #: A key picked one of several options starting with it (``w``: walk-in, web): the next
    #: Enter moves on with it, the same key again picks the next of them.
    _picked_by_key = False

    def pick_by_key(self, character: str) -> bool | None:
        """Choose an option whose label starts with ``character`` (case aside): True if it
        was the only one, False if one of several (the one after the current choice), None
        if no label starts with it."""
        wanted = character.casefold()
        hits = [
            value
            for prompt, value in self._options
            if value is not Select.NULL and _label(prompt).casefold().startswith(wanted)
        ]
        if not hits:
            return None
        if len(hits) == 1:
            self.value = hits[0]
            return True
        after = hits.index(self.value) + 1 if self.value in hits else 0
        self.value = hits[after % len(hits)]
        return False

    def move_on(self) -> None:
        """Focus the next field, once this one has the focus back from its list."""
        self._picked_by_key = False
        self.call_after_refresh(self._next)

    def _next(self) -> None:
        if self.has_focus or self.screen.focused is None:
            self.screen.focus_next()

    async def _on_key(self, event: events.Key) -> None:
        if self.expanded:
            return
        if event.key == "enter" and self._picked_by_key:
            event.stop()
            event.prevent_default()
            self.move_on()
            return
        if event.character is None or not event.is_printable or event.character == " ":
            self._picked_by_key = False
            return
        only = self.pick_by_key(event.character)
        if only is None:
            return  # not an option's key: it goes on as any key would
        event.stop()
        event.prevent_default()
        if only:
            self.move_on()
        else:
            self._picked_by_key = True

    def on_blur(self, event: events.Blur) -> None:
        self._picked_by_key = False

    @on(SelectOverlay.UpdateSelection)
    def _chosen(self, event: SelectOverlay.UpdateSelection) -> None:
        # Instead of Select's own handler (prevent_default), which keeps the focus here.
        event.stop()
        event.prevent_default()
        value = self._options[event.option_index][1]
        if value != self.value:
            self.value = value
        self.focus()
        self.expanded = False
        self.move_on()
