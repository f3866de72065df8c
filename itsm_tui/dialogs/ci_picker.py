"""Pick a configuration item with the CMDB search (to link it to a ticket). Dismisses with
``{"ci": "#id"}``, or None when cancelled."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from itsm_tui.common.i18n import _
from itsm_tui.console.keymap import bind
from itsm_tui.widgets.ci_search import CISearch
from itsm_tui.workflow.site import Actor, Site


class CIPickDialog(ModalScreen[dict[str, str] | None]):
    DEFAULT_CSS = """
    CIPickDialog { align: center middle; }
    CIPickDialog > Vertical {
        width: 100; max-width: 100%; height: 20; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    CIPickDialog .form-title { text-style: bold; }
    CIPickDialog .form-hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "cancel"),
        bind("help", "app.help", show=False),
    ]

    def __init__(self, site: Site, actor: Actor, title: str) -> None:
        super().__init__()
        self.site, self.actor, self.form_title = site, actor, title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.form_title, classes="form-title", markup=False)
            yield CISearch(self.site, self.actor, id="ci-pick")
            yield Static(
                _("Enter: link the highlighted CI · ↓: the list · Esc: cancel"), classes="form-hint"
            )

    @on(CISearch.Picked)
    def _picked(self, event: CISearch.Picked) -> None:
        self.dismiss({"ci": f"#{event.ci.id}", "name": event.ci.name})

    def action_cancel(self) -> None:
        self.dismiss(None)
