"""The Textual application: screens, global bindings, the command palette. Kept small."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from itsm_tui.screens.home import HomeScreen
from itsm_tui.workflow.context import Actor, Site


class ItsmApp(App[None]):
    """The operator console."""

    TITLE = "itsm-tui"
    SUB_TITLE = "IT service management"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site = site
        self.actor = actor

    def on_mount(self) -> None:
        self.push_screen(HomeScreen(self.site, self.actor))
