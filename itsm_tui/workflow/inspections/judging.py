"""How an answer comes out: pass, warn or fail, by the item's kind and limits.

Plain rules without database code: the workflow saves what :func:`judge` says, and the runner
shows the same verdict before the answer is saved.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from itsm_tui.common.domain import ItemKind, Outcome
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_

#: What a pass/fail item accepts, in the words a person or a script types.
PASS_WORDS = frozenset({"p", "pass", "ok", "y", "yes", "正常", "通过"})
FAIL_WORDS = frozenset({"f", "fail", "n", "no", "异常", "不通过"})

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*(.*?)\s*$")


@dataclass(frozen=True)
class Limits:
    """An item's kind and what judges it."""

    kind: ItemKind
    unit: str | None = None
    normal_min: float | None = None
    normal_max: float | None = None
    warn_min: float | None = None
    warn_max: float | None = None
    choices: Sequence[str] = field(default_factory=tuple)
    failing: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    value: float | None = None
    text: str = ""


def parse_reading(raw: str, unit: str | None) -> float:
    """The number in ``raw`` ("31.5", "31.5 °C", "31.5°C"); a unit, when given, must be the
    item's (a reading in °F for an item in °C is refused, not converted)."""
    match = _NUMBER.match(raw)
    if match is None:
        raise Invalid(N_("The reading {value} is not a number."), field="value", value=repr(raw))
    number, given = match.groups()
    value = float(number)
    if not math.isfinite(value):
        raise Invalid(N_("The reading {value} is not a number."), field="value", value=repr(raw))
    if given and given.casefold() != (unit or "").casefold():
        raise Invalid(
            N_("The reading is in {given}, but this item is read in {unit}."),
            field="unit",
            given=given,
            unit=unit or "-",
        )
    return value


def judge_value(limits: Limits, value: float) -> Outcome:
    """Inside the normal range: pass; outside it but inside the warning band: warn; beyond:
    fail. A bound that is not given does not limit."""
    low, high = limits.normal_min, limits.normal_max
    if (low is None or value >= low) and (high is None or value <= high):
        return Outcome.PASS
    if limits.warn_min is None and limits.warn_max is None:
        return Outcome.FAIL
    wlow = limits.warn_min if limits.warn_min is not None else low
    whigh = limits.warn_max if limits.warn_max is not None else high
    if (wlow is None or value >= wlow) and (whigh is None or value <= whigh):
        return Outcome.WARN
    return Outcome.FAIL


def judge(limits: Limits, raw: str) -> Verdict:
    """The verdict on ``raw`` as given for an item of ``limits``; refuses what the item cannot
    take (not a number, a unit mismatch, a choice not on the list, an empty answer)."""
    if limits.kind == ItemKind.READING:
        value = parse_reading(raw, limits.unit)
        return Verdict(judge_value(limits, value), value)
    text = raw.strip()
    if not text:
        raise Invalid(N_("The answer is empty."), field="value")
    if limits.kind == ItemKind.PASS_FAIL:
        word = text.casefold()
        if word in PASS_WORDS:
            return Verdict(Outcome.PASS)
        if word in FAIL_WORDS:
            return Verdict(Outcome.FAIL)
        raise Invalid(N_("Answer pass or fail, not {value}."), field="value", value=repr(raw))
    if limits.kind == ItemKind.CHOICE:
        if text not in limits.choices:
            raise Invalid(
                N_("{value} is not one of: {choices}."),
                field="value",
                value=repr(raw),
                choices=", ".join(limits.choices),
            )
        failed = text in limits.failing
        return Verdict(Outcome.FAIL if failed else Outcome.PASS, text=text)
    return Verdict(Outcome.PASS, text=text)


def _number(value: float) -> str:
    return f"{value:g}"


def range_text(limits: Limits) -> str:
    """ "18–27 °C (warn 15–30)": what the runner and the CLI show beside a reading."""
    if limits.kind == ItemKind.CHOICE:
        return "/".join(limits.choices)
    if limits.kind != ItemKind.READING:
        return ""
    unit = f" {limits.unit}" if limits.unit else ""

    def span(low: float | None, high: float | None) -> str:
        if low is None and high is None:
            return ""
        if low is None:
            return f"≤{_number(high)}" if high is not None else ""
        if high is None:
            return f"≥{_number(low)}"
        return f"{_number(low)}–{_number(high)}"

    normal = span(limits.normal_min, limits.normal_max)
    warn = span(limits.warn_min, limits.warn_max)
    return f"{normal}{unit}" + (f" ({warn})" if warn else "")
