"""``itsm report``: the KPI report as HTML (or PDF, or JSON for scripts), and the reports the
scheduler and the console keep in the reports folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from itsm_tui.cli.common import JsonOpt
from itsm_tui.cli.ids import AfterOpt
from itsm_tui.cli.output import err_console, local, print_list, print_object, print_table, say
from itsm_tui.cli.state import state
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_, _

app = typer.Typer(help="KPI reports: render the monthly report, list and open the stored ones.")


@app.command("kpi")
def kpi(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(
            help=N_(
                "2026-11 (month), 2026-W48, 2026-Q4, 2026 or 2026-11-05; "
                "default: the last complete month."
            )
        ),
    ] = None,
    first: Annotated[str | None, typer.Option("--from", help=N_("First day, 2026-11-01."))] = None,
    last: Annotated[str | None, typer.Option("--to", help=N_("Last day (included)."))] = None,
    group: Annotated[str | None, typer.Option(help=N_("Only this group (its code)."))] = None,
    tier: Annotated[int | None, typer.Option(min=1, max=3, help=N_("Only this tier."))] = None,
    sections: Annotated[
        str | None,
        typer.Option(
            help=N_("Comma-separated sections to include (default: all), e.g. summary,sla.")
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help=N_("HTML file to write (default: kpi-PERIOD.html).")),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help=N_("Also write a PDF beside it (needs itsm-tui[pdf])."))
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """The KPI report for a period: each figure beside the previous period and the same period
    last year. --json prints every figure instead of the page."""
    from itsm_tui.workflow.kpi.report import kpi_report

    st = state(ctx)
    chosen = _period(st, period, first, last)
    names = [s.strip() for s in sections.split(",") if s.strip()] if sections else None
    report = kpi_report(st.site, st.actor(), chosen, sections=names, group=group, tier=tier)
    data = report.to_json()
    if as_json:
        print_object(data)
        return
    from itsm_tui.reports.files import write_atomically
    from itsm_tui.reports.render import check_pdf, render_html, render_pdf

    if pdf:
        check_pdf()  # before the work: a missing extra is said at once

    target = out or Path(f"kpi-{chosen.key.replace('..', '_to_')}.html")
    with _Progress(N_("Drawing the report")) as progress:
        html = render_html(data, progress=progress)
    write_atomically(target, html.encode("utf-8"))
    say(_("Wrote {path}").format(path=target))
    if pdf:
        with _Progress(N_("Printing the PDF")) as progress:
            document = render_pdf(html)
        written = target.with_suffix(".pdf")
        write_atomically(written, document)
        say(_("Wrote {path}").format(path=written))


def _period(st: Any, period: str | None, first: str | None, last: str | None) -> Any:
    from itsm_tui.workflow.kpi import periods

    if first or last:
        if period or not (first and last):
            raise Invalid(N_("Give either --period, or both --from and --to."), field="period")
        return periods.date_range(first, last)
    if period:
        return periods.parse_period(period)
    today = st.site.clock.now().astimezone(st.settings.zone).date()
    return periods.current(periods.PeriodKind.MONTH, today).previous()


class _Progress:
    """A Rich progress bar on stderr while the report is drawn, when stderr is a terminal."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return None
        from rich.progress import Progress

        self.bar = Progress(console=err_console(), transient=True)
        self.bar.start()
        task = self.bar.add_task(_(self.what), total=None)

        def update(done: int, total: int) -> None:
            self.bar.update(task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command("list")
def list_(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=500, help=N_("Rows per page."))] = 50,
    after: AfterOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The stored reports, newest first: the scheduler's monthly and weekly ones and those
    rendered from the console."""
    from itsm_tui.workflow.kpi import stored

    st = state(ctx)
    page = stored.list_reports(st.site, st.actor(), after=after, limit=limit)
    if as_json:
        print_list(page.rows, page.next_after)
        return
    zone = st.settings.zone
    print_table(
        ["id", N_("period"), N_("schedule"), N_("rendered"), N_("mailed"), N_("path")],
        [
            (
                r.id,
                r.period,
                r.schedule or _("by hand"),
                local(r.rendered_at, zone),
                local(r.mailed_at, zone),
                r.path,
            )
            for r in page.rows
        ],
    )
    if page.next_after is not None:
        say(
            _("{count} shown, more: --after {after}").format(
                count=len(page.rows), after=page.next_after
            )
        )


@app.command("open")
def open_(
    ctx: typer.Context,
    report_id: Annotated[int, typer.Argument(metavar="ID", help="The report's id (report list).")],
    as_json: JsonOpt = False,
) -> None:
    """Hand a stored report to the desktop's browser where there is one; else print its path."""
    from itsm_tui.workflow.kpi import stored

    st = state(ctx)
    report = stored.get_report(st.site, st.actor(), report_id)
    path = Path(report.path)
    if not path.is_file():
        raise Invalid(
            N_("Report {id}'s file {path} is gone."), field="id", id=report_id, path=str(path)
        )
    opened = not as_json and _browser(path)
    if as_json:
        print_object({"id": report.id, "path": str(path), "opened": opened})
    elif not opened:
        say(str(path))


def _browser(path: Path) -> bool:
    """Whether a graphical browser took the file. Over SSH (no display) there is none, and a
    text browser must not take over the terminal: the path is printed instead."""
    graphical = sys.platform in ("darwin", "win32") or any(
        os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY")
    )
    if not graphical:
        return False
    import webbrowser

    try:
        return webbrowser.open(path.resolve().as_uri())
    except webbrowser.Error:
        return False
