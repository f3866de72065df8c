"""``itsm caller`` and ``itsm call``: the directory of end users and the log of contacts."""

from __future__ import annotations

from typing import Annotated

import typer

from itsm_tui.cli.common import JsonOpt, QuietOpt
from itsm_tui.cli.ids import AfterOpt, reference
from itsm_tui.cli.output import (
    local,
    print_fields,
    print_list,
    print_object,
    print_table,
    quiet,
    say,
)
from itsm_tui.cli.state import state
from itsm_tui.common.domain import Channel
from itsm_tui.common.i18n import N_, _, status_text

app = typer.Typer(help=N_("Callers (end users): register, search, show with their tickets."))
call_app = typer.Typer(help=N_("Contacts: log a call, walk-in, e-mail, web request or event."))


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("Full name, e.g. 王小明."))],
    department: Annotated[str | None, typer.Option(help=N_("Department."))] = None,
    phone: Annotated[str | None, typer.Option(help=N_("Phone number."))] = None,
    email: Annotated[str | None, typer.Option(help=N_("E-mail address."))] = None,
    employee_no: Annotated[str | None, typer.Option(help=N_("Employee number."))] = None,
    location: Annotated[str | None, typer.Option(help=N_("Location code or name."))] = None,
    as_json: JsonOpt = False,
    only_ref: QuietOpt = False,
) -> None:
    """Register a caller who is not in the directory yet."""
    from itsm_tui.workflow import callers as flow

    st = state(ctx)
    view = flow.add_caller(
        st.site,
        st.actor(),
        name,
        department=department,
        phone=phone,
        email=email,
        employee_no=employee_no,
        location=location,
    )
    if only_ref:
        quiet(f"#{view.id}")
    elif as_json:
        print_object(view)
    else:
        say(_("#{id} {name} registered").format(id=view.id, name=view.name))


@app.command("search")
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help=N_("Start of a name, phone, department or number."))],
    limit: Annotated[int, typer.Option(help=N_("At most this many (1 to 200)."))] = 20,
    after: AfterOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find callers by name, phone, department or employee number (prefix matches first)."""
    from itsm_tui.workflow import callers as flow

    st = state(ctx)
    page = flow.find_callers(st.site, st.actor(), text, limit=limit, after=after)
    if as_json:
        print_list(page.items, page.next_after)
        return
    print_table(
        [N_("id"), N_("name"), N_("department"), N_("phone"), N_("employee no")],
        [(f"#{c.id}", c.name, c.department, c.phone, c.employee_no) for c in page.items],
    )
    if page.next_after is not None:
        say(
            _("{count} shown, more: --after {next_after}").format(
                count=len(page.items), next_after=page.next_after
            )
        )
    elif not page.items:
        say(_("no caller matches '{text}'").format(text=text))


@app.command("show")
def show(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            parser=reference,
            metavar="CALLER",
            help=N_("#id, employee number, phone or exact name."),
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Show a caller and their recent tickets."""
    from itsm_tui.workflow import callers as flow

    st = state(ctx)
    view = flow.show_caller(st.site, st.actor(), ref)
    if as_json:
        print_object(view, open_tickets=[t.number for t in view.open_tickets])
        return
    print_fields(
        [
            (N_("caller"), f"#{view.id} {view.name}" + (" (VIP)" if view.vip else "")),
            (N_("department"), view.department),
            (N_("phone"), view.phone),
            (N_("email"), view.email),
            (N_("employee no"), view.employee_no),
            (N_("location"), view.location),
        ]
    )
    zone = st.settings.zone
    print_table(
        [N_("number"), N_("P"), N_("status"), N_("opened"), N_("title")],
        [
            (t.number, t.priority, status_text(t.status), local(t.opened_at, zone), t.title)
            for t in view.recent_tickets
        ],
    )


@call_app.command("log")
def log(
    ctx: typer.Context,
    caller: Annotated[
        str | None,
        typer.Option(
            parser=reference, help=N_("Caller: #id, employee number, phone or exact name.")
        ),
    ] = None,
    channel: Annotated[Channel, typer.Option(help=N_("How they reached us."))] = Channel.PHONE,
    summary: Annotated[str, typer.Option(help=N_("What the contact was about."))] = "",
    ticket: Annotated[
        str | None, typer.Option(help=N_("Attach to this existing ticket (a repeat call)."))
    ] = None,
    title: Annotated[
        str | None, typer.Option(help=N_("Open a new ticket with this title for the contact."))
    ] = None,
    description: Annotated[str, typer.Option(help=N_("The new ticket's description."))] = "",
    type_: Annotated[
        str, typer.Option("--type", help=N_("New ticket: incident or request."))
    ] = "incident",
    category: Annotated[str | None, typer.Option(help=N_("New ticket's category."))] = None,
    impact: Annotated[int, typer.Option(min=1, max=3, help=N_("New ticket's impact."))] = 3,
    urgency: Annotated[int, typer.Option(min=1, max=3, help=N_("New ticket's urgency."))] = 3,
    group: Annotated[str | None, typer.Option(help=N_("New ticket's group."))] = None,
    ci: Annotated[list[str], typer.Option("--ci", help=N_("New ticket's CI; repeatable."))] = [],  # noqa: B006
    as_json: JsonOpt = False,
    only_number: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help=N_("Print only the ticket's number, opened or attached to (nothing if neither)."),
        ),
    ] = False,
) -> None:
    """Log a contact: attach it to a ticket (--ticket), open one (--title), or neither."""
    from itsm_tui.workflow.contacts import log_contact
    from itsm_tui.workflow.tickets import TicketDraft

    st = state(ctx)
    draft = (
        TicketDraft(
            title=title,
            description=description,
            type=type_,
            category=category,
            impact=impact,
            urgency=urgency,
            group=group,
            cis=tuple(ci),
        )
        if title is not None
        else None
    )
    view = log_contact(
        st.site,
        st.actor(),
        channel=channel.value,
        caller=caller,
        summary=summary,
        ticket=ticket,
        new_ticket=draft,
    )
    if only_number:
        if view.ticket:
            quiet(view.ticket)
    elif as_json:
        print_object(view)
    else:
        opened = "opened" if view.new_ticket else "attached to"
        say(
            _("contact #{id} logged").format(id=view.id)
            + (f", {opened} {view.ticket}" if view.ticket else "")
        )
