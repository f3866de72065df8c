"""Find a configuration item by name, IP or asset tag as you type; Enter opens its detail."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Header, Input

from itsm_tui.common.i18n import _
from itsm_tui.console.keymap import bind
from itsm_tui.screens.ci_detail import CIDetailScreen
from itsm_tui.widgets.ci_search import CISearch
from itsm_tui.widgets.footer import KeyFooter
from itsm_tui.workflow.site import Actor, Site


class CILookupScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "app.pop_screen"),
        bind("search", "search"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site, self.actor = site, actor

    def compose(self) -> ComposeResult:
        yield Header()
        yield CISearch(self.site, self.actor, id="ci-lookup")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Configuration items")

    def action_search(self) -> None:
        self.query_one("#ci-search-input", Input).focus()

    @on(CISearch.Picked)
    def _picked(self, event: CISearch.Picked) -> None:
        self.app.push_screen(CIDetailScreen(self.site, self.actor, f"#{event.ci.id}"))
