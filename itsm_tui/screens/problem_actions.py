"""What the problems screen can do with the highlighted problem, from one key (``actions``,
Ctrl+L): investigate, record it as a known error, resolve it (after a preview of the open
incidents that would be resolved with it), close it, link and unlink incidents — the
operations ``itsm problem`` has, through the same workflow functions.

Each runs in a worker with the version the screen read (a problem changed meanwhile is
refused as a conflict, not overwritten); a refusal — a hotline agent may not manage problems,
a problem in the wrong state — is shown in the workflow's own words, and the list and the
problem are read again after every change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from itsm_tui.common.i18n import N_, _, ngettext, status_text
from itsm_tui.console.failures import background
from itsm_tui.console.loading import load_database_code
from itsm_tui.dialogs.action_menu import ActionMenu
from itsm_tui.dialogs.form import ConfirmDialog, Field, FormDialog
from itsm_tui.widgets.cells import one_line

if TYPE_CHECKING:
    from textual.app import App

    from itsm_tui.workflow.problems.operations import IncidentOutcome
    from itsm_tui.workflow.problems.records import ProblemView
    from itsm_tui.workflow.site import Actor, Site

#: Each action's label, in the order the menu shows them (the state decides which appear).
LABELS: dict[str, str] = {
    "investigate": N_("Investigate"),
    "known_error": N_("Known error: record the cause and the workaround"),
    "resolve": N_("Resolve (with its open incidents, after a preview)"),
    "close": N_("Close"),
    "link": N_("Link incidents"),
    "unlink": N_("Unlink an incident"),
}
#: From which states (``workflow.problems.records.OPERATIONS``, repeated here because the
#: screen must not load the database code to draw a menu; a test keeps the two equal).
STATES: dict[str, frozenset[str]] = {
    "investigate": frozenset({"new"}),
    "known_error": frozenset({"new", "investigating"}),
    "resolve": frozenset({"new", "investigating", "known_error"}),
    "close": frozenset({"resolved"}),
    "link": frozenset({"new", "investigating", "known_error"}),
    "unlink": frozenset({"new", "investigating", "known_error"}),
}


class ProblemActions:
    """Mixed into the problems screen (which has ``site``, ``actor``, ``shown`` and reloads
    with ``load`` and ``load_problem``)."""

    if TYPE_CHECKING:
        site: Site
        actor: Actor
        shown: ProblemView | None
        app: App[Any]

        def load(self) -> Any: ...
        def load_problem(self, number: str) -> Any: ...
        def notify(self, message: str, **kw: Any) -> None: ...

    def action_actions(self) -> None:
        view = self.shown
        if view is None:
            return
        offered = [
            (action, _(label))
            for action, label in LABELS.items()
            if view.status in STATES[action] and (action != "unlink" or view.incidents)
        ]
        if not offered:
            self.notify(
                _("{number} is {status}: nothing more to do with it.").format(
                    number=view.number, status=status_text(view.status)
                )
            )
            return

        def chosen(action: str | None) -> None:
            if action is not None:
                self._start(action, view)

        title = f"{view.number} {one_line(view.title)}"
        self.app.push_screen(ActionMenu(title, offered), chosen)

    def _start(self, action: str, view: ProblemView) -> None:
        n, v = view.number, view.version
        if action == "investigate":
            self.problem_change(n, "investigate", {"expected_version": v})
        elif action == "known_error":
            self.read_cause_codes(view)
        elif action == "resolve":
            form = FormDialog(
                _("Resolve {number}").format(number=n),
                [Field("fix", _("The fix"), value=view.fix)],
            )
            self._ask(form, lambda f: self.read_preview(n, v, f["fix"]))
        elif action == "close":
            question = ConfirmDialog(
                f"{n} {one_line(view.title)}", _("Close this problem (the fix held)?")
            )

            def close(yes: bool | None) -> None:
                if yes:
                    self.problem_change(n, "close", {"expected_version": v})

            self.app.push_screen(question, close)
        elif action == "link":
            form = FormDialog(
                _("Link incidents to {number}").format(number=n),
                [Field("tickets", _("Incident numbers, separated by spaces"))],
            )
            self._ask(
                form,
                lambda f: self.problem_change(
                    n, "link", {"tickets": f["tickets"].split(), "expected_version": v}
                ),
            )
        elif action == "unlink":
            choices = [(f"{i.number} {one_line(i.title)}", i.number) for i in view.incidents]
            form = FormDialog(
                _("Unlink an incident from {number}").format(number=n),
                [Field("ticket", _("Incident"), choices=choices)],
            )
            self._ask(
                form,
                lambda f: self.problem_change(
                    n, "unlink", {"ticket_ref": f["ticket"], "expected_version": v}
                ),
            )

    def _ask(self, form: FormDialog, then: Callable[[dict[str, str]], Any]) -> None:
        def answered(values: dict[str, str] | None) -> None:
            if values:
                then(values)

        self.app.push_screen(form, answered)

    @background(N_("read the cause codes"), retry=N_("Ctrl+L again"), group="problem-action")
    def read_cause_codes(self, view: ProblemView) -> None:
        load_database_code()
        from itsm_tui.workflow.problems.queries import list_cause_codes

        codes = list_cause_codes(self.site, self.actor)
        self.app.call_from_thread(self._known_error_form, view, codes)

    def _known_error_form(self, view: ProblemView, codes: list[str]) -> None:
        choices = [(code, code) for code in codes]
        form = FormDialog(
            _("{number} is a known error").format(number=view.number),
            [
                Field("cause_code", _("Cause code"), choices=choices, value=view.cause_code or ""),
                Field("root_cause", _("Root cause"), value=view.root_cause),
                Field(
                    "workaround", _("Workaround (offered to the hotline)"), value=view.workaround
                ),
            ],
        )
        self._ask(
            form,
            lambda f: self.problem_change(
                view.number, "known_error", {**f, "expected_version": view.version}
            ),
        )

    @background(N_("preview the resolution"), retry=N_("Ctrl+L again"), group="problem-action")
    def read_preview(self, number: str, version: int, fix: str) -> None:
        load_database_code()
        from itsm_tui.workflow.problems.queries import resolution_preview

        outcomes = resolution_preview(self.site, self.actor, number)
        self.app.call_from_thread(self._confirm_resolve, number, version, fix, outcomes)

    def _confirm_resolve(
        self, number: str, version: int, fix: str, outcomes: list[IncidentOutcome]
    ) -> None:
        """Say which open incidents resolving would resolve too (and which stay open, why)."""
        from itsm_tui.dialogs.choice import ChoiceDialog

        lines = [
            ngettext(
                "{n} open incident is linked to {number}:",
                "{n} open incidents are linked to {number}:",
                len(outcomes),
            ).format(n=len(outcomes), number=number)
        ]
        for o in outcomes:
            mark = _("resolved with it") if o.resolvable else _("stays open: {why}").format(
                why=o.reason or ""
            )
            lines.append(f"  {o.number} {one_line(o.title)} — {mark}")
        kwargs: dict[str, Any] = {"fix": fix, "expected_version": version}

        def answered(answer: str | None) -> None:
            if answer in ("with", "alone"):
                self.problem_change(
                    number, "resolve", {**kwargs, "resolve_incidents": answer == "with"}
                )

        answers = [
            ("y,enter", _("Enter/y: resolve them too"), "with"),
            ("n", _("n: the problem only"), "alone"),
            ("escape", _("Esc: cancel"), "cancel"),
        ]
        if not any(o.resolvable for o in outcomes):
            answers = [("y,enter", _("Enter/y: resolve the problem"), "alone"), answers[2]]
        self.app.push_screen(ChoiceDialog("\n".join(lines), answers), answered)

    @background(N_("change the problem"), retry=N_("Ctrl+L again"), group="problem-action")
    def problem_change(self, number: str, action: str, kwargs: dict[str, Any]) -> None:
        load_database_code()
        from itsm_tui.workflow.problems import operations as ops

        run: dict[str, Callable[..., Any]] = {
            "investigate": ops.investigate,
            "known_error": ops.mark_known_error,
            "resolve": ops.resolve_problem,
            "close": ops.close_problem,
            "link": ops.link_incidents,
            "unlink": ops.unlink_incident,
        }
        result = run[action](self.site, self.actor, number, **kwargs)
        resolved = getattr(result, "resolved", None)
        self.app.call_from_thread(self._changed, number, action, resolved)

    def _changed(self, number: str, action: str, resolved: list[str] | None) -> None:
        message = _("{number}: done ({action}).").format(number=number, action=_(LABELS[action]))
        if resolved:
            message += " " + ngettext(
                "{n} incident resolved.", "{n} incidents resolved.", len(resolved)
            ).format(n=len(resolved))
        self.notify(message, timeout=6, markup=False)
        self.load()
        self.load_problem(number)
