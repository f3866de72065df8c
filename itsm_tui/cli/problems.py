"""``itsm problem``: problems behind recurring incidents, known errors, and the candidates the
recurring-incident job suggests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from itsm_tui.cli.common import JsonOpt, QuietOpt
from itsm_tui.cli.ids import AfterOpt
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
from itsm_tui.common.domain import status_label
from itsm_tui.common.i18n import N_, _

if TYPE_CHECKING:
    from itsm_tui.workflow.problems.records import ProblemView

app = typer.Typer(
    help=N_("Problems: open from incidents, link, investigate, known errors, resolve, candidates.")
)

NumberArg = Annotated[str, typer.Argument(metavar="PROBLEM", help=N_("PRB000012, prb12 or 12."))]
ExpectOpt = Annotated[
    int | None,
    typer.Option(metavar="N", help=N_("Refuse if the problem is no longer at version N.")),
]
TicketsOpt = Annotated[list[str], typer.Option("--ticket", "-t", help=N_("An incident; repeat."))]


def _line(v: ProblemView) -> str:
    return (
        f"{v.number} v{v.version} {status_label(v.status)} P{v.priority} {v.title} "
        f"({len(v.incidents)} incidents)"
    )


def _done(v: ProblemView, as_json: bool) -> None:
    print_object(v) if as_json else say(_line(v))


@app.command("create")
def create(
    ctx: typer.Context,
    tickets: TicketsOpt = [],  # noqa: B006
    title: Annotated[str | None, typer.Option(help=N_("Default: the first incident's."))] = None,
    description: Annotated[str, typer.Option(help=N_("What is known so far."))] = "",
    category: Annotated[str | None, typer.Option(help=N_("Code or name."))] = None,
    priority: Annotated[int | None, typer.Option(min=1, max=5, help="1-5.")] = None,
    group: Annotated[str | None, typer.Option(help=N_("Default: a tier-2 group."))] = None,
    owner: Annotated[str | None, typer.Option(help=N_("Login; default: you."))] = None,
    cis: Annotated[list[str], typer.Option("--ci", help=N_("An affected CI; repeat."))] = [],  # noqa: B006
    candidate: Annotated[
        int | None, typer.Option(help=N_("The suggestion (itsm problem candidates) it answers."))
    ] = None,
    as_json: JsonOpt = False,
    only_ref: QuietOpt = False,
) -> None:
    """Open a problem, from one or several incidents (-t INC000123 -t INC000456) or none."""
    from itsm_tui.workflow.problems.operations import create_problem

    st = state(ctx)
    view = create_problem(
        st.site,
        st.actor(),
        title=title,
        description=description,
        tickets=tickets,
        category=category,
        priority=priority,
        group=group,
        owner=owner,
        cis=cis,
        candidate=candidate,
    )
    quiet(view.number) if only_ref else _done(view, as_json)


@app.command("link")
def link(
    ctx: typer.Context,
    number: NumberArg,
    tickets: Annotated[list[str], typer.Argument(metavar="INCIDENT...", help=N_("Incidents."))],
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Link incidents to a problem."""
    from itsm_tui.workflow.problems.operations import link_incidents

    st = state(ctx)
    view = link_incidents(st.site, st.actor(), number, tickets, expected_version=expect_version)
    _done(view, as_json)


@app.command("unlink")
def unlink(
    ctx: typer.Context,
    number: NumberArg,
    ticket: Annotated[str, typer.Argument(metavar="INCIDENT")],
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Unlink an incident from a problem."""
    from itsm_tui.workflow.problems.operations import unlink_incident

    st = state(ctx)
    view = unlink_incident(st.site, st.actor(), number, ticket, expected_version=expect_version)
    _done(view, as_json)


@app.command("show")
def show(ctx: typer.Context, number: NumberArg, as_json: JsonOpt = False) -> None:
    """A problem with its cause, workaround, fix and incidents."""
    from itsm_tui.workflow.problems.queries import show_problem

    st = state(ctx)
    v = show_problem(st.site, st.actor(), number)
    if as_json:
        print_object(v)
        return
    zone = st.settings.zone
    print_fields(
        [
            ("number", f"{v.number}, version {v.version}"),
            ("title", v.title),
            ("status", status_label(v.status)),
            ("priority", f"P{v.priority}"),
            (N_("group / owner"), f"{v.group or '-'} / {v.owner_name or '-'}"),
            ("category", v.category),
            ("CIs", v.cis),
            (N_("cause code"), v.cause_code),
            (N_("root cause"), v.root_cause),
            (N_("workaround"), v.workaround),
            (N_("fix"), v.fix),
            (N_("fix change"), v.fix_change),
            ("opened", local(v.opened_at, zone)),
            ("known error", local(v.known_error_at, zone)),
            ("resolved", local(v.resolved_at, zone)),
            ("closed", local(v.closed_at, zone)),
            ("you can", v.allowed),
        ]
    )
    if v.description:
        say(f"\n{v.description}")
    if v.incidents:
        say("")
        print_table(
            ["incident", "status", "P", "title"],
            [(i.number, status_label(i.status), i.priority, i.title) for i in v.incidents],
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(help=N_("open, new, investigating, known_error, resolved, closed.")),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help=N_("Rows per page."))] = 50,
    after: AfterOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Problems, newest first, one page at a time."""
    from itsm_tui.workflow.problems.queries import list_problems

    st = state(ctx)
    found = list_problems(st.site, st.actor(), status=status, after_id=after, limit=limit)
    next_after = found[-1].id if len(found) == limit else None
    if as_json:
        print_list(found, next_after)
        return
    print_table(
        ["number", "status", "P", "group", "owner", N_("incidents"), "title"],
        [
            (r.number, status_label(r.status), r.priority, r.group, r.owner, r.incidents, r.title)
            for r in found
        ],
    )
    if next_after is not None:
        say(
            _("{count} shown, more: --after {next_after}").format(
                count=len(found), next_after=next_after
            )
        )


@app.command("update")
def update(
    ctx: typer.Context,
    number: NumberArg,
    title: Annotated[str | None, typer.Option()] = None,
    description: Annotated[str | None, typer.Option()] = None,
    category: Annotated[str | None, typer.Option()] = None,
    priority: Annotated[int | None, typer.Option(min=1, max=5)] = None,
    group: Annotated[str | None, typer.Option()] = None,
    owner: Annotated[str | None, typer.Option()] = None,
    cause_code: Annotated[str | None, typer.Option(help=N_("See itsm problem causes."))] = None,
    root_cause: Annotated[str | None, typer.Option()] = None,
    workaround: Annotated[str | None, typer.Option()] = None,
    fix: Annotated[str | None, typer.Option(help=N_("The permanent fix."))] = None,
    fix_change: Annotated[str | None, typer.Option(help=N_("The change carrying the fix."))] = None,
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record what is learnt about a problem."""
    from itsm_tui.workflow.problems.operations import update_problem

    st = state(ctx)
    view = update_problem(
        st.site,
        st.actor(),
        number,
        title=title,
        description=description,
        category=category,
        priority=priority,
        group=group,
        owner=owner,
        cause_code=cause_code,
        root_cause=root_cause,
        workaround=workaround,
        fix=fix,
        fix_change=fix_change,
        expected_version=expect_version,
    )
    _done(view, as_json)


@app.command("investigate")
def investigate(
    ctx: typer.Context,
    number: NumberArg,
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Start studying the cause (you become its owner if it has none)."""
    from itsm_tui.workflow.problems.operations import investigate as run

    st = state(ctx)
    _done(run(st.site, st.actor(), number, expected_version=expect_version), as_json)


@app.command("known-error")
def known_error(
    ctx: typer.Context,
    number: NumberArg,
    cause_code: Annotated[str | None, typer.Option(help=N_("See itsm problem causes."))] = None,
    root_cause: Annotated[str | None, typer.Option()] = None,
    workaround: Annotated[str | None, typer.Option()] = None,
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The cause and a workaround are known: the hotline is offered it at intake."""
    from itsm_tui.workflow.problems.operations import mark_known_error

    st = state(ctx)
    view = mark_known_error(
        st.site,
        st.actor(),
        number,
        cause_code=cause_code,
        root_cause=root_cause,
        workaround=workaround,
        expected_version=expect_version,
    )
    _done(view, as_json)


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    number: NumberArg,
    fix: Annotated[
        str | None, typer.Option(help=N_("The permanent fix (default: as recorded)."))
    ] = None,
    with_incidents: Annotated[
        bool, typer.Option("--with-incidents", help=N_("Resolve its open incidents with the fix."))
    ] = False,
    preview: Annotated[
        bool, typer.Option("--preview", help=N_("Only list the incidents it would resolve."))
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=N_("Do not ask."))] = False,
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Resolve a problem; with --with-incidents, its open incidents too (asks first on a
    terminal, after listing them; --preview lists them and changes nothing)."""
    import sys

    from itsm_tui.workflow.problems.operations import resolve_problem
    from itsm_tui.workflow.problems.queries import resolution_preview

    st = state(ctx)
    if preview or (with_incidents and not yes and not as_json and sys.stdin.isatty()):
        outcomes = resolution_preview(st.site, st.actor(), number)
        if preview and as_json:
            print_list(outcomes)
            return
        print_table(
            ["incident", "status", N_("resolved?"), "title"],
            [
                (
                    o.number,
                    status_label(o.status),
                    _("yes") if o.resolvable else o.reason_text(),
                    o.title,
                )
                for o in outcomes
            ],
        )
        if preview:
            return
        if not typer.confirm(
            _("Resolve {number} and these incidents?").format(number=number), default=False
        ):
            raise typer.Exit(1)
    result = resolve_problem(
        st.site,
        st.actor(),
        number,
        fix=fix,
        resolve_incidents=with_incidents,
        expected_version=expect_version,
    )
    if as_json:
        print_object(result)
        return
    say(_line(result.problem))
    if result.resolved:
        say(_("resolved: {numbers}").format(numbers=", ".join(result.resolved)))
    for skipped in result.skipped:
        say(
            _("left open: {number}: {reason}").format(
                number=skipped.number, reason=skipped.reason_text()
            )
        )


@app.command("close")
def close(
    ctx: typer.Context,
    number: NumberArg,
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close a resolved problem."""
    from itsm_tui.workflow.problems.operations import close_problem

    st = state(ctx)
    _done(close_problem(st.site, st.actor(), number, expected_version=expect_version), as_json)


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    number: NumberArg,
    reason: Annotated[str, typer.Option(help=N_("Why the fix did not hold."))],
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Back to investigating: the fix did not hold."""
    from itsm_tui.workflow.problems.operations import reopen_problem

    st = state(ctx)
    view = reopen_problem(
        st.site, st.actor(), number, reason=reason, expected_version=expect_version
    )
    _done(view, as_json)


@app.command("candidates")
def candidates(
    ctx: typer.Context,
    status: Annotated[str, typer.Option(help=N_("open, dismissed or accepted."))] = "open",
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Recurring incidents the scheduler suggests making problems of."""
    from itsm_tui.workflow.problems.recurring import list_candidates

    st = state(ctx)
    rows = list_candidates(st.site, st.actor(), status=status, limit=limit)
    if as_json:
        print_list(rows)
        return
    print_table(
        ["id", N_("CI / service"), "category", N_("incidents"), N_("since"), N_("tickets")],
        [
            (
                r.id,
                r.ci,
                r.category,
                r.incidents,
                local(r.first_seen_at, st.settings.zone),
                " ".join(r.tickets[:6]) + (" …" if len(r.tickets) > 6 else ""),
            )
            for r in rows
        ],
    )


@app.command("dismiss")
def dismiss(
    ctx: typer.Context,
    candidate: Annotated[
        int, typer.Argument(metavar="ID", help=N_("From itsm problem candidates."))
    ],
    reason: Annotated[str, typer.Option(help=N_("Why it is not a problem."))] = "",
    as_json: JsonOpt = False,
) -> None:
    """Not a problem: the suggestion stays dismissed."""
    from itsm_tui.workflow.problems.recurring import dismiss_candidate

    st = state(ctx)
    dismiss_candidate(st.site, st.actor(), candidate, reason=reason)
    print_object({"candidate": candidate, "status": "dismissed"}) if as_json else say(
        _("candidate {candidate} dismissed").format(candidate=candidate)
    )


@app.command("causes")
def causes(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The site's root-cause codes (setting problem_cause_codes)."""
    from itsm_tui.workflow.problems.queries import list_cause_codes

    st = state(ctx)
    codes = list_cause_codes(st.site, st.actor())
    # One record, keyed as in itsm settings show: not a list command, and its codes are not records.
    print_object({"problem_cause_codes": codes}) if as_json else say("\n".join(codes))
