"""A checklist as a file: read from TOML, checked item by item, written back as TOML.

A site keeps its checklists in version control, so import and export round-trip: what
:func:`dump` writes, :func:`parse` reads to the same :class:`TemplateSpec`. Reading is
all-or-nothing like the CI import: every problem is collected with the line it is on, and
nothing is written while one remains (``templates.import_template``).

The file::

    code = "daily-round"
    name = "机房日常巡检"

    [[sections]]
    title = "环境"

    [[sections.items]]
    key = "temp_row_a"
    label = "A列冷通道温度"
    kind = "reading"            # pass_fail | reading | choice | text
    ci = "核心机房"               # optional: the CI it checks (name or class:name)
    instruction = "A列第3柜前门温湿度计"
    unit = "°C"
    normal = [18, 27]
    warn = [15, 30]            # optional warning band around the normal range
    severity = 2               # 1 high · 2 medium · 3 low: the incident's urgency
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from itsm_tui.common.domain import SEVERITY_LEVELS, ItemKind
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.storage.tables.inspections import (
    INSTRUCTION_MAX,
    ITEM_KEY_MAX,
    ITEM_LABEL_MAX,
    SECTION_MAX,
    TEMPLATE_CODE_MAX,
    TEMPLATE_NAME_MAX,
    UNIT_MAX,
)

KEY = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_ITEM_HEADER = re.compile(r"^\s*\[\[\s*sections\s*\.\s*items\s*\]\]")
_SECTION_HEADER = re.compile(r"^\s*\[\[\s*sections\s*\]\]")
_SYNTAX_LINE = re.compile(r"at line (\d+)")
MAX_ITEMS = 500


@dataclass(frozen=True)
class ItemSpec:
    key: str
    label: str
    kind: ItemKind
    section: str
    ci: str | None = None
    instruction: str = ""
    unit: str | None = None
    normal: tuple[float | None, float | None] = (None, None)
    warn: tuple[float | None, float | None] = (None, None)
    choices: tuple[str, ...] = ()
    failing: tuple[str, ...] = ()
    severity: int = 2
    line: int = 0  # where it is in the file it came from (0: not from a file)


@dataclass(frozen=True)
class TemplateSpec:
    code: str
    name: str
    description: str = ""
    checks: tuple[ItemSpec, ...] = ()

    def same_content(self, other: TemplateSpec) -> bool:
        """Equal but for where the items were in their files."""
        strip = lambda s: tuple(_without_line(i) for i in s.checks)  # noqa: E731
        return (self.code, self.name, self.description, strip(self)) == (
            other.code,
            other.name,
            other.description,
            strip(other),
        )


def _without_line(item: ItemSpec) -> ItemSpec:
    return ItemSpec(**{**item.__dict__, "line": 0})


@dataclass(frozen=True)
class SpecError:
    line: int
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}" + (f", {self.field}" if self.field else "") + f": {self.message}"


@dataclass
class SpecErrors:
    file: str
    errors: list[SpecError] = field(default_factory=list)

    def add(self, line: int, exc: Invalid) -> None:
        self.errors.append(SpecError(line, exc.field, exc.message))


class TemplateRejected(Invalid):
    """The file had problems, so nothing was written; ``errors`` lists every one."""

    kind = "import_rejected"

    def __init__(self, report: SpecErrors) -> None:
        first = report.errors[0]
        more = len(report.errors) - 1
        super().__init__(
            N_("{file} {first}; {more} more problems; nothing was imported.")
            if more
            else N_("{file} {first}; nothing was imported."),
            field=first.field,
            file=report.file,
            first=str(first).rstrip('.'),
            more=more,
        )
        self.errors = report.errors

    def to_dict(self) -> dict[str, object]:
        rows = [{"line": e.line, "field": e.field, "message": e.message} for e in self.errors]
        return {**super().to_dict(), "errors": rows}


def _text(record: dict[str, Any], name: str, limit: int, *, required: bool = False) -> str:
    value = record.get(name, "")
    if not isinstance(value, str):
        raise Invalid(N_("{name} must be text."), field=name, name=name)
    if "\x00" in value:
        raise Invalid(N_("{name} holds a NUL character."), field=name, name=name)
    if required and not value.strip():
        raise Invalid(N_("{name} is missing."), field=name, name=name)
    if len(value) > limit:
        raise Invalid(
            N_("{name} is longer than {limit} characters."), field=name, name=name, limit=limit
        )
    return value.strip()


def _pair(record: dict[str, Any], name: str) -> tuple[float | None, float | None]:
    value = record.get(name)
    if value is None:
        return (None, None)
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(
            v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in value
        )
    )
    if not ok:
        raise Invalid(N_("{name} must be [low, high], two numbers."), field=name, name=name)
    # An open end is written ``inf`` / ``-inf`` (TOML has floats for them, and no null).
    low, high = (None if v is None or math.isinf(v) else float(v) for v in value)
    if low is not None and high is not None and low > high:
        raise Invalid(N_("{name}: the low end is above the high end."), field=name, name=name)
    return (low, high)


def _strings(record: dict[str, Any], name: str) -> tuple[str, ...]:
    value = record.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise Invalid(N_("{name} must be a list of texts."), field=name, name=name)
    return tuple(v.strip() for v in value)


_ITEM_FIELDS = frozenset(
    {
        "key",
        "label",
        "kind",
        "ci",
        "instruction",
        "unit",
        "normal",
        "warn",
        "choices",
        "failing",
        "severity",
    }
)


def check_item(record: dict[str, Any], section: str, line: int) -> ItemSpec:
    """One item of the file, or the first thing wrong with it (``Invalid`` naming the field)."""
    unknown = sorted(set(record) - _ITEM_FIELDS)
    if unknown:
        raise Invalid(N_("Unknown field {name}."), field=unknown[0], name=unknown[0])
    key = _text(record, "key", ITEM_KEY_MAX, required=True)
    if not KEY.match(key):
        raise Invalid(
            N_("key {key} must be lower-case letters, digits, - and _."), field="key", key=key
        )
    label = _text(record, "label", ITEM_LABEL_MAX, required=True)
    raw_kind = record.get("kind", "")
    try:
        kind = ItemKind(raw_kind)
    except ValueError:
        raise Invalid(
            N_("kind {kind} is not one of: {kinds}."),
            field="kind",
            kind=repr(raw_kind),
            kinds=", ".join(k.value for k in ItemKind),
        ) from None
    ci = _text(record, "ci", 300) or None
    instruction = _text(record, "instruction", INSTRUCTION_MAX)
    unit = _text(record, "unit", UNIT_MAX) or None
    normal, warn = _pair(record, "normal"), _pair(record, "warn")
    choices, failing = _strings(record, "choices"), _strings(record, "failing")
    severity = record.get("severity", 2)
    if (
        not isinstance(severity, int)
        or isinstance(severity, bool)
        or severity not in SEVERITY_LEVELS
    ):
        raise Invalid(N_("severity must be 1, 2 or 3."), field="severity")
    if kind == ItemKind.READING:
        if normal == (None, None):
            raise Invalid(N_("A reading needs its normal range."), field="normal")
        if unit is None:
            raise Invalid(N_("A reading needs its unit."), field="unit")
        for end, (n, w) in enumerate(zip(normal, warn, strict=True)):
            if n is None or w is None:
                continue
            if (end == 0 and w > n) or (end == 1 and w < n):
                raise Invalid(
                    N_("The warning band must lie around the normal range."), field="warn"
                )
    elif warn != (None, None) or normal != (None, None):
        raise Invalid(N_("Only a reading has a range."), field="normal")
    if kind == ItemKind.CHOICE:
        if len(choices) < 2 or len(set(choices)) != len(choices):
            raise Invalid(N_("A choice needs two or more different choices."), field="choices")
        stray = [f for f in failing if f not in choices]
        if stray:
            raise Invalid(
                N_("failing choice {choice} is not one of the choices."),
                field="failing",
                choice=stray[0],
            )
    elif choices or failing:
        raise Invalid(N_("Only a choice has choices."), field="choices")
    return ItemSpec(
        key=key,
        label=label,
        kind=kind,
        section=section,
        ci=ci,
        instruction=instruction,
        unit=unit,
        normal=normal,
        warn=warn,
        choices=choices,
        failing=failing,
        severity=severity,
        line=line,
    )


def _field_line(lines: list[str], start: int, end: int, name: str | None) -> int:
    """The line of ``name = …`` inside lines ``start..end`` (1-based), else ``start``."""
    if name:
        pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
        for number in range(start, min(end, len(lines)) + 1):
            if pattern.match(lines[number - 1]):
                return number
    return start


def parse(text: str, file: str = "template") -> TemplateSpec:
    """The checklist in ``text``, or :class:`TemplateRejected` listing every problem with its
    line."""
    report = SpecErrors(file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _SYNTAX_LINE.search(str(exc))
        report.add(
            int(found.group(1)) if found else 0,
            Invalid(N_("Not TOML: {reason}."), reason=str(exc)),
        )
        raise TemplateRejected(report) from None
    lines = text.splitlines()
    headers = [n for n, line in enumerate(lines, 1) if _ITEM_HEADER.match(line)]
    section_lines = [n for n, line in enumerate(lines, 1) if _SECTION_HEADER.match(line)]
    bounds = sorted([*headers, *section_lines, len(lines) + 1])
    code = name = description = ""
    for label, limit in (("code", TEMPLATE_CODE_MAX), ("name", TEMPLATE_NAME_MAX)):
        try:
            value = _text(data, label, limit, required=True)
            if label == "code" and not KEY.match(value):
                raise Invalid(
                    N_("code {code} must be lower-case letters, digits, - and _."),
                    field="code",
                    code=value,
                )
        except Invalid as exc:
            report.add(_field_line(lines, 1, bounds[0] - 1 if bounds else len(lines), label), exc)
            continue
        if label == "code":
            code = value
        else:
            name = value
    try:
        description = _text(data, "description", INSTRUCTION_MAX)
    except Invalid as exc:
        report.add(_field_line(lines, 1, len(lines), "description"), exc)
    sections = data.get("sections", [])
    items: list[ItemSpec] = []
    seen: dict[str, int] = {}
    index = 0
    if not isinstance(sections, list):
        sections = []
    for position, section in enumerate(sections):
        section_line = section_lines[position] if position < len(section_lines) else 0
        try:
            title = _text(section, "title", SECTION_MAX, required=True)
        except Invalid as exc:
            report.add(section_line, exc)
            title = ""
        records = section.get("items", [])
        for record in records if isinstance(records, list) else []:
            line = headers[index] if index < len(headers) else section_line
            end = next((b - 1 for b in bounds if b > line), len(lines))
            index += 1
            try:
                item = check_item(record, title, line)
            except Invalid as exc:
                report.add(_field_line(lines, line, end, exc.field), exc)
                continue
            if item.key in seen:
                report.add(
                    _field_line(lines, line, end, "key"),
                    Invalid(
                        N_("Duplicate key {key} (first on line {first})."),
                        field="key",
                        key=item.key,
                        first=seen[item.key],
                    ),
                )
                continue
            seen[item.key] = line
            items.append(item)
    if not items and not report.errors:
        report.add(0, Invalid(N_("The checklist has no items."), field="items"))
    if len(items) > MAX_ITEMS:
        report.add(0, Invalid(N_("More than {n} items."), field="items", n=MAX_ITEMS))
    if report.errors:
        raise TemplateRejected(report)
    return TemplateSpec(code=code, name=name, description=description, checks=tuple(items))


# ---------------------------------------------------------------------- writing
def _value(value: Any) -> str:
    """A TOML value: JSON's strings are TOML basic strings; numbers as Python writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        if any(v is None for v in value):  # TOML has no null: an open end is left out
            raise ValueError("no null in TOML")
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _pair_value(pair: tuple[float | None, float | None]) -> str | None:
    """A range; an open end is written as ``-inf`` or ``inf`` (TOML has no null)."""
    if pair == (None, None):
        return None
    low = pair[0] if pair[0] is not None else -math.inf
    high = pair[1] if pair[1] is not None else math.inf
    return _value([low, high])


def dump(spec: TemplateSpec) -> str:
    """The checklist as TOML that :func:`parse` reads back to the same spec."""
    out = [f"code = {_value(spec.code)}", f"name = {_value(spec.name)}"]
    if spec.description:
        out.append(f"description = {_value(spec.description)}")
    section: str | None = None
    for item in spec.checks:
        if item.section != section:
            section = item.section
            out += ["", "[[sections]]", f"title = {_value(section)}"]
        out += ["", "[[sections.items]]", f"key = {_value(item.key)}"]
        out.append(f"label = {_value(item.label)}")
        out.append(f"kind = {_value(item.kind.value)}")
        fields: Iterable[tuple[str, Any]] = (
            ("ci", item.ci),
            ("instruction", item.instruction or None),
            ("unit", item.unit),
            ("choices", list(item.choices) or None),
            ("failing", list(item.failing) or None),
        )
        out += [f"{k} = {_value(v)}" for k, v in fields if v is not None]
        for name, pair in (("normal", item.normal), ("warn", item.warn)):
            written = _pair_value(pair)
            if written is not None:
                out.append(f"{name} = {written}")
        out.append(f"severity = {item.severity}")
    return "\n".join(out) + "\n"
