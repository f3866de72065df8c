"""Go to ticket (Ctrl+G): a one-field dialog that finds the ticket before it opens a screen.

The number is looked up first, off the UI thread, while the dialog stays open: a number that
does not exist (or a bare number two series share) is answered in the dialog, where the
operator can correct it, never by a ticket screen that can only say "Loading …". The lookup
accepts any case, any zero-padding and a bare number (``workflow.lookup.number_candidates``).
"""

from __future__ import annotations

from textual.widgets import Input, Static
from textual.worker import get_current_worker

from itsm_tui.common.i18n import N_, _
from itsm_tui.console.failures import ReportsFailures, background
from itsm_tui.dialogs.form import Field, FormDialog
from itsm_tui.workflow.site import Actor, Site


class GoToDialog(ReportsFailures, FormDialog):
    """Dismisses with ``{"number": "INC034886"}`` (the number as stored) or None."""

    def __init__(self, site: Site, actor: Actor) -> None:
        super().__init__(
            _("Go to ticket"), [Field("number", _("Number (INC034886, inc34886, 34886)"))]
        )
        self.site, self.actor = site, actor

    def action_submit(self) -> None:
        ref = self.query_one("#field-number", Input).value
        if not ref.strip():
            self._say(_("Type a ticket number."))
            return
        self._say(_("Looking it up …"))
        self.find(ref)

    @background(N_("find the ticket"), retry=N_("Enter tries again"), group="goto")
    def find(self, ref: str) -> None:
        from itsm_tui.workflow.lookup import ticket_number

        number = ticket_number(self.site, self.actor, ref)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.dismiss, {"number": number})

    def show_failure(self, message: str, what: str) -> None:
        self._say(message)

    def _say(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)
