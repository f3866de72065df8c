"""Checking a CI's fields, once, for single edits and bulk imports alike.

Input arrives as text (a CSV cell, a CLI option) or JSON values; out comes what the
``configuration_item`` columns hold. Every refusal is an ``Invalid`` naming the field.

A JSON value is taken as what it says, never bent into something else: ``true`` is not
criticality 1, 2.5 is not 2, a list is not a name. Text is read as a CSV cell would be; a
whole number may stand for text (an asset tag written as 1024) or for a number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from itsm_tui.common.errors import DomainError, Invalid, NotFound
from itsm_tui.common.i18n import N_, Phrase
from itsm_tui.storage.tables.cmdb import CI_ASSET_TAG_MAX, CI_IP_MAX, CI_NAME_MAX, CI_SERIAL_MAX
from itsm_tui.workflow.cmdb.classes import (
    CIClass,
    attribute_rules,
    check_attributes,
    check_criticality,
    check_ip,
    check_status,
    class_of,
)
from itsm_tui.workflow.suggest import closest
from itsm_tui.workflow.text_input import storable

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
#: The stored text fields and their columns' lengths.
LIMITS = {
    "name": CI_NAME_MAX,
    "asset_tag": CI_ASSET_TAG_MAX,
    "serial": CI_SERIAL_MAX,
    "ip": CI_IP_MAX,
}
#: Text that is looked up rather than stored (a status, a group or location code): no code is
#: this long, and a longer value is refused before it is compared with every known one.
_LOOKED_UP_MAX = 200
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


def _kind(value: Any) -> str:
    """What a JSON value is, as a refusal names it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, list | tuple):
        return Phrase(N_("a list"))
    if isinstance(value, dict):
        return Phrase(N_("an object"))
    return Phrase(N_("text")) if isinstance(value, str) else type(value).__name__


def _plain(raw: Any, name: str) -> str:
    """``raw`` as text: a string, or a whole number's digits; anything else is refused."""
    if raw.__class__ is str:
        return storable(name, raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    raise Invalid("{name} must be text, not {kind}.", field=name, name=name, kind=_kind(raw))


def _text(values: Mapping[str, Any], name: str) -> str | None:
    raw = values.get(name)
    if raw is None:
        return None
    value = _plain(raw, name).strip()
    if not value:
        return None
    limit = LIMITS.get(name, _LOOKED_UP_MAX)
    if len(value) > limit:
        raise Invalid(
            "{name} is longer than {limit} characters.", field=name, name=name, limit=limit
        )
    return value


def _ref(table: dict[str, int], value: str | None, name: str) -> int | None:
    if value is None:
        return None
    if value not in table:
        raise NotFound(
            "No {what} '{value}'.",
            field=name,
            suggestions=closest(value, list(table)),
            what=name.replace("_", " "),
            value=value,
        )
    return table[value]


def check_ci(values: Mapping[str, Any], refs: References) -> dict[str, Any]:
    """The column values of a CI from ``values`` (common fields plus class attributes, either
    flat or under ``attributes``). Missing optional fields become None / defaults."""
    name = _text(values, "name")
    if name is None:
        raise Invalid("name must not be empty.", field="name")
    written = values.get("class") or values.get("ci_class") or ""
    ci_class = class_of(_plain(written, "class"))
    nested = values.get("attributes") or {}
    if not isinstance(nested, dict):
        raise Invalid(
            "attributes must be an object, not {kind}.", field="attributes", kind=_kind(nested)
        )
    attrs = dict(nested)
    for key, value in values.items():  # flat attributes after the nested ones
        if key not in _NOT_ATTRIBUTES:
            attrs[key] = value
    for key, value in attrs.items():
        _check_value(ci_class, key, value)
    status = _text(values, "status")
    criticality = values.get("criticality")
    if criticality is not None and (
        isinstance(criticality, bool) or not isinstance(criticality, int | str)
    ):
        raise Invalid(
            "criticality must be a whole number, 1 (critical) … 4 (low), not {kind}.",
            field="criticality",
            kind=_kind(criticality),
        )
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
        "attributes": _finite(check_attributes(ci_class, attrs)),
    }


def _finite(attributes: dict[str, Any]) -> dict[str, Any]:
    """Refuse NaN and infinity, which ``float`` reads from "nan" and "inf": PostgreSQL's JSON
    cannot hold them (SQLite's can), and no measure of a CI is either."""
    for name, value in attributes.items():
        if value.__class__ is float and not math.isfinite(value):
            raise Invalid(
                "{name} must be a finite number, not {value}.", field=name, name=name, value=value
            )
    return attributes


#: Attribute type → the JSON value types that may stand for it (text always may).
_TAKES: dict[str, tuple[type, ...]] = {"bool": (bool,), "int": (int,), "float": (int, float)}


def _check_value(ci_class: CIClass, name: str, value: Any) -> None:
    """Refuse a value of the wrong JSON type for attribute ``name`` of ``ci_class`` (an
    unknown attribute is check_attributes' to refuse)."""
    if value is None:
        return
    if value.__class__ is str:
        storable(name, value)
        return
    spec = ci_class.attributes.get(name)
    if spec is None:
        return
    takes = _TAKES.get(spec.type, (int,))  # text: a whole number's digits
    if isinstance(value, bool) != (spec.type == "bool") or not isinstance(value, takes):
        want = {
            "bool": N_("true or false"),
            "int": N_("a whole number"),
            "float": N_("a number"),
        }
        raise Invalid(
            "{name} must be {wanted}, not {kind}.",
            field=name,
            name=name,
            wanted=Phrase(want.get(spec.type, N_("text"))),
            kind=_kind(value),
        )


def row_checker(
    columns: Sequence[str], refs: References
) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """:func:`check_ci` for the records of one CSV file, whose keys are its ``columns`` and
    whose values are all text: the same result for every record, for less time per row (a
    bulk import checks 100,000 rows).

    The few values a column repeats (class, status, criticality, group, location) are checked
    once each and remembered, and each class's attribute checkers are looked up once for the
    file's columns. Anything the fast path is not sure of — a short row, a value to refuse, an
    IPv6 address, a file with an ``attributes`` or ``ci_class`` column — goes through
    :func:`check_ci` itself, so results and errors stay check_ci's to the letter.
    """

    def slow(values: Mapping[str, Any]) -> dict[str, Any]:
        return check_ci(values, refs)

    present = set(columns)
    if {"attributes", "ci_class"} & present or not {"name", "class"} <= present:
        return slow
    width = len(columns)
    attributes = [c for c in columns if c not in _NOT_ATTRIBUTES]
    # raw cell → what check_ci makes of it (a refused value is never remembered)
    known: dict[str, dict[str, Any]] = {c: {"": _BLANK[c]} for c in _BLANK}
    classes: dict[str, tuple[CIClass, list[tuple[str, Any]], tuple[str, ...]]] = {}

    def learn(column: str, raw: str) -> Any:
        try:
            value = known[column][raw] = _SIMPLE[column](raw, refs)
        except DomainError:
            return _UNSURE
        return value

    def kind(raw: str) -> tuple[CIClass, list[tuple[str, Any]], tuple[str, ...]] | None:
        try:
            ci_class = class_of(raw or "")
        except DomainError:
            return None
        coercers, required = attribute_rules(ci_class)
        found = classes[raw] = (ci_class, [(a, coercers.get(a)) for a in attributes], required)
        return found

    statuses, levels = known["status"], known["criticality"]
    groups, places = known["owner_group"], known["location"]
    has_status, has_level = "status" in present, "criticality" in present
    has_group, has_place, has_ip = "owner_group" in present, "location" in present, "ip" in present
    has_tag, has_serial = "asset_tag" in present, "serial" in present

    def check(values: Mapping[str, Any]) -> dict[str, Any]:
        if len(values) != width:
            return slow(values)
        name = values["name"].strip()
        found = classes.get(values["class"]) or kind(values["class"])
        status = statuses.get(values["status"], _UNSURE) if has_status else "in_use"
        if status is _UNSURE:
            status = learn("status", values["status"])
        level = levels.get(values["criticality"], _UNSURE) if has_level else 3
        if level is _UNSURE:
            level = learn("criticality", values["criticality"])
        group = groups.get(values["owner_group"], _UNSURE) if has_group else None
        if group is _UNSURE:
            group = learn("owner_group", values["owner_group"])
        place = places.get(values["location"], _UNSURE) if has_place else None
        if place is _UNSURE:
            place = learn("location", values["location"])
        if (
            found is None
            or not name
            or len(name) > LIMITS["name"]
            or _UNSURE in (status, level, group, place)
        ):
            return slow(values)
        tag = (values["asset_tag"].strip() or None) if has_tag else None
        serial = (values["serial"].strip() or None) if has_serial else None
        ip = (values["ip"].strip() or None) if has_ip else None
        if (
            (tag and len(tag) > LIMITS["asset_tag"])
            or (serial and len(serial) > LIMITS["serial"])
            or (ip and len(ip) > LIMITS["ip"])
        ):
            return slow(values)
        ci_class, rules, required = found
        clean: dict[str, Any] = {}
        try:
            ip = check_ip(ip) if ip else None
            for column, coerce in rules:
                raw = values[column]
                if not raw or raw.isspace():
                    continue
                if coerce is None:  # not an attribute of this class
                    return slow(values)
                value = clean[column] = coerce(raw)
                if value.__class__ is float and value - value:  # nan or inf: check_ci says
                    return slow(values)
        except DomainError:
            return slow(values)
        for needed in required:
            if needed not in clean:
                return slow(values)
        return {
            "name": name,
            "ci_class": ci_class.code,
            "status": status,
            "criticality": level,
            "owner_group_id": group,
            "location_id": place,
            "asset_tag": tag,
            "serial": serial,
            "ip": ip,
            "attributes": clean,
        }

    return check


_UNSURE = object()


def _status(raw: str, refs: References) -> str:
    text = _text({"status": raw}, "status")
    return check_status(text) if text else "in_use"


def _criticality(raw: str, refs: References) -> int:
    return 3 if raw == "" else check_criticality(raw)


def _group(raw: str, refs: References) -> int | None:
    return _ref(refs.groups, _text({"owner_group": raw}, "owner_group"), "owner_group")


def _location(raw: str, refs: References) -> int | None:
    return _ref(refs.locations, _text({"location": raw}, "location"), "location")


#: check_ci's rules for the columns whose few values repeat down a file, and what an empty
#: cell in each means.
_SIMPLE: dict[str, Callable[[str, References], Any]] = {
    "status": _status,
    "criticality": _criticality,
    "owner_group": _group,
    "location": _location,
}
_BLANK: dict[str, Any] = {
    "status": "in_use",
    "criticality": 3,
    "owner_group": None,
    "location": None,
}


#: Column → the field name people and files use for it.
FIELD_OF = {
    "ci_class": "class",
    "owner_group_id": "owner_group",
    "location_id": "location",
}
