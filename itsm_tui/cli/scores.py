"""``itsm score``: staff scorecards — show (each indicator's value, band, points, weight,
weighted points), explain (the rows behind a figure), rank a group, close a period, history;
``itsm score scheme``: import, export and show the scoring scheme."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from itsm_tui.cli.common import JsonOpt
from itsm_tui.cli.ids import AfterOpt
from itsm_tui.cli.output import local, print_list, print_object, print_table, say
from itsm_tui.cli.state import state
from itsm_tui.common.i18n import N_, _

if TYPE_CHECKING:
    from itsm_tui.workflow.quality.scheme import Scheme
    from itsm_tui.workflow.quality.scorecards import Scorecard

app = typer.Typer(help=N_("Staff scorecards: weighted indicators per period, explained."))
scheme_app = typer.Typer(help=N_("The scoring scheme: indicators, weights and bands (TOML)."))
app.add_typer(scheme_app, name="scheme")

PeriodOpt = Annotated[
    str, typer.Option(help=N_("2026 (year), 2026-Q4 (quarter) or 2026-11 (month)."))
]
RoleOpt = Annotated[str, typer.Option(help=N_("The role the scheme scores."))]


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    return f"{value:g} %" if unit == "percent" else f"{value:g}"


def _card(card: Scorecard) -> None:
    say(
        _("{name} ({login})  {period}  scheme: {scheme} v{version}").format(
            name=card.name,
            login=card.login,
            period=card.period,
            scheme=card.scheme,
            version=card.scheme_version,
        )
    )
    print_table(
        ["indicator", "value", "of", "band", "points", "weight", "weighted"],
        [
            (
                i.formula,
                _figure(i.value, i.unit),
                i.whole or "",
                i.band,
                f"{i.points:g}",
                f"{i.weight:g}",
                f"{i.weighted:.2f}",
            )
            for i in card.indicators
        ],
    )
    say(_("total {total}").format(total=f"{card.total:.2f}"))
    if card.frozen_total is not None:
        say(
            _("frozen at close: {frozen}; correction since: {correction}").format(
                frozen=f"{card.frozen_total:.2f}", correction=f"{card.difference or 0:+.2f}"
            )
        )


@app.command("show")
def show(ctx: typer.Context, login: str, period: PeriodOpt, as_json: JsonOpt = False) -> None:
    """A staff member's scorecard for a period (yours, your groups' or, for admins, anyone's)."""
    from itsm_tui.workflow.quality import scorecards

    st = state(ctx)
    card = scorecards.show_scorecard(st.site, st.actor(), login, period)
    print_object(card) if as_json else _card(card)


@app.command("rows")
def explain(
    ctx: typer.Context,
    login: str,
    period: PeriodOpt,
    indicator: Annotated[str, typer.Option(help=N_("satisfaction, first_line_rate, …"))],
    after: AfterOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 100,
    as_json: JsonOpt = False,
) -> None:
    """The tickets, surveys, complaints or contacts behind one indicator's figure."""
    from itsm_tui.workflow.quality import scorecards

    st = state(ctx)
    rows, cursor = scorecards.explain(
        st.site, st.actor(), login, period, indicator, after=after, limit=limit
    )
    if as_json:
        print_list(rows, cursor)
        return
    zone = st.settings.zone
    print_table(
        ["kind", "id", "ticket", "at", "counts", "detail"],
        [
            (r.kind, r.id, r.ticket, local(r.at, zone), "yes" if r.counts else "no", r.detail)
            for r in rows
        ],
    )
    if cursor is not None:
        say(_("more: --after {cursor}").format(cursor=cursor))


@app.command("rank")
def rank(ctx: typer.Context, group: str, period: PeriodOpt, as_json: JsonOpt = False) -> None:
    """A group's staff ranked by total score for a period."""
    from itsm_tui.workflow.quality import scorecards

    st = state(ctx)
    cards = scorecards.rank_group(st.site, st.actor(), group, period)
    if as_json:
        print_list(cards)
        return
    print_table(
        [
            N_("rank"),
            "login",
            "name",
            N_("total"),
            *[i.formula for i in (cards[0].indicators if cards else [])],
        ],
        [
            (n, c.login, c.name, f"{c.total:.2f}", *[f"{i.weighted:.2f}" for i in c.indicators])
            for n, c in enumerate(cards, 1)
        ],
    )


@app.command("close")
def close(ctx: typer.Context, period: str, as_json: JsonOpt = False) -> None:
    """Close a period: store every scorecard as it is now (supervisors and admins)."""
    from itsm_tui.workflow.quality import scorecards

    st = state(ctx)
    count = scorecards.close_period(st.site, st.actor(), period)
    if as_json:
        print_object({"period": period, "scorecards": count})
    else:
        say(_("{period} closed: {count} scorecards frozen").format(period=period, count=count))


@app.command("history")
def history(ctx: typer.Context, login: str, as_json: JsonOpt = False) -> None:
    """Closed periods: the frozen total, today's figure, and the correction between them."""
    from itsm_tui.workflow.quality import scorecards

    st = state(ctx)
    entries = scorecards.scorecard_history(st.site, st.actor(), login)
    if as_json:
        print_list(entries)
        return
    zone = st.settings.zone
    print_table(
        [N_("period"), "closed", N_("frozen"), "now", N_("correction")],
        [
            (
                e.period,
                local(e.closed_at, zone),
                f"{e.frozen_total:.2f}",
                f"{e.live_total:.2f}",
                f"{e.difference:+.2f}",
            )
            for e in entries
        ],
    )


def _scheme(scheme: Scheme) -> dict[str, Any]:
    import dataclasses

    return dataclasses.asdict(scheme)


@scheme_app.command("import")
def scheme_import(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help=N_("The scheme's TOML file."), exists=True, dir_okay=False)
    ],
    as_json: JsonOpt = False,
) -> None:
    """Load a scheme as the next version of its role's scheme (supervisors and admins)."""
    from itsm_tui.common.errors import Invalid
    from itsm_tui.workflow.quality import scorecards

    try:
        source = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise Invalid("{file} is not UTF-8 text.", field="file", file=str(file)) from None
    st = state(ctx)
    try:
        scheme = scorecards.import_scheme(st.site, st.actor(), source)
    except Invalid as exc:  # name the file as well as the key and line
        raise Invalid(
            "{file}: {error}", field=exc.field, file=str(file), error=exc.message
        ) from None
    if as_json:
        print_object(_scheme(scheme))
    else:
        say(
            _("scheme {name} for {role}: version {version}").format(
                name=scheme.name, role=scheme.role, version=scheme.version
            )
        )


@scheme_app.command("export")
def scheme_export(ctx: typer.Context, role: RoleOpt = "agent") -> None:
    """Print the role's scheme as TOML, as it was imported."""
    from itsm_tui.workflow.quality import scorecards

    st = state(ctx)
    typer.echo(scorecards.export_scheme(st.site, st.actor(), role), nl=False)


@scheme_app.command("show")
def scheme_show(ctx: typer.Context, role: RoleOpt = "agent", as_json: JsonOpt = False) -> None:
    """The role's scheme: each indicator's weight and bands."""
    from itsm_tui.workflow.quality import scorecards
    from itsm_tui.workflow.quality.scheme import band_text

    st = state(ctx)
    scheme = scorecards.show_scheme(st.site, st.actor(), role)
    if as_json:
        print_object(_scheme(scheme))
        return
    say(
        _("{name} (role {role}, version {version})").format(
            name=scheme.name, role=scheme.role, version=scheme.version
        )
    )
    rows = []
    for ind in scheme.indicators:
        for band in ind.bands:
            points = (
                f"{band.linear[0]:g} → {band.linear[1]:g}" if band.linear else f"{band.points:g}"
            )
            rows.append((ind.formula, f"{ind.weight:g}", band_text(band), points))
    print_table(["indicator", "weight", "band", "points"], rows)
