"""The demo site's people: staff in three tiers, their groups, and ~1,000 callers.

Why generated rather than listed: a thousand callers with realistic Chinese names brings the
duplicates a real directory has (two 王伟 in different departments), which is exactly what
caller search and intake must cope with. Staff logins are pinyin (``zhang.wei``) made unique
with a digit, as an OS account would be.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import accumulate

from sqlalchemy import Connection

from itsm_tui.storage import bulk
from itsm_tui.workflow.demo.catalog import Catalog
from itsm_tui.workflow.demo.epoch import DAY, Stamper
from itsm_tui.workflow.demo.vocabulary import (
    DEPARTMENTS,
    GIVEN,
    GROUPS,
    MAIL_DOMAIN,
    MOBILE_PREFIXES,
    ROSTER,
    SURNAMES,
    TITLES,
)
from itsm_tui.workflow.demo.writing import refuse_clashes, table_of, write

CALLERS = 1_000

#: Each department's head: (title, VIP). The first caller drawn in a department holds it;
#: elsewhere a 处 is led by a 处长 and anything else by a 主任.
_HEADS: dict[str, tuple[str, bool]] = {
    "局领导": ("局长", True),
    "行政执法支队": ("支队长", True),
    "执法一大队": ("大队长", False),
    "执法二大队": ("大队长", False),
}
_LEADERS = frozenset({"局长", "副局长", "处长", "支队长", "大队长", "主任"})
Post = tuple[str, int, bool, tuple[str, ...]]


@dataclass(frozen=True)
class CallerCard:
    """What a ticket's description says about its caller."""

    id: int
    name: str
    department: str
    title: str


@dataclass
class People:
    """Staff ids by team, group ids by code, and the callers with their calling weights."""

    team: dict[str, list[int]] = field(default_factory=dict)
    login: dict[int, str] = field(default_factory=dict)  # staff id → login
    group: dict[str, int] = field(default_factory=dict)
    members: dict[str, list[int]] = field(default_factory=dict)  # group code → staff ids
    callers: list[CallerCard] = field(default_factory=list)
    caller_cum_weights: list[float] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


class NameMaker:
    """Chinese names with pinyin: surnames by frequency, given names that suit one person."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surname_cw = list(accumulate(w for _, _, w in SURNAMES))
        self.given = {
            sex: [(hz, py) for hz, py, s in GIVEN if s in (sex, "n")] for sex in ("m", "f")
        }

    def make(self) -> tuple[str, str, str]:
        """(name, surname pinyin, given-name pinyin), e.g. ("张伟", "zhang", "wei")."""
        rng = self.rng
        hz, py, _ = rng.choices(SURNAMES, cum_weights=self.surname_cw)[0]
        pool = self.given["m" if rng.random() < 0.55 else "f"]
        given = rng.sample(pool, 1 if rng.random() < 0.3 else 2)
        return hz + "".join(g for g, _ in given), py, "".join(p for _, p in given)


def _unique(base: str, taken: set[str], sep: str = "") -> str:
    value, n = base, 1
    while value in taken:
        n += 1
        value = f"{base}{sep}{n}"
    taken.add(value)
    return value


def _phone(rng: random.Random, mobile_share: float) -> str:
    if rng.random() < mobile_share:
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    return f"010-6{rng.randrange(10**7):07d}"


def _titles_in(department: str) -> tuple[list[Post], list[int]]:
    """The posts a department has (an enforcement unit has 执法队员, a hall 窗口工作人员)."""
    posts = [t for t in TITLES if not t[3] or any(w in department for w in t[3])]
    return posts, list(accumulate(t[1] for t in posts))


def create_people(
    conn: Connection, rng: random.Random, now: int, stamp: Stamper, catalog: Catalog
) -> People:
    """Write staff, roles, groups, members and callers; return their ids."""
    people = People()
    _staff(conn, rng, now, stamp, people)
    _groups(conn, people)
    _callers(conn, rng, now, stamp, catalog, people)
    return people


def _staff(conn: Connection, rng: random.Random, now: int, stamp: Stamper, people: People) -> None:
    """The roster, team by team, with pinyin logins and the roles of ``ROSTER``."""
    names = NameMaker(rng)
    next_id = bulk.next_id(conn, table_of("staff"))
    logins: set[str] = set()
    shown: set[str] = set()
    staff_rows: list[tuple[object, ...]] = []
    role_rows: list[tuple[int, str]] = []
    for team, count, tier, roles in ROSTER:
        ids = people.team[team] = []
        for _ in range(count):
            name, surname, given = names.make()
            while name in shown:  # colleagues are told apart by name in every queue
                name, surname, given = names.make()
            shown.add(name)
            login = _unique(f"{surname}.{given}", logins)
            staff_id = next_id + len(staff_rows)
            created = stamp(now - rng.randrange(400, 3000) * DAY)
            email = f"{login}@{MAIL_DOMAIN}"
            staff_rows.append(
                (staff_id, login, name, tier, email, _phone(rng, 0.5), True, created, 1)
            )
            role_rows.extend((staff_id, role) for role in roles)
            ids.append(staff_id)
            people.login[staff_id] = login
    refuse_clashes(conn, "staff", ["login"], [r[1] for r in staff_rows])
    columns = ("id", "login", "display_name", "tier", "email", "phone", "active", "created_at",
               "version")  # fmt: skip
    people.counts["staff"] = write(conn, "staff", columns, staff_rows)
    people.counts["staff_roles"] = write(conn, "staff_role", ("staff_id", "role"), role_rows)


def _groups(conn: Connection, people: People) -> None:
    """One group per team, led by its tier's supervisor, with the team as its members."""
    next_id = bulk.next_id(conn, table_of("assignment_group"))
    group_rows = []
    member_rows: list[tuple[int, int]] = []
    for n, (code, name, tier, supervisor, team) in enumerate(GROUPS):
        group_id = people.group[code] = next_id + n
        group_rows.append((group_id, code, name, tier, people.team[supervisor][0], True, 1))
        people.members[code] = list(people.team[team])
        member_rows.extend((group_id, staff_id) for staff_id in people.team[team])
    refuse_clashes(conn, "assignment_group", ["code"], [r[1] for r in group_rows])
    columns = ("id", "code", "name", "tier", "supervisor_id", "active", "version")
    people.counts["assignment_groups"] = write(conn, "assignment_group", columns, group_rows)
    people.counts["group_members"] = write(
        conn, "group_member", ("group_id", "staff_id"), member_rows
    )


def _callers(
    conn: Connection,
    rng: random.Random,
    now: int,
    stamp: Stamper,
    catalog: Catalog,
    people: People,
) -> None:
    """Callers spread over the departments by head count, each department headed by a leader
    (a VIP), seated in an office on their department's floor."""
    names = NameMaker(rng)
    next_id = bulk.next_id(conn, table_of("caller"))
    dept_cw = list(accumulate(w for _, w, _, _ in DEPARTMENTS))
    titles = {dept: _titles_in(dept) for dept, *_ in DEPARTMENTS}
    seq: dict[str, int] = {}
    emails: set[str] = set()
    rows: list[tuple[object, ...]] = []
    for _ in range(CALLERS):
        dept, _, building, floor = rng.choices(DEPARTMENTS, cum_weights=dept_cw)[0]
        n = seq[dept] = seq.get(dept, 0) + 1
        if n == 1:
            title, vip = _HEADS.get(dept, ("处长" if dept.endswith("处") else "主任", True))
        elif dept == "局领导":
            title, vip = ("副局长", True) if n <= 4 else ("秘书", False)
        else:
            posts, cum_weights = titles[dept]
            title, _, vip, _ = rng.choices(posts, cum_weights=cum_weights)[0]
        name, surname, given = names.make()
        caller_id = next_id + len(rows)
        email = None if rng.random() < 0.08 else f"{_unique(surname + given, emails)}@{MAIL_DOMAIN}"
        office = rng.choice(catalog.offices[(building, floor)])
        created = stamp(now - rng.randrange(380, 3650) * DAY)
        phone = _phone(rng, 0.45)
        employee_no = f"E{len(rows) + 1:04d}"
        rows.append(
            (caller_id, employee_no, name, dept, phone, email, office, vip, True, created, 1)
        )
        people.callers.append(CallerCard(caller_id, name, dept, title))
    refuse_clashes(conn, "caller", ["employee_no"], [r[1] for r in rows])
    columns = ("id", "employee_no", "name", "department", "phone", "email", "location_id", "vip",
               "active", "created_at", "version")  # fmt: skip
    people.counts["callers"] = write(conn, "caller", columns, rows)
    # A few callers ring often (the same handful in every IT department); leaders less so.
    weights = [rng.lognormvariate(0.0, 0.9) * (0.6 if card.title in _LEADERS else 1.0)
               for card in people.callers]  # fmt: skip
    people.caller_cum_weights = list(accumulate(weights))
