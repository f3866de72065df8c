"""``itsm sla``: deadlines, calendar arithmetic, a ticket's clocks, policies and calendars;
``itsm alerts`` (the SLA inbox) and ``itsm scheduler`` (the periodic jobs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from itsm_tui.cli.common import JsonOpt, NumberArg
from itsm_tui.cli.output import local, print_fields, print_list, print_object, print_table, say
from itsm_tui.cli.state import state
from itsm_tui.common.domain import PRIORITY_LEVELS
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_, _

if TYPE_CHECKING:
    from itsm_tui.workflow.sla.service import SlaStatus

app = typer.Typer(
    help=N_("Service levels: deadlines, business calendars, policies, ticket clocks.")
)
calendar_app = typer.Typer(
    help=N_("Business calendars: show hours and days off, import overrides.")
)
policy_app = typer.Typer(help=N_("SLA policies: targets, calendars, escalation ladders, budgets."))
app.add_typer(calendar_app, name="calendar")
app.add_typer(policy_app, name="policy")
alerts_app = typer.Typer(help=N_("The alert inbox: SLA warnings and breaches, and flags."))


def _priority(text: str) -> int:
    value = text.upper().removeprefix("P")
    if not value.isdigit() or int(value) not in PRIORITY_LEVELS:
        raise Invalid("priority must be P1 … P5, not {text!r}.", field="priority", text=text)
    return int(value)


@app.command("deadline")
def deadline(
    ctx: typer.Context,
    priority: Annotated[str, typer.Option("--priority", help=N_("P1 … P5."))],
    start: Annotated[str, typer.Option("--from", help=N_("Opening time, ISO 8601."))],
    category: Annotated[str | None, typer.Option(help=N_("Category code (policy lookup)."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """What-if: the response and resolution due times of a ticket opened at --from."""
    from itsm_tui.workflow.sla import service as sla

    st = state(ctx)
    d = sla.deadline(st.site, st.actor(), _priority(priority), start, category=category)
    if as_json:
        print_object(d)
        return
    zone = st.settings.zone
    print_fields(
        [
            (
                N_("policy"),
                _("{policy} on the {calendar} calendar").format(
                    policy=d.policy, calendar=d.calendar
                ),
            ),
            (N_("opened"), local(d.opened_at, zone)),
            (
                N_("response due"),
                _("{due}  ({response_minutes} min)").format(
                    due=local(d.response_due_at, zone), response_minutes=d.response_minutes
                ),
            ),
            (
                N_("resolution due"),
                _("{due}  ({resolution_minutes} min)").format(
                    due=local(d.resolution_due_at, zone), resolution_minutes=d.resolution_minutes
                ),
            ),
        ]
    )


@app.command("calc")
def calc(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help=N_("ISO 8601; no offset: calendar zone."))],
    calendar: Annotated[str, typer.Option(help=N_("office or 24x7."))] = "office",
    minutes: Annotated[int | None, typer.Option(help=N_("Business minutes to add."))] = None,
    end: Annotated[str | None, typer.Option("--to", help=N_("Count business minutes to."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """Business-calendar arithmetic: --from + --minutes, or minutes from --from to --to."""
    from itsm_tui.workflow.sla import service as sla

    st = state(ctx)
    c = sla.calc(st.site, st.actor(), calendar, start, minutes=minutes, end=end)
    if as_json:
        print_object(c)
        return
    zone = st.settings.zone
    say(
        _("{start} → {end}: {minutes} business minutes").format(
            start=local(c.start, zone), end=local(c.end, zone), minutes=c.minutes
        )
    )
    print_table(
        [N_("from"), N_("to"), N_("counted"), N_("why")],
        [(local(s.start, zone), local(s.end, zone), s.minutes, s.reason) for s in c.segments],
    )


def _print_status(status: SlaStatus, zone: Any, timeline: bool) -> None:
    budget = status.tier_budget_minutes
    print_fields(
        [
            (
                N_("ticket"),
                _("{number}  P{priority}  policy {policy}").format(
                    number=status.number, priority=status.priority, policy=status.policy
                ),
            ),
            (N_("calendar"), status.calendar),
            (N_("state"), status.state),
            (
                N_("tier"),
                _("{tier} since {since}, {tier_elapsed_minutes} min").format(
                    tier=status.tier,
                    since=local(status.tier_since, zone),
                    tier_elapsed_minutes=status.tier_elapsed_minutes,
                )
                + (_(" of {budget}").format(budget=budget) if budget else ""),
            ),
        ]
    )
    for clock in status.clocks:
        left = clock.target_minutes - clock.elapsed_minutes
        say(
            _(
                "\n{name}: {elapsed_minutes} of {target_minutes} business min ({left} left), "
                "due {due}, {state}"
            ).format(
                name=clock.name,
                elapsed_minutes=clock.elapsed_minutes,
                target_minutes=clock.target_minutes,
                left=left,
                due=local(clock.due_at, zone) or _("— (paused)"),
                state=clock.state,
            )
        )
        if timeline:
            print_table(
                [N_("from"), N_("to"), N_("counted"), N_("why")],
                [
                    (local(r["start"], zone), local(r["end"], zone), r["counted"], r["why"])
                    for r in clock.segments
                ],
            )
    if status.skipped_days:
        say(_("\nholidays skipped: {days}").format(days="; ".join(status.skipped_days)))
    say("")
    print_table(
        [N_("threshold"), N_("at"), N_("done"), N_("notifies")],
        [
            (t.kind, local(t.at, zone), "yes" if t.fired else "", ", ".join(t.notifies))
            for t in status.thresholds
        ],
    )
    nxt = status.next_threshold
    if nxt:
        say(
            _("\nnext: {kind} at {at} → {whom}").format(
                kind=nxt.kind, at=local(nxt.at, zone), whom=", ".join(nxt.notifies) or _("nobody")
            )
        )


@app.command("status")
def status_cmd(ctx: typer.Context, number: NumberArg, as_json: JsonOpt = False) -> None:
    """A ticket's clocks: elapsed, due, paused or not, thresholds and whom they notify."""
    from itsm_tui.workflow.sla import service as sla

    st = state(ctx)
    status = sla.ticket_status(st.site, st.actor(), number)
    if as_json:
        print_object(status)
        return
    _print_status(status, st.settings.zone, timeline=False)


@app.command("explain")
def explain(ctx: typer.Context, number: NumberArg, as_json: JsonOpt = False) -> None:
    """Each clock as a timeline: what counted, the pauses, time outside hours, holidays."""
    from itsm_tui.workflow.sla import service as sla

    st = state(ctx)
    status = sla.ticket_status(st.site, st.actor(), number)
    if as_json:
        print_object(status)
        return
    _print_status(status, st.settings.zone, timeline=True)


@calendar_app.command("show")
def calendar_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("office or 24x7."))] = "office",
    year: Annotated[int | None, typer.Option(help=N_("Year of days off to list."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """Working hours, zone, the year's holidays and make-up days (site overrides applied)."""
    from itsm_tui.workflow.sla import service as sla

    st = state(ctx)
    info = sla.show_calendar(st.site, st.actor(), name, year)
    if as_json:
        print_object(info)
        return
    print_fields(
        [("calendar", info.name), ("zone", info.zone)]
        + [(day, ", ".join(spans)) for day, spans in info.hours.items()]
    )
    rows = [(d, "holiday", n) for d, n in info.holidays.items()]
    rows += [(d, "make-up working day", n) for d, n in info.workdays.items()]
    if rows:
        say(f"\n{info.year}:")
        print_table([N_("date"), N_("kind"), N_("name")], sorted(rows))


@calendar_app.command("import")
def calendar_import(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help=N_("TOML: [holidays], [workdays], not_holidays."))],
    as_json: JsonOpt = False,
) -> None:
    """Replace the site's holiday overrides from a TOML file; open tickets are recomputed."""
    from itsm_tui.workflow.sla import service as sla

    st = state(ctx)
    value = sla.import_calendar(st.site, st.actor(), file)
    if as_json:
        print_object(value)
        return
    say(
        _(
            "Imported {holidays} holidays, {workdays} make-up days, {not_holidays} worked "
            "official holidays."
        ).format(
            holidays=len(value["holidays"]),
            workdays=len(value["workdays"]),
            not_holidays=len(value["not_holidays"]),
        )
    )


@policy_app.command("show")
def policy_show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every SLA policy."""
    from itsm_tui.workflow.sla import service as sla

    st = state(ctx)
    data = sla.show_policies(st.site, st.actor())
    if as_json:
        print_object(data)
        return
    rows = []
    for p in data["policies"]:
        key = f"P{p['priority']}" + (f" {p['category'] or ''}{p['service'] or ''}")
        ladder = " ".join(f"{s['percent']}%:{'+'.join(s['targets'])}" for s in p["ladder"])
        budgets = " ".join(f"t{k}={v}" for k, v in p["tier_budgets"].items())
        rows.append(
            (
                key.strip(),
                p["response"],
                p["resolution"],
                p["calendar"],
                ladder,
                budgets + (" auto" if p["auto_escalate"] and budgets else ""),
            )
        )
    print_table(
        [
            N_("policy"),
            N_("response"),
            N_("resolution"),
            N_("calendar"),
            N_("ladder"),
            N_("tier budgets"),
        ],
        rows,
    )
    say(
        _("managers: {managers}").format(
            managers=", ".join(data["managers"]) or _("(every supervisor)")
        )
    )


def _pairs(values: list[str], name: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep:
            raise Invalid(
                "--{name} takes TIER=VALUE, not {item!r}.", field=name, name=name, item=item
            )
        result[key.strip()] = int(value) if value.strip().isdigit() else value.strip()
    return result


@policy_app.command("set")
def policy_set(
    ctx: typer.Context,
    priority: Annotated[str, typer.Option("--priority", help=N_("P1 … P5."))],
    response: Annotated[int | None, typer.Option(help=N_("Response target, minutes."))] = None,
    resolution: Annotated[int | None, typer.Option(help=N_("Resolution target, minutes."))] = None,
    calendar: Annotated[str | None, typer.Option(help=N_("office or 24x7."))] = None,
    category: Annotated[str | None, typer.Option(help=N_("Only for this category code."))] = None,
    service: Annotated[str | None, typer.Option(help=N_("Only for tickets on this CI."))] = None,
    budget: Annotated[
        list[str], typer.Option("--tier-budget", help=N_("TIER=MINUTES, e.g. 1=60; repeat."))
    ] = [],  # noqa: B006
    auto_escalate: Annotated[
        bool | None, typer.Option("--auto-escalate/--no-auto-escalate")
    ] = None,
    group: Annotated[
        list[str], typer.Option("--escalate-to", help=N_("TIER=GROUP, e.g. 2=server; repeat."))
    ] = [],  # noqa: B006
    file: Annotated[
        str | None, typer.Option("--file", help=N_("Replace every policy from a TOML file."))
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change one policy (open tickets are recomputed), or all of them with --file."""
    from itsm_tui.workflow.sla import service as sla

    st = state(ctx)
    if file:
        count = sla.replace_policies(st.site, st.actor(), sla.load_toml(file, "policy"), file)
        if as_json:  # the changed object: every policy, as ``policy show`` prints them
            print_object(sla.show_policies(st.site, st.actor()))
        else:
            say(_("Policies replaced; {count} open tickets recomputed.").format(count=count))
        return
    changes: dict[str, Any] = {
        "response": response,
        "resolution": resolution,
        "calendar": calendar,
        "category": category,
        "service": service,
        "auto_escalate": auto_escalate,
    }
    if budget:
        changes["tier_budgets"] = _pairs(budget, "tier-budget")
    if group:
        changes["escalation_groups"] = _pairs(group, "escalate-to")
    policy = sla.set_policy(st.site, st.actor(), _priority(priority), changes)
    if as_json:
        print_object(policy)
        return
    say(
        _(
            "P{priority}: response {response} min, resolution {resolution} min on {calendar}."
        ).format(
            priority=policy["priority"],
            response=policy["response"],
            resolution=policy["resolution"],
            calendar=policy["calendar"],
        )
    )


@alerts_app.command("list")
def alerts_list(
    ctx: typer.Context,
    mine: Annotated[bool, typer.Option("--mine", help=N_("Only alerts addressed to me."))] = False,
    after: Annotated[
        int,
        typer.Option(
            "--after", "--since", help=N_("Only alerts after this id (the previous page's next).")
        ),
    ] = 0,
    limit: Annotated[int, typer.Option(help=N_("Rows per page (1 to 500)."))] = 100,
    as_json: JsonOpt = False,
) -> None:
    """Alerts (SLA thresholds and flags), oldest first (supervisors: everyone's unless --mine)."""
    from itsm_tui.workflow.sla import alerts

    st = state(ctx)
    probe = limit + 1 if limit < alerts.MAX_ALERTS else limit  # one more: is there a next page?
    found = alerts.list_alerts(st.site, st.actor(), mine=mine, since_id=after, limit=probe)
    rows = found[:limit]
    next_after = rows[-1].id if len(found) > limit or len(rows) == alerts.MAX_ALERTS else None
    if as_json:
        print_list(rows, next_after)
        return
    zone = st.settings.zone
    print_table(
        [N_("id"), N_("at"), N_("ticket"), N_("kind"), N_("to"), N_("as"), N_("message")],
        [
            (a.id, local(a.created_at, zone), a.ticket, a.kind, a.staff, a.target, a.message)
            for a in rows
        ],
    )
    if next_after is not None:
        say(
            _("{count} shown, more: --after {next_after}").format(
                count=len(rows), next_after=next_after
            )
        )


def scheduler(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help=N_("Run every job once and exit."))] = False,
) -> None:
    """Run the periodic jobs (SLA scan, notifications, auto-close, inspection rounds) until
    SIGTERM."""
    import logging

    from itsm_tui.scheduler import jobs as sched  # deferred: APScheduler only for this command
    from itsm_tui.workflow.admin import authorise_scheduler

    st = state(ctx)
    authorise_scheduler(st.site, st.actor())  # it acts as the system: admins only
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    sched.run(st.site, once=once)
