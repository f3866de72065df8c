"""``itsm settings``: the run-time site settings (priority matrix, reopen window, auto-close)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from itsm_tui.cli.common import JsonOpt
from itsm_tui.cli.output import print_fields, print_object, say
from itsm_tui.cli.state import state
from itsm_tui.common.i18n import N_, _

app = typer.Typer(help=N_("Site settings: the priority matrix, the reopen window, auto-close."))


@app.command("show")
def show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show every setting with its current value."""
    from itsm_tui.workflow import site_settings

    st = state(ctx)
    values = site_settings.get_settings(st.site, st.actor())
    if as_json:
        print_object(values)
        return
    print_fields((key, json.dumps(value, ensure_ascii=False)) for key, value in values.items())


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help=N_("The setting, e.g. priority_matrix."))],
    value: Annotated[
        str,
        typer.Argument(help=N_("Its new value as JSON, e.g. 14 or '[[1,2,3],[2,3,4],[3,4,5]]'.")),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Change a setting (supervisors and admins); the change is journaled."""
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(
            _("not JSON: {msg}").format(msg=exc.msg), param_hint="VALUE"
        ) from None
    from itsm_tui.workflow import site_settings

    st = state(ctx)
    stored = site_settings.set_setting(st.site, st.actor(), key, parsed)
    if as_json:  # the changed object: every setting, as ``settings show`` prints them
        print_object(site_settings.get_settings(st.site, st.actor()))
    else:
        say(f"{key} = {json.dumps(stored, ensure_ascii=False)}")
