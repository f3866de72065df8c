"""Checking a CI's fields, once, for single edits and bulk imports alike.

Input arrives as text (a CSV cell, a CLI option) or JSON values; out comes what the
``configuration_item`` columns hold. Every refusal is an ``Invalid`` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from itsm_tui.workflow.cmdb.classes import (
    check_attributes,
    check_criticality,
    check_ip,
    check_status,
    class_of,
)
from itsm_tui.workflow.errors import Invalid, NotFound
from itsm_tui.workflow.suggest import closest

#: Common fields, in the order exports write them; anything else is a class attribute.
COMMON = (
    "asset_tag",
    "class",
    "name",
    "status",
    "criticality",
    "owner_group",
    "location",
    "serial",
    "ip",
)
LIMITS = {"name": 200, "asset_tag": 60, "serial": 80}
#: Record keys that are not class attributes (a set: every key of every imported row is tested).
_NOT_ATTRIBUTES = frozenset((*COMMON, "attributes", "ci_class"))


@dataclass
class References:
    """Group and location codes → ids (small tables, read once per operation)."""

    groups: dict[str, int] = field(default_factory=dict)
    locations: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection) -> References:
        groups: dict[str, int] = dict(
            conn.execute(text("SELECT code, id FROM assignment_group")).all()
        )
        locations: dict[str, int] = dict(conn.execute(text("SELECT code, id FROM location")).all())
        return cls(groups, locations)

    def group_codes(self) -> dict[int, str]:
        return {v: k for k, v in self.groups.items()}

    def location_codes(self) -> dict[int, str]:
        return {v: k for k, v in self.locations.items()}


def _text(values: Mapping[str, Any], name: str) -> str | None:
    raw = values.get(name)
    if raw is None:
        return None
    value = (raw if raw.__class__ is str else str(raw)).strip()
    if not value:
        return None
    limit = LIMITS.get(name, 200)
    if len(value) > limit:
        raise Invalid(f"{name} is longer than {limit} characters.", field=name)
    return value


def _ref(table: dict[str, int], value: str | None, name: str) -> int | None:
    if value is None:
        return None
    if value not in table:
        raise NotFound(
            f"No {name.replace('_', ' ')} '{value}'.",
            field=name,
            suggestions=closest(value, list(table)),
        )
    return table[value]


def check_ci(values: Mapping[str, Any], refs: References) -> dict[str, Any]:
    """The column values of a CI from ``values`` (common fields plus class attributes, either
    flat or under ``attributes``). Missing optional fields become None / defaults."""
    name = _text(values, "name")
    if name is None:
        raise Invalid("name must not be empty.", field="name")
    ci_class = class_of(str(values.get("class") or values.get("ci_class") or ""))
    attrs = dict(values.get("attributes") or {})
    for key, value in values.items():  # flat attributes after the nested ones
        if key not in _NOT_ATTRIBUTES:
            attrs[key] = value
    status = _text(values, "status")
    criticality = values.get("criticality")
    ip = _text(values, "ip")
    return {
        "name": name,
        "ci_class": ci_class.code,
        "status": check_status(status) if status else "in_use",
        "criticality": 3 if criticality in (None, "") else check_criticality(criticality),
        "owner_group_id": _ref(refs.groups, _text(values, "owner_group"), "owner_group")
        if "owner_group" in values
        else None,
        "location_id": _ref(refs.locations, _text(values, "location"), "location")
        if "location" in values
        else None,
        "asset_tag": _text(values, "asset_tag"),
        "serial": _text(values, "serial"),
        "ip": check_ip(ip) if ip else None,
        "attributes": check_attributes(ci_class, attrs),
    }


#: Column → the field name people and files use for it.
FIELD_OF = {
    "ci_class": "class",
    "owner_group_id": "owner_group",
    "location_id": "location",
}
