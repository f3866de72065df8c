"""Textual's Footer, recomposed only when the keys it shows change.

Textual's Footer unmounts and re-mounts every key on each ``bindings_updated`` signal — focus
moving, ``refresh_bindings()``, the screen resuming — and each new key is restyled against the
whole stylesheet several times. Opening a ticket sent four such signals (~0.5 s of a 0.9 s
open on a loaded 2-core machine), most of them for the same keys. This footer recomposes only
when the shown keys differ from what it last composed; the output is the same either way.

A screen whose keys depend on data it is still reading sets ``keys_pending`` true meanwhile:
the footer then composes its keys once, when the data are in, not once before and once after.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Any, ...] | None = None

    def _keys(self) -> tuple[Any, ...]:
        """What ``Footer.compose`` reads: every active binding with its state."""
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (b.key, b.action, b.description, b.show, b.group, enabled, tooltip)
                for _node, b, enabled, tooltip in self.screen.active_bindings.values()
            ),
        )

    def _held(self) -> bool:
        return bool(getattr(self.screen, "keys_pending", False))

    def compose(self) -> Any:
        if self._held():
            self._shown = None
            return
        if self._bindings_ready:
            self._shown = self._keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        # Footer.bindings_changed, with the recompose deferred to a check of what changed.
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and not self._held() and self._keys() != self._shown:
            await self.recompose()
