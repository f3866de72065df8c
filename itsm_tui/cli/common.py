"""Options and the command group class shared by the noun sub-commands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer._coercion import RuntimeParam
from typer.core import TyperGroup

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Print only the new record's reference (for N=$(itsm … -q))."
    ),
]
VersionOpt = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        metavar="N",
        help="Refuse (exit 1) if the ticket is no longer at version N: someone else changed it.",
    ),
]
NumberArg = Annotated[str, typer.Argument(metavar="NUMBER", help="Ticket number, e.g. INC000123.")]


@dataclass(frozen=True)
class _Plain(RuntimeParam):
    """Takes a root option as typed. Why: Typer checks every value with a pydantic adapter,
    and building the first one imports pydantic (~90 ms) — for ``itsm ticket --help`` too,
    whose only values are the root's options: text (``--db``, ``--as``) and flags (shell
    completion), which need no checking."""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        return bool(value) if self.annotation is bool else str(value)


class LightGroup(TyperGroup):
    """A command group whose own options (``--help``; the root's ``--db``, ``--as`` and shell
    completion) are taken as typed, so that ``itsm GROUP --help`` never imports pydantic."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        for param in params:
            info = getattr(param, "type_descriptor", None)
            if info is not None and info.annotation in (bool, str):
                param._runtime_param = _Plain(info.parameter_info, info.annotation)
        return params
