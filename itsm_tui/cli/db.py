"""``itsm db``: the schema's revision, and upgrades."""

from __future__ import annotations

import typer

from itsm_tui.cli.common import JsonOpt
from itsm_tui.cli.output import print_fields, print_object, say
from itsm_tui.cli.state import state
from itsm_tui.common.i18n import N_, _

app = typer.Typer(help=N_("Database schema: show the revision, upgrade to the newest."))


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
            (N_("database"), status.url),
            (N_("revision"), status.revision or _("(empty: run itsm init)")),
            (N_("newest"), status.head),
            (N_("up to date"), _("yes") if status.up_to_date else _("no")),
            *((_("{k} rows").format(k=k), v) for k, v in status.counts.items()),
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
    say(_("schema {before} → {after}").format(before=before or _("(empty)"), after=after))
