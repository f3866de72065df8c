"""The welcome screen: who you are and what the database holds.

A placeholder until the console's dashboard lands, but a real one: the figures come from the
workflow layer in a thread worker, so the UI thread never waits on the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from itsm_tui.workflow.admin import DatabaseStatus, database_status
from itsm_tui.workflow.context import Actor, Site
from itsm_tui.workflow.staff import StaffView, whoami


class HomeScreen(Screen[None]):
    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", id="refresh"),
    ]

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__()
        self.site = site
        self.actor = actor

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("Loading …", id="operator", markup=False)
            yield Static("", id="database", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        me = whoami(self.site, self.actor)
        status = database_status(self.site)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, me, status)

    def show(self, me: StaffView, status: DatabaseStatus) -> None:
        zone = self.site.settings.timezone
        self.query_one("#operator", Static).update(
            f"{me.display_name} ({me.login})\n"
            f"tier {me.tier} · roles: {', '.join(me.roles)}\n"
            f"times shown in {zone}"
        )
        counts = "\n".join(f"{k.replace('_', ' '):<22}{v:>10,}" for k, v in status.counts.items())
        schema = "up to date" if status.up_to_date else "behind: run itsm db upgrade"
        self.query_one("#database", Static).update(f"{status.url}\nschema {schema}\n\n{counts}")
