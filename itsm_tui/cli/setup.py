"""``itsm init``, ``itsm demo`` and the first run of a bare ``itsm``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from itsm_tui.cli.common import JsonOpt
from itsm_tui.cli.invocation import CliState
from itsm_tui.cli.output import err_console, print_object, say
from itsm_tui.cli.state import state
from itsm_tui.common.i18n import N_, _

if TYPE_CHECKING:
    from itsm_tui.workflow.site import Actor

DEFAULT_DEMO_TICKETS = 50_000  # about a year at the customer's volume

TicketsOpt = Annotated[
    int, typer.Option("--tickets", min=0, help=N_("How many demo tickets (a year is ~50,000)."))
]
SeedOpt = Annotated[
    int, typer.Option("--seed", help=N_("Random seed: the same seed, the same data."))
]


def init(
    ctx: typer.Context,
    demo: Annotated[bool, typer.Option("--demo", help=N_("Also load demo data."))] = False,
    admin: Annotated[
        str | None,
        typer.Option("--admin", help=N_("Login of the first admin (default: your OS account).")),
    ] = None,
    tickets: TicketsOpt = DEFAULT_DEMO_TICKETS,
    seed: SeedOpt = 2026,
    as_json: JsonOpt = False,
) -> None:
    """Create the database schema and its first admin (an older schema: upgraded by an admin,
    as `itsm db upgrade` does); optionally load demo data."""
    from itsm_tui.workflow import staff
    from itsm_tui.workflow.admin import database_status, initialise
    from itsm_tui.workflow.opening import up_to_date
    from itsm_tui.workflow.site import Actor

    st = state(ctx)
    site = st.open_site(create=True)
    # Only an existing, older schema needs someone to answer for its upgrade.
    upgrader = st.actor() if st.revision is not None and not up_to_date(st.revision) else None
    view = initialise(site, admin or staff.os_login(), actor=upgrader)
    result: dict[str, object] = {"admin": view.login, "revision": None, "demo": None}
    if demo:
        actor = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
        result["demo"] = _load_demo(st, actor, tickets, seed, quiet=as_json)
    result["revision"] = database_status(st.site).revision
    if as_json:
        print_object(result)
    else:
        say(
            _("database ready at revision {revision}; admin: {login}").format(
                revision=result["revision"], login=view.login
            )
        )


def demo(
    ctx: typer.Context,
    tickets: TicketsOpt = DEFAULT_DEMO_TICKETS,
    seed: SeedOpt = 2026,
    as_json: JsonOpt = False,
) -> None:
    """Load a deterministic demo site: staff, groups, callers, CIs and a year of tickets."""
    st = state(ctx)
    summary = _load_demo(st, st.actor(), tickets, seed, quiet=as_json)
    print_object(summary) if as_json else say(
        _("demo data loaded: {summary}").format(summary=summary)
    )


def _load_demo(st: CliState, actor: Actor, tickets: int, seed: int, quiet: bool = False) -> object:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from itsm_tui.workflow.demo import load_demo

    with Progress(
        TextColumn("demo tickets"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console(),
        disable=quiet or not err_console().is_terminal,
    ) as bar:
        task = bar.add_task("demo", total=tickets)
        return load_demo(
            st.site,
            actor,
            tickets=tickets,
            seed=seed,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )


def open_console(st: CliState) -> None:
    """Open the console; on the very first run, set up the embedded database with demo data."""
    from itsm_tui.console.start import console
    from itsm_tui.workflow import staff
    from itsm_tui.workflow.admin import ensure_schema, initialise
    from itsm_tui.workflow.opening import up_to_date
    from itsm_tui.workflow.site import Actor

    # The embedded database is this user's alone: its first run creates it, a newer itsm
    # upgrades it (journaled; refused unless this account owns the file). A database named by
    # URL is shared: only `itsm init` and `itsm db upgrade` (an admin) change its schema, and
    # the console refuses it until then.
    embedded = not st.settings.database_url
    site = st.open_site(create=embedded, older=embedded)
    if st.revision is None:
        say(_("First run: creating the database with a year of demo data …"))
        view = initialise(site, staff.os_login())
        actor = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
        _load_demo(st, actor, DEFAULT_DEMO_TICKETS, 2026)
    elif not up_to_date(st.revision):
        ensure_schema(site)

    console(site, st.actor()).run()
