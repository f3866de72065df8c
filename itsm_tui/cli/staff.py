"""``itsm staff``: who works the desk, and with which roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from itsm_tui.cli.common import JsonOpt, QuietOpt
from itsm_tui.cli.output import print_fields, print_list, print_object, print_table, quiet
from itsm_tui.cli.state import state
from itsm_tui.common.domain import Role
from itsm_tui.common.i18n import N_, _

if TYPE_CHECKING:
    from itsm_tui.workflow.staff import StaffView

app = typer.Typer(help=N_("Staff members: add them, list them, change their roles."))

ROLE_HELP = _("A role ({names}); repeat for several.").format(
    names=", ".join(r.value for r in Role)
)


def _show(view: StaffView, as_json: bool) -> None:
    if as_json:
        print_object(view)
        return
    print_fields(
        [
            (N_("login"), view.login),
            (N_("name"), view.display_name),
            (N_("tier"), view.tier),
            (N_("roles"), view.roles),
            (N_("active"), _("yes") if view.active else _("no")),
            (N_("email"), view.email),
            (N_("phone"), view.phone),
            (N_("language"), view.language),
        ]
    )


@app.command("add")
def add(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help=N_("The person's OS account name."))],
    name: Annotated[str, typer.Option("--name", help=N_("Display name, e.g. 张伟."))],
    role: Annotated[list[str], typer.Option("--role", help=ROLE_HELP)] = ["agent"],  # noqa: B006
    tier: Annotated[int, typer.Option(help=N_("Support tier: 1, 2 or 3."), min=1, max=3)] = 1,
    email: Annotated[str | None, typer.Option(help=N_("E-mail address."))] = None,
    phone: Annotated[str | None, typer.Option(help=N_("Phone number."))] = None,
    as_json: JsonOpt = False,
    only_login: QuietOpt = False,
) -> None:
    """Register a staff member (admins only)."""
    from itsm_tui.workflow import staff as staff_flow

    st = state(ctx)
    view = staff_flow.add_staff(
        st.site, st.actor(), login, name, tier=tier, roles=role, email=email, phone=phone
    )
    quiet(view.login) if only_login else _show(view, as_json)


@app.command("list")
def list_(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help=N_("Include inactive members."))] = False,
    as_json: JsonOpt = False,
) -> None:
    """List staff members with their tier and roles."""
    from itsm_tui.workflow import staff as staff_flow

    st = state(ctx)
    views = staff_flow.list_staff(st.site, st.actor(), include_inactive=all_)
    if as_json:
        print_list(views)
        return
    print_table(
        [N_("login"), N_("name"), N_("tier"), N_("roles"), N_("active")],
        [
            (v.login, v.display_name, v.tier, v.roles, _("yes") if v.active else _("no"))
            for v in views
        ],
    )


@app.command("set-role")
def set_role(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help=N_("The staff member's login."))],
    role: Annotated[list[str], typer.Option("--role", help=ROLE_HELP)],
    tier: Annotated[
        int | None, typer.Option(help=N_("Also move them to this tier."), min=1, max=3)
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Replace a staff member's roles (admins only)."""
    from itsm_tui.workflow import staff as staff_flow

    st = state(ctx)
    _show(staff_flow.set_roles(st.site, st.actor(), login, role, tier=tier), as_json)


@app.command("whoami")
def whoami(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the staff member this OS account acts as."""
    from itsm_tui.workflow import staff as staff_flow

    st = state(ctx)
    _show(staff_flow.whoami(st.site, st.actor()), as_json)


@app.command("set-language")
def set_language(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help=N_("The staff member's login (yours: any member)."))],
    language: Annotated[
        str,
        typer.Argument(
            metavar="LANGUAGE", help=N_("zh_CN or en; 'default' to follow the machine.")
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Keep the language a staff member reads (their own: anyone; another's: admins)."""
    from itsm_tui.workflow import staff as staff_flow

    st = state(ctx)
    wanted = None if language.strip().lower() == "default" else language
    _show(staff_flow.set_language(st.site, st.actor(), login, wanted), as_json)
