"""Raising a change from the console: one form (type, title, template, plans, window, CIs),
from the change list, from a CI's screen with that CI filled in, or from a problem's with its
title, root cause and CIs filled in (the change is then linked as the problem's fix). The change
is created as a draft by the workflow, which names any field it refuses; then its screen opens."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from itsm_tui.common.changes import TYPE_LABELS, ChangeType
from itsm_tui.common.i18n import N_, _
from itsm_tui.console.failures import background
from itsm_tui.dialogs.form import Field, FormDialog

if TYPE_CHECKING:
    from itsm_tui.workflow.site import Actor, Site


def ci_refs(text: str) -> list[str]:
    """The CIs typed in the form's one-line CI field: comma-separated, and a name that holds
    a comma in double quotes — ``db01, "机柜A1, 第3排"`` — as a spreadsheet writes a CSV line
    (read by :mod:`csv`, a doubled quote inside quotes is a quote).

    Why quoting rather than one CI per line or a picker: the field stays one line like every
    other field of the form (Enter moves on, Ctrl+S saves), a change usually names one to three
    CIs, the names typed most (servers, databases) hold no comma, and quotes are how a CSV
    export — the CMDB's import format — already writes such a name."""
    return [
        ref.strip()
        for row in csv.reader([text], skipinitialspace=True)
        for ref in row
        if ref.strip()
    ]


def ci_field(refs: Iterable[str]) -> str:
    """The CI field's text for ``refs``, quoted where :func:`ci_refs` needs it."""
    return ", ".join(
        '"' + ref.replace('"', '""') + '"' if "," in ref or '"' in ref else ref for ref in refs
    )


def change_fields(ci: str = "", *, title: str = "", reason: str = "") -> list[Field]:
    """The form's fields; ``ci`` prefilled (a CI's screen; several from a problem, as
    :func:`ci_field` writes them), and a problem's title and root cause; times in the site's
    zone."""
    return [
        Field("type", _("Type"), [(_(TYPE_LABELS[t]), t.value) for t in ChangeType], "normal"),
        Field("title", _("Title"), value=title, required=False),
        Field("template", _("Template (standard change)"), required=False),
        Field("reason", _("Reason"), value=reason, required=False),
        Field("implementation_plan", _("Implementation plan"), required=False),
        Field("backout_plan", _("Back-out plan"), required=False),
        Field("test_plan", _("Test plan"), required=False),
        Field("window_start", _("Window start (YYYY-MM-DD HH:MM)"), required=False),
        Field("window_end", _("Window end (YYYY-MM-DD HH:MM)"), required=False),
        Field(
            "ci",
            _('CIs (comma-separated; "quoted" if a name has a comma)'),
            value=ci,
            required=False,
        ),
    ]


@dataclass(frozen=True)
class ProblemSource:
    """The problem a new change fixes, as its screen shows it: what the form starts with."""

    number: str
    title: str
    root_cause: str
    cis: str  # the CI field as prefilled (``ci_field``); left as it is, the problem's own CIs
    # are taken


class RaisesChanges:
    """Mixed into a screen (after ``ReportsFailures``): ``action_new_change`` opens the form,
    ``change_ci`` says which CI to fill in, ``change_problem`` which problem it fixes."""

    site: Site
    actor: Actor
    app: Any
    _raised_change = False  # a change was raised from here and its screen opened over this

    def change_ci(self) -> str:
        return ""

    def on_screen_resume(self) -> None:
        """Back from the screen of a change raised here: what this screen shows may have
        changed with it (a problem's fixing change, the change list's new row)."""
        if self._raised_change:
            self._raised_change = False
            self.after_new_change()

    def after_new_change(self) -> None:
        """Reload what a new change alters; nothing by default (a CI's screen shows no
        changes)."""

    def change_problem(self) -> ProblemSource | None:
        return None

    def action_new_change(self) -> None:
        problem = self.change_problem()

        def answered(values: dict[str, str] | None) -> None:
            if values is not None:
                self.create_change(values, problem)

        if problem is None:
            fields, title = change_fields(self.change_ci()), _("New change")
        else:
            fields = change_fields(problem.cis, title=problem.title, reason=problem.root_cause)
            title = _("New change to fix {problem}").format(problem=problem.number)
        self.app.push_screen(FormDialog(title, fields), answered)

    @background(N_("create the change"), retry=N_("try again"), group="change-create")
    def create_change(self, values: dict[str, str], problem: ProblemSource | None = None) -> None:
        from itsm_tui.workflow.changes.fixes import change_from_problem
        from itsm_tui.workflow.changes.records import ChangeDraft, create_change, parse_local

        zone = self.site.settings.zone
        start, end = (
            parse_local(values[name], zone, name) if values[name].strip() else None
            for name in ("window_start", "window_end")
        )
        cis = ci_refs(values["ci"])
        if problem is not None and values["ci"] == problem.cis:
            cis = []  # untouched: the workflow takes the problem's CIs exactly
        draft = ChangeDraft(
            type=values["type"],
            title=values["title"],
            template=values["template"].strip() or None,
            reason=values["reason"],
            implementation_plan=values["implementation_plan"],
            backout_plan=values["backout_plan"],
            test_plan=values["test_plan"],
            cis=cis,
            window_start=start,
            window_end=end,
        )
        view = (
            create_change(self.site, self.actor, draft)
            if problem is None
            else change_from_problem(self.site, self.actor, problem.number, draft)
        )
        self.app.call_from_thread(self._open_created, view.number)

    def _open_created(self, number: str) -> None:
        from itsm_tui.screens.change import ChangeScreen

        self.app.notify(_("{number} created as a draft.").format(number=number), markup=False)
        self._raised_change = True
        self.app.push_screen(ChangeScreen(self.site, self.actor, number))
