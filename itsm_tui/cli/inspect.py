"""``itsm inspect``: machine-room inspections — checklists, schedules, rounds, history, and
sensor readings.

A sensor script answers the numeric items of the current round with ``itsm inspect reading add
--ci UPS-01 --item battery_temp --value 31.5`` (or many at once from a CSV file with
``reading import``); every read command takes ``--json``.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from itsm_tui.cli.common import JsonOpt
from itsm_tui.cli.output import (
    err_console,
    local,
    print_fields,
    print_list,
    print_object,
    print_table,
    say,
    shown,
)
from itsm_tui.cli.state import state
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_, _

if TYPE_CHECKING:
    from itsm_tui.workflow.inspections.views import AnswerResult, RoundView, Summary

app = typer.Typer(help=N_("Machine-room inspections: checklists, schedules, rounds, history."))
template_app = typer.Typer(help=N_("Checklists: import and export (TOML or YAML), list, show."))
schedule_app = typer.Typer(help=N_("When which checklist runs, for which group."))
round_app = typer.Typer(help=N_("Rounds: start, list, show, answer, complete."))
reading_app = typer.Typer(help=N_("Sensor readings into the current round."))
app.add_typer(template_app, name="template")
app.add_typer(schedule_app, name="schedule")
app.add_typer(round_app, name="round")
app.add_typer(reading_app, name="reading")

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", help=N_("toml or yaml (default: from the file's suffix, else toml).")
    ),
]
RoundArg = Annotated[
    str, typer.Argument(metavar="ROUND", help=N_("Round number (RND000012 or 12)."))
]


def _zone(ctx: typer.Context) -> Any:
    return state(ctx).site.settings.zone


# ---------------------------------------------------------------------- templates
@template_app.command("import")
def template_import(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help=N_("The checklist as TOML, or YAML if named .yaml or .yml."))
    ],
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a checklist: a new version if it changed, nothing if not; all or nothing, every
    problem reported with its line."""
    from itsm_tui.workflow.inspections import templates

    st = state(ctx)
    result = templates.import_template(st.site, st.actor(), file, format=fmt)
    if as_json:
        print_object(result)
    elif result.created:
        say(
            _("{code} version {version}: {count} items").format(
                code=result.code, version=result.version, count=result.item_count
            )
        )
    else:
        say(
            _("{code} version {version} unchanged").format(code=result.code, version=result.version)
        )


@template_app.command("export")
def template_export(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=N_("The checklist's code."))],
    version: Annotated[
        int | None, typer.Option(help=N_("A version (default: the newest)."))
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=N_("File to write (default: stdout)."))
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Write a checklist as the TOML (or YAML) file it is imported from."""
    from itsm_tui.workflow.inspections import templates
    from itsm_tui.workflow.inspections.spec import is_yaml

    st = state(ctx)
    chosen = fmt or ("yaml" if output is not None and is_yaml(output.name) else "toml")
    text = templates.export_template(st.site, st.actor(), code, version, format=chosen)
    if output is None:
        sys.stdout.write(shown(text) if sys.stdout.isatty() else text)
        return
    scratch = output.with_name(f".{output.name}.{os.getpid()}.partial")
    try:
        scratch.write_text(text, encoding="utf-8")
        os.replace(scratch, output)
    finally:
        scratch.unlink(missing_ok=True)
    err_console().print(shown(f"{code} written to {output}"), soft_wrap=True)


@template_app.command("list")
def template_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every checklist, newest version."""
    from itsm_tui.workflow.inspections import templates

    st = state(ctx)
    rows = templates.list_templates(st.site, st.actor())
    if as_json:
        print_list(rows)
        return
    zone = st.site.settings.zone
    print_table(
        ["code", N_("version"), N_("items"), "name", N_("since")],
        [(r.code, r.version, r.item_count, r.name, local(r.created_at, zone)) for r in rows],
    )


@template_app.command("show")
def template_show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=N_("The checklist's code."))],
    version: Annotated[
        int | None, typer.Option(help=N_("A version (default: the newest)."))
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """A checklist's items, section by section."""
    from itsm_tui.workflow.inspections import templates
    from itsm_tui.workflow.inspections.judging import Limits, range_text

    st = state(ctx)
    spec = templates.show_template(st.site, st.actor(), code, version)
    if as_json:
        print_object(spec)
        return
    say(f"{spec.code}: {spec.name}")
    rows = []
    for i in spec.checks:
        limits = Limits(i.kind, i.unit, *i.normal, *i.warn, i.choices, i.failing)
        rows.append((i.section, i.key, i.kind.value, i.label, i.ci or "", range_text(limits)))
    print_table([N_("section"), N_("key"), "kind", N_("label"), "CI", N_("range")], rows)


# ---------------------------------------------------------------------- schedules
@schedule_app.command("add")
def schedule_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=N_("The schedule's code."))],
    template: Annotated[str, typer.Option(help=N_("The checklist's code."))],
    group: Annotated[str, typer.Option(help=N_("The group that runs it."))],
    cron: Annotated[str, typer.Option(help=N_("When, in the site's zone: '0 9,16 * * *'."))],
    calendar: Annotated[
        str | None, typer.Option(help=N_("Only on working days of this calendar (office)."))
    ] = None,
    due_minutes: Annotated[int, typer.Option(help=N_("Due this long after the slot."))] = 120,
    grace_minutes: Annotated[int, typer.Option(help=N_("Then alert after this grace."))] = 30,
    as_json: JsonOpt = False,
) -> None:
    """Schedule a checklist (cron arithmetic by APScheduler's cron trigger)."""
    from itsm_tui.scheduler.cron import CRON
    from itsm_tui.workflow.inspections import schedules

    st = state(ctx)
    row = schedules.add_schedule(
        st.site,
        st.actor(),
        CRON,
        code,
        template,
        group,
        cron,
        calendar=calendar,
        due_minutes=due_minutes,
        grace_minutes=grace_minutes,
    )
    print_object(row) if as_json else say(
        _("{code}: {template} at '{cron}'").format(
            code=row.code, template=row.template, cron=row.cron
        )
    )


@schedule_app.command("list")
def schedule_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every schedule."""
    from itsm_tui.workflow.inspections import schedules

    st = state(ctx)
    rows = schedules.list_schedules(st.site, st.actor())
    if as_json:
        print_list(rows)
        return
    print_table(
        ["code", N_("template"), "group", N_("cron"), "calendar", "due", N_("grace"), "active"],
        [
            (
                r.code,
                r.template,
                r.group,
                r.cron,
                r.calendar or "",
                r.due_minutes,
                r.grace_minutes,
                "yes" if r.active else "paused",
            )
            for r in rows
        ],
    )


@schedule_app.command("pause")
def schedule_pause(ctx: typer.Context, code: str, as_json: JsonOpt = False) -> None:
    """Stop making rounds for a schedule."""
    from itsm_tui.workflow.inspections import schedules

    st = state(ctx)
    row = schedules.pause_schedule(st.site, st.actor(), code)
    print_object(row) if as_json else say(_("{code} paused").format(code=row.code))


@schedule_app.command("resume")
def schedule_resume(ctx: typer.Context, code: str, as_json: JsonOpt = False) -> None:
    """Make rounds again, from now (the slots missed while paused are not made up)."""
    from itsm_tui.workflow.inspections import schedules

    st = state(ctx)
    row = schedules.resume_schedule(st.site, st.actor(), code)
    print_object(row) if as_json else say(_("{code} resumed").format(code=row.code))


@schedule_app.command("run")
def schedule_run(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Create the rounds whose slots have come and alert about overdue ones now (what the
    scheduler does every minute)."""
    from itsm_tui.scheduler.cron import CRON
    from itsm_tui.workflow.inspections import schedules

    st = state(ctx)
    st.actor()  # an operator of this site, as the other commands need
    report = schedules.run_due(st.site, CRON)
    if as_json:
        print_object(report)
        return
    say(
        _("{created} rounds created ({late} late), {alerted} overdue alerted").format(
            created=len(report.created), late=report.late, alerted=len(report.alerted)
        )
    )


# ---------------------------------------------------------------------- rounds
def _round_lines(view: RoundView, zone: Any) -> None:
    print_fields(
        [
            (N_("round"), view.number),
            (N_("checklist"), f"{view.template} v{view.template_version} {view.template_name}"),
            ("group", view.group),
            ("status", view.status + (" (late)" if view.late else "")),
            ("due", local(view.due_at, zone)),
            ("completed", f"{local(view.completed_at, zone)} {view.completed_by or ''}".strip()),
            (N_("incidents"), ", ".join(view.incidents)),
        ]
    )
    from itsm_tui.workflow.inspections.judging import range_text

    rows = []
    for item in view.checks:
        a = item.answer
        answer = "" if a is None else (f"{a.value:g}" if a.value is not None else a.text)
        rows.append(
            (
                item.section,
                item.key,
                item.label,
                item.ci or "",
                range_text(item.limits),
                a.outcome if a else "-",
                answer,
                a.note if a else "",
            )
        )
    print_table(
        [
            N_("section"),
            N_("key"),
            N_("item"),
            "CI",
            N_("range"),
            N_("outcome"),
            N_("answer"),
            "note",
        ],
        rows,
    )


@round_app.command("start")
def round_start(
    ctx: typer.Context,
    template: Annotated[str, typer.Argument(help=N_("The checklist's code."))],
    group: Annotated[str | None, typer.Option(help=N_("Default: your first group."))] = None,
    reason: Annotated[str, typer.Option(help=N_("Why now (a power event, a holiday)."))] = "",
    due_minutes: Annotated[int, typer.Option(help=N_("Due this long from now."))] = 120,
    as_json: JsonOpt = False,
) -> None:
    """Start a round now, outside the schedule."""
    from itsm_tui.workflow.inspections import rounds

    st = state(ctx)
    view = rounds.start_round(
        st.site, st.actor(), template, group=group, reason=reason, due_minutes=due_minutes
    )
    if as_json:
        print_object(view)
    else:
        say(
            _("{number}: {template}, {count} items").format(
                number=view.number, template=view.template_name, count=len(view.checks)
            )
        )


@round_app.command("list")
def round_list(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help=N_("open or completed."))] = None,
    group: Annotated[str | None, typer.Option(help=N_("Only this group's."))] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help=N_("Rows per page."))] = 50,
    before: Annotated[
        str | None, typer.Option(metavar="ROUND", help=N_("The page after this round."))
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Rounds, newest first, a page at a time."""
    from itsm_tui.workflow.inspections import rounds

    st = state(ctx)
    found = rounds.list_rounds(
        st.site, st.actor(), status=status, group=group, before=before, limit=limit + 1
    )
    rows, more = found[:limit], len(found) > limit
    next_after = rows[-1].number if more else None
    if as_json:
        print_list(rows, next_after)
        return
    zone = st.site.settings.zone
    print_table(
        [N_("round"), N_("checklist"), "group", "status", N_("slot"), "due", "answered", "late"],
        [
            (
                r.number,
                f"{r.template} v{r.version}",
                r.group,
                r.status,
                local(r.slot_at, zone),
                local(r.due_at, zone),
                f"{r.answered}/{r.item_count}",
                "late" if r.late else "",
            )
            for r in rows
        ],
    )
    if next_after is not None:
        say(
            _("{count} shown, more: --before {next_after}").format(
                count=len(rows), next_after=next_after
            )
        )


@round_app.command("show")
def round_show(
    ctx: typer.Context,
    number: RoundArg,
    section: Annotated[str | None, typer.Option(help=N_("Only this section."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """A round's items with the answers so far."""
    from itsm_tui.workflow.inspections import rounds

    st = state(ctx)
    view = rounds.open_round(st.site, st.actor(), number, section=section)
    if as_json:
        print_object(view)
        return
    _round_lines(view, st.site.settings.zone)


def _answered(result: AnswerResult) -> str:
    value = f" {result.value:g}" if result.value is not None else ""
    tail = f" → {result.incident} ({result.incident_event})" if result.incident else ""
    return f"{result.round} {result.item}:{value} {result.outcome}{tail}"


@round_app.command("answer")
def round_answer(
    ctx: typer.Context,
    number: RoundArg,
    item: Annotated[str, typer.Argument(help=N_("The item's key."))],
    value: Annotated[str, typer.Argument(help=N_("pass, fail, a reading (31.5), a choice, text."))],
    note: Annotated[str, typer.Option(help=N_("What you saw."))] = "",
    replace: Annotated[
        bool, typer.Option("--replace", help=N_("Replace an answer already given."))
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Answer one item (saved at once; a warn or fail opens or notes an incident)."""
    from itsm_tui.workflow.inspections import rounds

    st = state(ctx)
    result = rounds.answer(st.site, st.actor(), number, item, value, note=note, replace=replace)
    print_object(result) if as_json else say(_answered(result))


def _skips(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, reason = value.partition("=")
        if not sep or not key.strip():
            raise Invalid("--skip '{value}' is not KEY=REASON.", field="skip", value=value)
        out[key.strip()] = reason
    return out


def _summary_lines(summary: Summary, zone: Any) -> None:
    say(
        _(
            "{round} completed {at} by {by} ({timing}): {answered} answered — {passed} passed, "
            "{warnings} warnings, {failed} failed, {skipped} skipped"
        ).format(
            round=summary.round,
            at=local(summary.completed_at, zone),
            by=summary.completed_by,
            timing=_("on time") if summary.on_time else _("late"),
            answered=summary.answered,
            passed=summary.passed,
            warnings=summary.warnings,
            failed=summary.failed,
            skipped=len(summary.skipped),
        )
    )
    for key, reason in summary.skipped.items():
        say(_("  skipped {key}: {reason}").format(key=key, reason=reason))
    if summary.incidents:
        say(_("  incidents: {numbers}").format(numbers=", ".join(summary.incidents)))


@round_app.command("complete")
def round_complete(
    ctx: typer.Context,
    number: RoundArg,
    skip: Annotated[
        list[str], typer.Option("--skip", metavar="KEY=REASON", help=N_("Per unanswered item."))
    ] = [],  # noqa: B006
    as_json: JsonOpt = False,
) -> None:
    """Complete a round; every unanswered item needs --skip KEY=REASON."""
    from itsm_tui.workflow.inspections import rounds

    st = state(ctx)
    summary = rounds.complete_round(st.site, st.actor(), number, skipped=_skips(skip))
    print_object(summary) if as_json else _summary_lines(summary, st.site.settings.zone)


# ---------------------------------------------------------------------- history
@app.command("history")
def history(
    ctx: typer.Context,
    ref: Annotated[
        str, typer.Argument(metavar="ITEM-or-CI", help=N_("template.key, key or a CI."))
    ],
    since: Annotated[
        datetime | None, typer.Option(help=N_("From this day (site's zone)."), formats=["%Y-%m-%d"])
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=5000, help=N_("Readings at most."))] = 1000,
    as_csv: Annotated[bool, typer.Option("--csv", help=N_("The readings as CSV."))] = False,
    as_json: JsonOpt = False,
) -> None:
    """An item's or a CI's readings over time (newest first) and failures per month."""
    from itsm_tui.workflow.cmdb.exporting import neutralise as csv_cell
    from itsm_tui.workflow.inspections import history as flow

    st = state(ctx)
    zone = st.site.settings.zone
    start = since.replace(tzinfo=zone) if since is not None else None
    found = flow.history(st.site, st.actor(), ref, since=start, limit=limit)
    if as_json:
        print_list(found.readings)
        return
    if as_csv:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["at", "round", "template", "item", "ci", "outcome", "value", "text"])
        for r in found.readings:
            writer.writerow(
                [
                    local(r.at, zone),
                    r.round,
                    r.template,
                    r.item,
                    csv_cell(r.ci or ""),
                    r.outcome,
                    "" if r.value is None else f"{r.value:g}",
                    csv_cell(r.text),
                ]
            )
        sys.stdout.write(out.getvalue())
        return
    say(_("{subject}: {count} readings").format(subject=found.subject, count=len(found.readings)))
    print_table(
        ["at", N_("round"), N_("item"), "CI", N_("outcome"), "value"],
        [
            (
                local(r.at, zone),
                r.round,
                f"{r.template}.{r.item}",
                r.ci or "",
                r.outcome,
                f"{r.value:g}" if r.value is not None else r.text,
            )
            for r in found.readings
        ],
    )
    if found.failures_by_month:
        say(
            _("failures per month: {months}").format(
                months=", ".join(f"{m} {n}" for m, n in found.failures_by_month.items())
            )
        )


@app.command("failures")
def failures(
    ctx: typer.Context,
    ref: Annotated[
        str, typer.Argument(metavar="ITEM-or-CI", help=N_("template.key, key or a CI."))
    ],
    as_json: JsonOpt = False,
) -> None:
    """Warnings and failures per month of an item or a CI (its last 5000 answers)."""
    from itsm_tui.workflow.inspections import history as flow

    st = state(ctx)
    found = flow.history(st.site, st.actor(), ref, limit=flow.MAX_READINGS)
    if as_json:
        print_object({"subject": found.subject, "failures_by_month": found.failures_by_month})
        return
    print_table([N_("month"), N_("failures")], list(found.failures_by_month.items()))


@app.command("punctuality")
def punctuality(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Rounds completed on time and late, and still overdue, per group."""
    from itsm_tui.workflow.inspections import history as flow

    st = state(ctx)
    rows = flow.punctuality(st.site, st.actor())
    if as_json:
        print_object({"groups": rows})
        return
    print_table(
        ["group", "completed", "on time", "late", N_("overdue open")],
        [(r.group, r.completed, r.on_time, r.late, r.open_overdue) for r in rows],
    )


# ---------------------------------------------------------------------- readings
@reading_app.command("add")
def reading_add(
    ctx: typer.Context,
    ci: Annotated[str, typer.Option(help=N_("The CI read (UPS-01)."))],
    item: Annotated[str, typer.Option(help=N_("The item's key (battery_temp)."))],
    value: Annotated[str, typer.Option(help=N_("The reading (31.5 or '31.5 °C')."))],
    note: Annotated[str, typer.Option(help=N_("A note."))] = "",
    replace: Annotated[
        bool, typer.Option("--replace", help=N_("Replace a reading already given."))
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Answer a numeric item of the newest open round that has it on that CI."""
    from itsm_tui.workflow.inspections import rounds

    st = state(ctx)
    result = rounds.add_reading(st.site, st.actor(), ci, item, value, note=note, replace=replace)
    print_object(result) if as_json else say(_answered(result))


@reading_app.command("import")
def reading_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("CSV with columns ci,item,value[,note]."))],
    replace: Annotated[
        bool, typer.Option("--replace", help=N_("Replace readings already given."))
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Many readings in one go, all or nothing; every bad line reported with its number."""
    from itsm_tui.workflow.inspections import rounds

    st = state(ctx)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(
            "Cannot read {file}: {error}.", field="file", file=str(file), error=exc
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = {"ci", "item", "value"} - set(reader.fieldnames or [])
    if missing:
        raise Invalid(
            "{file} lacks the columns: {columns}.",
            field="file",
            file=str(file),
            columns=", ".join(sorted(missing)),
        )
    rows = [
        rounds.ReadingRow(
            reader.line_num, r["ci"] or "", r["item"] or "", r["value"] or "", r.get("note") or ""
        )
        for r in reader
    ]
    results = rounds.add_readings(st.site, st.actor(), rows, file=str(file), replace=replace)
    if as_json:
        print_object({"file": str(file), "answers": results})
        return
    for result in results:
        say(_answered(result))
