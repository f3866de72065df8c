"""The run's state as a command sees it, from Typer's context."""

from __future__ import annotations

import typer

from itsm_tui.cli.invocation import CliState


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj
