"""The one question the console asks a screen before leaving it or quitting: "do you hold
input the operator has not saved?" Any form screen can answer it by having these two methods
(a structural protocol, nothing to inherit); the app (``console/app.py``) then

- keeps its single-letter keys (``q``, ``d``, ``i`` …) from firing while the screen holds
  unsaved input — a letter typed on a choice or a checkbox must not quit or leave the form;
- asks before quitting or going to the dashboard, and lets the screen keep its input first
  (the call form saves its draft).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class HoldsInput(Protocol):
    def holds_unsaved_input(self) -> bool:
        """Whether leaving now would lose something the operator typed."""
        ...

    def unsaved_input_note(self) -> str:
        """What the operator is told before leaving: what is held, and what becomes of it."""
        ...

    async def keep_input(self) -> bool:
        """Keep what was typed (e.g. as a draft) before the screen goes; False if it could
        not be kept (the screen has said why), and the screen should stay."""
        ...
