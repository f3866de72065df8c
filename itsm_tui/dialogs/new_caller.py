"""Register a caller who is not in the directory, from the call form: name, department and
phone in one small dialog, through the directory's own rule (``workflow.callers.add_caller``:
its checks, its duplicate refusal, its journal entry). A refusal is shown in the dialog, which
stays open with what was typed. Dismisses with the new caller, or None when cancelled."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType

from itsm_tui.common.i18n import N_, _
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.console.keymap import bind
from itsm_tui.dialogs.form import Field, FormDialog
from itsm_tui.workflow.callers import CallerView, add_caller
from itsm_tui.workflow.site import Actor, Site


class NewCallerDialog(ReportsFailures, FormDialog):
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "cancel"),
        bind("save", "submit", N_("Register"), priority=True),
    ]

    def __init__(self, site: Site, actor: Actor, name: str = "") -> None:
        super().__init__(
            _("New caller"),
            [
                Field("name", _("Name"), value=name),
                Field("department", _("Department"), required=False),
                Field("phone", _("Phone"), required=False),
            ],
        )
        self.site, self.actor = site, actor

    def finish(self, values: dict[str, str]) -> None:
        self.register(values["name"], values["department"], values["phone"])

    @background(N_("register the caller"), retry=N_("Ctrl+S retries"), group="new-caller")
    def register(self, name: str, department: str, phone: str) -> None:
        view = add_caller(
            self.site,
            self.actor,
            name.strip(),
            department=department.strip() or None,
            phone=phone.strip() or None,
        )
        self.app.call_from_thread(self._registered, view)

    def _registered(self, view: CallerView) -> None:
        self.dismiss(view)

    def show_failure(self, message: str, what: str) -> None:
        self.show_error(message)
