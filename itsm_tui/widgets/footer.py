"""The console's footer: the most used keys first, "F1 More" when they do not all fit, and a
recompose only when the keys it shows change.

Order and room. Textual's Footer shows the keys in binding order and lets the row run off the
right edge: at 80×24 the dashboard lost "i New call" and "q Quit" with no sign that anything
was missing. This footer orders the keys by their rank in the key map (console/keymap.py) and
measures each with ``rich.cells.cell_len`` (a Chinese label is twice as wide as its length):
when they do not all fit, the last place goes to the help key, labelled "More", so the
operator knows there are more and where to find them.

Recomposing. Textual's Footer unmounts and re-mounts every key on each ``bindings_updated``
signal — focus moving, ``refresh_bindings()``, the screen resuming — and each new key is
restyled against the whole stylesheet several times. Opening a ticket sent four such signals
(~0.5 s of a 0.9 s open on a loaded 2-core machine), most of them for the same keys. This
footer recomposes only when the shown keys (or its width) differ from what it last composed.

A screen whose keys depend on data it is still reading sets ``keys_pending`` true meanwhile:
the footer then composes its keys once, when the data are in, not once before and once after.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from itsm_tui.common.i18n import N_, _, language
from itsm_tui.console.keymap import HELP_ID, label, rank

#: The help key's label when it stands for the keys that did not fit (translated where shown).
MORE = N_("More")


class KeyFooter(Footer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Any, ...] | None = None

    def _keys(self) -> tuple[Any, ...]:
        """What ``compose`` reads: every active binding with its state, and the width."""
        return (
            language(),
            self.compact,
            self.show_command_palette,
            self._width(),
            tuple(
                (b.key, b.action, b.description, b.show, b.group, enabled, tooltip)
                for _node, b, enabled, tooltip in self.screen.active_bindings.values()
            ),
        )

    def _width(self) -> int:
        return self.screen.size.width or self.app.size.width

    def _held(self) -> bool:
        return bool(getattr(self.screen, "keys_pending", False))

    def compose(self) -> Any:
        if self._held():
            self._shown = None
            return
        if not self._bindings_ready:
            return
        self._shown = self._keys()
        active = self.screen.active_bindings
        palette_key = self.app.COMMAND_PALETTE_BINDING
        shown: dict[str, tuple[Binding, bool, str]] = {}
        for key, (_node, binding, enabled, tooltip) in active.items():
            if binding.show and key != palette_key and binding.action not in shown:
                shown[binding.action] = (binding, enabled, tooltip)
        # A screen may rank a shared key differently (the dashboard puts its ticket actions
        # after the global keys, which its overdue panel lists anyway).
        local: dict[str, int] = getattr(self.screen, "FOOTER_RANKS", {})
        ordered = sorted(
            shown.values(), key=lambda item: local.get(item[0].id or "", rank(item[0]))
        )
        help_item = next((item for item in ordered if item[0].id == HELP_ID), None)
        if help_item is not None:
            ordered.remove(help_item)
        room = self._width()
        palette = active.get(palette_key)
        with_palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        if with_palette and palette is not None:
            room -= self._cells(palette.binding, label(palette.binding)) + 2
        more_label = _(MORE)
        fitting, more = fit(
            [(item, self._cells(item[0], label(item[0]))) for item in ordered],
            room,
            0 if help_item is None else self._cells(help_item[0], label(help_item[0])),
            0 if help_item is None else self._cells(help_item[0], more_label),
        )
        for binding, enabled, tooltip in fitting:
            yield self._key(binding, label(binding), enabled, tooltip)
        if help_item is not None:
            binding, enabled, tooltip = help_item
            yield self._key(binding, more_label if more else label(binding), enabled, tooltip)
        if with_palette and palette is not None:
            _node, binding, enabled, tooltip = palette
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                label(binding),
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=_(binding.tooltip) if binding.tooltip else label(binding),
            )

    def _key(self, binding: Binding, description: str, enabled: bool, tooltip: str) -> FooterKey:
        key = FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip,
        )
        # Born with the footer's compactness: FooterKey's default (True) and its watcher
        # would otherwise restyle every key twice on mount (on, then off with the binding).
        key.set_reactive(FooterKey.compact, self.compact)
        key.set_class(self.compact, "-compact", update=False)
        return key.data_bind(compact=Footer.compact)

    def _cells(self, binding: Binding, description: str) -> int:
        """The cells a key takes: its key and label with FooterKey's padding (one cell each
        side of the key and one after the label; compact: one between them)."""
        key = cell_len(self.app.get_key_display(binding))
        if not description:
            return key + (0 if self.compact else 2)
        return key + cell_len(description) + (1 if self.compact else 3) + (1 if self.compact else 0)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        # Footer.bindings_changed, with the recompose deferred to a check of what changed.
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    def on_resize(self, _event: events.Resize) -> None:
        self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and not self._held() and self._keys() != self._shown:
            await self.recompose()


def fit(
    items: list[tuple[Any, int]], room: int, help_cells: int, more_cells: int
) -> tuple[list[Any], bool]:
    """The items (each with its width in cells) that fit in ``room`` in their order, and
    whether some were left out. All fit with the help key after them, or as many as fit
    before the help key's shorter "More" form."""
    if sum(cells for _item, cells in items) + help_cells <= room:
        return [item for item, _cells in items], False
    kept: list[Any] = []
    used = more_cells
    for item, cells in items:
        if used + cells > room:
            break
        kept.append(item)
        used += cells
    return kept, True
