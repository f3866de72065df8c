"""``itsm db``: the schema's revision, and upgrades."""

from __future__ import annotations

from typing import Annotated

import typer

from itsm_tui.cli.output import print_fields, print_json, say
from itsm_tui.cli.state import state
from itsm_tui.workflow.admin import database_status, upgrade_database

app = typer.Typer(help="Database schema: show the revision, upgrade to the newest.")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command("current")
def current(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the database's schema revision, the newest this version knows, and row counts."""
    status = database_status(state(ctx).site)
    if as_json:
        print_json(status)
        return
    print_fields(
        [
            ("database", status.url),
            ("revision", status.revision or "(empty: run itsm init)"),
            ("newest", status.head),
            ("up to date", "yes" if status.up_to_date else "no"),
            *((f"{k} rows", v) for k, v in status.counts.items()),
        ]
    )


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Upgrade the schema to the newest revision (admins; safe to run twice)."""
    st = state(ctx)
    before, after = upgrade_database(st.site, st.actor())
    say(f"schema {before or '(empty)'} → {after}")
