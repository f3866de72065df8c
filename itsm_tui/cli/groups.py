"""``itsm group`` and ``itsm category``: the teams behind the queues and the ticket categories."""

from __future__ import annotations

from typing import Annotated

import typer

from itsm_tui.cli.common import JsonOpt, QuietOpt
from itsm_tui.cli.output import print_list, print_object, print_table, quiet, say
from itsm_tui.cli.state import state
from itsm_tui.common.i18n import N_, _

app = typer.Typer(help=N_("Assignment groups: their tier, supervisor and members."))
category_app = typer.Typer(help=N_("Ticket categories (two levels)."))


@app.command("add")
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=N_("Short code, e.g. server."))],
    name: Annotated[str, typer.Option(help=N_("Display name, e.g. 服务器运维."))],
    tier: Annotated[int, typer.Option(min=1, max=3, help=N_("Support tier."))],
    supervisor: Annotated[str | None, typer.Option(help=N_("Supervisor's login."))] = None,
    as_json: JsonOpt = False,
    only_code: QuietOpt = False,
) -> None:
    """Create an assignment group (supervisors and admins)."""
    from itsm_tui.workflow import groups

    st = state(ctx)
    view = groups.add_group(st.site, st.actor(), code, name, tier=tier, supervisor=supervisor)
    if only_code:
        quiet(view.code)
    else:
        print_object(view) if as_json else say(
            _("group {code} created at tier {tier}").format(code=view.code, tier=view.tier)
        )


@app.command("add-member")
def add_member(
    ctx: typer.Context,
    group: Annotated[str, typer.Argument(help=N_("Group code or name."))],
    login: Annotated[str, typer.Argument(help=N_("Staff login."))],
    as_json: JsonOpt = False,
) -> None:
    """Put a staff member in a group."""
    from itsm_tui.workflow import groups

    st = state(ctx)
    view = groups.add_member(st.site, st.actor(), group, login)
    print_object(view) if as_json else say(
        _("{login} is now in {code}").format(login=login, code=view.code)
    )


@app.command("remove-member")
def remove_member(
    ctx: typer.Context,
    group: Annotated[str, typer.Argument(help=N_("Group code or name."))],
    login: Annotated[str, typer.Argument(help=N_("Staff login."))],
    as_json: JsonOpt = False,
) -> None:
    """Take a staff member out of a group."""
    from itsm_tui.workflow import groups

    st = state(ctx)
    view = groups.remove_member(st.site, st.actor(), group, login)
    print_object(view) if as_json else say(
        _("{login} is no longer in {code}").format(login=login, code=view.code)
    )


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List groups by tier, with supervisor and members."""
    from itsm_tui.workflow import groups

    st = state(ctx)
    views = groups.list_groups(st.site, st.actor())
    if as_json:
        print_list(views)
        return
    print_table(
        [N_("code"), N_("name"), N_("tier"), N_("supervisor"), N_("members")],
        [(g.code, g.name, g.tier, g.supervisor, g.members) for g in views],
    )


@category_app.command("add")
def add_category(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=N_("Short code."))],
    name: Annotated[str, typer.Option(help=N_("Name, e.g. 打印机."))],
    parent: Annotated[str | None, typer.Option(help=N_("Parent category (code or name)."))] = None,
    as_json: JsonOpt = False,
    only_code: QuietOpt = False,
) -> None:
    """Add a category or subcategory."""
    from itsm_tui.workflow import catalog

    st = state(ctx)
    view = catalog.add_category(st.site, st.actor(), code, name, parent=parent)
    if only_code:
        quiet(view.code)
    else:
        print_object(view) if as_json else say(_("category {code} added").format(code=view.code))


@category_app.command("list")
def list_categories(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List categories."""
    from itsm_tui.workflow import catalog

    st = state(ctx)
    views = catalog.list_categories(st.site, st.actor())
    if as_json:
        print_list(views)
        return
    print_table([N_("code"), N_("name"), N_("parent")], [(c.code, c.name, c.parent) for c in views])
