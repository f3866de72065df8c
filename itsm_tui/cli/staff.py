"""``itsm staff``: who works the desk, and with which roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from itsm_tui.cli.common import JsonOpt, QuietOpt
from itsm_tui.cli.output import print_fields, print_list, print_object, print_table, quiet
from itsm_tui.cli.state import state
from itsm_tui.common.domain import Role

if TYPE_CHECKING:
    from itsm_tui.workflow.staff import StaffView

app = typer.Typer(help="Staff members: add them, list them, change their roles.")

ROLE_HELP = f"A role ({', '.join(r.value for r in Role)}); repeat for several."


def _show(view: StaffView, as_json: bool) -> None:
    if as_json:
        print_object(view)
        return
    print_fields(
        [
            ("login", view.login),
            ("name", view.display_name),
            ("tier", view.tier),
            ("roles", view.roles),
            ("active", "yes" if view.active else "no"),
            ("email", view.email),
            ("phone", view.phone),
        ]
    )


@app.command("add")
def add(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="The person's OS account name.")],
    name: Annotated[str, typer.Option("--name", help="Display name, e.g. 张伟.")],
    role: Annotated[list[str], typer.Option("--role", help=ROLE_HELP)] = ["agent"],  # noqa: B006
    tier: Annotated[int, typer.Option(help="Support tier: 1, 2 or 3.", min=1, max=3)] = 1,
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone number.")] = None,
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
    all_: Annotated[bool, typer.Option("--all", help="Include inactive members.")] = False,
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
        ["login", "name", "tier", "roles", "active"],
        [(v.login, v.display_name, v.tier, v.roles, "yes" if v.active else "no") for v in views],
    )


@app.command("set-role")
def set_role(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="The staff member's login.")],
    role: Annotated[list[str], typer.Option("--role", help=ROLE_HELP)],
    tier: Annotated[
        int | None, typer.Option(help="Also move them to this tier.", min=1, max=3)
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
