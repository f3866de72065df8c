"""``itsm change``: requests for change from draft to closed, the CAB's approvals, risk,
conflicts, the forward schedule, freeze windows and the problems changes fix."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from itsm_tui.cli.common import JsonOpt, QuietOpt
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
from itsm_tui.common.changes import RISK_LABELS, STATUS_LABELS, TYPE_LABELS
from itsm_tui.common.i18n import N_, _, status_text

if TYPE_CHECKING:
    from itsm_tui.cli.invocation import CliState
    from itsm_tui.workflow.changes.views import ChangeView

app = typer.Typer(help=N_("Changes: raise, assess, approve, schedule, implement, review."))
freeze_app = typer.Typer(help=N_("Freeze windows (封网期): list, add, remove, import."))
app.add_typer(freeze_app, name="freeze")

ChangeArg = Annotated[
    str, typer.Argument(metavar="NUMBER", help=N_("Change number, e.g. CHG000012."))
]
VersionOpt = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        metavar="N",
        help=N_(
            "Refuse (exit 1) if the change is no longer at version N: someone else changed it."
        ),
    ),
]
TimeOpt = Annotated[
    str | None, typer.Option(metavar="'YYYY-MM-DD HH:MM'", help=N_("In the site's time zone."))
]


def _line(v: ChangeView, zone: Any) -> str:
    window = (
        f"{local(v.window_start, zone)}–{local(v.window_end, zone, '%H:%M')}"
        if v.window_start
        else _("no window")
    )
    risk = (
        " " + _("risk {level} ({score})").format(level=_risk(v.risk_level), score=v.risk_score)
        if v.risk_level
        else ""
    )
    return (
        f"{v.number} v{v.version} {_(TYPE_LABELS.get(v.type, v.type))} "
        f"{_(STATUS_LABELS.get(v.status, v.status))}{risk} {window}: {v.title}"
    )


def _risk(level: str) -> str:
    """A risk level as the reader's language words it."""
    return _(RISK_LABELS.get(level, level))


def _done(st: CliState, view: ChangeView, as_json: bool) -> None:
    print_object(view) if as_json else say(_line(view, st.settings.zone))


def _times(st: CliState, start: str | None, end: str | None) -> dict[str, Any]:
    from itsm_tui.workflow.changes.records import parse_local

    zone = st.settings.zone
    out: dict[str, Any] = {}
    if start is not None:
        out["window_start"] = parse_local(start, zone, "window_start")
    if end is not None:
        out["window_end"] = parse_local(end, zone, "window_end")
    return out


@app.command("create")
def create(
    ctx: typer.Context,
    change_type: Annotated[str, typer.Option("--type", help=N_("standard, normal or emergency."))],
    title: Annotated[str, typer.Option(help=N_("One line."))] = "",
    template: Annotated[str | None, typer.Option(help=N_("A standard change's template."))] = None,
    reason: Annotated[str, typer.Option(help=N_("Why the change is needed."))] = "",
    description: Annotated[str, typer.Option(help=N_("What changes."))] = "",
    plan: Annotated[str, typer.Option("--plan", help=N_("The implementation plan."))] = "",
    backout: Annotated[str, typer.Option("--backout", help=N_("The back-out plan."))] = "",
    test: Annotated[str, typer.Option("--test", help=N_("The test plan."))] = "",
    start: TimeOpt = None,
    end: TimeOpt = None,
    implementer: Annotated[str | None, typer.Option(help=N_("Login."))] = None,
    group: Annotated[str | None, typer.Option(help=N_("Group code."))] = None,
    ci: Annotated[list[str], typer.Option("--ci", help=N_("A CI it changes; repeat."))] = [],  # noqa: B006
    problem: Annotated[
        str | None,
        typer.Option(
            metavar="PROBLEM",
            help=N_(
                "The problem this change fixes: linked, and its title, CIs and root cause "
                "fill what you leave out."
            ),
        ),
    ] = None,
    as_json: JsonOpt = False,
    only_ref: QuietOpt = False,
) -> None:
    """Raise a change as a draft (a standard change from --template, the fix of a problem
    from --problem)."""
    from itsm_tui.workflow.changes.fixes import change_from_problem
    from itsm_tui.workflow.changes.records import ChangeDraft, create_change

    st = state(ctx)
    times = _times(st, start, end)
    draft = ChangeDraft(
        type=change_type,
        title=title,
        template=template,
        reason=reason,
        description=description,
        implementation_plan=plan,
        backout_plan=backout,
        test_plan=test,
        implementer=implementer,
        group=group,
        cis=list(ci),
        **times,
    )
    view = (
        change_from_problem(st.site, st.actor(), problem, draft)
        if problem
        else create_change(st.site, st.actor(), draft)
    )
    if only_ref:
        quiet(view.number)
    else:
        _done(st, view, as_json)


@app.command("update")
def update(
    ctx: typer.Context,
    number: ChangeArg,
    title: Annotated[str | None, typer.Option()] = None,
    reason: Annotated[str | None, typer.Option()] = None,
    description: Annotated[str | None, typer.Option()] = None,
    plan: Annotated[str | None, typer.Option("--plan")] = None,
    backout: Annotated[str | None, typer.Option("--backout")] = None,
    test: Annotated[str | None, typer.Option("--test")] = None,
    start: TimeOpt = None,
    end: TimeOpt = None,
    implementer: Annotated[str | None, typer.Option()] = None,
    group: Annotated[str | None, typer.Option()] = None,
    ci: Annotated[
        list[str] | None, typer.Option("--ci", help=N_("Replace the CIs with these; repeat."))
    ] = None,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Edit a draft, submitted or assessed change (an assessed one's risk is recomputed)."""
    from itsm_tui.workflow.changes.records import update_change

    st = state(ctx)
    given = {
        "title": title,
        "reason": reason,
        "description": description,
        "implementation_plan": plan,
        "backout_plan": backout,
        "test_plan": test,
        "implementer": implementer,
        "group": group,
    }
    fields: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    fields.update(_times(st, start, end))
    view = update_change(
        st.site, st.actor(), number, fields, cis=ci, expected_version=expect_version
    )
    _done(st, view, as_json)


@app.command("show")
def show(ctx: typer.Context, number: ChangeArg, as_json: JsonOpt = False) -> None:
    """A change with its plans, window, risk, approvals, links and what you can do."""
    from itsm_tui.workflow.changes.records import show_change

    st = state(ctx)
    v = show_change(st.site, st.actor(), number)
    if as_json:
        print_object(v)
        return
    zone = st.settings.zone
    print_fields(
        [
            (
                N_("number"),
                _("{number} (version {version})").format(number=v.number, version=v.version),
            ),
            (
                N_("type"),
                _(TYPE_LABELS.get(v.type, v.type))
                + (" " + _("(template {code})").format(code=v.template) if v.template else ""),
            ),
            (
                "status",
                _(STATUS_LABELS.get(v.status, v.status))
                + (f" ({status_text(v.outcome)})" if v.outcome else ""),
            ),
            ("title", v.title),
            ("reason", v.reason),
            (N_("description"), v.description),
            (N_("implementation plan"), v.implementation_plan),
            (N_("back-out plan"), v.backout_plan),
            (N_("test plan"), v.test_plan),
            (N_("window"), f"{local(v.window_start, zone)} – {local(v.window_end, zone)}"),
            (N_("implementer"), f"{v.implementer_name or ''} ({v.implementer or '-'})"),
            ("group", v.group_name or ""),
            ("CIs", v.cis),
            (
                "risk",
                f"{_risk(v.risk_level)} ({v.risk_score})" if v.risk_level else _("not assessed"),
            ),
            (N_("approved"), local(v.approved_at, zone)),
            (N_("override"), v.override_reason or ""),
            (N_("actual"), f"{local(v.actual_start, zone)} – {local(v.actual_end, zone)}"),
            ("review", v.lessons or ""),
            (N_("links"), [f"{x.relation} {x.number}" for x in v.links]),
            ("you can", v.allowed),
        ]
    )
    if v.approvals:
        say("")
        print_table(
            [N_("approver"), "group", N_("decision"), "at", N_("comment")],
            [(a.staff, a.group, a.decision, local(a.at, zone), a.comment) for a in v.approvals],
        )


@app.command("list")
def list_changes(
    ctx: typer.Context,
    status: Annotated[list[str], typer.Option(help=N_("Only these states; repeat."))] = [],  # noqa: B006
    change_type: Annotated[str | None, typer.Option("--type", help=N_("Only this type."))] = None,
    mine: Annotated[bool, typer.Option("--mine", help=N_("Only what I implement."))] = False,
    limit: Annotated[int, typer.Option(min=1, max=500, help=N_("Rows per page."))] = 50,
    before: Annotated[
        int | None, typer.Option(metavar="ID", help=N_("The page after this id (--json: next)."))
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Changes, newest first, one page at a time."""
    from itsm_tui.workflow.changes import records

    st = state(ctx)
    found = records.list_changes(
        st.site,
        st.actor(),
        status=status,
        change_type=change_type,
        mine=mine,
        before_id=before,
        limit=limit + 1,
    )
    rows, more = found[:limit], len(found) > limit
    next_before = rows[-1].id if more else None
    if as_json:
        print_list(rows, next_before)
        return
    zone = st.settings.zone
    print_table(
        ["number", N_("type"), "status", "risk", N_("window"), N_("implementer"), "title"],
        [
            (
                r.number,
                r.type,
                r.status,
                r.risk_level,
                local(r.window_start, zone),
                r.implementer,
                r.title,
            )
            for r in rows
        ],
    )
    if next_before is not None:
        say(
            _("{count} shown, more: --before {next_before}").format(
                count=len(rows), next_before=next_before
            )
        )


def _step(name: str, function: str, doc: str) -> None:
    """A lifecycle step that takes a number (and --expect-version) and nothing else."""

    def run(
        ctx: typer.Context,
        number: ChangeArg,
        expect_version: VersionOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        from itsm_tui.workflow.changes import lifecycle

        st = state(ctx)
        operation = getattr(
            lifecycle, name.replace("-", "_").replace("request", "request_approval")
        )
        _done(st, operation(st.site, st.actor(), number, expected_version=expect_version), as_json)

    run.__doc__ = doc
    app.command(name)(run)


_step(
    "submit",
    "submit",
    "Hand a draft in (needs reason, CIs, plans; a back-out plan unless standard).",
)
_step("assess", "assess", "Assess: needs a window, implementer and group; computes the risk.")
_step(
    "request",
    "request_approval",
    "Ask the CAB: approval requests go to the approvers' inboxes and e-mail.",
)
_step("start", "start", "Start implementing (records the actual start).")
_step("close", "close", "Close (a normal or emergency change needs its review first).")


@app.command("schedule")
def schedule(
    ctx: typer.Context,
    number: ChangeArg,
    reason: Annotated[
        str, typer.Option(help=N_("Why, when overriding a conflict or entering a freeze."))
    ] = "",
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Schedule an approved change (checks the window, freezes and conflicts)."""
    from itsm_tui.workflow.changes import lifecycle

    st = state(ctx)
    view = lifecycle.schedule(
        st.site, st.actor(), number, reason=reason, expected_version=expect_version
    )
    _done(st, view, as_json)


@app.command("finish")
def finish(
    ctx: typer.Context,
    number: ChangeArg,
    outcome: Annotated[str, typer.Option(help=N_("success, failed or backed_out."))] = "success",
    note: Annotated[str, typer.Option(help=N_("What happened (needed unless success)."))] = "",
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Finish implementing (records the actual end and the outcome)."""
    from itsm_tui.workflow.changes import lifecycle

    st = state(ctx)
    view = lifecycle.finish(
        st.site, st.actor(), number, outcome=outcome, note=note, expected_version=expect_version
    )
    _done(st, view, as_json)


@app.command("review")
def review(
    ctx: typer.Context,
    number: ChangeArg,
    lessons: Annotated[str, typer.Option(help=N_("Lessons learned."))],
    success: Annotated[
        bool, typer.Option("--success/--failure", help=N_("Did it succeed?"))
    ] = True,
    caused: Annotated[list[str], typer.Option(help=N_("An incident it caused; repeat."))] = [],  # noqa: B006
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The post-implementation review."""
    from itsm_tui.workflow.changes import lifecycle

    st = state(ctx)
    view = lifecycle.review(
        st.site,
        st.actor(),
        number,
        success=success,
        lessons=lessons,
        caused=list(caused),
        expected_version=expect_version,
    )
    _done(st, view, as_json)


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    number: ChangeArg,
    reason: Annotated[str, typer.Option(help=N_("Why it is withdrawn."))],
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Withdraw a change that has not started."""
    from itsm_tui.workflow.changes import lifecycle

    st = state(ctx)
    view = lifecycle.cancel(
        st.site, st.actor(), number, reason=reason, expected_version=expect_version
    )
    _done(st, view, as_json)


@app.command("approve")
def approve(
    ctx: typer.Context,
    number: ChangeArg,
    comment: Annotated[str, typer.Option(help=N_("Your comment."))] = "",
    as_json: JsonOpt = False,
) -> None:
    """Approve as a member of the change's approver groups."""
    from itsm_tui.workflow.changes import cab

    st = state(ctx)
    _done(st, cab.approve(st.site, st.actor(), number, comment=comment), as_json)


@app.command("reject")
def reject(
    ctx: typer.Context,
    number: ChangeArg,
    comment: Annotated[str, typer.Option(help=N_("Why (required)."))],
    as_json: JsonOpt = False,
) -> None:
    """Reject, saying why."""
    from itsm_tui.workflow.changes import cab

    st = state(ctx)
    _done(st, cab.reject(st.site, st.actor(), number, comment=comment), as_json)


@app.command("approvals")
def approvals(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The changes waiting for your approval, earliest window first."""
    from itsm_tui.workflow.changes import cab

    st = state(ctx)
    rows = cab.pending_approvals(st.site, st.actor())
    if as_json:
        print_list(rows)
        return
    zone = st.settings.zone
    print_table(
        ["number", N_("type"), "risk", N_("window"), N_("approvals"), "title"],
        [
            (p.number, p.type, p.risk_level, local(p.window_start, zone), p.approvals, p.title)
            for p in rows
        ],
    )


@app.command("link")
def link(
    ctx: typer.Context,
    number: ChangeArg,
    ticket: Annotated[str, typer.Argument(help=N_("Ticket number."))],
    relation: Annotated[str, typer.Option(help=N_("related, caused or fixes."))] = "related",
    as_json: JsonOpt = False,
) -> None:
    """Link an incident to the change."""
    from itsm_tui.workflow.changes import records

    st = state(ctx)
    _done(st, records.link(st.site, st.actor(), number, ticket, relation=relation), as_json)


ProblemArg = Annotated[
    str, typer.Argument(metavar="PROBLEM", help=N_("Problem number, e.g. PRB000003."))
]


@app.command("fixes")
def fixes(
    ctx: typer.Context,
    number: ChangeArg,
    problem: ProblemArg,
    unlink: Annotated[
        bool, typer.Option("--unlink", help=N_("It does not fix it after all: remove the link."))
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Link the change to the problem it fixes (the problem names it as its fix)."""
    from itsm_tui.workflow.changes.fixes import link_problem, unlink_problem

    st = state(ctx)
    step = unlink_problem if unlink else link_problem
    _done(st, step(st.site, st.actor(), number, problem), as_json)


@app.command("risk")
def risk(ctx: typer.Context, number: ChangeArg, as_json: JsonOpt = False) -> None:
    """The risk with each factor's contribution: as assessed and as it stands now."""
    from itsm_tui.common.changes import FACTOR_LABELS
    from itsm_tui.common.i18n import _
    from itsm_tui.workflow.changes import risk as risks

    st = state(ctx)
    report = risks.explain(st.site, st.actor(), number)
    if as_json:
        print_object(report)
        return
    for title, found in ((N_("assessed"), report.assessed), (N_("now"), report.now)):
        if found is None:
            say(_("{title}: not assessed").format(title=_(title)))
            continue
        say(
            _("{title}: {level} ({score})").format(
                title=_(title), level=found.level, score=found.score
            )
            + (_(" — walk cut off") if found.truncated else "")
        )
        print_table(
            ["points", N_("factor"), N_("count"), "weight", N_("what")],
            [
                (f.points, _(FACTOR_LABELS[f.factor]), f.count, f.weight, ", ".join(f.detail[:5]))
                for f in found.factors
            ],
        )


@app.command("conflicts")
def conflicts(ctx: typer.Context, number: ChangeArg, as_json: JsonOpt = False) -> None:
    """Scheduled changes whose windows overlap this one's on related CIs, and why."""
    from itsm_tui.workflow.changes import conflicts as found

    st = state(ctx)
    rows = found.change_conflicts(st.site, st.actor(), number)
    if as_json:
        print_list(rows)
        return
    zone = st.settings.zone
    print_table(
        ["number", "status", N_("window"), "why"],
        [(c.number, c.status, local(c.window_start, zone), c.why) for c in rows],
    )


@app.command("suspects")
def suspects(ctx: typer.Context, number: ChangeArg, as_json: JsonOpt = False) -> None:
    """Incidents on the change's CIs during and just after its window: possibly caused by it."""
    from itsm_tui.workflow.changes import watch

    st = state(ctx)
    rows = watch.possibly_caused(st.site, st.actor(), number)
    if as_json:
        print_list(rows)
        return
    print_table(
        ["number", "opened", "CI", "title"],
        [(s.number, local(s.opened_at, st.settings.zone), s.ci, s.title) for s in rows],
    )


@app.command("calendar")
def calendar(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, max=92, help=N_("How many days ahead."))] = 30,
    as_json: JsonOpt = False,
) -> None:
    """The forward schedule of change: the next days' changes per service, conflicts and
    freezes marked."""
    from itsm_tui.workflow.changes import fsc

    st = state(ctx)
    schedule = fsc.forward_schedule(st.site, st.actor(), days=days)
    if as_json:
        print_object(schedule)
        return
    zone = st.settings.zone
    by_number = {p.number: p for p in schedule.changes}
    for f in schedule.freezes:
        say(
            _("freeze {name}: {start} – {end}").format(
                name=f.name, start=local(f.starts_at, zone), end=local(f.ends_at, zone)
            )
        )
    for service, numbers in schedule.by_service.items():
        say(f"\n{service}")
        print_table(
            [N_("window"), "number", N_("type"), "status", "risk", N_("marks"), "title"],
            [
                (
                    local(by_number[n].window_start, zone),
                    n,
                    by_number[n].type,
                    by_number[n].status,
                    by_number[n].risk_level,
                    " ".join(
                        [f"conflict:{c}" for c in by_number[n].conflicts]
                        + ([f"freeze:{by_number[n].freeze}"] if by_number[n].freeze else [])
                    ),
                    by_number[n].title,
                )
                for n in numbers
            ],
        )


@freeze_app.command("list")
def freeze_list(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, max=3660, help=N_("How many days ahead."))] = 366,
    as_json: JsonOpt = False,
) -> None:
    """The freeze windows from now on."""
    from itsm_tui.workflow.changes import freeze

    st = state(ctx)
    rows = freeze.list_freezes(st.site, st.actor(), days=days)
    if as_json:
        print_list(rows)
        return
    zone = st.settings.zone
    print_table(
        ["id", "name", "from", "to", "reason"],
        [(f.id, f.name, local(f.starts_at, zone), local(f.ends_at, zone), f.reason) for f in rows],
    )


@freeze_app.command("add")
def freeze_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="e.g. 全国两会.")],
    start: Annotated[str, typer.Option(metavar="'YYYY-MM-DD HH:MM'")],
    end: Annotated[str, typer.Option(metavar="'YYYY-MM-DD HH:MM'")],
    reason: Annotated[str, typer.Option()] = "",
    as_json: JsonOpt = False,
) -> None:
    """Add a freeze window (times in the site's zone)."""
    from itsm_tui.workflow.changes import freeze

    st = state(ctx)
    times = _times(st, start, end)
    row = freeze.add_freeze(
        st.site, st.actor(), name, times["window_start"], times["window_end"], reason=reason
    )
    print_object(row) if as_json else say(f"#{row.id} {row.name}")


@freeze_app.command("remove")
def freeze_remove(
    ctx: typer.Context,
    freeze_id: Annotated[
        int,
        typer.Argument(metavar="ID", help=N_("The freeze's number, as freeze list shows it.")),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Remove a freeze window (a supervisor's step, journaled)."""
    from itsm_tui.workflow.changes import freeze

    st = state(ctx)
    row = freeze.remove_freeze(st.site, st.actor(), freeze_id)
    if as_json:
        print_object(row)
        return
    zone = st.settings.zone
    say(
        _("Removed freeze #{id} {name}: {start} – {end}").format(
            id=row.id, name=row.name, start=local(row.starts_at, zone), end=local(row.ends_at, zone)
        )
    )


@freeze_app.command("import")
def freeze_import(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help=N_("A TOML file of [[freeze]] tables."))],
    as_json: JsonOpt = False,
) -> None:
    """Import freeze windows from TOML (all or nothing); a holiday's span comes from the
    office calendar."""
    from itsm_tui.common.errors import Invalid
    from itsm_tui.workflow.changes import freeze

    st = state(ctx)
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(
            "{path}: cannot read it: {error}", field="file", path=str(path), error=exc
        ) from None
    rows = freeze.import_freezes(st.site, st.actor(), str(path), content)
    if as_json:  # what an import did, as the other imports print it: an object
        print_object({"imported": len(rows), "freezes": rows})
        return
    zone = st.settings.zone
    for f in rows:
        say(f"#{f.id} {f.name}: {local(f.starts_at, zone)} – {local(f.ends_at, zone)}")
