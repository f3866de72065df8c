"""``itsm ci``: configuration items, relationships, impact analysis, bulk import and export."""

from __future__ import annotations

import io
import os
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO, cast

import typer

from itsm_tui.cli.common import JsonOpt, QuietOpt
from itsm_tui.cli.ids import AfterOpt, reference
from itsm_tui.cli.output import (
    err_console,
    plain,
    print_fields,
    print_list,
    print_object,
    print_table,
    quiet,
    say,
    shown,
)
from itsm_tui.cli.state import state
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_, _, status_text

if TYPE_CHECKING:
    from itsm_tui.workflow.cmdb import CIView

app = typer.Typer(help=N_("Configuration items: search, show, impact, link, import, export."))

CIArg = Annotated[
    str,
    typer.Argument(parser=reference, metavar="CI", help=N_("Asset tag, #id, name or class:name.")),
]
SetOpt = Annotated[
    list[str],
    typer.Option("--set", metavar="FIELD=VALUE", help=N_("A field or class attribute; repeat.")),
]


def _pairs(values: list[str]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise Invalid("--set '{item}' is not FIELD=VALUE.", field="set", item=item)
        out[key.strip()] = value
    return out


def _ci_line(v: CIView) -> str:
    return f"#{v.id} {v.ci_class}:{v.name} v{v.version} {v.status} C{v.criticality}"


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("The CI's name."))],
    ci_class: Annotated[str, typer.Option("--class", help=N_("server, database, … (see docs)."))],
    fields: SetOpt = [],  # noqa: B006
    as_json: JsonOpt = False,
    only_ref: QuietOpt = False,
) -> None:
    """Add one CI: --set status=, criticality=1..4, owner_group=, location=, asset_tag=,
    serial=, ip=, and class attributes (e.g. --set kind=virtual)."""
    from itsm_tui.workflow import cmdb

    st = state(ctx)
    values: dict[str, Any] = _pairs(fields)
    common = {k: values.pop(k) for k in list(values) if k in cmdb_fields()}
    view = cmdb.add_ci(st.site, st.actor(), name, ci_class, **common, attributes=values)
    if only_ref:
        quiet(f"#{view.id}")
    else:
        print_object(view) if as_json else say(_ci_line(view))


def cmdb_fields() -> set[str]:
    return {"status", "criticality", "owner_group", "location", "asset_tag", "serial", "ip"}


@app.command("update")
def update(
    ctx: typer.Context,
    ci: CIArg,
    fields: SetOpt = [],  # noqa: B006
    expect_version: Annotated[
        int | None,
        typer.Option(metavar="N", help=N_("Refuse if the CI is no longer at version N.")),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change fields or attributes of one CI (an empty value clears it)."""
    from itsm_tui.workflow import cmdb

    st = state(ctx)
    view = cmdb.update_ci(st.site, st.actor(), ci, _pairs(fields), expect_version=expect_version)
    print_object(view) if as_json else say(_ci_line(view))


@app.command("search")
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help=N_("Name prefix, asset tag or IP."))] = "",
    ci_class: Annotated[str | None, typer.Option("--class", help=N_("Only this class."))] = None,
    status: Annotated[str | None, typer.Option(help=N_("Only this status."))] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help=N_("Rows per page."))] = 50,
    after: AfterOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find CIs by name prefix, asset tag or IP, by id, one page at a time."""
    from itsm_tui.workflow import cmdb

    st = state(ctx)
    found = cmdb.search_cis(  # one more than shown: is there a next page?
        st.site, st.actor(), text, ci_class=ci_class, status=status, limit=limit + 1, after=after
    )
    rows, more = found[:limit], len(found) > limit
    next_after = rows[-1].id if more else None
    if as_json:
        print_list(rows, next_after)
        return
    print_table(
        [
            N_("id"),
            N_("class"),
            N_("name"),
            N_("status"),
            N_("C"),
            N_("asset tag"),
            N_("ip"),
            N_("owner"),
        ],
        [
            (r.id, r.ci_class, r.name, r.status, r.criticality, r.asset_tag, r.ip, r.owner_group)
            for r in rows
        ],
    )
    if next_after is not None:
        say(
            _("{count} shown, more: --after {next_after}").format(
                count=len(rows), next_after=next_after
            )
        )


@app.command("show")
def show(ctx: typer.Context, ci: CIArg, as_json: JsonOpt = False) -> None:
    """A CI with its attributes, relationships, documents and tickets (open ones first)."""
    from itsm_tui.workflow import cmdb
    from itsm_tui.workflow.cmdb.impact import needs_other
    from itsm_tui.workflow.cmdb.wording import version_label

    st = state(ctx)
    d = cmdb.show_ci(st.site, st.actor(), ci)
    if as_json:
        detail = plain(d)
        print_object(detail.pop("ci"), **detail)
        return
    v = d.ci
    print_fields(
        [
            (
                N_("ci"),
                _("#{id} {name} ({class_label} {ci_class}), version {version}").format(
                    id=v.id,
                    name=v.name,
                    class_label=d.class_label,
                    ci_class=v.ci_class,
                    version=v.version,
                ),
            ),
            (N_("status"), v.status),
            (N_("criticality"), f"{v.criticality} {d.criticality_label}"),
            (N_("owner / location"), f"{v.owner_group or '-'} / {v.location or '-'}"),
            (N_("asset tag / serial"), f"{v.asset_tag or '-'} / {v.serial or '-'}"),
            (N_("ip"), v.ip),
            *((f"  {k}", val) for k, val in sorted(v.attributes.items())),
        ]
    )
    for r in d.relations:  # the console tree's two sides, each relationship as recorded
        arrow = (
            f"{v.name} —{r.type}→ {r.other}"
            if r.direction == "out"
            else (f"{r.other} —{r.type}→ {v.name}")
        )
        side = "depends on" if needs_other(r.type, r.direction == "out") else "used by"
        say(f"{side}: {arrow}")
    for doc in d.documents:
        say(
            _("doc {kind}: {title} {version} {uri}").format(
                kind=doc.kind, title=doc.title, version=version_label(doc.version), uri=doc.uri
            )
        )
    for t in d.tickets:
        say(
            _("ticket {number} {type} P{priority} {state} {title}").format(
                number=t.number,
                type=t.type,
                priority=t.priority,
                state=status_text(t.status),
                title=t.title,
            )
        )
    if d.ticket_count > len(d.tickets):
        say(
            _("({ticket_count} tickets linked in all; the newest {count} shown)").format(
                ticket_count=d.ticket_count, count=len(d.tickets)
            )
        )


@app.command("impact")
def impact(
    ctx: typer.Context,
    cis: Annotated[
        list[str],
        typer.Argument(parser=reference, metavar="CI...", help=N_("CIs down or changing.")),
    ],
    depth: Annotated[int, typer.Option(min=1, max=12, help=N_("Hops to follow."))] = 6,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help=N_("List every CI hit, not only the nearest 200, and never cut off.")
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Business services hit (with the chain why), what the CIs need, open incidents."""
    from itsm_tui.workflow import cmdb
    from itsm_tui.workflow.cmdb.impact import LISTED

    st = state(ctx)
    report = cmdb.analyse(st.site, st.actor(), cis, depth=depth, listed=None if every else LISTED)
    if as_json:
        print_object(report)
        return
    # The console's words and arrows: "used by" / "depends on" as the CI screen's tree, each
    # chain as the relationships are recorded (from what needs to what is needed).
    say(_("business services at stake ({count}):").format(count=len(report.services)))
    for s in report.services:
        chain = s.explanation if s.depth else _("(one of the CIs analysed)")
        say(f"  C{s.criticality} {s.name}: {chain}")
    classes = ", ".join(f"{n} {cls}" for cls, n in report.upstream_classes.items())
    say(
        _("used by, directly or not: {upstream_count} CIs hit").format(
            upstream_count=report.upstream_count
        )
        + (f" ({classes})" if classes else "")
    )
    say(
        _("depends on, directly or not: {downstream_count} CIs").format(
            downstream_count=report.downstream_count
        )
    )
    for d in report.downstream:
        say(_("  {last_hop} (depth {depth})").format(last_hop=d.last_hop, depth=d.depth))
    if len(report.downstream) < report.downstream_count:
        say(
            _("  … and {more} more (--all lists them)").format(
                more=report.downstream_count - len(report.downstream)
            )
        )
    for inc in report.open_incidents:
        on = ", ".join(inc.cis)
        say(
            _("open {number} P{priority} {state} {title} (on {on})").format(
                number=inc.number,
                priority=inc.priority,
                state=status_text(inc.status),
                title=inc.title,
                on=on,
            )
        )
    if report.major_suggested:
        from itsm_tui.workflow.cmdb.impact import reason_texts

        # TRANSLATORS: the separator between the reasons for a major incident.
        shown = _("; ").join(reason_texts(report))
        say(_("major incident suggested: {reasons}").format(reasons=shown))
    if report.truncated:
        say(_("(cut off: the walk reached too many CIs; --all walks them all, or lower --depth)"))


@app.command("link")
def link(
    ctx: typer.Context,
    source: CIArg,
    kind: Annotated[str, typer.Argument(metavar="TYPE", help=N_("runs_on, depends_on, …"))],
    target: Annotated[str, typer.Argument(parser=reference, metavar="TARGET")],
    as_json: JsonOpt = False,
) -> None:
    """Record SOURCE <TYPE> TARGET, e.g. `itsm ci link OA runs_on OA-APP-01`."""
    from itsm_tui.workflow import cmdb

    st = state(ctx)
    view = cmdb.link(st.site, st.actor(), source, kind, target)
    print_object(view) if as_json else say(f"{view.source} —{view.type}→ {view.target}")


@app.command("unlink")
def unlink(
    ctx: typer.Context,
    source: CIArg,
    kind: Annotated[str, typer.Argument(metavar="TYPE")],
    target: Annotated[str, typer.Argument(parser=reference, metavar="TARGET")],
    as_json: JsonOpt = False,
) -> None:
    """Remove the relationship SOURCE <TYPE> TARGET."""
    from itsm_tui.workflow import cmdb

    st = state(ctx)
    view = cmdb.unlink(st.site, st.actor(), source, kind, target)
    print_object(view) if as_json else say(
        _("removed {source} —{type}→ {target}").format(
            source=view.source, type=view.type, target=view.target
        )
    )


@app.command("attach")
def attach(
    ctx: typer.Context,
    ci: CIArg,
    kind: Annotated[
        str, typer.Option(help=N_("manual, code_repository, contract, design, other."))
    ],
    title: Annotated[str, typer.Option(help=N_("The document's title."))],
    version: Annotated[str, typer.Option(help=N_("Its version (a new version keeps the old)."))],
    uri: Annotated[str, typer.Option(help=N_("Where it is (URL, path, repository)."))] = "",
    as_json: JsonOpt = False,
) -> None:
    """Attach a version of a manual, code repository or contract to a CI (代码文档管理)."""
    from itsm_tui.workflow import cmdb
    from itsm_tui.workflow.cmdb.wording import version_label

    st = state(ctx)
    doc = cmdb.attach_document(st.site, st.actor(), ci, kind, title, version, uri=uri)
    if as_json:
        print_object(doc)
    else:
        say(
            _("attached {kind} {title} {version}").format(
                kind=doc.kind, title=doc.title, version=version_label(doc.version)
            )
        )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("CSV or JSON file of CIs or relationships."))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Report, write nothing."))] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help=N_("Import the good rows, report the bad."))
    ] = False,
    encoding: Annotated[
        str | None, typer.Option(help=N_("utf-8, utf-8-sig, gb18030 … (default: detected)."))
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help=N_("csv or json."))] = None,
    kind: Annotated[
        str | None, typer.Option(help=N_("cis or relations (default: from the columns)."))
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Upsert CIs (key: asset tag, else class+name) or relationships, all or nothing."""
    from itsm_tui.workflow.cmdb import importing

    st = state(ctx)
    actor = st.actor()
    if dry_run:
        summary = importing.dry_run(
            st.site, actor, str(file), encoding=encoding, fmt=fmt, kind=kind
        )
    else:
        with _progress(not as_json) as progress:
            summary = importing.import_file(
                st.site,
                actor,
                str(file),
                encoding=encoding,
                fmt=fmt,
                kind=kind,
                skip_invalid=skip_invalid,
                progress=progress,
            )
    if as_json:
        print_object(summary)
        return
    verb = _("would be") if summary.dry_run else _("were")
    say(
        _(
            "{file} ({kind}, {format}, {encoding}): {rows} rows — {created} created, "
            "{updated} updated, {unchanged} unchanged, {count} invalid ({verb} skipped)"
        ).format(
            file=summary.file,
            kind=summary.kind,
            format=summary.format,
            encoding=summary.encoding,
            rows=summary.rows,
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
            count=len(summary.errors),
            verb=verb,
        )
    )
    for error in summary.errors:
        say(f"  {error.text()}")
    if summary.errors and summary.dry_run:
        raise typer.Exit(1)


class _progress:
    """A rich progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, wanted: bool) -> None:
        self.enabled = wanted and sys.stderr.isatty()
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.progress import Progress

        self.bar = Progress(console=err_console(), transient=True)
        self.bar.start()
        task = self.bar.add_task("importing", total=None)

        def update(done: int, total: int) -> None:
            self.bar.update(task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command("export")
def export(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=N_("File to write (default: stdout)."))
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help=N_("csv or json."))] = "csv",
    kind: Annotated[str, typer.Option(help=N_("cis or relations."))] = "cis",
    ci_class: Annotated[str | None, typer.Option("--class", help=N_("Only this class."))] = None,
) -> None:
    """Write CIs or relationships as CSV (formula-safe) or JSON (the file formats ``ci import``
    reads, not the JSON envelope of the other commands)."""
    from itsm_tui.workflow.cmdb import exporting

    st = state(ctx)
    actor = st.actor()
    run = partial(exporting.export, st.site, actor, fmt=fmt, kind=kind, ci_class=ci_class)
    if output is None:
        run(_shown(sys.stdout))
        return
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    if output.exists() and not output.is_file():  # a terminal or a pipe named by its path
        with output.open("w", encoding=encoding, newline="") as out:
            count = run(_shown(out))
    else:  # a file: replaced whole once the export succeeded, never left half-written
        scratch = output.with_name(f".{output.name}.{os.getpid()}.partial")
        try:
            with scratch.open("w", encoding=encoding, newline="") as out:
                count = run(out)
            os.replace(scratch, output)
        finally:
            scratch.unlink(missing_ok=True)
    err_console().print(
        shown(_("{count} rows written to {output}").format(count=count, output=output)),
        soft_wrap=True,
    )


def _shown(out: TextIO) -> TextIO:
    """``out`` as it is for a file or a pipe (the data exactly, for ``ci import``); for a
    terminal, a writer that escapes what the terminal would act on, as every other view does:
    a CI named ``ctl\\x1b]0;pwned\\x07\\x1b[2J`` must not retitle and clear the screen."""
    return cast(TextIO, _TerminalWriter(out)) if out.isatty() else out


class _TerminalWriter(io.TextIOBase):
    """Writes each chunk with its controls escaped. The CSV writer hands over one whole row a
    call, ending in CR LF: that row end stays a line end; a CR inside a cell is shown escaped."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        ends = text.endswith("\r\n")
        body = text[:-2] if ends else text
        self._out.write(shown(body) + ("\n" if ends else ""))
        return len(text)

    def flush(self) -> None:
        self._out.flush()
