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

from itsm_tui.cli.common import LazyGroup, LightGroup, localise, summary, write_commands
from itsm_tui.cli.invocation import CliState
from itsm_tui.common.errors import DomainError
from itsm_tui.common.i18n import N_, _

#: Typer's own words in its help and usage errors, for the catalogue (see :func:`_speak`).
TYPER_WORDS = (
    N_("Usage: "),
    N_("Options"),
    N_("Arguments"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Try '{command} {option}' for help."),
    N_("Error: {message}"),
    N_("No such option: {name}"),
    N_("Missing option '{name}'."),
    N_("Missing argument '{name}'."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)


#: Whether this run prints JSON: then Typer's words in a usage error stay English, as every
#: ``--json`` output does (set by the root group from the arguments, before parsing).
_json_run = False


def _typer_words(message: str) -> str:
    return message if _json_run else _(message)


def _speak() -> None:
    """Typer's help headings, usage line and ``--help`` option in the language in force. Why
    by assignment: Typer writes them with stdlib ``gettext`` in its own domain, which has no
    catalogue, or as fixed English; its ``_`` becomes ours, its usage line's prefix and its
    help option's help take ours."""
    import typer.core
    from typer._click import core, formatting

    typer.core._ = _typer_words
    help_option = core.Command.get_help_option

    def help_option_in_language(self: Any, ctx: Any) -> Any:
        option = help_option(self, ctx)
        return None if option is None else localise(option)

    core.Command.get_help_option = help_option_in_language  # type: ignore[method-assign]
    write_usage = formatting.HelpFormatter.write_usage

    def usage_in_language(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = usage_in_language  # type: ignore[method-assign]


_speak()

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
    "problem": ("problems", "app"),
    "kb": ("kb", "app"),
    "inspect": ("inspect", "app"),
    "survey": ("surveys", "app"),
    "complaint": ("complaints", "app"),
    "score": ("scores", "app"),
    "change": ("changes", "app"),
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
        command = localise(typer.main.get_command(single))
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


class SpokenUsageError(UsageError):
    """A usage error for a person, in the language in force: Typer's own lines are English
    f-strings (usage, the hint, "Error: …"); the common messages (an unknown option, a missing
    one) are worded again from the error's facts, any other keeps Typer's words."""

    def __init__(self, cause: UsageError) -> None:
        super().__init__(_said(cause), cause.ctx)
        self.exit_code = 2

    def show(self, file: Any = None) -> None:
        from typer._click.utils import echo

        lines = []
        if self.ctx is not None:
            lines.append(self.ctx.get_usage())
            if self.ctx.command.get_help_option(self.ctx) is not None:
                hint = _("Try '{command} {option}' for help.")
                lines.append(
                    hint.format(command=self.ctx.command_path, option=self.ctx.help_option_names[0])
                )
            lines.append("")
        lines.append(_("Error: {message}").format(message=self.format_message()))
        echo("\n".join(lines), err=True)


def _said(exc: UsageError) -> str:
    """The message of a usage error in the language in force, where its facts allow."""
    from typer._click.exceptions import MissingParameter

    if isinstance(exc, NoSuchOption) and not exc.possibilities:
        return _("No such option: {name}").format(name=exc.option_name)
    if isinstance(exc, MissingParameter) and exc.param is not None and not exc.message:
        field = _field(exc)
        if exc.param.param_type_name == "option":
            return _("Missing option '{name}'.").format(name=field)
        if exc.param.param_type_name == "argument":
            return _("Missing argument '{name}'.").format(name=field)
    return exc.format_message()


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
        return localise(_command(cmd_name)) if found is None and cmd_name in COMMANDS else found

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """From each command's help text, without building the commands (``--help`` alone)."""
        targets = {name: _target(name) for name in COMMANDS}
        write_commands(formatter, {name: summary(t) for name, t in targets.items()})

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        global _json_run
        _json_run = _wants_json(args)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as exc:
            if not _wants_json(args):
                raise SpokenUsageError(exc) from None
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
            if isinstance(exc, JsonUsageError | SpokenUsageError):
                raise
            if not _wants_json(tokens):
                raise SpokenUsageError(exc) from None
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
    help=N_(
        "ITIL service management in the terminal: service desk, incidents, SLA, CMDB.\n\n"
        "Run with no command to open the console."
    ),
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
            help=N_("Database URL (default: a SQLite file in your XDG data folder)."),
            show_envvar=True,
        ),
    ] = None,
    as_login: Annotated[
        str | None,
        typer.Option(
            "--as", metavar="LOGIN", help=N_("Act as this staff login (admins only; for scripts).")
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
