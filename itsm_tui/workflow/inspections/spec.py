"""A checklist as a file: read from TOML or YAML, checked item by item, written back as either.

A site keeps its checklists in version control, so import and export round-trip: what
:func:`dump` (TOML) or :func:`dump_yaml` writes, :func:`parse` reads to the same
:class:`TemplateSpec`. The two syntaxes share one checker: each parser gives the same dict plus
a way to find a field's line (TOML: the headers in the text; YAML: the composed nodes' marks).
Reading is all-or-nothing like the CI import: every problem is collected with the line it is
on, and nothing is written while one remains (``templates.import_template``).

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
from typing import Any, Protocol, cast

import yaml

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
FORMATS = ("toml", "yaml")  # the two ways a checklist is written


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
    unknown = sorted(str(k) for k in set(record) - _ITEM_FIELDS)
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


class _Lines(Protocol):
    """Where a part of the parsed file was written: one parser's answer, so that one checker
    (:func:`_check`) serves TOML and YAML alike. ``name`` is a field of that part, or None for
    the part itself; 0 means "somewhere in the file"."""

    def top(self, name: str | None) -> int: ...

    def section(self, position: int) -> int: ...

    def item(self, position: int, index: int, name: str | None) -> int: ...


class _TomlLines:
    """TOML keeps no positions, so the ``[[sections]]`` and ``[[sections.items]]`` headers are
    found in the text, in order, and a field is the first ``name =`` line under its header."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [n for n, line in enumerate(self.lines, 1) if _ITEM_HEADER.match(line)]
        self.sections = [n for n, line in enumerate(self.lines, 1) if _SECTION_HEADER.match(line)]
        self.bounds = sorted([*self.headers, *self.sections, len(self.lines) + 1])
        self.counts: dict[int, int] = {}  # section position -> items before it, all sections

    def top(self, name: str | None) -> int:
        return _field_line(self.lines, 1, self.bounds[0] - 1, name)

    def section(self, position: int) -> int:
        return self.sections[position] if position < len(self.sections) else 0

    def item(self, position: int, index: int, name: str | None) -> int:
        number = self.counts.get(position, 0) + index
        if number >= len(self.headers):
            return self.section(position)
        line = self.headers[number]
        end = next((b - 1 for b in self.bounds if b > line), len(self.lines))
        return _field_line(self.lines, line, end, name)


def _toml(text: str, report: SpecErrors) -> tuple[Any, _Lines]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _SYNTAX_LINE.search(str(exc))
        report.add(
            int(found.group(1)) if found else 0,
            Invalid(N_("Not TOML: {reason}."), reason=str(exc)),
        )
        raise TemplateRejected(report) from None
    lines = _TomlLines(text)
    before = 0
    for position, section in enumerate(data.get("sections", [])):
        lines.counts[position] = before
        items = section.get("items", []) if isinstance(section, dict) else []
        before += len(items) if isinstance(items, list) else 0
    return data, lines


class _YamlLines:
    """YAML's composed nodes carry their marks: a part's line is where its mapping starts, a
    field's is where its key is written."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    @staticmethod
    def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == key:
                    return cast(yaml.Node, v)
        return None

    @staticmethod
    def _at(node: yaml.Node | None, index: int) -> yaml.Node | None:
        if isinstance(node, yaml.SequenceNode) and index < len(node.value):
            return cast(yaml.Node, node.value[index])
        return None

    @staticmethod
    def _line(node: yaml.Node | None, name: str | None) -> int:
        if name and isinstance(node, yaml.MappingNode):
            for k, _v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == name:
                    return int(k.start_mark.line) + 1
        return int(node.start_mark.line) + 1 if node is not None else 0

    def top(self, name: str | None) -> int:
        return self._line(self.root, name)

    def section(self, position: int) -> int:
        return self._line(self._at(self._get(self.root, "sections"), position), None)

    def item(self, position: int, index: int, name: str | None) -> int:
        section = self._at(self._get(self.root, "sections"), position)
        found = self._at(self._get(section, "items"), index)
        return self._line(found, name) if found is not None else self._line(section, None)


def _yaml(text: str, report: SpecErrors) -> tuple[Any, _Lines]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        reason = ": ".join(
            str(part)
            for part in (getattr(exc, "context", None), getattr(exc, "problem", None))
            if part
        )
        report.add(
            int(mark.line) + 1 if mark is not None else 0,
            Invalid(N_("Not YAML: {reason}."), reason=reason or str(exc).splitlines()[0]),
        )
        raise TemplateRejected(report) from None
    return data, _YamlLines(root)


def check_format(format: str) -> str:
    """``format`` if it is one this module reads and writes, else ``Invalid`` naming them."""
    if format not in FORMATS:
        raise Invalid(
            N_("format {format} is not one of: {formats}."),
            field="format",
            format=format,
            formats=", ".join(FORMATS),
        )
    return format


def is_yaml(file: str) -> bool:
    """A ``.yaml`` or ``.yml`` file is YAML; anything else is read as TOML."""
    return file.lower().endswith((".yaml", ".yml"))


def parse(text: str, file: str = "template", *, format: str | None = None) -> TemplateSpec:
    """The checklist in ``text`` (TOML, or YAML when ``format`` or the file's suffix says so),
    or :class:`TemplateRejected` listing every problem with its line."""
    report = SpecErrors(file)
    as_yaml = format == "yaml" if format else is_yaml(file)
    data, lines = (_yaml if as_yaml else _toml)(text, report)
    return _check(data, lines, report)


def _check(data: Any, lines: _Lines, report: SpecErrors) -> TemplateSpec:
    """The one set of rules for a checklist, whichever syntax it was written in."""
    if not isinstance(data, dict):
        report.add(
            lines.top(None),
            Invalid(N_("The file must hold code, name and sections."), field="sections"),
        )
        raise TemplateRejected(report)
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
            report.add(lines.top(label), exc)
            continue
        if label == "code":
            code = value
        else:
            name = value
    try:
        description = _text(data, "description", INSTRUCTION_MAX)
    except Invalid as exc:
        report.add(lines.top("description"), exc)
    sections = data.get("sections", [])
    items: list[ItemSpec] = []
    seen: dict[str, int] = {}
    if not isinstance(sections, list):
        sections = []
    for position, section in enumerate(sections):
        if not isinstance(section, dict):
            report.add(
                lines.section(position),
                Invalid(N_("{name} must be a table of fields."), field="sections", name="sections"),
            )
            continue
        try:
            title = _text(section, "title", SECTION_MAX, required=True)
        except Invalid as exc:
            report.add(lines.section(position), exc)
            title = ""
        records = section.get("items", [])
        for index, record in enumerate(records if isinstance(records, list) else []):
            line = lines.item(position, index, None)
            if not isinstance(record, dict):
                report.add(
                    line,
                    Invalid(N_("{name} must be a table of fields."), field="items", name="items"),
                )
                continue
            try:
                item = check_item(record, title, line)
            except Invalid as exc:
                report.add(lines.item(position, index, exc.field), exc)
                continue
            if item.key in seen:
                report.add(
                    lines.item(position, index, "key"),
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
        out += [f"{k} = {_value(v)}" for k, v in _optional_fields(item) if v is not None]
        for name, pair in (("normal", item.normal), ("warn", item.warn)):
            written = _pair_value(pair)
            if written is not None:
                out.append(f"{name} = {written}")
        out.append(f"severity = {item.severity}")
    return "\n".join(out) + "\n"


def _optional_fields(item: ItemSpec) -> tuple[tuple[str, Any], ...]:
    """An item's fields that a file leaves out when empty, in the order both formats write
    them (None where the file has nothing to say)."""
    return (
        ("ci", item.ci),
        ("instruction", item.instruction or None),
        ("unit", item.unit),
        ("choices", list(item.choices) or None),
        ("failing", list(item.failing) or None),
    )


def _number(value: float) -> float | int:
    return int(value) if value.is_integer() else value


def _yaml_pair(pair: tuple[float | None, float | None]) -> list[float | int | None] | None:
    """A range; an open end is YAML's null (read back as open by :func:`_pair`)."""
    if pair == (None, None):
        return None
    return [None if v is None else _number(v) for v in pair]


def dump_yaml(spec: TemplateSpec) -> str:
    """The checklist as YAML that :func:`parse` reads back to the same spec: the same fields
    as :func:`dump`, in the same order, written by PyYAML's safe dumper."""
    sections: list[dict[str, Any]] = []
    for item in spec.checks:
        if not sections or sections[-1]["title"] != item.section:
            sections.append({"title": item.section, "items": []})
        record: dict[str, Any] = {"key": item.key, "label": item.label, "kind": item.kind.value}
        fields: Iterable[tuple[str, Any]] = (
            *_optional_fields(item),
            ("normal", _yaml_pair(item.normal)),
            ("warn", _yaml_pair(item.warn)),
            ("severity", item.severity),
        )
        record.update((k, v) for k, v in fields if v is not None)
        sections[-1]["items"].append(record)
    data: dict[str, Any] = {"code": spec.code, "name": spec.name}
    if spec.description:
        data["description"] = spec.description
    data["sections"] = sections
    return yaml.dump(data, Dumper=_YamlDumper, allow_unicode=True, sort_keys=False, width=10_000)


class _YamlDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing a list of plain values on one line (``normal: [18, 27]``,
    ``choices: [绿, 黄, 红]``) as one writes a range by hand, and the rest as blocks."""


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = not any(isinstance(v, dict | list) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_YamlDumper.add_representer(list, _list)
