"""The demo site: deterministic, plausible, consistent with the workflow, on SQLite and PostgreSQL.

One demo of a few thousand tickets is loaded per database (module scope: loading is the slow
part) and read by most tests; the tests that need another database make their own.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlmodel import col

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.config import Settings
from itsm_tui.common.domain import OPEN_STATUSES
from itsm_tui.common.errors import Forbidden, Invalid
from itsm_tui.storage import bulk, migrate
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.engine import make_engine
from itsm_tui.storage.tables import (
    AssignmentGroup,
    Caller,
    Category,
    Complaint,
    ConfigurationItem,
    Contact,
    GroupMember,
    InspectionIncident,
    JournalEntry,
    Location,
    NumberSeries,
    SlaEvent,
    Staff,
    StaffRole,
    Survey,
    Ticket,
    TicketCI,
    TicketNote,
)
from itsm_tui.workflow.demo import DemoSummary, load_demo
from itsm_tui.workflow.demo.epoch import epoch_stamper, iso_stamper, to_datetime
from itsm_tui.workflow.demo.issues import all_kinds
from itsm_tui.workflow.demo.vocabulary import PENDING_REASONS
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import add_staff, bootstrap_admin
from itsm_tui.workflow.tickets.states import PENDING_REASONS as WORKFLOW_PENDING
from itsm_tui.workflow.tickets.states import RESOLUTION_CODES
from tests.conftest import PG_SKIP, PG_URL, T0

N = 3_000
SEED = 2026
OPEN = ("new", "assigned", "in_progress", "pending")


@dataclass
class Loaded:
    """A database holding the demo, and what loading it reported."""

    kind: str
    site: Site
    admin: Actor
    summary: DemoSummary
    digest: str
    progress: list[tuple[int, int]] = field(default_factory=list)


@contextmanager
def fresh_site(kind: str, folder: Path) -> Iterator[tuple[Site, Actor]]:
    """An empty migrated database of ``kind`` with its bootstrap admin (as conftest makes one)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    owner: Engine | None = None
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'{schema}.db'}"
    else:
        if not PG_URL:
            pytest.skip(PG_SKIP)
        owner = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with owner.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        site = Site(engine, clock=FrozenClock(T0), settings=Settings(database_url=url))
        view = bootstrap_admin(site, "admin", "管理员")
        yield site, Actor(view.id, view.login, view.display_name, view.tier, frozenset())
    finally:
        engine.dispose()
        if owner is not None:
            with owner.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            owner.dispose()


def digest(engine: Engine) -> str:
    """A fingerprint of everything the demo wrote, row by row, in id order."""
    sha = hashlib.sha256()
    for table, key in (
        (Staff, Staff.id),
        (Caller, Caller.id),
        (ConfigurationItem, ConfigurationItem.id),
        (Ticket, Ticket.id),
        (Contact, Contact.id),
        (TicketNote, TicketNote.id),
        (JournalEntry, JournalEntry.id),
    ):
        with engine.connect() as conn:
            for row in conn.execute(select(core_table(table)).order_by(key)):
                sha.update(repr(tuple(row)).encode())
    return sha.hexdigest()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    with fresh_site(request.param, tmp_path_factory.mktemp("demo")) as (site, admin):
        calls: list[tuple[int, int]] = []
        summary = load_demo(
            site,
            admin,
            tickets=N,
            seed=SEED,
            progress=lambda done, total: calls.append((done, total)),
        )
        yield Loaded(request.param, site, admin, summary, digest(site.engine), calls)


def scalar(engine: Engine, stmt: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


def rows(engine: Engine, stmt: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(stmt))


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_same_data_and_another_seed_other_data(demo: Loaded, tmp_path: Path) -> None:
    with fresh_site(demo.kind, tmp_path) as (site, admin):
        again = load_demo(site, admin, tickets=N, seed=SEED)
        assert again == demo.summary
        assert digest(site.engine) == demo.digest
    with fresh_site(demo.kind, tmp_path) as (site, admin):
        load_demo(site, admin, tickets=N, seed=SEED + 1)
        assert digest(site.engine) != demo.digest


def test_stampers_write_what_the_orm_writes(engine: Engine) -> None:
    """The fast epoch-seconds conversions equal ``bulk.timestamp_adapter`` and ``isoformat``."""
    with engine.connect() as conn:
        stamp, adapt = epoch_stamper(conn), bulk.timestamp_adapter(conn)
        iso = iso_stamper()
        for seconds in (0, 86_399, 951_782_400, 1_798_761_599, int(T0.timestamp()) + 12_345):
            assert stamp(seconds) == adapt(to_datetime(seconds))
            assert iso(seconds) == to_datetime(seconds).isoformat()


# --- who may, and only once ----------------------------------------------------------------


def test_a_second_load_is_refused(demo: Loaded) -> None:
    before = scalar(demo.site.engine, select(func.count()).select_from(Ticket))
    with pytest.raises(Invalid, match="already loaded"):
        load_demo(demo.site, demo.admin, tickets=10)
    assert scalar(demo.site.engine, select(func.count()).select_from(Ticket)) == before


def test_a_site_with_its_own_hotline_group_is_told_what_clashes(site: Site, admin: Actor) -> None:
    """A real site may already have a "hotline" group: that is a clash, not a loaded demo."""
    from itsm_tui.workflow.groups import add_group

    add_group(site, admin, "hotline", "服务热线", tier=1)
    with pytest.raises(Invalid, match=r"already has assignment_group rows .*hotline"):
        load_demo(site, admin, tickets=10)
    assert scalar(site.engine, select(func.count()).select_from(Caller)) == 0


def test_only_an_admin_may_load_it(site: Site, admin: Actor) -> None:
    view = add_staff(site, admin, "li.na", "李娜", roles=["agent", "supervisor"])
    agent = Actor(view.id, view.login, view.display_name, view.tier, frozenset())
    with pytest.raises(Forbidden):
        load_demo(site, agent, tickets=10)
    assert scalar(site.engine, select(func.count()).select_from(AssignmentGroup)) == 0


def test_no_tickets_loads_the_reference_data_alone(site: Site, admin: Actor) -> None:
    """``--tickets 0``: a site to try the workflow on from an empty desk."""
    summary = load_demo(site, admin, tickets=0)
    assert summary.tickets == summary.journal_entries == 0 and summary.callers == 1_000
    tickets = col(NumberSeries.prefix).in_(("INC", "REQ"))  # articles and problems have theirs
    assert scalar(site.engine, select(func.count()).select_from(NumberSeries).where(tickets)) == 0


def test_progress_is_reported_as_tickets_are_written(demo: Loaded) -> None:
    assert demo.progress[0] == (0, N)
    assert demo.progress[-1] == (N, N)
    done = [d for d, _ in demo.progress]
    assert done == sorted(done)


# --- the reference data --------------------------------------------------------------------


def test_summary_counts_what_is_in_the_tables(demo: Loaded) -> None:
    tables = {
        "staff": Staff, "staff_roles": StaffRole, "assignment_groups": AssignmentGroup,
        "group_members": GroupMember, "callers": Caller, "locations": Location,
        "categories": Category, "configuration_items": ConfigurationItem, "tickets": Ticket,
        "contacts": Contact, "ticket_notes": TicketNote, "ticket_cis": TicketCI,
        "surveys": Survey, "complaints": Complaint,
    }  # fmt: skip
    counts = asdict(demo.summary)
    engine = demo.site.engine
    for name, table in tables.items():
        # the bootstrap admin, and their seat at the hotline
        extra = {"staff": 1, "staff_roles": 2, "group_members": 1}.get(name, 0)
        assert scalar(engine, select(func.count()).select_from(table)) == counts[name] + extra
    journal = scalar(engine, select(func.count()).select_from(JournalEntry))
    # the admin's creation, their joining the hotline, the default scoring scheme, the demo_load
    assert journal == counts["journal_entries"] + counts["complaint_journal_entries"] + 4
    # the demo's tickets, and the incidents its inspection rounds' failures opened
    assert counts["incidents"] + counts["requests"] == N + counts["inspection_incidents"]
    assert counts["inspection_incidents"] >= 1


def test_staff_groups_and_callers_look_like_the_customer(demo: Loaded) -> None:
    engine = demo.site.engine
    roles = Counter(r for (r,) in rows(engine, select(StaffRole.role)))
    assert roles["agent"] >= 18 and roles["engineer"] >= 12 and roles["specialist"] >= 8
    assert roles["inspector"] == 3 and 2 <= roles["supervisor"] - 1 <= 3  # minus the admin
    tiers = Counter(t for (t,) in rows(engine, select(Staff.tier).where(Staff.login != "admin")))
    assert set(tiers) == {1, 2, 3}
    logins = [login for (login,) in rows(engine, select(Staff.login))]
    assert len(logins) == len(set(logins))
    assert all("." in login for login in logins if login != "admin")
    groups = rows(engine, select(AssignmentGroup.name, AssignmentGroup.tier,
                                 AssignmentGroup.supervisor_id))  # fmt: skip
    names = {name: tier for name, tier, _ in groups}
    assert names["服务热线"] == 1 and names["数据库管理"] == 2 and names["应用开发"] == 3
    assert all(sup is not None for _, _, sup in groups)
    callers = rows(engine, select(Caller.name, Caller.department, Caller.phone, Caller.vip))
    assert len(callers) == 1_000
    assert len({d for _, d, _, _ in callers}) >= 25
    assert all("\u4e00" <= name[0] <= "\u9fff" for name, *_ in callers)  # Chinese names
    assert 5 <= sum(vip for *_, vip in callers) <= 60
    assert all(p.startswith("010-") or len(p) == 11 for _, _, p, _ in callers)
    rooms = rows(engine, select(Location.name).where(Location.kind == "machine_room"))
    assert {r for (r,) in rooms} == {"核心机房 A", "灾备机房 B"}
    parents = rows(engine, select(Category.parent_id, func.count()).group_by(Category.parent_id))
    assert len(parents) >= 8  # top level plus children under each


def test_the_admin_who_loads_it_sits_at_the_hotline_as_the_journal_says(demo: Loaded) -> None:
    """So the first admin of a fresh demo site can log a call as themselves: a new ticket
    lands in its logger's group, and an admin in none was refused."""
    from itsm_tui.workflow.groups import list_groups

    engine = demo.site.engine
    groups = {g.code: g.members for g in list_groups(demo.site, demo.admin)}
    assert [code for code, members in groups.items() if "admin" in members] == ["hotline"]
    hotline = scalar(engine, select(AssignmentGroup.id).where(AssignmentGroup.code == "hotline"))
    journal = JournalEntry
    joined = rows(
        engine,
        select(journal.entity, journal.entity_id, journal.changes, journal.actor_id)
        .where(journal.action == "add_member"),
    )  # fmt: skip
    assert [tuple(r) for r in joined] == [("group", hotline, {"member": "admin"}, demo.admin.id)]


# --- the tickets ---------------------------------------------------------------------------


def _tickets(engine: Engine) -> list[Any]:
    return rows(engine, select(core_table(Ticket)).order_by(Ticket.id))


def _inspection_born(engine: Engine) -> set[int]:
    """The incidents the demo's inspection failures opened through the live rule: no caller
    (no contact), opened when the reading was taken and left open for the desk."""
    return {t for (t,) in rows(engine, select(InspectionIncident.ticket_id).distinct())}


def test_ticket_mix_is_plausible(demo: Loaded) -> None:
    tickets = _tickets(demo.site.engine)
    share = Counter(t.type for t in tickets)["incident"] / len(tickets)
    assert 0.65 <= share <= 0.75
    priority = Counter(t.priority for t in tickets)
    assert 0 < priority[1] < 0.03 * N
    assert priority[1] < priority[2] < priority[3] < priority[4]
    assert all(t.priority == t.impact + t.urgency - 1 for t in tickets)  # the default matrix
    solved = [t for t in tickets if t.status in ("resolved", "closed")]
    first_line = sum(t.resolved_first_line for t in solved) / len(solved)
    assert 0.6 <= first_line <= 0.85
    tier3 = sum(t.tier == 3 for t in solved)
    assert 0 < tier3 < sum(t.tier == 2 for t in solved)
    for t in tickets:
        assert t.left_first_line == (t.escalation_count > 0)
        assert t.resolved_first_line == (t.status in ("resolved", "closed") and t.tier == 1
                                         and not t.left_first_line)  # fmt: skip
        assert t.reassignment_count >= t.escalation_count == t.tier - 1
        # Open: their SLA clocks were started at load time; finished: measured as written
        # (test_finished_tickets_carry_what_the_live_clock_makes_of_their_journal).
        assert t.sla_policy == f"P{t.priority}" and t.response_due_at is not None
        if t.status not in OPEN_STATUSES:
            assert t.resolution_due_at is not None and t.resolution_elapsed_min is not None
            assert t.next_sla_at is None and t.resolution_warn_at is None
    assert all(t.resolution_code in RESOLUTION_CODES for t in solved)
    assert all(t.resolution_text for t in solved)


def test_the_first_scan_alerts_the_breaches_and_no_past_warning(demo: Loaded) -> None:
    """Warnings and tier budgets already behind the open tickets count as handled (no
    backlog flood, no automatic escalation of demo tickets); a breach behind them does not:
    it is left due, so the scheduler's first scan alerts it (a breached ticket nobody was
    told of is what a supervisor must not miss). Read only: the demo is shared."""
    from itsm_tui.workflow.dashboard import dashboard
    from itsm_tui.workflow.tickets.pages import Queue

    now = demo.site.clock.now()
    tickets = _tickets(demo.site.engine)
    due = [t for t in tickets if t.next_sla_at and t.next_sla_at <= now]
    breached = [t for t in tickets if t.status in OPEN and t.resolution_due_at
                and t.resolution_due_at <= now]  # fmt: skip
    assert breached and dashboard(demo.site, demo.admin).counts[Queue.BREACHED] == len(breached)
    assert {t.id for t in breached} <= {t.id for t in due}
    with demo.site.engine.connect() as conn:
        handled = conn.execute(select(core_table(SlaEvent).c.kind)).scalars().all()
    assert handled and not [k for k in handled if k.endswith(":100")]
    upcoming = [t.next_sla_at for t in tickets if t.next_sla_at and t not in due]
    assert upcoming and min(upcoming) > now  # … what falls due from now on will be alerted


def test_finished_tickets_carry_what_the_live_clock_makes_of_their_journal(demo: Loaded) -> None:
    """Every resolved, closed and cancelled ticket holds the seven SLA columns the live clock
    derives from its journal as stored (read back from the database, measured as the scan
    measures), so the KPI report's times and compliance are those of a live site."""
    from sqlmodel import Session

    from itsm_tui.workflow.sla import clock
    from itsm_tui.workflow.sla import config as cfg

    now = demo.site.clock.now()
    with Session(demo.site.engine) as session:
        finished = list(
            session.execute(
                select(Ticket).where(col(Ticket.status).in_(["resolved", "closed", "cancelled"]))
            )
            .scalars()
            .all()
        )
        ids = [t.id for t in finished if t.id is not None]
        journals = clock.journals(session, ids)
        fired = clock.fired_kinds_of(session, ids)
        config = cfg.read_config(session)
        policies = clock.policies_for(session, finished, config)
        stored, live = {}, {}
        for t in finished:
            assert t.id is not None
            policy = policies[t.id]
            cal = cfg.calendar(session, policy.calendar)
            clocks = clock.measure(t, now, policy, cal, journals[t.id], fired[t.id])
            live[t.number] = clock.derived(clocks)
            stored[t.number] = {k: getattr(t, k) for k in live[t.number]}
    assert len(finished) > 0.9 * N and len(live) == len(finished)
    assert {s for t in finished for s in [t.status]} == {"resolved", "closed", "cancelled"}
    assert stored == live
    # … and they say something: some finished late, most in time, and times add up.
    late = [t for t in finished if t.resolved_at and t.resolved_at > t.resolution_due_at]
    assert 0 < len(late) < 0.5 * len(finished)
    assert all(t.resolution_elapsed_min is not None for t in finished)
    assert sum(t.response_elapsed_min is not None for t in finished) > 0.95 * len(finished)


def test_the_kpi_report_on_the_demo_shows_sla_compliance_and_resolution_times(
    demo: Loaded,
) -> None:
    """Sections 3 and 4 of a month of the demo print figures, not "—" (the demo's finished
    tickets once carried no SLA columns, so a first look at the report showed nothing)."""
    from html.parser import HTMLParser

    from itsm_tui.reports.render import render_html
    from itsm_tui.workflow.kpi.periods import parse_period
    from itsm_tui.workflow.kpi.report import kpi_report

    report = kpi_report(
        demo.site, demo.admin, parse_period("2026-10"), sections=["summary", "times", "sla"]
    )
    for column in ("current", "previous"):  # October and September
        sla, times = report.figures["sla"][column], report.figures["times"][column]
        assert sla["measured"] > 100
        assert 50 < sla["resolution_compliance"] < 100
        assert 50 < sla["response_compliance"] <= 100
        assert 0 < sla["breached"] < sla["measured"]
        assert 0 < times["resolution_median_min"] <= times["resolution_p90_min"]
    assert report.figures["times"]["current"]["response_median_min"] is not None
    headline = {h["key"]: h for h in report.headlines}
    assert headline["resolution_compliance"]["current"] is not None
    assert headline["resolution_median_min"]["current"] is not None

    class Rows(HTMLParser):
        """The text of each table row's cells."""

        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag in ("td", "th") and self.cell is not None and self.rows:
                self.rows[-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    page = Rows()
    page.feed(render_html(report.to_json()))
    shown = {r[0]: r[1:] for r in page.rows if r}
    for label in ("Resolved within SLA", "Responded within SLA", "Resolution, median",
                  "Resolution, p90", "Response, median"):  # fmt: skip
        this_month = shown[label][0]
        assert this_month != "—" and any(ch.isdigit() for ch in this_month), (label, shown[label])


def test_open_tickets_are_recent_and_times_are_in_order(demo: Loaded) -> None:
    now = demo.site.clock.now()
    tickets = _tickets(demo.site.engine)
    status = Counter(t.status for t in tickets)
    assert status["closed"] > 0.9 * N
    assert status["in_progress"] and status["resolved"] and status["cancelled"]
    assert status["cancelled"] < 0.05 * N
    year_ago = now - timedelta(days=366)
    born = _inspection_born(demo.site.engine)
    for t in tickets:
        assert year_ago <= t.opened_at < now
        if t.status in OPEN and t.id not in born:
            assert t.opened_at > now - timedelta(days=30), t.number
        stamps = [t.opened_at, t.first_response_at, t.resolved_at, t.closed_at]
        present = [s for s in stamps if s is not None]
        assert present == sorted(present) and t.updated_at <= now
        assert (t.resolved_at is not None) == (t.status in ("resolved", "closed"))
        assert (t.closed_at is not None) == (t.status in ("closed", "cancelled"))
        assert (t.pending_reason is not None) == (t.status == "pending")
        if t.status in OPEN:
            assert (t.assignee_id is None) == (t.status == "new"), t.number
        elif t.status != "cancelled":
            assert t.assignee_id is not None and t.first_response_at is not None


def test_office_hours_and_working_days_carry_the_load(demo: Loaded) -> None:
    zone = demo.site.settings.zone
    opened = [t.opened_at.astimezone(zone) for t in _tickets(demo.site.engine)]
    hours = Counter(o.hour for o in opened)
    peak = sum(hours[h] for h in (9, 10, 14, 15))
    night = sum(hours[h] for h in range(0, 7))
    assert peak > 0.4 * N and night < 0.02 * N
    weekend = sum(o.weekday() >= 5 for o in opened)
    assert weekend < 0.08 * N


def test_numbers_are_gap_free_per_series_and_the_series_knows_the_last(demo: Loaded) -> None:
    engine = demo.site.engine
    series = dict(rows(engine, select(NumberSeries.prefix, NumberSeries.last_value)))
    for prefix, kind in (("INC", "incident"), ("REQ", "request")):
        numbers = [n for (n,) in rows(engine, select(Ticket.number).where(Ticket.type == kind)
                                      .order_by(Ticket.id))]  # fmt: skip
        assert numbers == [f"{prefix}{i:06d}" for i in range(1, len(numbers) + 1)]
        assert series[prefix] == len(numbers)


def test_every_ticket_has_a_contact_and_a_create_entry(demo: Loaded) -> None:
    engine = demo.site.engine
    without_contact = (
        select(func.count())
        .select_from(Ticket)
        .where(~select(Contact.id).where(Contact.ticket_id == Ticket.id).exists())
    )
    born = _inspection_born(engine)
    assert scalar(engine, without_contact) == len(born)  # a failed reading has no caller
    creates = (
        select(func.count())
        .select_from(JournalEntry)
        .where(JournalEntry.entity == "ticket", JournalEntry.action == "create")
    )
    assert scalar(engine, creates) == N + len(born)
    channels = Counter(c for (c,) in rows(engine, select(Contact.channel)))
    assert channels["phone"] > 0.5 * sum(channels.values())
    assert set(channels) == {"phone", "walk_in", "email", "web", "monitoring"}
    assert scalar(engine, select(func.count()).select_from(Contact)) > N  # repeat calls
    assert scalar(engine, select(func.count()).select_from(TicketNote)) > 0
    assert scalar(engine, select(func.count()).select_from(TicketCI)) > 0


def test_the_journal_replays_to_every_ticket(demo: Loaded) -> None:
    """Applying each entry's [old, new] pairs from the create entry on gives exactly the ticket
    row, and every old value is what the previous entries left: the history is the workflow's.
    """
    engine = demo.site.engine
    login = dict(rows(engine, select(Staff.id, Staff.login)))
    code = dict(rows(engine, select(AssignmentGroup.id, AssignmentGroup.code)))
    state: dict[int, dict[str, Any]] = {}
    version: Counter[int] = Counter()
    last: dict[int, Any] = {}
    entries = select(JournalEntry.entity_id, JournalEntry.action, JournalEntry.at,
                     JournalEntry.changes).where(JournalEntry.entity == "ticket")  # fmt: skip
    for ticket_id, action, at, changes in rows(engine, entries.order_by(JournalEntry.id)):
        version[ticket_id] += 1
        assert last.get(ticket_id, at) <= at  # in time order
        last[ticket_id] = at
        if action == "create":
            state[ticket_id] = {
                "status": "assigned" if changes["assignee"] else "new",
                "group": changes["group"], "assignee": changes["assignee"], "tier": 1,
                "reassignment_count": 0, "escalation_count": 0, "left_first_line": False,
                "resolved_first_line": False, "resolution_code": None, "pending_reason": None,
                "first_response_at": None, "resolved_at": None, "closed_at": None,
            }  # fmt: skip
            continue
        current = state[ticket_id]
        for key, value in changes.items():
            if key in ("reason", "chars", "resolution_text", "round"):
                continue
            old, new = value
            assert current[key] == old, (ticket_id, action, key)
            current[key] = new
    iso = lambda value: None if value is None else value.isoformat()  # noqa: E731
    for t in _tickets(engine):
        assert state[t.id] == {
            "status": t.status, "group": code[t.group_id], "assignee": login.get(t.assignee_id),
            "tier": t.tier, "reassignment_count": t.reassignment_count,
            "escalation_count": t.escalation_count, "left_first_line": t.left_first_line,
            "resolved_first_line": t.resolved_first_line, "resolution_code": t.resolution_code,
            "pending_reason": t.pending_reason, "first_response_at": iso(t.first_response_at),
            "resolved_at": iso(t.resolved_at), "closed_at": iso(t.closed_at),
        }, t.number  # fmt: skip
        assert version[t.id] == t.version and last[t.id] == t.updated_at


def test_the_demo_speaks_the_workflows_codes() -> None:
    assert set(PENDING_REASONS) <= set(WORKFLOW_PENDING)
    for kind in all_kinds():
        assert {code for code, _ in kind.resolutions} <= set(RESOLUTION_CODES), kind.category
        assert all(len(title) <= 200 for title, _ in kind.cases)


# --- after the load, the workflow carries on -----------------------------------------------


def test_the_workflow_carries_on_after_the_load(demo: Loaded) -> None:
    """New rows get fresh ids (PostgreSQL's sequences were moved past the demo's explicit
    ids) and the next numbers of each series."""
    from itsm_tui.workflow.contacts import log_contact
    from itsm_tui.workflow.tickets import TicketDraft

    site, engine = demo.site, demo.site.engine
    hotline = (
        select(Staff.id, Staff.login)
        .join(GroupMember, GroupMember.staff_id == Staff.id)
        .join(AssignmentGroup, AssignmentGroup.id == GroupMember.group_id)
        .where(AssignmentGroup.code == "hotline")
        .order_by(Staff.id)
        .limit(1)
    )
    agent_id, agent_login = rows(engine, hotline)[0]
    view = add_staff(site, demo.admin, "new.hire", "新同事", roles=["agent"])
    assert view.id == scalar(engine, select(func.max(Staff.id)))
    agent = Actor(agent_id, agent_login, "", 1, frozenset())
    logged = log_contact(
        site, agent, caller="E0001",
        new_ticket=TicketDraft(title="OA办公系统登录缓慢", impact=2, urgency=2),
    )  # fmt: skip
    assert logged.ticket == f"INC{demo.summary.incidents + 1:06d}"
    ticket_id = scalar(engine, select(Ticket.id).where(Ticket.number == logged.ticket))
    assert ticket_id == scalar(engine, select(func.max(Ticket.id)))
    assert logged.id == scalar(engine, select(func.max(Contact.id)))


def test_surveys_and_complaints_give_the_scorecards_spread(demo: Loaded) -> None:
    """Most answers good, some poor, clustered on a few staff; complaints some valid, some not;
    every survey attributed to the ticket's resolver, none answered after it expired."""
    engine = demo.site.engine
    with engine.connect() as conn:
        by_score = dict(
            conn.execute(
                text(
                    "SELECT overall, COUNT(*) FROM survey "
                    "WHERE overall IS NOT NULL GROUP BY overall"
                )
            ).all()
        )
        per_staff = conn.execute(
            text(
                "SELECT staff_id, AVG(overall) FROM survey WHERE overall IS NOT NULL "
                "GROUP BY staff_id HAVING COUNT(*) >= 20"
            )
        ).all()
        verdicts = dict(
            conn.execute(text("SELECT verdict, COUNT(*) FROM complaint GROUP BY verdict")).all()
        )
        misattributed = conn.execute(
            text(
                "SELECT COUNT(*) FROM survey s JOIN ticket t ON t.id = s.ticket_id "
                "WHERE s.staff_id <> t.assignee_id OR s.answered_at > s.expires_at"
            )
        ).scalar()
    answered = sum(by_score.values())
    assert answered > N * 0.2
    assert by_score[5] > answered * 0.3 and by_score.get(1, 0) + by_score.get(2, 0) > 0
    means = sorted(float(m) for _, m in per_staff)
    assert means[0] < 4.0 < means[-1]  # the weak spots show
    assert verdicts.get("valid", 0) > 0 and verdicts.get("invalid", 0) > 0
    assert misattributed == 0


def test_the_historys_low_scores_alerted_the_supervisors_once_each(demo: Loaded) -> None:
    """A low score in the demo's history is in its group supervisor's inbox, as a live answer's
    would be: one alert per survey, dated when it was answered."""
    with demo.site.engine.connect() as conn:
        low = conn.execute(
            text(
                "SELECT s.id, s.answered_at, g.supervisor_id FROM survey s "
                "JOIN assignment_group g ON g.id = s.group_id "
                "WHERE s.status = 'answered' AND s.low_score"
            )
        ).all()
        alerts = conn.execute(
            text("SELECT kind, staff_id, created_at FROM sla_alert WHERE kind LIKE 'survey:%'")
        ).all()
    assert low and len(alerts) == len({a.kind for a in alerts}) == len(low)
    expected = {f"survey:{s.id}": s for s in low}
    for a in alerts:
        survey = expected[a.kind]
        assert survey.supervisor_id is None or a.staff_id == survey.supervisor_id
    assert demo.summary.low_score_alerts == len(low)
