"""The report's charts: matplotlib's SVG backend, drawn as paths (``svg.fonttype = 'path'``) so
a PC without the fonts prints them the same, with a fixed ``svg.hashsalt`` and no date so the
same figures give the same bytes; grey bars with hatching, readable in black and white.

matplotlib is imported on the first chart (it costs ~0.3 s), never by the console's start.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from typing import Any

#: Tried in order for every glyph: a CJK face where the machine has one, then DejaVu.
FONTS = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "DejaVu Sans",
]
GREYS = ("#404040", "#a0a0a0", "#d0d0d0")
HATCHES = ("", "//", "..")

_figure: Any = None


def _figure_class() -> Any:
    global _figure
    if _figure is None:
        import logging

        import matplotlib

        matplotlib.rcParams.update(
            {
                "svg.fonttype": "path",
                "svg.hashsalt": "itsm-tui-report",
                "font.family": "sans-serif",
                "font.sans-serif": FONTS,
                "font.size": 9,
                "axes.spines.top": False,
                "axes.spines.right": False,
            }
        )
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
        from matplotlib.figure import Figure

        _figure = Figure  # the object interface: pyplot's state machine costs a second to load
    return _figure


def _svg(fig: Any, *, measured: bool = True) -> str:
    """The figure as an SVG element, cropped to what it draws (matplotlib's "tight" box).

    ``bbox_inches="tight"`` draws the whole figure twice: once, output switched off, to find
    the box, then for real. ``measured`` finds the same box from the text and artist extents
    alone (``Figure.get_tightbbox`` with the SVG renderer the save uses, padded as the save
    pads), without the first draw: the same bytes for ~15 % less time per chart
    (``test_report_charts_fast.py`` holds them equal)."""
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # A machine without a CJK face draws boxes for Chinese and says so for every glyph.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        box: Any = "tight"
        if measured:
            box = _tight_box(fig)
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches=box)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # The RDF metadata names its vocabularies by URL: not a request, but not needed either.
    return re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)


def _tight_box(fig: Any) -> Any:
    """What ``bbox_inches="tight"`` crops an SVG save to, measured without drawing; "tight"
    itself (the double draw) where this matplotlib lacks the means."""
    import matplotlib
    from matplotlib import backend_bases
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    # The renderer a save to SVG measures with (matplotlib's own helper, not in its stubs).
    get_renderer = getattr(backend_bases, "_get_renderer", None)
    if get_renderer is None:  # pragma: no cover - a matplotlib without the helper
        return "tight"
    renderer = get_renderer(fig, FigureCanvasSVG(fig).print_svg)
    pad = matplotlib.rcParams["savefig.pad_inches"]
    return fig.get_tightbbox(renderer).padded(pad)


def bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    horizontal: bool = False,
    unit: str = "",
    width: float = 6.5,
    height: float = 2.4,
) -> str:
    """Bars for one or more series over ``labels`` (None draws nothing), as an SVG element."""
    fig = _figure_class()(figsize=(width, height))
    ax = fig.subplots()
    count = max(1, len(series))
    size = 0.8 / count
    for i, (name, values) in enumerate(series):
        positions = [j + (i - (count - 1) / 2) * size for j in range(len(labels))]
        heights = [v if v is not None else 0 for v in values]
        style = {
            "color": GREYS[i % len(GREYS)],
            "hatch": HATCHES[i % len(HATCHES)],
            "edgecolor": "black",
            "linewidth": 0.5,
            "label": name,
        }
        if horizontal:
            ax.barh(positions, heights, height=size, **style)
        else:
            ax.bar(positions, heights, width=size, **style)
    ticks = list(range(len(labels)))
    if horizontal:
        ax.set_yticks(ticks, list(labels))
        ax.invert_yaxis()
        ax.set_xlabel(unit)
    else:
        ax.set_xticks(ticks, list(labels))
        ax.set_ylabel(unit)
    if count > 1:
        ax.legend(frameon=False)
    return _svg(fig)
