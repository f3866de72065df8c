"""Options and printers shared by the noun sub-commands."""

from __future__ import annotations

from typing import Annotated

import typer

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
