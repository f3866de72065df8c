"""What the CMDB knows about: CI classes with their own attributes, relationship types, and the
class pairs each type may join. One table each, so a new class is one entry here.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from itsm_tui.common.domain import CIStatus
from itsm_tui.common.errors import Invalid


@dataclass(frozen=True)
class Attr:
    """One class-specific attribute: its type (str, int, float, bool), allowed values, limits."""

    type: str = "str"
    choices: tuple[str, ...] = ()
    required: bool = False
    max_length: int = 200
    minimum: float | None = 0


@dataclass(frozen=True)
class CIClass:
    code: str
    label: str  # as a Chinese site names it
    attributes: dict[str, Attr]


def _c(code: str, label: str, **attrs: Attr) -> CIClass:
    return CIClass(code, label, attrs)


_S, _I, _F = Attr(), Attr("int"), Attr("float")

#: The classes of a government IT department's estate.
CLASSES: dict[str, CIClass] = {
    c.code: c
    for c in (
        _c(
            "business_service",
            "业务系统",
            service_hours=Attr(choices=("7x24", "5x8", "5x12")),
            users=_I,
            url=_S,
            vendor=_S,
            department=_S,
        ),
        _c(
            "server",
            "服务器",
            kind=Attr(choices=("physical", "virtual"), required=True),
            os=_S,
            model=_S,
            cpu_cores=_I,
            memory_gb=_I,
        ),
        _c("database", "数据库", engine=Attr(required=True), version=_S, port=_I, instance=_S),
        _c("middleware", "中间件", product=Attr(required=True), version=_S, port=_I),
        _c(
            "network_device",
            "网络设备",
            kind=Attr(choices=("switch", "router", "wireless", "load_balancer", "vpn")),
            model=_S,
            ports=_I,
        ),
        _c("storage", "存储设备", kind=Attr(choices=("san", "nas", "backup")), capacity_tb=_F),
        _c(
            "security_device",
            "安全设备",
            kind=Attr(choices=("firewall", "ids", "ips", "waf", "audit", "gateway")),
            model=_S,
        ),
        _c("desktop", "桌面终端", model=_S, os=_S, user=_S, department=_S),
        _c("printer", "打印机", model=_S, network=Attr("bool")),
        _c("machine_room", "机房", area_m2=_F, tier=_S),
        _c("rack", "机柜", units=Attr("int", minimum=1), row=_S),
        _c("software", "软件", vendor=_S, version=_S, licences=_I),
        # What a machine-room inspection round checks besides the racks.
        _c(
            "facility",
            "机房设施",
            kind=Attr(
                choices=(
                    "ups",
                    "precision_ac",
                    "fire_suppression",
                    "pdu",
                    "generator",
                    "water_leak",
                    "access_control",
                )
            ),
            model=_S,
            rated_kva=_F,
        ),
    )
}

#: Names other tools (and the first demo data) use for a class.
ALIASES = {"business_system": "business_service", "application": "business_service"}


#: 1 is the most critical. A hit on a level-1 service suggests a major incident.
CRITICALITY: dict[int, str] = {1: "critical 关键", 2: "high 重要", 3: "medium 一般", 4: "low 低"}

MAJOR_CRITICALITY = 1


class RelationType(StrEnum):
    RUNS_ON = "runs_on"
    DEPENDS_ON = "depends_on"
    CONNECTS_TO = "connects_to"
    LOCATED_IN = "located_in"
    BACKED_UP_BY = "backed_up_by"
    PART_OF = "part_of"


_HOSTED = {"business_service", "database", "middleware", "software"}
_INFRA = {"server", "network_device", "storage", "security_device"}
_NET = {"network_device", "security_device"}

#: The (source class, target class) pairs each type may join: "source <type> target".
ALLOWED_PAIRS: dict[RelationType, frozenset[tuple[str, str]]] = {
    RelationType.RUNS_ON: frozenset(
        {(s, "server") for s in _HOSTED} | {("server", "server")}  # a VM runs on a host
    ),
    RelationType.DEPENDS_ON: frozenset(
        {(s, t) for s in _HOSTED for t in _HOSTED | _INFRA}
        | {("server", t) for t in ("storage", "server")}
        # Racks and rooms run on the room's power and cooling (UPS, precision AC).
        | {("rack", "facility"), ("machine_room", "facility")}
    ),
    RelationType.CONNECTS_TO: frozenset(
        {(s, t) for s in _INFRA | {"desktop", "printer"} for t in _NET}
    ),
    RelationType.LOCATED_IN: frozenset(
        {(s, t) for s in _INFRA for t in ("rack", "machine_room")}
        | {("rack", "machine_room"), ("facility", "machine_room")}
    ),
    RelationType.BACKED_UP_BY: frozenset(
        {
            (s, t)
            for s in ("business_service", "database", "server", "storage")
            for t in ("storage", "server")
        }
    ),
    RelationType.PART_OF: frozenset({(s, "business_service") for s in _HOSTED | {"server"}}),
}

#: Outages travel against these edges: if the target fails, the source is hit.
DEPENDS_FORWARD = ("runs_on", "depends_on", "connects_to", "located_in")
#: …and along these: if a part fails, the whole it belongs to is hit.
DEPENDS_REVERSED = ("part_of",)
#: A failed backup target is a risk, not an outage: shown downstream, never propagated upstream.
DOWNSTREAM_ONLY = ("backed_up_by",)


def class_of(value: str, *, field: str = "class") -> CIClass:
    code = value.strip()
    code = ALIASES.get(code, code)
    found = CLASSES.get(code)
    if found is None:
        raise Invalid(
            "class '{value}' is not one of: {names}.",
            field=field,
            value=value,
            names=", ".join(CLASSES),
        )
    return found


_RELATION_TYPES = {t.value: t for t in RelationType}


def relation_type(value: str, *, field: str = "type") -> RelationType:
    found = _RELATION_TYPES.get(value)
    if found is not None:
        return found
    try:
        return RelationType(value.strip().replace(" ", "_").replace("-", "_"))
    except ValueError:
        valid = ", ".join(t.value for t in RelationType)
        raise Invalid(
            "type '{value}' is not one of: {valid}.", field=field, value=value, valid=valid
        ) from None


def check_pair(kind: RelationType, source_class: str, target_class: str) -> None:
    if (source_class, target_class) in ALLOWED_PAIRS[kind]:
        return
    targets = sorted({t for s, t in ALLOWED_PAIRS[kind] if s == source_class})
    hint = (
        f"a {source_class} may {kind} only: {', '.join(targets)}"
        if targets
        else (f"a {source_class} may not {kind} anything")
    )
    raise Invalid(
        "{source_class} {kind} {target_class} is not allowed ({hint}).",
        field="type",
        source_class=source_class,
        kind=kind,
        target_class=target_class,
        hint=hint,
    )


_STATUSES = frozenset(s.value for s in CIStatus)
#: Dotted quads as ipaddress writes them (no leading zeros): valid and already canonical.
_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")


def check_status(value: str, *, field: str = "status") -> str:
    value = value.strip()
    if value in _STATUSES:
        return value
    try:
        return CIStatus(value).value
    except ValueError:
        valid = ", ".join(s.value for s in CIStatus)
        raise Invalid(
            "status '{value}' is not one of: {valid}.", field=field, value=value, valid=valid
        ) from None


def check_criticality(value: Any, *, field: str = "criticality") -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = 0
    if level not in CRITICALITY:
        raise Invalid(
            "criticality '{value}' must be 1 (critical) … 4 (low).", field=field, value=value
        )
    return level


def check_ip(value: str, *, field: str = "ip") -> str:
    if _IPV4.fullmatch(value):  # the common case, without ipaddress's per-octet parsing
        return value
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise Invalid(
            "ip '{value}' is not an IPv4 or IPv6 address.", field=field, value=value
        ) from None


def check_attributes(ci_class: CIClass, values: dict[str, Any]) -> dict[str, Any]:
    """Typed, known attributes of ``ci_class``; blank values are dropped (not stored)."""
    coercers, required = _compiled(ci_class)
    clean: dict[str, Any] = {}
    for name, raw in values.items():
        if raw is None or (isinstance(raw, str) and (not raw or raw.isspace())):
            continue
        coerce = coercers.get(name)
        if coerce is None:
            known = ", ".join(ci_class.attributes) or "none"
            raise Invalid(
                "{code} has no attribute '{name}' (it has: {known}).",
                field=name,
                code=ci_class.code,
                name=name,
                known=known,
            )
        clean[name] = coerce(raw)
    for name in required:
        if name not in clean:
            raise Invalid("a {code} needs '{name}'.", field=name, code=ci_class.code, name=name)
    return clean


_COMPILED: dict[int, tuple[CIClass, dict[str, Any], tuple[str, ...]]] = {}


def attribute_rules(ci_class: CIClass) -> tuple[dict[str, Any], tuple[str, ...]]:
    """What :func:`check_attributes` applies: attribute name → its checker (raises
    ``Invalid``), and the required names."""
    return _compiled(ci_class)


def _compiled(ci_class: CIClass) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Per class, once: attribute name → its checker, and the required names (a bulk import
    checks every row of a class with the same few functions)."""
    found = _COMPILED.get(id(ci_class))
    if found is None or found[0] is not ci_class:
        coercers = {name: _coercer(name, spec) for name, spec in ci_class.attributes.items()}
        required = tuple(n for n, spec in ci_class.attributes.items() if spec.required)
        found = _COMPILED[id(ci_class)] = (ci_class, coercers, required)
    return found[1], found[2]


def _coercer(name: str, spec: Attr) -> Any:
    if spec.type == "str" and not spec.choices:
        limit = spec.max_length

        def plain(raw: Any) -> Any:  # the common case: free text
            text = raw.strip() if raw.__class__ is str else str(raw).strip()
            if len(text) > limit:
                raise Invalid(
                    "{name} is longer than {limit} characters.", field=name, name=name, limit=limit
                )
            return text

        return plain
    if spec.choices:
        choices = frozenset(spec.choices)

        def chosen(raw: Any) -> Any:
            text = raw.strip() if raw.__class__ is str else None
            return text if text in choices else _coerce(name, spec, raw)

        return chosen
    return lambda raw: _coerce(name, spec, raw)


def _coerce(name: str, spec: Attr, raw: Any) -> Any:
    text = str(raw).strip()
    if spec.type == "bool":
        if isinstance(raw, bool) or text.lower() in ("true", "false", "yes", "no", "1", "0"):
            return raw if isinstance(raw, bool) else text.lower() in ("true", "yes", "1")
        raise Invalid("{name} '{raw}' must be true or false.", field=name, name=name, raw=raw)
    if spec.type in ("int", "float"):
        try:
            number: float = int(text) if spec.type == "int" else float(text)
        except ValueError:
            raise Invalid(
                "{name} '{raw}' must be a number ({type}).",
                field=name,
                name=name,
                raw=raw,
                type=spec.type,
            ) from None
        if spec.minimum is not None and number < spec.minimum:
            raise Invalid(
                "{name} {raw} must be at least {minimum:g}.",
                field=name,
                name=name,
                raw=raw,
                minimum=spec.minimum,
            )
        return number
    if spec.choices and text not in spec.choices:
        raise Invalid(
            "{name} '{raw}' is not one of: {names}.",
            field=name,
            name=name,
            raw=raw,
            names=", ".join(spec.choices),
        )
    if len(text) > spec.max_length:
        raise Invalid(
            "{name} is longer than {max_length} characters.",
            field=name,
            name=name,
            max_length=spec.max_length,
        )
    return text
