"""A year of changes on the demo estate: standard ones from templates, normal ones through the
CAB, emergency ones, a few failed or backed out and some that caused incidents; the CAB groups
and their setting; the freeze windows of the year, taken from the holiday calendar.

Deterministic (its own random stream) and set-based: a few hundred changes, each table written
with one executemany. Each change's risk is computed as the workflow computes it
(``changes.risk``), once per set of CIs and type (a few dozen walks), with the window's
business hours added per change.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select

from itsm_tui.common.changes import (
    CHANGE_PREFIX,
    ChangeOutcome,
    ChangeStatus,
    ChangeType,
    Decision,
)
from itsm_tui.common.domain import TicketType
from itsm_tui.storage import bulk
from itsm_tui.workflow.changes import risk as risks
from itsm_tui.workflow.changes.freeze import holiday_break
from itsm_tui.workflow.changes.settings import TEMPLATES
from itsm_tui.workflow.context import Tx
from itsm_tui.workflow.demo.catalog import Catalog
from itsm_tui.workflow.demo.people import People
from itsm_tui.workflow.demo.writing import refuse_clashes, table_of
from itsm_tui.workflow.numbering import format_number
from itsm_tui.workflow.site_settings import forget
from itsm_tui.workflow.sla.config import calendar

PAST = 260  # changes over the past year: about five a week
AHEAD = 18  # planned in the next 30 days
S = ChangeStatus

#: The CAB groups: (code, name, tier, the staff teams their members come from).
CAB_GROUPS = (
    ("cab", "变更咨询委员会", 2, ("sup1", "sup2", "sup3", "server", "network", "dba", "appops")),
    ("ecab", "紧急变更小组", 2, ("sup2", "server", "dba")),
    ("cab-lead", "分管领导", 2, ("sup3",)),
)
CAB_SETTING: dict[str, dict[str, Any]] = {
    "normal": {"groups": ["cab"], "approvals": 3},
    "emergency": {"groups": ["ecab"], "approvals": 2},
    "high_risk": {"groups": ["cab-lead"], "approvals": 1},
}

#: What changes, by kind: (title with {system}/{server}, which CIs, the team that does it).
NORMAL = (
    ("{system}应用版本升级", "service", "appops"),
    ("{server}操作系统安全补丁更新", "server", "server"),
    ("{server}数据库版本升级", "db", "dba"),
    ("{system}数据库参数优化", "db", "dba"),
    ("{system}中间件升级", "server", "appops"),
    ("核心交换机固件升级", "core", "network"),
    ("防火墙策略调整：开放{system}对外服务端口", "firewall", "network"),
    ("SAN存储扩容", "san", "server"),
    ("{system}负载均衡配置调整", "server", "network"),
    ("{system}SSL证书更换", "server", "appops"),
)
EMERGENCY = (
    ("{system}紧急修复高危安全漏洞", "server", "appops"),
    ("{server}表空间紧急扩容", "db", "dba"),
    ("{server}故障内存紧急更换", "server", "server"),
    ("{system}服务异常紧急重启", "service", "appops"),
)
STANDARD = (
    ("oa-add-user", "OA系统新增用户：{person}", "oa", "appops"),
    ("raid-disk", "更换{server}RAID阵列故障磁盘", "server", "server"),
)
LESSONS = (
    "按计划完成，业务验证正常。",
    "实施前应提前通知业务部门，避免用户在窗口内办理业务。",
    "回退方案演练不足，下次变更前须在测试环境完整演练。",
    "变更窗口预留偏紧，建议同类变更预留3小时。",
    "厂商补丁说明与实际不符，今后须先在测试环境验证。",
)
FAIL_NOTES = (
    "升级后应用无法启动，已按回退方案恢复。",
    "补丁安装后数据库连接异常，回退至原版本。",
    "配置下发后部分业务访问超时，已回滚配置。",
)
NEW_USERS = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄磊", "周婷", "吴强")


def _groups(tx: Tx, people: People) -> tuple[dict[str, list[int]], int]:
    """Write the CAB groups, their members and setting; return group code → member ids."""
    conn, now = tx.session.connection(), tx.now
    groups = table_of("assignment_group")
    members_table = table_of("group_member")
    next_group = bulk.next_id(conn, groups)
    members: dict[str, list[int]] = {}
    group_rows, member_rows = [], []
    for n, (code, name, tier, teams) in enumerate(CAB_GROUPS):
        gid = next_group + n
        people.group[code] = gid
        staff = [people.team[t][0] for t in teams if people.team.get(t)]
        members[code] = staff
        supervisor = people.team.get("sup2", [None])[0]
        group_rows.append(
            {
                "id": gid,
                "code": code,
                "name": name,
                "tier": tier,
                "supervisor_id": supervisor,
                "active": True,
                "version": 1,
            }
        )
        member_rows += [{"group_id": gid, "staff_id": s} for s in staff]
    refuse_clashes(conn, "assignment_group", ["code"], [r["code"] for r in group_rows])
    conn.execute(insert(groups), group_rows)
    conn.execute(insert(members_table), member_rows)
    conn.execute(
        insert(table_of("site_setting")),
        [{"key": "change_cab", "value": CAB_SETTING, "updated_at": now, "version": 1}],
    )
    forget(tx.session)  # the transaction's cached settings predate this one
    return members, len(member_rows)


def _freezes(tx: Tx, start: datetime, end: datetime) -> list[tuple[str, datetime, datetime]]:
    """The freezes of the years the demo spans: Spring Festival, Labour Day and National Day
    from the office calendar, the two sessions, and year-end closing."""
    office = calendar(tx.session, "office")
    zone = tx.site.settings.zone
    out = []
    for year in range(start.year, end.year + 1):
        spans: list[tuple[str, date, date]] = []
        for holiday in ("春节", "劳动节", "国庆节"):
            first, last = holiday_break(office, holiday, year)
            spans.append((f"{year}年{holiday}封网", first, last + timedelta(days=1)))
        spans.append((f"{year}年全国两会保障", date(year, 3, 4), date(year, 3, 12)))
        spans.append((f"{year}年年终结算", date(year, 12, 26), date(year + 1, 1, 1)))
        for name, a, b in spans:
            s, e = datetime.combine(a, time(), zone), datetime.combine(b, time(), zone)
            if e > start and s < end:
                out.append((name, s, e))
    return out


def _in_freeze(freezes: Sequence[tuple[str, datetime, datetime]], s: datetime, e: datetime) -> bool:
    return any(fs < e and fe > s for _, fs, fe in freezes)


class _Picker:
    """CIs for a kind of change on the demo estate."""

    def __init__(self, catalog: Catalog, rng: random.Random) -> None:
        self.catalog, self.rng = catalog, rng
        named = {name: i for i, name in catalog.ci_name.items()}
        self.core = [i for n, i in named.items() if n.startswith("核心交换机")]
        self.firewall = [i for n, i in named.items() if n.startswith("防火墙")]
        self.san = [i for n, i in named.items() if n.startswith("SAN存储")]
        self.systems = sorted(catalog.system_servers)

    def pick(self, what: str) -> tuple[str, str, list[int]]:
        """(system name, server name, CI ids) for a change of ``what``."""
        rng, cat = self.rng, self.catalog
        code = "OA" if what == "oa" else rng.choice(self.systems)
        service = cat.system_ci[code]
        servers = cat.system_servers[code] or [service]
        dbs = [s for s in servers if "-DB-" in cat.ci_name.get(s, "")]
        server = rng.choice(dbs if what == "db" and dbs else servers)
        system = cat.ci_name.get(service, code)
        cis = {
            "service": [service],
            "oa": [service],
            "server": [server],
            "db": [server],
            "core": self.core[:1] or [server],
            "firewall": self.firewall[:1] or [server],
            "san": self.san[:1] or [server],
        }[what]
        return system, cat.ci_name.get(server, ""), cis


def load_changes(tx: Tx, people: People, catalog: Catalog, *, seed: int) -> dict[str, int]:
    """Write the demo's changes, their CAB, approvals, links and freezes; return counts."""
    conn = tx.session.connection()
    rng = random.Random(f"itsm-demo:{seed}:changes")
    now = tx.now
    zone = tx.site.settings.zone
    start, end = now - timedelta(days=365), now + timedelta(days=30)
    members, memberships = _groups(tx, people)
    freezes = _freezes(tx, start, end + timedelta(days=30))
    conn.execute(
        insert(table_of("change_freeze")),
        [
            {"name": n, "starts_at": s, "ends_at": e, "reason": "重要保障期", "created_at": start}
            for n, s, e in freezes
        ],
    )
    picker = _Picker(catalog, rng)
    first = bulk.next_id(conn, table_of("change_request"))
    changes: list[dict[str, Any]] = []
    cis: list[dict[str, int]] = []
    approvals: list[dict[str, Any]] = []
    journal: list[tuple[str, int, str, int | None, datetime, dict[str, Any]]] = []
    cached: dict[tuple[tuple[int, ...], str], risks.Risk] = {}
    days = sorted(rng.uniform(0, 365) for _ in range(PAST)) + sorted(
        365 + rng.uniform(1, 30) for _ in range(AHEAD)
    )
    for n, day in enumerate(days):
        cid = first + n
        upcoming = n >= PAST
        kind = rng.choices(
            (ChangeType.STANDARD, ChangeType.NORMAL, ChangeType.EMERGENCY),
            (0.5, 0.42, 0.08) if not upcoming else (0.3, 0.7, 0.0),
        )[0]
        template = None
        if kind == ChangeType.STANDARD:
            template, title, what, team = rng.choice(STANDARD)
        else:
            title, what, team = rng.choice(NORMAL if kind == ChangeType.NORMAL else EMERGENCY)
        system, server, ci_ids = picker.pick(what)
        title = title.format(system=system, server=server, person=rng.choice(NEW_USERS))
        # the window: evenings for normal changes, office hours for standard ones
        base = (start + timedelta(days=day)).astimezone(zone).date()
        if kind == ChangeType.EMERGENCY:
            ws = datetime.combine(base, time(rng.randrange(0, 24)), zone)
        else:
            while base.weekday() >= 5:
                base += timedelta(days=1)
            hour = 10 if kind == ChangeType.STANDARD else rng.choice((19, 20, 21))
            ws = datetime.combine(base, time(hour), zone)
        we = ws + timedelta(hours=1 if kind == ChangeType.STANDARD else rng.choice((2, 3)))
        planned = (ws, we)
        while kind != ChangeType.EMERGENCY and _in_freeze(freezes, ws, we):
            ws, we = ws + timedelta(days=7), we + timedelta(days=7)  # after the freeze
        if we > end:  # past the demo's horizon: before the freeze instead
            ws, we = planned
            while _in_freeze(freezes, ws, we):
                ws, we = ws - timedelta(days=1), we - timedelta(days=1)
        upcoming = ws > now
        implementers = people.team.get(team) or people.team["server"]
        implementer = rng.choice(implementers)
        created = min(ws - timedelta(days=rng.uniform(2, 10)), now - timedelta(hours=1))
        if kind == ChangeType.EMERGENCY:
            created = ws - timedelta(hours=rng.uniform(1, 4))
        status, outcome, note = _fate(rng, kind, upcoming, we, now)
        key = (tuple(ci_ids), kind.value)
        if key not in cached:
            cached[key] = risks.compute(tx.session, now, None, kind.value, ci_ids, None, None)
        found = risks.with_window(cached[key], tx.session, ws, we)
        assessed = status not in (S.DRAFT, S.SUBMITTED) and not (
            status == S.CANCELLED and rng.random() < 0.5
        )
        started = status in (S.IMPLEMENTING, S.IMPLEMENTED, S.IN_REVIEW, S.CLOSED, S.FAILED)
        actual_start = ws + timedelta(minutes=rng.randrange(0, 15)) if started else None
        finished = started and status != S.IMPLEMENTING
        actual_end = (
            actual_start + (we - ws) * rng.uniform(0.5, 1.1) if finished and actual_start else None
        )
        needs_cab = kind != ChangeType.STANDARD and assessed
        approved_at = None
        if (
            needs_cab
            and status not in (S.ASSESSED, S.REJECTED)
            and not (status == S.AWAITING_APPROVAL and rng.random() < 0.6)
        ):
            board = "normal" if kind == ChangeType.NORMAL else "emergency"
            group = "cab" if board == "normal" else "ecab"
            need = int(CAB_SETTING[board]["approvals"])
            voters = rng.sample(members[group], min(need, len(members[group])))
            if risks.is_high(found.level.value) and members["cab-lead"]:
                voters += [v for v in members["cab-lead"] if v not in voters]
            at = created + (ws - created) * 0.5
            for v in voters:
                approvals.append(_decision(cid, v, people.group[group], Decision.APPROVED, at))
                at += timedelta(minutes=rng.randrange(10, 120))
            approved_at = at
        if status == S.AWAITING_APPROVAL and approved_at is None and members["cab"]:
            some = rng.sample(members["cab"], 1)  # part-way: one approval in
            approvals.append(
                _decision(cid, some[0], people.group["cab"], Decision.APPROVED, created)
            )
        if status == S.REJECTED:
            who = rng.choice(members["cab"])
            approvals.append(
                _decision(
                    cid, who, people.group["cab"], Decision.REJECTED, created + timedelta(days=1),
                    "回退方案不充分，且与业务高峰期冲突，请调整窗口后重新提交。",
                )
            )  # fmt: skip
        reviewed = status in (S.IN_REVIEW, S.CLOSED) and kind != ChangeType.STANDARD
        reviewed = reviewed or (status == S.CLOSED and outcome != ChangeOutcome.SUCCESS)
        review_at = (actual_end or we) + timedelta(days=rng.uniform(0.5, 2)) if reviewed else None
        closed_at = None
        if status == S.CLOSED:
            closed_at = (review_at or actual_end or we) + timedelta(hours=rng.uniform(1, 48))
        elif status in (S.REJECTED, S.CANCELLED):
            closed_at = created + timedelta(days=1)
        last = max(t for t in (created, approved_at, actual_end, review_at, closed_at) if t)
        last = min(last, now)
        number = format_number(CHANGE_PREFIX, cid - first + 1)
        changes.append(
            {
                "id": cid,
                "number": number,
                "type": kind.value,
                "status": status.value,
                "template": template,
                "title": title,
                "reason": _reason(kind, rng),
                "description": f"{title}。",
                "implementation_plan": TEMPLATES[template]["implementation_plan"]
                if template
                else "1. 变更前备份配置与数据；2. 按方案实施；3. 业务验证；4. 通知相关部门。",
                "backout_plan": TEMPLATES[template]["backout_plan"]
                if template
                else "恢复变更前备份，重启服务并验证业务。",
                "test_plan": TEMPLATES[template]["test_plan"]
                if template
                else "业务部门抽查办理一笔业务，监控无新告警。",
                "window_start": ws,
                "window_end": we,
                "implementer_id": implementer,
                "group_id": people.group.get(team) or people.group["server"],
                "requested_by_id": rng.choice(implementers),
                "risk_score": found.score if assessed else None,
                "risk_level": found.level.value if assessed else None,
                "risk_factors": [f.as_dict() for f in found.factors] if assessed else None,
                "assessed_at": created + timedelta(hours=2) if assessed else None,
                "approved_at": approved_at,
                "override_reason": "紧急修复，封网期内经领导批准实施"
                if kind == ChangeType.EMERGENCY and _in_freeze(freezes, ws, we)
                else None,
                "actual_start": actual_start,
                "actual_end": actual_end,
                "outcome": outcome.value if outcome else None,
                "review_success": (outcome == ChangeOutcome.SUCCESS) if reviewed else None,
                "lessons": _lessons(rng, outcome) if reviewed else None,
                "reviewed_at": review_at,
                "reviewed_by_id": people.team.get("sup2", [None])[0] if reviewed else None,
                "created_at": created,
                "updated_at": last,
                "closed_at": closed_at,
                "version": 2,
            }
        )  # fmt: skip
        cis += [{"change_id": cid, "ci_id": i} for i in ci_ids]
        journal.append(
            ("change", cid, "create", implementer, created, {"number": number, "title": title})
        )
        finale: dict[str, Any] = {"status": [S.DRAFT.value, status.value]}
        if note:
            finale["note"] = note
        if status != S.DRAFT:
            journal.append(("change", cid, "demo", None, last, finale))
    conn.execute(insert(table_of("change_request")), changes)
    conn.execute(insert(table_of("change_ci")), cis)
    if approvals:
        conn.execute(insert(table_of("change_approval")), approvals)
    links = _caused(conn, changes, cis, rng, now)
    if links:
        conn.execute(insert(table_of("change_link")), links)
    series = table_of("number_series")
    conn.execute(insert(series), [{"prefix": CHANGE_PREFIX, "last_value": len(changes)}])  # new
    jid = bulk.next_id(conn, table_of("journal_entry"))
    conn.execute(
        insert(table_of("journal_entry")),
        [
            {
                "id": jid + k,
                "entity": e,
                "entity_id": i,
                "action": a,
                "actor_id": actor,
                "at": at,
                "changes": c,
            }
            for k, (e, i, a, actor, at, c) in enumerate(journal)
        ],
    )
    for name in ("assignment_group", "change_request", "change_approval", "change_freeze"):
        bulk.reset_sequence(conn, table_of(name))
    return {
        "assignment_groups": len(CAB_GROUPS),
        "group_members": memberships,
        "changes": len(changes),
        "change_approvals": len(approvals),
        "change_links": len(links),
        "change_freezes": len(freezes),
        "journal_entries": len(journal),
    }


def _lessons(rng: random.Random, outcome: ChangeOutcome | None) -> str:
    return LESSONS[0] if outcome == ChangeOutcome.SUCCESS else rng.choice(LESSONS[1:])


def _decision(
    change: int, staff: int, group: int, decision: Decision, at: datetime, comment: str = "同意"
) -> dict[str, Any]:
    return {
        "change_id": change,
        "staff_id": staff,
        "group_id": group,
        "decision": decision.value,
        "comment": comment,
        "at": at,
    }


def _reason(kind: ChangeType, rng: random.Random) -> str:
    if kind == ChangeType.EMERGENCY:
        return rng.choice(("监控发现高危漏洞正被利用", "生产故障影响业务办理", "硬件告警即将宕机"))
    return rng.choice(
        (
            "厂商发布安全补丁，等保测评要求及时修复",
            "业务部门提出功能需求",
            "容量不足，监控显示使用率超过85%",
            "年度优化计划",
            "上级部门通知要求",
        )
    )


def _fate(
    rng: random.Random, kind: ChangeType, upcoming: bool, window_end: datetime, now: datetime
) -> tuple[ChangeStatus, ChangeOutcome | None, str]:
    """Where the change stands now, how its implementation went, and the note if it failed."""
    if upcoming:
        if kind == ChangeType.STANDARD:
            return S.SCHEDULED, None, ""
        status = rng.choices(
            (S.SCHEDULED, S.AWAITING_APPROVAL, S.ASSESSED, S.SUBMITTED, S.DRAFT),
            (0.5, 0.25, 0.1, 0.05, 0.1),
        )[0]
        return status, None, ""
    roll = rng.random()
    if kind != ChangeType.STANDARD and roll < 0.04:
        return S.REJECTED, None, ""
    if roll < 0.08:
        return S.CANCELLED, None, ""
    failed = kind != ChangeType.STANDARD and rng.random() < (
        0.08 if kind == ChangeType.NORMAL else 0.12
    )
    if failed:
        outcome = rng.choice((ChangeOutcome.FAILED, ChangeOutcome.BACKED_OUT))
        recent = now - window_end < timedelta(days=3)
        return (S.FAILED if recent else S.CLOSED), outcome, rng.choice(FAIL_NOTES)
    if now - window_end < timedelta(days=2) and kind != ChangeType.STANDARD:
        return S.IMPLEMENTED, ChangeOutcome.SUCCESS, ""
    return S.CLOSED, ChangeOutcome.SUCCESS, ""


def _caused(
    conn: Connection,
    changes: list[dict[str, Any]],
    cis: list[dict[str, int]],
    rng: random.Random,
    now: datetime,
) -> list[dict[str, Any]]:
    """Incidents opened on a change's CIs within a day of its window: linked as caused by the
    failed changes, and by a few that went well but still broke something."""
    ticket, ticket_ci = table_of("ticket"), table_of("ticket_ci")
    by_change: dict[int, list[int]] = {}
    for row in cis:
        by_change.setdefault(row["change_id"], []).append(row["ci_id"])
    links = []
    for c in changes:
        end = c["actual_end"]
        if end is None:
            continue
        if c["outcome"] == ChangeOutcome.SUCCESS.value and rng.random() > 0.04:
            continue
        found = conn.execute(
            select(ticket.c.id)
            .join(ticket_ci, ticket_ci.c.ticket_id == ticket.c.id)
            .where(
                ticket_ci.c.ci_id.in_(by_change[c["id"]]),
                ticket.c.type == TicketType.INCIDENT.value,
                ticket.c.opened_at >= c["actual_start"],
                ticket.c.opened_at <= end + timedelta(days=1),
            )
            .limit(2)
        ).scalars()
        links += [
            {
                "change_id": c["id"],
                "entity": "ticket",
                "entity_id": t,
                "relation": "caused",
                "created_at": min(end + timedelta(days=1), now),
            }
            for t in found
        ]
    return links
