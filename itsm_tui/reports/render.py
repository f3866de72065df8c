"""The KPI report as one self-contained HTML page: the figures of ``workflow.kpi`` drawn with
the template beside this module, its CSS inlined and its charts inline SVG, in the language in
force. No scripts, no fonts, images or styles fetched: it prints the same from a USB stick."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_, _, language, ngettext
from itsm_tui.reports import charts
from itsm_tui.reports.labels import CHANNELS, TYPES, WEEKDAYS, word
from itsm_tui.workflow.kpi.registry import SECTIONS

Progress = Callable[[int, int], None]

#: The ranking chart's length (the table lists more).
RANKING_CHARTED = 20


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("itsm_tui.reports", "templates"),
        autoescape=True,  # user text — titles, names, CI names — is always escaped
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["figure"] = figure
    return env


def stylesheet() -> str:
    return resources.files("itsm_tui.reports").joinpath("report.css").read_text("utf-8")


def figure(value: Any, unit: str = "") -> str:
    """A figure as printed: ``—`` for none, one decimal for a rate, whole minutes for a time."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f} %"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def _charts(data: dict[str, Any]) -> dict[str, str]:
    figures = data["figures"]
    out: dict[str, str] = {}
    volume = figures.get("volume", {}).get("current")
    if volume and volume.get("received"):
        out["by_hour"] = charts.bars(
            [str(h) for h in range(24)], [(_("Tickets"), volume["by_hour"])], unit=_("Tickets")
        )
        out["by_weekday"] = charts.bars(
            [_(d) for d in WEEKDAYS], [(_("Tickets"), volume["by_weekday"])], width=4
        )
        if volume["by_channel"]:
            out["by_channel"] = charts.bars(
                [word(CHANNELS, c) for c, _n in volume["by_channel"]],
                [(_("Contacts"), [n for _c, n in volume["by_channel"]])],
                horizontal=True,
                width=4,
            )
    times = figures.get("times", {}).get("current")
    if times and any(p["resolved"] or p["responded"] for p in times["by_priority"]):
        rows = times["by_priority"]
        out["times"] = charts.bars(
            [f"P{p['priority']}" for p in rows],
            [
                (_("Resolution, median"), [p["resolution_median_min"] for p in rows]),
                (_("Resolution, p90"), [p["resolution_p90_min"] for p in rows]),
            ],
            unit=_("business minutes"),
        )
    sla = figures.get("sla", {}).get("current")
    if sla and sla.get("by_priority"):
        out["sla"] = charts.bars(
            [f"P{p['priority']}" for p in sla["by_priority"]],
            [(_("Resolved within SLA"), [p["compliance"] for p in sla["by_priority"]])],
            unit="%",
            width=4,
        )
    backlog = figures.get("backlog", {}).get("current")
    if backlog and backlog.get("backlog"):
        out["aging"] = charts.bars(
            [_(label) for label, _n in backlog["aging"]],
            [(_("Tickets"), [n for _label, n in backlog["aging"]])],
            width=5,
        )
    cis = figures.get("top_cis", {}).get("current")
    if cis and cis.get("by_count"):
        out["top_cis"] = charts.bars(
            [name for name, _n in cis["by_count"]],
            [(_("Incidents"), [n for _name, n in cis["by_count"]])],
            horizontal=True,
        )
    satisfaction = figures.get("satisfaction", {}).get("current")
    if satisfaction and satisfaction.get("answered"):
        out["satisfaction"] = charts.bars(
            [str(score) for score in range(1, len(satisfaction["distribution"]) + 1)],
            [(_("Surveys answered"), satisfaction["distribution"])],
            width=4,
        )
    inspections = figures.get("inspections", {}).get("current")
    if inspections and inspections.get("failures"):
        out["failures"] = charts.bars(
            [i["label"] for i in inspections["failures"]],
            [
                (_("Failed"), [i["failed"] for i in inspections["failures"]]),
                (_("Warned"), [i["warned"] for i in inspections["failures"]]),
            ],
            horizontal=True,
        )
    scorecards = figures.get("scorecards", {}).get("current")
    if scorecards and scorecards.get("ranking"):
        top = scorecards["ranking"][:RANKING_CHARTED]
        out["ranking"] = charts.bars(
            [r["name"] for r in top],
            [(_("Total"), [r["total"] for r in top])],
            horizontal=True,
            height=max(2.4, 0.22 * len(top)),
        )
    return out


def render_html(data: dict[str, Any], *, progress: Progress | None = None) -> str:
    """The report for ``data`` (``KpiReport.to_json()``) as one HTML document."""
    steps = 3
    if progress:
        progress(0, steps)
    drawn = _charts(data)
    if progress:
        progress(1, steps)
    env = _environment()
    env.install_gettext_callables(_, ngettext, newstyle=True)
    template = env.get_template("report.html")
    html = template.render(
        report=data,
        css=stylesheet(),
        charts=drawn,
        titles={key: _(module.TITLE) for key, module in SECTIONS.items()},
        missing={
            key: _(module.MISSING) for key, module in SECTIONS.items() if hasattr(module, "MISSING")
        },
        channel=lambda c: word(CHANNELS, c),
        ticket_type=lambda t: word(TYPES, t),
        label=_,
        lang=language().replace("_", "-"),
    )
    if progress:
        progress(steps, steps)
    return html


def check_pdf() -> None:
    """Refuse, saying what to install, when WeasyPrint (the ``pdf`` extra) is missing."""
    import importlib.util

    if importlib.util.find_spec("weasyprint") is None:
        raise Invalid(N_("PDF output needs WeasyPrint: pip install 'itsm-tui[pdf]'."), field="pdf")


def render_pdf(html: str) -> bytes:
    """The HTML printed to PDF by WeasyPrint (``pip install 'itsm-tui[pdf]'``), with the CJK
    fonts the machine has (the README names them)."""
    check_pdf()
    import weasyprint  # type: ignore[import-not-found, unused-ignore]  # an optional extra

    return bytes(weasyprint.HTML(string=html).write_pdf())
