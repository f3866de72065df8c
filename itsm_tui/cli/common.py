"""Options and the command group class shared by the noun sub-commands."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer._click.utils import make_default_short_help
from typer._coercion import RuntimeParam
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_command_name

from itsm_tui.common.i18n import N_, _

JsonOpt = Annotated[bool, typer.Option("--json", help=N_("Print JSON for scripts."))]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help=N_("Print only the new record's reference (for N=$(itsm … -q)).")
    ),
]
VersionOpt = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        metavar="N",
        help=N_(
            "Refuse (exit 1) if the ticket is no longer at version N: someone else changed it."
        ),
    ),
]
NumberArg = Annotated[
    str, typer.Argument(metavar="NUMBER", help=N_("Ticket number, e.g. INC000123."))
]


@dataclass(frozen=True)
class _Plain(RuntimeParam):
    """Takes a text or flag value as typed. Why: Typer checks every value with a pydantic
    adapter, and building the first one imports pydantic (~90 ms) — for ``itsm ticket --help``
    too, whose only values are the root's options: text (``--db``, ``--as``) and flags (shell
    completion), which need no checking. A command's own text and flag parameters skip the
    adapters too (each costs a schema build: ~9 ms of ``itsm ticket claim N``); numbers,
    choices and lists keep Typer's checks."""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        return bool(value) if self.annotation is bool else str(value)


def take_as_typed(params: list[Any]) -> list[Any]:
    """``params`` with each plain text or flag parameter taken as typed (:class:`_Plain`); one
    with a parser or a click type of its own (an id's range check) keeps Typer's path."""
    for param in params:
        info = getattr(param, "type_descriptor", None)
        if info is None or info.annotation not in (bool, str):
            continue
        own = info.parameter_info
        if getattr(own, "parser", None) is None and getattr(own, "click_type", None) is None:
            param._runtime_param = _Plain(own, info.annotation)
    return params


def localise(command: Any) -> Any:
    """``command``'s help and its parameters' help in the language in force.

    Why here and not where they are written: Typer reads a command's help (its docstring, or
    ``help=``) when the command is defined, and the options' help when they are declared. They
    are marked there (``N_()``; docstrings by ``make translations``, see babel.cfg) and each
    is translated when the command is built for a run or a ``--help``: after the language is
    installed, whatever the import order, and again if it changes (the tests switch)."""
    for thing in (command, *getattr(command, "params", ())):
        if not hasattr(thing, "help_id"):
            thing.help_id = getattr(thing, "help", None)
        if isinstance(thing.help_id, str) and thing.help_id:
            thing.help = _(thing.help_id)
    return command


class LightGroup(TyperGroup):
    """A command group whose own options (``--help``; the root's ``--db``, ``--as`` and shell
    completion) are taken as typed, so that ``itsm GROUP --help`` never imports pydantic; its
    help and its options' help read in the language in force (:func:`localise`)."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = take_as_typed(super().get_params(ctx))
        for param in params:
            localise(param)
        localise(self)
        return params


class LazyGroup(LightGroup):
    """A noun's commands (``itsm ticket …``), each built from its function only when it is run
    or its own help is shown. Why: Typer builds every command of a group up front — reading
    each function's signature and options, ~3 ms a command, 18 for ``ticket`` — though a call
    runs one, and the group's ``--help`` needs only their first lines."""

    def __init__(self, app: typer.Typer, name: str) -> None:
        super().__init__(name=name, help=_text(app.info.help), rich_markup_mode=None)
        self._commands = {
            info.name or get_command_name(getattr(info.callback, "__name__", "")): info
            for info in app.registered_commands
        }
        self._groups = {
            info.name: info.typer_instance
            for info in app.registered_groups
            if info.name and info.typer_instance
        }

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self._commands, *self._groups]

    def get_command(self, ctx: Any, cmd_name: str) -> TyperCommand | TyperGroup | None:
        if cmd_name not in self.commands:
            if cmd_name in self._commands:
                info = self._commands[cmd_name]
                command = get_command_from_info(
                    info, pretty_exceptions_short=True, rich_markup_mode=None
                )
                take_as_typed(command.params)
                self.commands[cmd_name] = localise(command)
            elif cmd_name in self._groups:
                self.commands[cmd_name] = LazyGroup(self._groups[cmd_name], cmd_name)
            else:
                return None
        # The inherited ``commands`` is typed for any click Command; this group stores only
        # Typer's commands and groups in it (just above), which is what the signature promises.
        return localise(self.commands[cmd_name])

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        write_commands(
            formatter,
            {
                **{n: _shown(i.help) or summary(i.callback) for n, i in self._commands.items()},
                **{n: summary(app) for n, app in self._groups.items()},
            },
        )


def summary(target: Any) -> str:
    """The help text of a Typer app or a command function, without building either."""
    if isinstance(target, typer.Typer):
        return _shown(target.info.help)
    return _shown(inspect.getdoc(target))


def write_commands(formatter: Any, summaries: dict[str, str]) -> None:
    """The "Commands" section of a group's help, as click writes it: each first sentence."""
    if not summaries:
        return
    limit = formatter.width - 6 - max(len(n) for n in summaries)
    # make_default_short_help counts characters: a Chinese one takes two columns.
    if any(ord(c) >= 0x2E80 for h in summaries.values() for c in h):
        limit //= 2
    with formatter.section(_("Commands")):
        formatter.write_dl([(n, make_default_short_help(h, limit)) for n, h in summaries.items()])


def _shown(value: object) -> str:
    """A help text in the language in force (an empty one stays empty: gettext's empty
    message id is the catalogue's header)."""
    text = _text(value)
    return _(text) if text else ""


def _text(value: object) -> str:
    """A help text Typer holds (a placeholder when none was given) as a string."""
    return value if isinstance(value, str) else ""
