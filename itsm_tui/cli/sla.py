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

if TYPE_CHECKING:
    from itsm_tui.workflow.sla.service import SlaStatus

app = typer.Typer(help="Service levels: deadlines, business calendars, policies, ticket clocks.")
calendar_app = typer.Typer(help="Business calendars: show hours and days off, import overrides.")
policy_app = typer.Typer(help="SLA policies: targets, calendars, escalation ladders, budgets.")
app.add_typer(calendar_app, name="calendar")
app.add_typer(policy_app, name="policy")
alerts_app = typer.Typer(help="The alert inbox: SLA warnings and breaches, and flags.")


def _priority(text: str) -> int:
    value = text.upper().removeprefix("P")
    if not value.isdigit() or int(value) not in PRIORITY_LEVELS:
        raise Invalid("priority must be P1 … P5, not {text!r}.", field="priority", text=text)
    return int(value)


@app.command("deadline")
def deadline(
    ctx: typer.Context,
    priority: Annotated[str, typer.Option("--priority", help="P1 … P5.")],
    start: Annotated[str, typer.Option("--from", help="Opening time, ISO 8601.")],
    category: Annotated[str | None, typer.Option(help="Category code (policy lookup).")] = None,
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
            ("policy", f"{d.policy} on the {d.calendar} calendar"),
            ("opened", local(d.opened_at, zone)),
            ("response due", f"{local(d.response_due_at, zone)}  ({d.response_minutes} min)"),
            (
                "resolution due",
                f"{local(d.resolution_due_at, zone)}  ({d.resolution_minutes} min)",
            ),
        ]
    )


@app.command("calc")
def calc(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="ISO 8601; no offset: calendar zone.")],
    calendar: Annotated[str, typer.Option(help="office or 24x7.")] = "office",
    minutes: Annotated[int | None, typer.Option(help="Business minutes to add.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Count business minutes to.")] = None,
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
    say(f"{local(c.start, zone)} → {local(c.end, zone)}: {c.minutes} business minutes")
    print_table(
        ["from", "to", "counted", "why"],
        [(local(s.start, zone), local(s.end, zone), s.minutes, s.reason) for s in c.segments],
    )


def _print_status(status: SlaStatus, zone: Any, timeline: bool) -> None:
    budget = status.tier_budget_minutes
    print_fields(
        [
            ("ticket", f"{status.number}  P{status.priority}  policy {status.policy}"),
            ("calendar", status.calendar),
            ("state", status.state),
            (
                "tier",
                f"{status.tier} since {local(status.tier_since, zone)}, "
                f"{status.tier_elapsed_minutes} min" + (f" of {budget}" if budget else ""),
            ),
        ]
    )
    for clock in status.clocks:
        left = clock.target_minutes - clock.elapsed_minutes
        say(
            f"\n{clock.name}: {clock.elapsed_minutes} of {clock.target_minutes} business min "
            f"({left} left), due {local(clock.due_at, zone) or '— (paused)'}, {clock.state}"
        )
        if timeline:
            print_table(
                ["from", "to", "counted", "why"],
                [
                    (local(r["start"], zone), local(r["end"], zone), r["counted"], r["why"])
                    for r in clock.segments
                ],
            )
    if status.skipped_days:
        say("\nholidays skipped: " + "; ".join(status.skipped_days))
    say("")
    print_table(
        ["threshold", "at", "done", "notifies"],
        [
            (t.kind, local(t.at, zone), "yes" if t.fired else "", ", ".join(t.notifies))
            for t in status.thresholds
        ],
    )
    nxt = status.next_threshold
    if nxt:
        say(f"\nnext: {nxt.kind} at {local(nxt.at, zone)} → {', '.join(nxt.notifies) or 'nobody'}")


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
    name: Annotated[str, typer.Argument(help="office or 24x7.")] = "office",
    year: Annotated[int | None, typer.Option(help="Year of days off to list.")] = None,
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
        print_table(["date", "kind", "name"], sorted(rows))


@calendar_app.command("import")
def calendar_import(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="TOML: [holidays], [workdays], not_holidays.")],
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
        f"Imported {len(value['holidays'])} holidays, {len(value['workdays'])} make-up days, "
        f"{len(value['not_holidays'])} worked official holidays."
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
    print_table(["policy", "response", "resolution", "calendar", "ladder", "tier budgets"], rows)
    say(f"managers: {', '.join(data['managers']) or '(every supervisor)'}")


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
    priority: Annotated[str, typer.Option("--priority", help="P1 … P5.")],
    response: Annotated[int | None, typer.Option(help="Response target, minutes.")] = None,
    resolution: Annotated[int | None, typer.Option(help="Resolution target, minutes.")] = None,
    calendar: Annotated[str | None, typer.Option(help="office or 24x7.")] = None,
    category: Annotated[str | None, typer.Option(help="Only for this category code.")] = None,
    service: Annotated[str | None, typer.Option(help="Only for tickets on this CI.")] = None,
    budget: Annotated[
        list[str], typer.Option("--tier-budget", help="TIER=MINUTES, e.g. 1=60; repeat.")
    ] = [],  # noqa: B006
    auto_escalate: Annotated[
        bool | None, typer.Option("--auto-escalate/--no-auto-escalate")
    ] = None,
    group: Annotated[
        list[str], typer.Option("--escalate-to", help="TIER=GROUP, e.g. 2=server; repeat.")
    ] = [],  # noqa: B006
    file: Annotated[
        str | None, typer.Option("--file", help="Replace every policy from a TOML file.")
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
            say(f"Policies replaced; {count} open tickets recomputed.")
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
        f"P{policy['priority']}: response {policy['response']} min, resolution "
        f"{policy['resolution']} min on {policy['calendar']}."
    )


@alerts_app.command("list")
def alerts_list(
    ctx: typer.Context,
    mine: Annotated[bool, typer.Option("--mine", help="Only alerts addressed to me.")] = False,
    after: Annotated[
        int,
        typer.Option(
            "--after", "--since", help="Only alerts after this id (the previous page's next)."
        ),
    ] = 0,
    limit: Annotated[int, typer.Option(help="Rows per page (1 to 500).")] = 100,
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
        ["id", "at", "ticket", "kind", "to", "as", "message"],
        [
            (a.id, local(a.created_at, zone), a.ticket, a.kind, a.staff, a.target, a.message)
            for a in rows
        ],
    )
    if next_after is not None:
        say(f"{len(rows)} shown, more: --after {next_after}")


def scheduler(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Run every job once and exit.")] = False,
) -> None:
    """Run the periodic jobs (SLA scan, notifications, auto-close) until SIGTERM."""
    import logging

    from itsm_tui.scheduler import jobs as sched  # deferred: APScheduler only for this command
    from itsm_tui.workflow.admin import authorise_scheduler

    st = state(ctx)
    authorise_scheduler(st.site, st.actor())  # it acts as the system: admins only
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    sched.run(st.site, once=once)
