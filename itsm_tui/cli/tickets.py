"""``itsm ticket``: every operation on incidents and service requests, for scripts and people."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from itsm_tui.cli.common import JsonOpt, NumberArg, QuietOpt, VersionOpt
from itsm_tui.cli.ids import AfterOpt, reference
from itsm_tui.cli.output import (
    local,
    plain,
    print_fields,
    print_list,
    print_object,
    print_table,
    quiet,
    say,
)
from itsm_tui.cli.state import state
from itsm_tui.common.i18n import N_, _, status_text
from itsm_tui.workflow import tickets as flow  # each operation loads when first called
from itsm_tui.workflow.tickets.pages import Queue, Sort
from itsm_tui.workflow.tickets.states import PENDING_REASONS, RESOLUTION_CODES

if TYPE_CHECKING:
    from itsm_tui.common.ticket_rows import TicketRow
    from itsm_tui.workflow.sla.time_left import Progress
    from itsm_tui.workflow.tickets import TicketView

app = typer.Typer(help=N_("Incidents and service requests: open, work, escalate, resolve, audit."))

ReasonOpt = Annotated[str, typer.Option("--reason", help=N_("Why (kept in the ticket's history)."))]


def _done(view: TicketView, as_json: bool) -> None:
    """After a change: the ticket as JSON, or one line saying where it stands now."""
    if as_json:
        print_object(view)
        return
    who = view.assignee_name or _("unassigned")
    say(
        _(
            "{number} v{version}  {state}  P{priority}  tier {tier}  {group} / {who}  {title}"
        ).format(
            number=view.number,
            version=view.version,
            state=status_text(view.status),
            priority=view.priority,
            tier=view.tier,
            group=view.group or "-",
            who=who,
            title=view.title,
        )
    )


@app.command("create")
def create(
    ctx: typer.Context,
    title: Annotated[str, typer.Option(help=N_("One line saying what is wrong or wanted."))],
    description: Annotated[str, typer.Option(help=N_("Details, stored exactly as given."))] = "",
    type_: Annotated[str, typer.Option("--type", help=N_("incident or request."))] = "incident",
    caller: Annotated[
        str | None,
        typer.Option(
            parser=reference, help=N_("Caller: #id, employee number, phone or exact name.")
        ),
    ] = None,
    category: Annotated[
        str | None, typer.Option(help=N_("Category code, name or 'parent/child'."))
    ] = None,
    impact: Annotated[int, typer.Option(min=1, max=3, help=N_("1 many users … 3 one user."))] = 3,
    urgency: Annotated[
        int, typer.Option(min=1, max=3, help=N_("1 work stopped … 3 can wait."))
    ] = 3,
    group: Annotated[
        str | None, typer.Option(help=N_("Assignment group (default: your lowest-tier group)."))
    ] = None,
    assignee: Annotated[str | None, typer.Option("--to", help=N_("Assign to this login."))] = None,
    ci: Annotated[
        list[str], typer.Option("--ci", help=N_("Affected CI; repeat for several."))
    ] = [],  # noqa: B006
    as_json: JsonOpt = False,
    only_number: QuietOpt = False,
) -> None:
    """Open an incident or service request (priority from impact × urgency)."""
    st = state(ctx)
    draft = flow.TicketDraft(
        title=title,
        description=description,
        type=type_,
        caller=caller,
        category=category,
        impact=impact,
        urgency=urgency,
        group=group,
        assignee=assignee,
        cis=tuple(ci),
    )
    view = flow.create_ticket(st.site, st.actor(), draft)
    quiet(view.number) if only_number else _done(view, as_json)


@app.command("show")
def show(ctx: typer.Context, number: NumberArg, as_json: JsonOpt = False) -> None:
    """Show a ticket with its notes and contacts."""
    st = state(ctx)
    detail = flow.show_ticket(st.site, st.actor(), number)
    if as_json:
        print_object(detail.ticket, notes=detail.notes, contacts=detail.contacts)
        return
    v, zone = detail.ticket, st.settings.zone
    print_fields(
        [
            (
                N_("number"),
                _("{number} ({type}), version {version}").format(
                    number=v.number, type=v.type, version=v.version
                ),
            ),
            (N_("title"), v.title),
            (
                N_("status"),
                status_text(v.status)
                + (f" ({status_text(v.pending_reason)})" if v.pending_reason else ""),
            ),
            (
                N_("priority"),
                _("P{priority} (impact {impact}, urgency {urgency})").format(
                    priority=v.priority, impact=v.impact, urgency=v.urgency
                )
                + (" overridden" if v.priority_overridden else ""),
            ),
            (N_("tier / group"), f"{v.tier} / {v.group_name or '-'}"),
            (N_("assignee"), v.assignee_name),
            (
                N_("caller"),
                " · ".join(x for x in (v.caller, v.caller_department, v.caller_phone) if x),
            ),
            (N_("category"), v.category),
            (N_("CIs"), v.cis),
            (N_("opened"), local(v.opened_at, zone)),
            (N_("first response"), local(v.first_response_at, zone)),
            (N_("resolved"), local(v.resolved_at, zone)),
            (N_("closed"), local(v.closed_at, zone)),
            (
                N_("resolution"),
                f"{v.resolution_code}: {v.resolution_text}" if v.resolution_code else None,
            ),
            (N_("related"), v.related_number),
            (
                N_("counts"),
                _(
                    "{reassignment_count} reassignments, {escalation_count} escalations, "
                    "{reopen_count} reopens"
                ).format(
                    reassignment_count=v.reassignment_count,
                    escalation_count=v.escalation_count,
                    reopen_count=v.reopen_count,
                ),
            ),
            (N_("you can"), v.allowed),
        ]
    )
    if v.description:
        say("\n" + v.description)
    for note in detail.notes:
        kind = status_text(note.kind)
        say(f"\n[{local(note.at, zone)}] {note.author} ({kind}):\n{note.body}")


@app.command("list")
def list_(
    ctx: typer.Context,
    queue: Annotated[Queue, typer.Option(help=N_("Which queue."))] = Queue.OPEN,
    status: Annotated[str | None, typer.Option(help=N_("Only this status."))] = None,
    priority: Annotated[
        int | None, typer.Option(min=1, max=5, help=N_("Only this priority."))
    ] = None,
    sort: Annotated[
        Sort,
        typer.Option(
            help=N_(
                "Order: newest, oldest, priority (most urgent first, then newest), or due "
                "(soonest resolution deadline first, overdue on top)."
            )
        ),
    ] = Sort.NEWEST,
    search: Annotated[
        str | None, typer.Option(help=N_("Only tickets whose number or title contains this."))
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help=N_("Rows per page."))] = 50,
    after: AfterOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List a queue one page at a time (keyset paging), with the console's orders and filters;
    the next page: the same options and --after the id the page ends with."""
    st = state(ctx)
    page = flow.list_tickets(
        st.site,
        st.actor(),
        queue,
        status=status,
        priority=priority,
        sort=sort.value,
        text=search,
        after=after,
        limit=limit,
    )
    if as_json:
        print_list((_row(r, page.sla.get(r.id)) for r in page.rows), page.next_after)
        return
    zone = st.settings.zone
    print_table(
        [
            N_("number"),
            N_("P"),
            N_("status"),
            N_("tier"),
            N_("group"),
            N_("assignee"),
            N_("caller"),
            N_("opened"),
            N_("title"),
        ],
        [
            (
                r.number,
                r.priority,
                status_text(r.status),
                r.tier,
                r.group,
                r.assignee,
                r.caller,
                local(r.opened_at, zone),
                r.title,
            )
            for r in page.rows
        ],
    )
    if page.next_after is not None:
        say(
            _("{count} shown, more: --after {next_after}").format(
                count=len(page.rows), next_after=page.next_after
            )
        )


def _row(row: TicketRow, sla: Progress | None) -> dict[str, Any]:
    """A queue row for scripts: ``assignee`` is a login everywhere, so the display name the
    row carries is ``assignee_name`` (as in ``ticket show``); the row's resolution clock
    (time left, business minutes) rides along as ``sla``."""
    data = plain(row)
    data["assignee_name"] = data.pop("assignee")
    data["assignee"] = data.pop("assignee_login")
    data["sla"] = plain(sla)
    return data


@app.command("search")
def search(
    ctx: typer.Context,
    words: Annotated[
        list[str], typer.Argument(help=N_("Words the title holds (all of them)."))
    ],
    resolved: Annotated[
        bool,
        typer.Option(
            "--resolved/--any-status",
            help=N_("Resolved and closed tickets only (the default), or any status."),
        ),
    ] = True,
    limit: Annotated[int, typer.Option(min=1, max=100, help=N_("Rows per page."))] = 20,
    after: AfterOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find past tickets by the words of their titles, newest first, with how each was
    resolved: has this fault been solved before?"""
    st = state(ctx)
    page = flow.search_past_tickets(
        st.site, st.actor(), " ".join(words), resolved_only=resolved, after=after, limit=limit
    )
    if as_json:
        print_list((plain(item) for item in page.items), page.next_after)
        return
    zone = st.settings.zone
    print_table(
        [N_("number"), N_("status"), N_("resolved"), N_("title"), N_("resolution")],
        [
            (
                item.number,
                status_text(item.status),
                local(item.resolved_at, zone) if item.resolved_at else "-",
                item.title,
                item.resolution or item.resolution_code or "-",
            )
            for item in page.items
        ],
    )
    if page.next_after is not None:
        say(
            _("{count} shown, more: --after {next_after}").format(
                count=len(page.items), next_after=page.next_after
            )
        )


@app.command("history")
def history(ctx: typer.Context, number: NumberArg, as_json: JsonOpt = False) -> None:
    """The ticket's history as sentences, oldest first (local times; --json: the raw journal)."""
    st = state(ctx)
    if as_json:
        print_list(flow.ticket_history(st.site, st.actor(), number))
        return
    from itsm_tui.workflow.history_text import readable_history

    # One event a line, as a sentence; a note or a reason of several lines indented under it.
    zone = st.settings.zone
    for line in readable_history(st.site, st.actor(), number):
        say(f"{line.when(zone)}  {line.heading}")
        for part in line.block.splitlines():
            say(f"    {part}")


@app.command("claim")
def claim(ctx: typer.Context, number: NumberArg, as_json: JsonOpt = False) -> None:
    """Take an unassigned ticket of your group (the first claim wins)."""
    st = state(ctx)
    _done(flow.claim(st.site, st.actor(), number), as_json)


@app.command("assign")
def assign(
    ctx: typer.Context,
    number: NumberArg,
    group: Annotated[str | None, typer.Option(help=N_("A group of the same tier."))] = None,
    to: Annotated[str | None, typer.Option("--to", help=N_("A member's login."))] = None,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Assign or reassign within the ticket's tier."""
    st = state(ctx)
    view = flow.assign(
        st.site, st.actor(), number, group=group, assignee=to, expected_version=expect_version
    )
    _done(view, as_json)


@app.command("escalate")
def escalate(
    ctx: typer.Context,
    number: NumberArg,
    group: Annotated[str, typer.Option(help=N_("A group of the next tier."))],
    reason: ReasonOpt,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Escalate to the next tier (1 → 2 → 3)."""
    st = state(ctx)
    view = flow.escalate(
        st.site, st.actor(), number, group=group, reason=reason, expected_version=expect_version
    )
    _done(view, as_json)


@app.command("return")
def return_(
    ctx: typer.Context,
    number: NumberArg,
    group: Annotated[str, typer.Option(help=N_("A group of a lower tier."))],
    reason: ReasonOpt,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Return a ticket to a lower tier."""
    st = state(ctx)
    view = flow.return_ticket(
        st.site, st.actor(), number, group=group, reason=reason, expected_version=expect_version
    )
    _done(view, as_json)


@app.command("flag")
def flag(
    ctx: typer.Context,
    number: NumberArg,
    reason: ReasonOpt,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Flag a ticket to its group's supervisor (hierarchical escalation)."""
    st = state(ctx)
    _done(
        flow.flag(st.site, st.actor(), number, reason=reason, expected_version=expect_version),
        as_json,
    )


@app.command("pending")
def pending(
    ctx: typer.Context,
    number: NumberArg,
    reason: Annotated[
        str, typer.Option(help=_("One of: {names}.").format(names=", ".join(PENDING_REASONS)))
    ],
    note: Annotated[str, typer.Option(help=N_("What you are waiting for."))] = "",
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Put a ticket on hold (waiting for the caller, a vendor or a change)."""
    st = state(ctx)
    view = flow.set_pending(
        st.site, st.actor(), number, reason=reason, note=note, expected_version=expect_version
    )
    _done(view, as_json)


@app.command("resume")
def resume(
    ctx: typer.Context,
    number: NumberArg,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Take a pending ticket up again."""
    st = state(ctx)
    _done(flow.resume(st.site, st.actor(), number, expected_version=expect_version), as_json)


@app.command("note")
def note(
    ctx: typer.Context,
    number: NumberArg,
    text: Annotated[
        str, typer.Option("--text", help=N_("The note, exactly as it should be kept."))
    ],
    public: Annotated[bool, typer.Option("--public", help=N_("A reply the caller sees."))] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a work note (internal) or, with --public, a reply to the caller."""
    st = state(ctx)
    _done(flow.add_note(st.site, st.actor(), number, text, public=public), as_json)


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    number: NumberArg,
    code: Annotated[
        str, typer.Option(help=_("One of: {names}.").format(names=", ".join(RESOLUTION_CODES)))
    ],
    text: Annotated[str, typer.Option(help=N_("What was done."))],
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Resolve with a resolution code and text."""
    st = state(ctx)
    view = flow.resolve(
        st.site, st.actor(), number, code=code, text=text, expected_version=expect_version
    )
    _done(view, as_json)


@app.command("close")
def close(
    ctx: typer.Context,
    number: NumberArg,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close a resolved ticket."""
    st = state(ctx)
    _done(flow.close(st.site, st.actor(), number, expected_version=expect_version), as_json)


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    number: NumberArg,
    reason: ReasonOpt,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Reopen a resolved ticket (past the reopen window: open a linked follow-up)."""
    st = state(ctx)
    view = flow.reopen(st.site, st.actor(), number, reason=reason, expected_version=expect_version)
    _done(view, as_json)


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    number: NumberArg,
    reason: ReasonOpt,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cancel a ticket opened in error or twice."""
    st = state(ctx)
    view = flow.cancel(st.site, st.actor(), number, reason=reason, expected_version=expect_version)
    _done(view, as_json)


@app.command("priority")
def priority(
    ctx: typer.Context,
    number: NumberArg,
    value: Annotated[int, typer.Option("--priority", min=1, max=5, help=N_("The new priority."))],
    reason: ReasonOpt,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Override the matrix's priority (engineers and supervisors)."""
    st = state(ctx)
    view = flow.override_priority(
        st.site, st.actor(), number, priority=value, reason=reason, expected_version=expect_version
    )
    _done(view, as_json)


@app.command("update")
def update(
    ctx: typer.Context,
    number: NumberArg,
    title: Annotated[str | None, typer.Option(help=N_("New title."))] = None,
    description: Annotated[str | None, typer.Option(help=N_("New description."))] = None,
    caller: Annotated[
        str | None, typer.Option(parser=reference, help=N_("Another caller (#id, number, name)."))
    ] = None,
    category: Annotated[str | None, typer.Option(help=N_("Another category."))] = None,
    impact: Annotated[int | None, typer.Option(min=1, max=3, help=N_("New impact."))] = None,
    urgency: Annotated[int | None, typer.Option(min=1, max=3, help=N_("New urgency."))] = None,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct what a ticket is about."""
    st = state(ctx)
    view = flow.update_ticket(
        st.site,
        st.actor(),
        number,
        title=title,
        description=description,
        caller=caller,
        category=category,
        impact=impact,
        urgency=urgency,
        expected_version=expect_version,
    )
    _done(view, as_json)
