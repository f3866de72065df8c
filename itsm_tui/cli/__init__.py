"""The ``itsm`` command: every console operation, for scripts, with ``--json`` on reads.

With no sub-command it opens the console.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from itsm_tui.cli import callers, cmdb, db, groups, settings, setup, sla, staff, tickets
from itsm_tui.cli.output import report_error
from itsm_tui.cli.state import CliState
from itsm_tui.config import Settings
from itsm_tui.workflow.errors import DomainError


class _Group(TyperGroup):
    """Turns a refusal from the workflow into one line and exit code 1, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        # Read before invoking: click consumes the remaining arguments as it dispatches.
        tokens = [*getattr(ctx, "protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            report_error(exc, as_json="--json" in tokens)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    name="itsm",
    help="ITIL service management in the terminal: service desk, incidents, SLA, CMDB.\n\n"
    "Run with no command to open the console.",
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(tickets.app, name="ticket")
app.add_typer(callers.call_app, name="call")
app.add_typer(callers.app, name="caller")
app.add_typer(staff.app, name="staff")
app.add_typer(groups.app, name="group")
app.add_typer(groups.category_app, name="category")
app.add_typer(cmdb.app, name="ci")
app.add_typer(settings.app, name="settings")
app.add_typer(db.app, name="db")
app.add_typer(sla.app, name="sla")
app.add_typer(sla.alerts_app, name="alerts")
app.command("scheduler")(sla.scheduler)
app.command("init")(setup.init)
app.command("demo")(setup.demo)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    database: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            envvar="ITSM_DATABASE_URL",
            help="Database URL (default: a SQLite file in your XDG data folder).",
            show_envvar=True,
        ),
    ] = None,
    as_login: Annotated[
        str | None,
        typer.Option(
            "--as", metavar="LOGIN", help="Act as this staff login (admins only; for scripts)."
        ),
    ] = None,
) -> None:
    settings = Settings(database_url=database) if database else Settings()
    ctx.obj = CliState(settings, as_login)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        setup.open_console(ctx.obj)


def main() -> None:
    app()
