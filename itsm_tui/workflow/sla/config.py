"""SLA policies and business calendars as a site configures them: defaults, validation, storage.

Both are site settings (``site_setting`` rows holding JSON), read inside the caller's
transaction so a ticket change and the policy it is measured by can never disagree:

* ``sla_policies`` — ``{"managers": [login, …], "policies": [policy, …]}``, each policy::

      {"priority": 2, "category": null, "service": null,
       "response": 30, "resolution": 450, "calendar": "office",
       "ladder": [{"percent": 50, "targets": ["assignee"]}, …],
       "tier_budgets": {"1": 60, "2": 240}, "auto_escalate": true,
       "escalation_groups": {"2": "server", "3": "dev"}}

  Targets are business minutes on the policy's calendar.

* ``calendar_overrides`` — the site's holidays and make-up days (``calendar_overrides`` format),
  layered over China's official list on the ``office`` calendar (a site override always wins
  over the official list; ``24x7`` ignores days off altogether).

Which policy (and so which calendar) wins when several could apply: the one matching the
ticket's priority with the most specific qualifier — priority + service (a CI linked to the
ticket) beats priority + category (its category or the category's parent) beats priority alone;
among equals, the first listed. There is always a priority-only policy for every priority
(validation refuses a set without one), so every ticket has exactly one policy.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlmodel import Session

from itsm_tui.common.domain import PRIORITY_LEVELS, TIERS
from itsm_tui.common.errors import Invalid
from itsm_tui.workflow.business_calendar import (
    BusinessCalendar,
    CalendarOverrides,
    office_calendar,
    twenty_four_seven,
)
from itsm_tui.workflow.site_settings import forget as forget_settings
from itsm_tui.workflow.site_settings import stored_setting

POLICIES_KEY = "sla_policies"
OVERRIDES_KEY = "calendar_overrides"
CALENDARS = ("office", "24x7")
#: Who an escalation step can alert (see ``scan.targets`` for how each is resolved).
TARGETS = ("assignee", "group_supervisor", "manager", "next_tier")
#: Who is alerted when a tier's time budget runs out (besides the automatic escalation).
BUDGET_TARGETS = ("group_supervisor", "next_tier")
#: One office day (08:30–12:00 and 13:30–17:30) in business minutes.
OFFICE_DAY = 450


@dataclass(frozen=True)
class Step:
    """One rung of the escalation ladder: at ``percent`` of a target, alert ``targets``."""

    percent: int
    targets: tuple[str, ...]


DEFAULT_LADDER = (
    Step(50, ("assignee",)),
    Step(75, ("assignee", "group_supervisor")),
    Step(100, ("assignee", "group_supervisor", "manager")),
)


@dataclass(frozen=True)
class Policy:
    """Response and resolution targets for one priority (optionally one category or service)."""

    priority: int
    response: int
    resolution: int
    calendar: str = "office"
    category: str | None = None
    service: str | None = None
    ladder: tuple[Step, ...] = DEFAULT_LADDER
    tier_budgets: Mapping[int, int] = field(default_factory=dict)
    auto_escalate: bool = True
    escalation_groups: Mapping[int, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """How tickets record the policy they are measured by: ``P2``, ``P2/category:sw`` …"""
        if self.service:
            return f"P{self.priority}/service:{self.service}"
        if self.category:
            return f"P{self.priority}/category:{self.category}"
        return f"P{self.priority}"

    def threshold_minutes(self, target: int, percent: int) -> int:
        return math.ceil(target * percent / 100)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ladder"] = [{"percent": s.percent, "targets": list(s.targets)} for s in self.ladder]
        data["tier_budgets"] = {str(k): v for k, v in self.tier_budgets.items()}
        data["escalation_groups"] = {str(k): v for k, v in self.escalation_groups.items()}
        return data


def _default_policies() -> tuple[Policy, ...]:
    """What a government IT department typically commits to (business minutes).

    P1 (a core system down): round the clock, answer in 15 min, restore in 4 h; tier 1 has
    15 min before tier 2 takes over, tier 2 two hours before the vendors/developers do. P2: an
    office calendar, 30 min / one office day. P3: 1 h / three office days. P4: half a day / five
    days. P5 (advice, small requests): one day / ten days. Only P1–P3 escalate by themselves.
    """
    day = OFFICE_DAY
    return (
        Policy(1, 15, 240, "24x7", tier_budgets={1: 15, 2: 120}),
        Policy(2, 30, day, "office", tier_budgets={1: 60, 2: 240}),
        Policy(3, 60, 3 * day, "office", tier_budgets={1: 240, 2: 2 * day}),
        Policy(4, 240, 5 * day, "office", tier_budgets={1: day}, auto_escalate=False),
        Policy(5, day, 10 * day, "office", auto_escalate=False),
    )


@dataclass(frozen=True)
class SlaConfig:
    """Every policy and the site's managers (the ``manager`` ladder target)."""

    policies: tuple[Policy, ...]
    managers: tuple[str, ...] = ()

    def match(
        self, priority: int, categories: Iterable[str] = (), services: Iterable[str] = ()
    ) -> Policy:
        """The policy that wins for a ticket (see the module docstring for the rule)."""
        cats, svcs = set(categories), set(services)
        best: Policy | None = None
        best_rank = -1
        for p in self.policies:
            if p.priority != priority:
                continue
            if (p.service and p.service not in svcs) or (p.category and p.category not in cats):
                continue
            rank = (2 if p.service else 0) + (1 if p.category else 0)
            if rank > best_rank:
                best, best_rank = p, rank
        assert best is not None, "validation guarantees a priority-only policy"
        return best

    def by_key(self, key: str | None) -> Policy | None:
        return self._keyed.get(key) if key is not None else None

    @functools.cached_property
    def _keyed(self) -> dict[str, Policy]:
        """The policies by key, built once per configuration: a queue page looks up each
        row's policy (the keys are unique: :func:`parse_config`)."""
        return {p.key: p for p in self.policies}

    @property
    def qualified(self) -> bool:
        """Whether any policy depends on category or service (else a ticket's priority is
        all the lookup needs, and refresh skips reading categories and CIs)."""
        return any(p.category or p.service for p in self.policies)

    def to_json(self) -> dict[str, Any]:
        return {"managers": list(self.managers), "policies": [p.to_json() for p in self.policies]}


DEFAULT_CONFIG = SlaConfig(_default_policies())


# ---------------------------------------------------------------------- parsing and validation
def _int(data: Mapping[str, Any], key: str, where: str, lo: int, hi: int) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise Invalid(
            "{where}: {key} must be a whole number from {lo} to {hi}.",
            field=key,
            where=where,
            key=key,
            lo=lo,
            hi=hi,
        )
    return value


_TIER_KEYS = frozenset(str(t) for t in TIERS)  # TOML and JSON table keys are strings


def _tiers(raw: Any, key: str, where: str, kind: type) -> dict[int, Any]:
    if not isinstance(raw, Mapping):
        raise Invalid(
            "{where}: {key} must be a table of tier = value.", field=key, where=where, key=key
        )
    result: dict[int, Any] = {}
    for tier, value in raw.items():
        if str(tier) not in _TIER_KEYS or not isinstance(value, kind) or value in (0, ""):
            raise Invalid(
                "{where}: {key}.{tier} = {value!r} is not valid.",
                field=key,
                where=where,
                key=key,
                tier=tier,
                value=value,
            )
        result[int(tier)] = value
    return result


def parse_policy(data: Mapping[str, Any], where: str = "policy") -> Policy:
    """A policy from its JSON/TOML form, refusing anything wrong with a message naming it."""
    known = set(Policy.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise Invalid(
            "{where}: unknown key {key!r}.", field=unknown[0], where=where, key=unknown[0]
        )
    priority = _int(data, "priority", where, PRIORITY_LEVELS[0], PRIORITY_LEVELS[-1])
    where = f"{where} P{priority}"
    calendar = data.get("calendar", "office")
    if calendar not in CALENDARS:
        raise Invalid(
            "{where}: calendar must be one of {names}.",
            field="calendar",
            where=where,
            names=", ".join(CALENDARS),
        )
    ladder = []
    for raw in data.get("ladder", [asdict(s) for s in DEFAULT_LADDER]):
        pct = _int(raw, "percent", f"{where} ladder", 1, 1000)
        targets = tuple(raw.get("targets", ()))
        bad = [t for t in targets if t not in TARGETS]
        if bad or not targets:
            raise Invalid(
                "{where}: ladder step {pct} %: targets must be some of {names}.",
                field="ladder",
                where=where,
                pct=pct,
                names=", ".join(TARGETS),
            )
        ladder.append(Step(pct, targets))
    if len({s.percent for s in ladder}) != len(ladder):
        raise Invalid(
            "{where}: two ladder steps at the same percentage.", field="ladder", where=where
        )
    for key in ("category", "service"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise Invalid("{where}: {key} must be a code or name.", field=key, where=where, key=key)
    return Policy(
        priority=priority,
        response=_int(data, "response", where, 1, 525_600),
        resolution=_int(data, "resolution", where, 1, 5_256_000),
        calendar=calendar,
        category=data.get("category") or None,
        service=data.get("service") or None,
        ladder=tuple(sorted(ladder, key=lambda s: s.percent)),
        tier_budgets=_tiers(data.get("tier_budgets", {}), "tier_budgets", where, int),
        auto_escalate=bool(data.get("auto_escalate", True)),
        escalation_groups=_tiers(
            data.get("escalation_groups", {}), "escalation_groups", where, str
        ),
    )


def parse_config(data: Mapping[str, Any], source: str = "sla_policies") -> SlaConfig:
    """A whole configuration; every priority 1–5 needs a policy without qualifiers."""
    raw = data.get("policies", data.get("policy"))
    if not isinstance(raw, list) or not raw:
        raise Invalid(
            "{source}: expected a list of policies ([[policy]]).", field="policies", source=source
        )
    policies = tuple(parse_policy(p, f"{source} policy {i + 1}") for i, p in enumerate(raw))
    keys = [p.key for p in policies]
    dup = next((k for k in keys if keys.count(k) > 1), None)
    if dup:
        raise Invalid("{source}: two policies for {dup}.", field="policies", source=source, dup=dup)
    own = {p.priority for p in policies if p.key == f"P{p.priority}"}
    missing = sorted(set(PRIORITY_LEVELS) - own)
    if missing:
        raise Invalid(
            "{source}: priority {priority} has no policy of its own (one without category or "
            "service is needed for every priority 1–5).",
            field="policies",
            source=source,
            priority=missing[0],
        )
    managers = data.get("managers", [])
    if not isinstance(managers, list) or not all(isinstance(m, str) for m in managers):
        raise Invalid(
            "{source}: managers must be a list of logins.", field="managers", source=source
        )
    return SlaConfig(policies, tuple(managers))


# ---------------------------------------------------------------------- reading in a transaction
_parsed: dict[str, SlaConfig] = {}
_calendars: dict[tuple[str, str], BusinessCalendar] = {}


def _setting(session: Session, key: str) -> Any:
    """The stored SLA setting (None: the defaults), read with the site's other settings."""
    return stored_setting(session, key)


def forget(session: Session) -> None:
    """Drop the transaction's cached settings (after writing one)."""
    forget_settings(session)


def read_config(session: Session) -> SlaConfig:
    """The site's SLA configuration (parsed once per distinct stored value)."""
    value = _setting(session, POLICIES_KEY)
    if value is None:
        return DEFAULT_CONFIG
    text = json.dumps(value, sort_keys=True)
    config = _parsed.get(text)
    if config is None:
        config = _parsed[text] = parse_config(value)
    return config


def read_overrides(session: Session) -> CalendarOverrides:
    value = _setting(session, OVERRIDES_KEY)
    return CalendarOverrides() if value is None else CalendarOverrides.from_mapping(value)


def overrides_json(overrides: CalendarOverrides) -> dict[str, Any]:
    return {
        "holidays": {d.isoformat(): n for d, n in sorted(overrides.holidays.items())},
        "workdays": {d.isoformat(): n for d, n in sorted(overrides.workdays.items())},
        "not_holidays": sorted(d.isoformat() for d in overrides.not_holidays),
    }


def calendar(session: Session, name: str) -> BusinessCalendar:
    """The named calendar with the site's overrides; compiled once and cached, because a
    calendar's year blocks are what make deadline arithmetic cost microseconds."""
    if name not in CALENDARS:
        raise Invalid(
            "Unknown calendar '{name}'; calendars are: {names}.",
            field="calendar",
            name=name,
            names=", ".join(CALENDARS),
        )
    value = _setting(session, OVERRIDES_KEY) if name == "office" else None
    key = (name, json.dumps(value, sort_keys=True))
    cal = _calendars.get(key)
    if cal is None:
        if name == "24x7":
            cal = twenty_four_seven()
        else:
            cal = office_calendar(None if value is None else CalendarOverrides.from_mapping(value))
        _calendars[key] = cal
    return cal
