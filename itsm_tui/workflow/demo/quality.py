"""The demo year's satisfaction surveys and complaints, so scorecards show spread and their
drill-downs have rows behind them.

Surveys go to about seven in ten resolved tickets with a caller (the rest as if the caller had
answered one lately); a little over half are answered, mostly well, but a few staff and a few
categories — chosen from the seed — draw poor scores, as a real desk's weak spots do. A poor
answer sometimes becomes a complaint, and a few come in unprompted; older complaints are judged
(about six in ten valid) and closed, recent ones still wait for review. Complaints are journaled
as the workflow journals them (logged, judged, closed); surveys, like the demo's tickets, carry
their state in their row.

Rows stream through in chunks read from the tickets just written (keyset on id), with their own
random stream, so the tickets stay the same whatever this module does.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from itsm_tui.common.domain import ComplaintStatus, SurveyStatus, Verdict
from itsm_tui.storage import bulk
from itsm_tui.workflow.demo.catalog import Catalog
from itsm_tui.workflow.demo.epoch import DAY, Stamper, epoch_stamper
from itsm_tui.workflow.demo.people import People
from itsm_tui.workflow.demo.vocabulary import ADMIN_GROUP
from itsm_tui.workflow.demo.writing import table_of, write

SURVEYED = 0.70
ANSWERED = 0.55
WINDOW = 7 * DAY
CHUNK = 20_000
#: Overall scores 1–5: a good desk's answers, and those at its weak spots.
GOOD = (2, 3, 10, 30, 55)
POOR = (12, 18, 25, 25, 20)
COMPLAINT_AFTER_POOR = 0.25
UNPROMPTED = 0.002

COMMENTS_GOOD = ("处理很及时，谢谢", "工程师很耐心", "问题已解决，满意", "响应快", "")
COMMENTS_POOR = (
    "等了很久才有人处理",
    "问题没有彻底解决，又出现了",
    "电话一直打不通",
    "工程师态度不耐烦",
    "说好回电但没有回电",
)
COMPLAINTS = (
    "多次来电仍未解决，要求给个说法",
    "工程师上门迟到两个小时",
    "热线接听态度差",
    "答应的处理时间没有兑现",
    "问题被转来转去没人负责",
)
REASONS_VALID = ("核实录音属实", "处理超时属实", "回访确认用户反映情况属实")
REASONS_INVALID = ("系用户自身设备问题", "已在约定时间内处理，投诉不成立", "经核实非我方责任")
FOLLOW_UPS = ("已回访用户并致歉", "已与工程师谈话，纳入月度考评", "已向用户解释处理过程")


@dataclass
class _Written:
    surveys: int = 0
    complaints: int = 0
    journal: list[tuple[Any, ...]] = field(default_factory=list)


def _resolved(conn: Connection) -> Iterator[list[Any]]:
    """Resolved tickets with a caller, a chunk at a time, by id."""
    t = table_of("ticket")
    after = 0
    while True:
        rows = conn.execute(
            select(
                t.c.id,
                t.c.resolved_at,
                t.c.caller_id,
                t.c.assignee_id,
                t.c.group_id,
                t.c.category_id,
                t.c.reopen_count,
            )
            .where(t.c.id > after, t.c.resolved_at.is_not(None), t.c.caller_id.is_not(None))
            .order_by(t.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        after = rows[-1].id
        yield list(rows)


def write_quality(
    conn: Connection, people: People, catalog: Catalog, *, seed: int, now: int
) -> dict[str, int]:
    """Write the surveys and complaints of the tickets already in the database."""
    rng = random.Random(f"itsm-demo:{seed}:quality")
    stamp: Stamper = epoch_stamper(conn)
    staff = sorted({s for members in people.members.values() for s in members})
    poor_staff = set(rng.sample(staff, min(3, len(staff))))
    categories = sorted(catalog.category.values())
    poor_categories = set(rng.sample(categories, min(2, len(categories))))
    hotline = sorted(people.members.get(ADMIN_GROUP, [])) or staff
    groups = table_of("assignment_group")
    supervisor = {
        r.id: r.supervisor_id for r in conn.execute(select(groups.c.id, groups.c.supervisor_id))
    }
    complaint_table = table_of("complaint")
    next_complaint = bulk.next_id(conn, complaint_table)
    done = _Written()
    survey_cols = (
        "ticket_id", "round", "caller_id", "staff_id", "group_id", "channel", "status",
        "created_at", "expires_at", "answered_at", "answered_by_id", "answered_via", "overall",
        "timeliness", "attitude", "solved", "comment", "low_score", "version",
    )  # fmt: skip
    complaint_cols = (
        "id", "ticket_id", "staff_id", "group_id", "channel", "text", "received_at",
        "logged_by_id", "logged_at", "status", "verdict", "reason", "reviewer_id",
        "reviewed_at", "follow_up", "closed_at", "version",
    )  # fmt: skip
    for chunk in _resolved(conn):
        surveys: list[tuple[Any, ...]] = []
        complaints: list[tuple[Any, ...]] = []
        for row in chunk:
            resolved = int(row.resolved_at.timestamp())
            poor = row.assignee_id in poor_staff or row.category_id in poor_categories
            overall: int | None = None
            if rng.random() < SURVEYED:
                answered_at = resolved + 1800 + rng.randrange(3 * DAY)
                if rng.random() < ANSWERED and answered_at <= now:
                    overall = rng.choices(range(1, 6), weights=POOR if poor else GOOD)[0]
                    solved = overall >= 3 or rng.random() < 0.5
                    low = overall <= 2 or not solved
                    by_phone = rng.random() < 0.6
                    surveys.append((
                        row.id, row.reopen_count, row.caller_id, row.assignee_id, row.group_id,
                        None, SurveyStatus.ANSWERED.value, stamp(resolved),
                        stamp(resolved + WINDOW), stamp(answered_at),
                        rng.choice(hotline) if by_phone else None,
                        "console" if by_phone else "link", overall,
                        max(1, min(5, overall + rng.choice((-1, 0, 0, 1)))),
                        max(1, min(5, overall + rng.choice((-1, 0, 0, 1)))), solved,
                        rng.choice(COMMENTS_POOR if low else COMMENTS_GOOD) or None, low, 1,
                    ))  # fmt: skip
                else:
                    status = SurveyStatus.OPEN if resolved + WINDOW > now else SurveyStatus.EXPIRED
                    surveys.append((
                        row.id, row.reopen_count, row.caller_id, row.assignee_id, row.group_id,
                        None, status.value, stamp(resolved), stamp(resolved + WINDOW), None, None,
                        None, None, None, None, None, None, False, 1,
                    ))  # fmt: skip
            prompted = overall is not None and overall <= 2 and rng.random() < COMPLAINT_AFTER_POOR
            if row.assignee_id is None or not (prompted or rng.random() < UNPROMPTED):
                continue
            received = resolved + 3600 + rng.randrange(2 * DAY)
            if received > now:
                continue
            complaint_id = next_complaint
            next_complaint += 1
            logger = rng.choice(hotline)
            judge = supervisor.get(row.group_id)
            if judge == row.assignee_id:
                judge = None
            settled = received + 3 * DAY <= now and judge is not None
            text = rng.choice(COMPLAINTS)
            if settled:
                valid = rng.random() < (0.75 if poor else 0.45)
                verdict = Verdict.VALID if valid else Verdict.INVALID
                reason = rng.choice(REASONS_VALID if valid else REASONS_INVALID)
                reviewed = received + DAY + rng.randrange(DAY)
                closed = reviewed + rng.randrange(DAY)
                follow = rng.choice(FOLLOW_UPS)
                complaints.append((
                    complaint_id, row.id, row.assignee_id, row.group_id, "phone", text,
                    stamp(received), logger, stamp(received), ComplaintStatus.CLOSED.value,
                    verdict.value, reason, judge, stamp(reviewed), follow, stamp(closed), 4,
                ))  # fmt: skip
                done.journal.extend((
                    ("complaint", complaint_id, "create", logger, received, {}),
                    ("complaint", complaint_id, "judge", judge, reviewed,
                     {"verdict": [None, verdict.value], "why": reason}),
                    ("complaint", complaint_id, "follow_up", judge, closed, {}),
                    ("complaint", complaint_id, "close", judge, closed,
                     {"status": [verdict.value, "closed"]}),
                ))  # fmt: skip
            else:
                complaints.append((
                    complaint_id, row.id, row.assignee_id, row.group_id, "phone", text,
                    stamp(received), logger, stamp(received), ComplaintStatus.RECEIVED.value,
                    None, None, None, None, None, None, 1,
                ))  # fmt: skip
                done.journal.append(("complaint", complaint_id, "create", logger, received, {}))
        done.surveys += write(conn, "survey", survey_cols, surveys)
        done.complaints += write(conn, "complaint", complaint_cols, complaints)
    bulk.reset_sequence(conn, complaint_table)
    journal_cols = ("entity", "entity_id", "action", "actor_id", "at", "changes")
    write(
        conn,
        "journal_entry",
        journal_cols,
        (
            (entity, entity_id, action, actor, stamp(at), json.dumps(changes, ensure_ascii=False))
            for entity, entity_id, action, actor, at, changes in sorted(
                done.journal, key=lambda j: (j[4], j[1])
            )
        ),
    )
    return {
        "surveys": done.surveys,
        "complaints": done.complaints,
        "complaint_journal_entries": len(done.journal),
    }
