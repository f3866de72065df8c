"""Several OS processes working the same tickets at once lose no update and audit every one.

Each worker process reads a ticket, pauses a moment (as a person would), then acts on it with
the version it read, so real conflicts happen. Afterwards the database must account for every
operation that succeeded, exactly once, and every refusal must have been a reported one.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import Counter
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from itsm_tui.common.errors import DomainError
from itsm_tui.storage.engine import make_engine
from itsm_tui.storage.tables import JournalEntry, Staff, Ticket, TicketNote
from itsm_tui.workflow import tickets as t
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.tickets import TicketDraft
from tests.conftest import Desk

PROCESSES = 4
OPERATIONS = 80  # per process
TICKETS = 24
LOGINS = ["agent1", "agent2", "eng1", "sup"]


def _actors(site: Site) -> dict[str, Actor]:
    with Session(site.engine) as s:
        rows = s.exec(select(Staff).where(col(Staff.login).in_(LOGINS))).all()
        return {r.login: Actor(r.id, r.login, r.display_name, r.tier, frozenset()) for r in rows}


def _operate(site: Site, actor: Actor, number: str, op: str, rng: random.Random) -> None:
    version = t.show_ticket(site, actor, number).ticket.version
    time.sleep(rng.random() * 0.01)  # think time: others may act meanwhile
    if op == "claim":
        t.claim(site, actor, number)
    elif op == "note":
        t.add_note(site, actor, number, f"note by {actor.login}")
    elif op == "escalate":
        t.escalate(
            site, actor, number, group="server", reason="needs tier 2", expected_version=version
        )
    elif op == "return":
        t.return_ticket(
            site, actor, number, group="hotline", reason="back", expected_version=version
        )
    elif op == "assign":
        t.assign(
            site, actor, number, assignee=rng.choice(["agent1", "agent2"]), expected_version=version
        )
    elif op == "update":
        t.update_ticket(site, actor, number, urgency=rng.randint(1, 3), expected_version=version)


def worker(url: str, seed: int, numbers: list[str]) -> list[tuple[str, str, str]]:
    """Run random operations; report (number, operation, outcome) for each."""
    site = Site(make_engine(url))
    actors = _actors(site)
    rng = random.Random(seed)
    results = []
    for _ in range(OPERATIONS):
        number = rng.choice(numbers)
        op = rng.choice(["claim", "note", "escalate", "return", "assign", "update"])
        actor = actors[rng.choice(LOGINS)]
        try:
            _operate(site, actor, number, op, rng)
            outcome = "ok"
        except DomainError as exc:
            outcome = exc.kind
        except Exception as exc:  # anything else is a bug the test must show
            outcome = f"crash: {type(exc).__name__}: {exc}"
        results.append((number, op, outcome))
    site.close()
    return results


@pytest.mark.slow
def test_concurrent_processes_lose_nothing(desk: Desk, db_url: str) -> None:
    numbers = [
        t.create_ticket(desk.site, desk.agent1, TicketDraft(title=f"并发工单 {i}")).number
        for i in range(TICKETS)
    ]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(PROCESSES) as pool:
        batches = pool.starmap(worker, [(db_url, seed, numbers) for seed in range(PROCESSES)])
    results = [r for batch in batches for r in batch]
    outcomes = Counter(outcome for _, _, outcome in results)
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    assert set(outcomes) <= {"ok", "conflict", "invalid", "forbidden"}
    assert outcomes["ok"] > len(results) // 4, outcomes  # the test did real work
    assert outcomes["conflict"] > 0, outcomes  # … and really raced

    ok_per_ticket = Counter(number for number, _, outcome in results if outcome == "ok")
    ok_notes = sum(1 for _, op, outcome in results if op == "note" and outcome == "ok")
    ok_escalations = Counter(n for n, op, o in results if op == "escalate" and o == "ok")
    with Session(desk.site.engine) as s:
        for ticket in s.exec(select(Ticket).where(col(Ticket.number).in_(numbers))).all():
            entries: list[Any] = list(
                s.exec(
                    select(JournalEntry).where(
                        JournalEntry.entity == "ticket", JournalEntry.entity_id == ticket.id
                    )
                ).all()
            )
            # one journal entry per successful operation, plus the creation
            assert len(entries) == ok_per_ticket[ticket.number] + 1, ticket.number
            # every update bumped the version exactly once
            assert ticket.version == len(entries), ticket.number
            assert ticket.escalation_count == ok_escalations[ticket.number], ticket.number
        assert s.exec(select(func.count()).select_from(TicketNote)).one() == ok_notes


def creator(url: str, count: int) -> list[str]:
    """Open ``count`` tickets as agent1; return their numbers."""
    site = Site(make_engine(url))
    agent = _actors(site)["agent1"]
    numbers = [
        t.create_ticket(site, agent, TicketDraft(title=f"并发创建 {i}")).number
        for i in range(count)
    ]
    site.close()
    return numbers


@pytest.mark.slow
def test_concurrent_creation_never_repeats_a_number(desk: Desk, db_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(PROCESSES) as pool:
        batches = pool.starmap(creator, [(db_url, 25)] * PROCESSES)
    numbers = [n for batch in batches for n in batch]
    assert len(numbers) == len(set(numbers)) == PROCESSES * 25
    # Nothing rolled back here, so the series is also gapless: INC000001 … INC000100.
    assert sorted(numbers) == [f"INC{i:06d}" for i in range(1, PROCESSES * 25 + 1)]
