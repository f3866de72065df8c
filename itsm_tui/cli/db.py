"""``itsm db``: the schema's revision, and upgrades."""

from __future__ import annotations

import typer

from itsm_tui.cli.common import JsonOpt
from itsm_tui.cli.output import print_fields, print_object, say
from itsm_tui.cli.state import state

app = typer.Typer(help="Database schema: show the revision, upgrade to the newest.")


@app.command("current")
def current(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the database's schema revision, the newest this version knows, and row counts."""
    from itsm_tui.workflow.admin import database_status

    st = state(ctx)
    site = st.open_site(older=True)  # to show an old schema is what this command is for
    status = database_status(site, st.actor())  # staff only: it names the server
    if as_json:
        print_object(status)
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
def upgrade(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Upgrade the schema to the newest revision (admins; safe to run twice)."""
    from itsm_tui.workflow.admin import database_status, upgrade_database

    st = state(ctx)
    before, after = upgrade_database(st.open_site(older=True), st.actor())
    if as_json:  # the changed object: the database, as ``db current`` prints it
        print_object(database_status(st.site), previous_revision=before)
        return
    say(f"schema {before or '(empty)'} → {after}")
