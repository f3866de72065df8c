"""Scoring schemes: which indicators score a role, each with its weight and scoring bands.

A scheme is a TOML file kept in version control and loaded with ``itsm score scheme import``;
each import of a role's scheme is a new version. The format::

    name = "热线工程师考评"
    role = "agent"                       # whom it scores (hotline engineers by default)

    [[indicator]]
    formula = "first_line_rate"          # one of FORMULAS below
    weight = 30                          # the weights add up to 100
    empty_points = 0                     # points when there is nothing to measure (optional)
    bands = [                            # [from, to): together they cover every value once
      { from = 85, points = 100 },       # no "to": and above
      { from = 75, to = 85, points = 80 },
      { from = 60, to = 75, points = 60 },
      { to = 60, points = 40 },          # no "from": below
      # or linear between two points: { from = 0, to = 10, linear = [100, 0] }
    ]

Every refusal names the TOML key and the line it is on.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from dataclasses import dataclass
from typing import Any

from itsm_tui.common.domain import Role
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_


@dataclass(frozen=True)
class Formula:
    """One indicator formula of the fixed, documented set."""

    key: str
    label: str  # marked with N_, translated where shown
    unit: str  # "score" (1–5), "percent", "count", "minutes"
    meaning: str


#: The fixed set of formulas a scheme may name. Attribution rules (who a row counts for) are
#: written in ``scorecards`` beside the query of each.
FORMULAS: dict[str, Formula] = {
    f.key: f
    for f in (
        Formula(
            "satisfaction",
            N_("customer satisfaction"),
            "score",
            N_("mean overall score (1-5) of the answered surveys of tickets the person resolved"),
        ),
        Formula(
            "valid_complaints",
            N_("valid complaints"),
            "count",
            N_("complaints against the person, received in the period and judged valid"),
        ),
        Formula(
            "first_line_rate",
            N_("first-line resolution rate"),
            "percent",
            N_(
                "share of the tickets the person took that were resolved at tier 1, never "
                "having left it"
            ),
        ),
        Formula(
            "call_volume",
            N_("call volume"),
            "count",
            N_("contacts the person logged (calls, walk-ins, e-mails, web requests)"),
        ),
        Formula(
            "reopen_rate",
            N_("reopen rate"),
            "percent",
            N_("share of the tickets the person resolved that were reopened"),
        ),
        Formula(
            "response_rate",
            N_("survey response rate"),
            "percent",
            N_("share of the person's settled surveys (answered or expired) that were answered"),
        ),
        Formula(
            "handling_minutes",
            N_("mean handling time"),
            "minutes",
            N_("mean minutes from opening to resolution of the tickets the person resolved"),
        ),
        Formula(
            "sla_compliance",
            N_("SLA compliance"),
            "percent",
            N_("share of the tickets the person resolved that met their resolution due time"),
        ),
    )
}


@dataclass(frozen=True)
class Band:
    low: float | None  # inclusive; None: no lower end
    high: float | None  # exclusive; None: no upper end
    points: float | None  # fixed points, or
    linear: tuple[float, float] | None  # points at low and at high, linear between


@dataclass(frozen=True)
class Indicator:
    formula: str
    weight: float
    bands: tuple[Band, ...]
    empty_points: float = 0.0


@dataclass(frozen=True)
class Scheme:
    name: str
    role: str
    indicators: tuple[Indicator, ...]
    version: int = 0  # 0: the built-in default, never imported
    id: int | None = None


#: The case study's four indicators, as the default scheme for hotline engineers.
DEFAULT_SCHEME_TOML = """\
name = "热线工程师考评 (default)"
role = "agent"

[[indicator]]
formula = "satisfaction"
weight = 40
bands = [
  { from = 4.5, points = 100 },
  { from = 4.0, to = 4.5, points = 85 },
  { from = 3.5, to = 4.0, points = 70 },
  { to = 3.5, points = 50 },
]

[[indicator]]
formula = "valid_complaints"
weight = 20
bands = [
  { to = 1, points = 100 },
  { from = 1, to = 2, points = 80 },
  { from = 2, to = 4, points = 60 },
  { from = 4, points = 30 },
]

[[indicator]]
formula = "first_line_rate"
weight = 25
bands = [
  { from = 85, points = 100 },
  { from = 75, to = 85, points = 80 },
  { from = 60, to = 75, points = 60 },
  { to = 60, points = 40 },
]

[[indicator]]
formula = "call_volume"
weight = 15
bands = [
  { to = 0, points = 0 },
  { from = 0, to = 1000, linear = [40, 100] },
  { from = 1000, points = 100 },
]
"""


def _line(source: str, index: int | None, key: str | None) -> int:
    """The line of the ``index``-th ``[[indicator]]`` (or, with ``key``, of that key inside it;
    ``index`` None: a top-level key). 1-based; the header's line if the key is not found."""
    lines = source.splitlines()
    start, end = 0, len(lines)
    if index is not None:
        headers = [n for n, text in enumerate(lines) if text.strip() == "[[indicator]]"]
        if index < len(headers):
            start = headers[index]
            end = headers[index + 1] if index + 1 < len(headers) else len(lines)
    if key is not None:
        for n in range(start, end):
            if lines[n].strip().startswith(key):
                return n + 1
    return start + 1


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _refuse(source: str, index: int | None, key: str, message: str, **params: Any) -> Invalid:
    line = _line(source, index, key.split(".")[-1] if "." in key else key)
    return Invalid(
        message,
        field=key,
        line=line,
        key=key,
        **params,
    )


def _band(source: str, i: int, raw: Any) -> Band:
    key = f"indicator[{i + 1}].bands"
    if not isinstance(raw, dict):
        raise _refuse(
            source,
            i,
            key,
            N_("line {line}, {key}: each band is a table such as {{ from = 85, points = 100 }}."),
        )
    unknown = set(raw) - {"from", "to", "points", "linear"}
    if unknown:
        raise _refuse(
            source,
            i,
            key,
            N_("line {line}, {key}: unknown key {name} in a band."),
            name=sorted(unknown)[0],
        )
    low, high = raw.get("from"), raw.get("to")
    for end in (low, high):
        if end is not None and not _number(end):
            raise _refuse(source, i, key, N_("line {line}, {key}: from and to must be numbers."))
    if low is not None and high is not None and not low < high:
        raise _refuse(
            source,
            i,
            key,
            N_("line {line}, {key}: a band's from ({low}) must be below its to ({high})."),
            low=low,
            high=high,
        )
    points, linear = raw.get("points"), raw.get("linear")
    if (points is None) == (linear is None):
        raise _refuse(
            source,
            i,
            key,
            N_("line {line}, {key}: a band gives either points or linear = [at from, at to]."),
        )
    if points is not None and not _number(points):
        raise _refuse(source, i, key, N_("line {line}, {key}: points must be a number."))
    pair: tuple[float, float] | None = None
    if linear is not None:
        if not (isinstance(linear, list) and len(linear) == 2 and all(_number(p) for p in linear)):
            raise _refuse(
                source,
                i,
                key,
                N_("line {line}, {key}: linear must be two numbers: the points at from and at to."),
            )
        if low is None or high is None:
            raise _refuse(
                source, i, key, N_("line {line}, {key}: a linear band needs both from and to.")
            )
        pair = (float(linear[0]), float(linear[1]))
    return Band(
        None if low is None else float(low),
        None if high is None else float(high),
        None if points is None else float(points),
        pair,
    )


def _g(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _check_cover(source: str, i: int, bands: list[Band]) -> tuple[Band, ...]:
    """The bands, lowest first, covering every value exactly once."""
    key = f"indicator[{i + 1}].bands"
    if not bands:
        raise _refuse(
            source, i, key, N_("line {line}, {key}: an indicator needs at least one band.")
        )
    ordered = sorted(bands, key=lambda b: -math.inf if b.low is None else b.low)
    if ordered[0].low is not None:
        raise _refuse(
            source,
            i,
            key,
            N_("line {line}, {key}: values below {low} fall in no band (a gap)."),
            low=f"{ordered[0].low:g}",
        )
    if ordered[-1].high is not None:
        raise _refuse(
            source,
            i,
            key,
            N_("line {line}, {key}: values from {high} up fall in no band (a gap)."),
            high=f"{ordered[-1].high:g}",
        )
    for below, above in itertools.pairwise(ordered):
        if below.high is None or above.low is None or below.high > above.low:
            raise _refuse(
                source,
                i,
                key,
                N_("line {line}, {key}: bands overlap at {value}."),
                value=_g(above.low if above.low is not None else below.high),
            )
        if below.high < above.low:
            raise _refuse(
                source,
                i,
                key,
                N_("line {line}, {key}: values from {low} to {high} fall in no band (a gap)."),
                low=_g(below.high),
                high=_g(above.low),
            )
    return tuple(ordered)


def parse_scheme(source: str) -> Scheme:
    """A scheme from its TOML text, every rule checked; a refusal names the key and its line."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(N_("not valid TOML: {error}."), field="scheme", error=str(exc)) from None
    for key in set(data) - {"name", "role", "indicator"}:
        raise _refuse(
            source,
            None,
            key,
            N_("line {line}, {key}: unknown key; a scheme has name, role and [[indicator]]."),
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise _refuse(
            source,
            None,
            "name",
            N_("line {line}, {key}: a scheme needs a name (up to 100 characters)."),
        )
    role = data.get("role", Role.AGENT.value)
    if role not in {r.value for r in Role}:
        known = ", ".join(r.value for r in Role)
        raise _refuse(
            source,
            None,
            "role",
            N_("line {line}, {key}: role must be one of: {known}."),
            known=known,
        )
    raw_indicators = data.get("indicator")
    if not isinstance(raw_indicators, list) or not raw_indicators:
        raise _refuse(
            source,
            None,
            "indicator",
            N_("line {line}, {key}: a scheme needs at least one [[indicator]]."),
        )
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_indicators):
        where = f"indicator[{i + 1}]"
        for key in set(raw) - {"formula", "weight", "bands", "empty_points"}:
            raise _refuse(
                source, i, f"{where}.{key}", N_("line {line}, {key}: unknown key in an indicator.")
            )
        formula = raw.get("formula")
        if formula not in FORMULAS:
            known = ", ".join(FORMULAS)
            raise _refuse(
                source,
                i,
                f"{where}.formula",
                N_("line {line}, {key}: unknown indicator {name}; formulas are: {known}."),
                name=formula,
                known=known,
            )
        if formula in seen:
            raise _refuse(
                source,
                i,
                f"{where}.formula",
                N_("line {line}, {key}: {name} is listed twice."),
                name=formula,
            )
        seen.add(formula)
        weight = raw.get("weight")
        if not _number(weight) or weight <= 0:
            raise _refuse(
                source,
                i,
                f"{where}.weight",
                N_("line {line}, {key}: weight must be a number above 0."),
            )
        empty = raw.get("empty_points", 0)
        if not _number(empty):
            raise _refuse(
                source,
                i,
                f"{where}.empty_points",
                N_("line {line}, {key}: empty_points must be a number."),
            )
        bands = raw.get("bands")
        if not isinstance(bands, list):
            raise _refuse(
                source,
                i,
                f"{where}.bands",
                N_("line {line}, {key}: bands must be a list of bands."),
            )
        parsed = _check_cover(source, i, [_band(source, i, b) for b in bands])
        indicators.append(Indicator(formula, float(weight), parsed, float(empty)))
    total = sum(ind.weight for ind in indicators)
    if abs(total - 100) > 1e-9:
        raise _refuse(
            source,
            0,
            "indicator[1].weight",
            N_("line {line}, {key}: the weights add up to {total}, not 100."),
            total=f"{total:g}",
        )
    return Scheme(name.strip(), role, tuple(indicators))


def scheme_from_stored(
    scheme_id: int | None, version: int, name: str, role: str, indicators: list[dict[str, Any]]
) -> Scheme:
    """A scheme as the database keeps it (its indicators as JSON)."""
    return Scheme(
        name,
        role,
        tuple(
            Indicator(
                i["formula"],
                i["weight"],
                tuple(
                    Band(
                        b["low"],
                        b["high"],
                        b["points"],
                        (b["linear"][0], b["linear"][1]) if b["linear"] else None,
                    )
                    for b in i["bands"]
                ),
                i.get("empty_points", 0.0),
            )
            for i in indicators
        ),
        version,
        scheme_id,
    )


def indicators_json(scheme: Scheme) -> list[dict[str, Any]]:
    return [
        {
            "formula": i.formula,
            "weight": i.weight,
            "empty_points": i.empty_points,
            "bands": [
                {
                    "low": b.low,
                    "high": b.high,
                    "points": b.points,
                    "linear": list(b.linear) if b.linear else None,
                }
                for b in i.bands
            ],
        }
        for i in scheme.indicators
    ]


def band_for(indicator: Indicator, value: float | None) -> tuple[Band | None, float]:
    """The band a value falls in and the points it scores (``empty_points`` for no value)."""
    if value is None:
        return None, indicator.empty_points
    for band in indicator.bands:
        if (band.low is None or value >= band.low) and (band.high is None or value < band.high):
            if band.linear is not None:
                assert band.low is not None and band.high is not None
                at_low, at_high = band.linear
                share = (value - band.low) / (band.high - band.low)
                return band, round(at_low + share * (at_high - at_low), 2)
            assert band.points is not None
            return band, band.points
    raise AssertionError("bands cover every value (checked on import)")


def band_text(band: Band | None) -> str:
    """``[75, 85)``, ``≥ 85``, ``< 60``; ``-`` for no value."""
    if band is None:
        return "-"
    if band.low is None:
        return f"< {band.high:g}"
    if band.high is None:
        return f"≥ {band.low:g}"
    return f"[{band.low:g}, {band.high:g})"
