"""The ``itsm`` command: every console operation, for scripts, with ``--json`` on every command.

With no sub-command it opens the console.

Why so little is imported here: a script calls ``itsm`` once per operation, and each call pays
its imports again. ``--help`` needs Typer alone; a command loads its own module when invoked,
and that module loads the workflow it calls inside the command (``benchmarks/cli_start.py``
measures it; ``tests/cli/test_cli_imports.py`` keeps it so).
"""

from __future__ import annotations

import importlib
import os
import sys
from functools import cache
from typing import Annotated, Any

import typer
from typer._click.exceptions import (  # Typer's own copy of click
    ClickException,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup

from itsm_tui.cli.common import LazyGroup, LightGroup, summary, write_commands
from itsm_tui.cli.invocation import CliState
from itsm_tui.common.errors import DomainError

#: The sub-commands, in the order ``--help`` lists them: name → (module, attribute), a Typer
#: app or a single command function. Each is imported when it is invoked (or listed by
#: ``--help``), so opening the console does not import every command's workflow (~0.15 s).
COMMANDS: dict[str, tuple[str, str]] = {
    "scheduler": ("sla", "scheduler"),
    "init": ("setup", "init"),
    "demo": ("setup", "demo"),
    "ticket": ("tickets", "app"),
    "call": ("callers", "call_app"),
    "caller": ("callers", "app"),
    "staff": ("staff", "app"),
    "group": ("groups", "app"),
    "category": ("groups", "category_app"),
    "ci": ("cmdb", "app"),
    "settings": ("settings", "app"),
    "db": ("db", "app"),
    "sla": ("sla", "app"),
    "alerts": ("sla", "alerts_app"),
    "report": ("report", "app"),
}


def _target(name: str) -> Any:
    """The Typer app or the function behind a sub-command."""
    module, attribute = COMMANDS[name]
    return getattr(importlib.import_module(f"itsm_tui.cli.{module}"), attribute)


@cache
def _command(name: str) -> TyperCommand | TyperGroup:
    target = _target(name)
    if isinstance(target, typer.Typer):
        command: TyperCommand | TyperGroup = LazyGroup(target, name)
    else:  # one command function: a Typer of one command is that command
        single = typer.Typer(add_completion=False, rich_markup_mode=None)
        single.command(name)(target)
        # get_command is typed as returning a click Command; for a Typer of one command it
        # returns that command as a TyperCommand, which the annotation above says.
        command = typer.main.get_command(single)  # type: ignore[assignment]
    command.name = name
    return command


class JsonUsageError(UsageError):
    """A usage error a ``--json`` caller reads as JSON on stdout, in the errors' one shape."""

    def __init__(self, cause: UsageError) -> None:
        super().__init__(cause.format_message(), cause.ctx)
        self.exit_code = 2
        self.field = _field(cause)

    def show(self, file: Any = None) -> None:
        from itsm_tui.cli.output import error_object, print_error

        print_error(error_object("usage", self.format_message(), self.field))


def _field(exc: UsageError) -> str | None:
    """The option or argument to blame, named as the user typed it (``--group``, ``NUMBER``)."""
    if isinstance(exc, NoSuchOption):
        return exc.option_name
    param = getattr(exc, "param", None)
    if param is not None:
        if param.param_type_name == "option":
            return str(max(param.opts, key=len))
        return str(param.metavar or (param.name or "").upper())
    hint = getattr(exc, "param_hint", None)
    return hint if isinstance(hint, str) else None


def _wants_json(tokens: list[str]) -> bool:
    return "--json" in tokens[: tokens.index("--")] if "--" in tokens else "--json" in tokens


class _Group(LightGroup):
    """Turns a refusal from the workflow into one line and exit code 1, never a traceback;
    with ``--json``, usage errors (exit 2) are JSON too; loads each sub-command when it is
    first asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        return _command(cmd_name) if found is None and cmd_name in COMMANDS else found

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """From each command's help text, without building the commands (``--help`` alone)."""
        targets = {name: _target(name) for name in COMMANDS}
        write_commands(formatter, {name: summary(t) for name, t in targets.items()})

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as exc:
            if not _wants_json(args):
                raise
            raise JsonUsageError(exc) from None

    def invoke(self, ctx: Any) -> Any:
        # Read before invoking: click consumes the remaining arguments as it dispatches.
        tokens = [*getattr(ctx, "protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            from itsm_tui.cli.output import report_error

            report_error(exc, as_json=_wants_json(tokens))
            raise typer.Exit(1) from None
        except UsageError as exc:
            if not _wants_json(tokens) or isinstance(exc, JsonUsageError):
                raise
            raise JsonUsageError(exc) from None
        except (ClickException, typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            # The reader left (``itsm ticket list | head``): stop quietly, as Unix tools do.
            # stdout is pointed at /dev/null so the interpreter's flush at exit cannot fail too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(141) from None  # 128 + SIGPIPE, what a shell reports for one
        except Exception as exc:  # not foreseen: one line (or JSON), the traceback logged
            from itsm_tui.cli.failure import report_failure

            report_failure(exc, as_json=_wants_json(tokens))
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
    ctx.obj = CliState(database, as_login)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        from itsm_tui.cli import setup

        setup.open_console(ctx.obj)


def main() -> None:
    app()
