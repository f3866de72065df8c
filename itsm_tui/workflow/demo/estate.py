"""The customer's estate for the demo CMDB: 30+ business systems with their servers, databases,
middleware, network, storage and machine rooms, ~1,000 desktops, printers and documents — all
related, so impact analysis shows something true out of the box.

``load_estate(conn, rng, now, stamp)`` writes it with ``storage.bulk`` (explicit ids, the
driver's executemany) inside the caller's transaction and returns the ids the ticket generator
needs, under the same names as ``catalog.Catalog``'s CI fields.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from itsm_tui.storage import bulk
from itsm_tui.storage.tables.cmdb import CI_FIELDS
from itsm_tui.workflow.demo.epoch import DAY, Stamper
from itsm_tui.workflow.demo.writing import refuse_clashes, table_of, write

#: (code, name, criticality, layout (role, count, class of host), depends on other systems)
SYSTEMS: tuple[tuple[str, str, int, tuple[tuple[str, int], ...], tuple[str, ...]], ...] = (
    ("TYRZ", "统一身份认证平台", 1, (("app", 2),), ()),
    ("SJGX", "数据共享交换平台", 1, (("app", 2), ("db", 1)), ("TYRZ",)),
    ("GZFW", "公众服务门户", 1, (("web", 2), ("app", 2), ("db", 1)), ("TYRZ", "SJGX")),
    ("XZZF", "行政执法系统", 1, (("app", 2), ("db", 1)), ("TYRZ", "SJGX")),
    ("OA", "OA办公系统", 1, (("web", 1), ("app", 2), ("db", 1)), ("TYRZ",)),
    ("DZZW", "电子政务交换平台", 1, (("app", 2), ("db", 1)), ("SJGX",)),
    ("XZSP", "行政审批系统", 1, (("app", 2), ("db", 1)), ("TYRZ", "DZZW")),
    ("YJ", "电子邮件系统", 2, (("mail", 2),), ("TYRZ",)),
    ("DAGL", "档案管理系统", 2, (("app", 1), ("db", 1)), ("TYRZ", "OA")),
    ("CWGL", "财务管理系统", 2, (("app", 1), ("db", 1)), ("TYRZ",)),
    ("RSGL", "人事管理系统", 2, (("app", 1), ("db", 1)), ("TYRZ",)),
    ("SPHY", "视频会议系统", 2, (("mcu", 1),), ()),
    ("RXGD", "12345热线工单系统", 1, (("app", 1), ("db", 1)), ("TYRZ", "SJGX")),
    ("XXGK", "政府信息公开系统", 2, (("web", 1), ("db", 1)), ("GZFW",)),
    ("ZFJD", "执法监督平台", 2, (("app", 1),), ("XZZF",)),
    ("XFGL", "信访管理系统", 2, (("app", 1), ("db", 1)), ("TYRZ",)),
    ("HYGL", "会议管理系统", 3, (("app", 1),), ("OA",)),
    ("GWJH", "公文交换系统", 2, (("app", 1), ("db", 1)), ("OA", "DZZW")),
    ("ZCGL", "资产管理系统", 3, (("app", 1), ("db", 1)), ("TYRZ",)),
    ("JXKH", "绩效考核系统", 3, (("app", 1),), ("RSGL",)),
    ("ZSGL", "知识管理系统", 3, (("app", 1),), ("TYRZ",)),
    ("YJZH", "应急指挥系统", 1, (("app", 2), ("db", 1)), ("SPHY", "SJGX")),
    ("DZJC", "电子监察系统", 2, (("app", 1), ("db", 1)), ("XZSP",)),
    ("SJZX", "数据中心平台", 2, (("app", 2), ("db", 2)), ("SJGX",)),
    ("GIS", "地理信息服务平台", 2, (("app", 1), ("db", 1)), ()),
    ("WZQ", "网站群管理系统", 2, (("web", 2), ("db", 1)), ("GZFW",)),
    ("ZWWX", "政务微信公众号平台", 3, (("app", 1),), ("GZFW",)),
    ("YDBG", "移动办公平台", 2, (("app", 1),), ("OA", "TYRZ")),
    ("ZHJG", "智慧监管平台", 2, (("app", 1), ("db", 1)), ("XZZF", "SJGX")),
    ("TJFX", "统计分析系统", 3, (("app", 1), ("db", 1)), ("SJZX",)),
    ("PXKS", "培训考试系统", 3, (("app", 1),), ("TYRZ",)),
    ("YWJK", "运维监控平台", 2, (("app", 1), ("db", 1)), ()),
)
DB_ENGINES = ("Oracle 19c", "达梦 DM8", "人大金仓 KingbaseES V8", "MySQL 8.0", "PostgreSQL 15")
MIDDLEWARE = (("东方通 TongWeb", "7.0"), ("WebLogic", "12c"), ("Tomcat", "9.0"), ("Nginx", "1.24"))
INFRA_VMS = (
    "AD-DC-01",
    "AD-DC-02",
    "FILE-01",
    "AV-CENTER-01",
    "PRINT-01",
    "DNS-01",
    "DNS-02",
    "NTP-01",
    "SYSLOG-01",
    "WSUS-01",
    "CA-01",
    "KMS-01",
    "FTP-01",
    "MON-01",
    "MON-02",
    "JUMP-01",
    "JUMP-02",
    "DEV-01",
    "TEST-01",
    "TEST-02",
)
VM_HOSTS = 10  # physical virtualisation hosts the systems' virtual servers run on
DESKTOPS = 1_000
PRINTERS = 60
ACCESS_SWITCHES = 20  # one per office floor (two buildings, 12 and 8 floors)

OWNER = {
    "server": "server",
    "database": "dba",
    "middleware": "appops",
    "business_service": "appops",
    "network_device": "network",
    "storage": "server",
    "security_device": "network",
    "desktop": "desktop",
    "printer": "desktop",
    "rack": "server",
    "machine_room": "server",
    "software": "desktop",
    "facility": "mr-ops",
}
CI_COLUMNS = ("id", *CI_FIELDS, "created_at", "updated_at", "version")


@dataclass
class Estate:
    """Ids of what tickets refer to (the fields ``catalog.Catalog`` has for CIs) and counts."""

    system_ci: dict[str, int] = field(default_factory=dict)  # business-system code → CI id
    system_servers: dict[str, list[int]] = field(default_factory=dict)
    ci_by_class: dict[str, list[int]] = field(default_factory=dict)
    db_servers: list[int] = field(default_factory=list)
    ci_name: dict[int, str] = field(default_factory=dict)  # for the tickets' journal entries
    counts: dict[str, int] = field(default_factory=dict)


class _Writer:
    def __init__(
        self,
        conn: Connection,
        rng: random.Random,
        now: int,
        stamp: Stamper,
        groups: Mapping[str, int],
        locations: Mapping[str, int],
    ) -> None:
        self.rng, self.now, self.stamp = rng, now, stamp
        self.groups, self.locations = groups, locations
        self.next_ci = bulk.next_id(conn, table_of("configuration_item"))
        self.cis: list[tuple[Any, ...]] = []
        self.relations: list[tuple[int, int, str]] = []
        self.documents: list[tuple[Any, ...]] = []
        self.estate = Estate()
        self.tags = 0

    def ci(
        self,
        ci_class: str,
        name: str,
        *,
        criticality: int = 3,
        ip: str | None = None,
        location: str | None = None,
        **attributes: Any,
    ) -> int:
        ci_id = self.next_ci + len(self.cis)
        created = self.stamp(self.now - self.rng.randrange(400, 2000) * DAY)
        tag = None
        if ci_class in (
            "server",
            "network_device",
            "storage",
            "security_device",
            "desktop",
            "printer",
            "rack",
        ):
            self.tags += 1
            tag = f"ZC-{2019 + self.tags % 6}-{self.tags:05d}"
        self.cis.append(
            (
                ci_id,
                name,
                ci_class,
                "in_use",
                criticality,
                self.groups.get(OWNER[ci_class]),
                self.locations.get(location) if location else None,
                tag,
                f"SN{self.rng.randrange(10**9):09d}" if tag else None,
                ip,
                json.dumps(attributes, ensure_ascii=False),
                created,
                created,
                1,
            )
        )
        self.estate.ci_by_class.setdefault(ci_class, []).append(ci_id)
        self.estate.ci_name[ci_id] = name
        return ci_id

    def rel(self, source: int, kind: str, target: int) -> None:
        self.relations.append((source, target, kind))


#: The core machine room's power, cooling and safety plant: (name, kind, criticality, model,
#: rated kVA). Inspection rounds check them (``demo.inspections``).
FACILITIES: tuple[tuple[str, str, int, str, float | None], ...] = (
    ("UPS-01", "ups", 1, "华为 UPS5000-E 200kVA", 200.0),
    ("UPS-02", "ups", 1, "华为 UPS5000-E 200kVA", 200.0),
    ("精密空调-01", "precision_ac", 1, "艾默生 Liebert PEX4", None),
    ("精密空调-02", "precision_ac", 1, "艾默生 Liebert PEX4", None),
    ("精密空调-03", "precision_ac", 2, "艾默生 Liebert PEX4", None),
    ("精密空调-04", "precision_ac", 2, "艾默生 Liebert PEX4", None),
    ("气体灭火系统", "fire_suppression", 1, "七氟丙烷 FM200", None),
    ("漏水检测系统", "water_leak", 2, "TTDM-128", None),
    ("门禁系统-核心机房A", "access_control", 3, "海康 DS-K1T", None),
    ("柴油发电机-01", "generator", 1, "康明斯 C500D5", 500.0),
)


def _facilities(w: _Writer, room: int, racks: list[int]) -> None:
    """The plant in the core room; every rack depends on both UPSs and the air conditioning."""
    plant = []
    for name, kind, criticality, model, kva in FACILITIES:
        extra: dict[str, Any] = {"rated_kva": kva} if kva else {}
        ci = w.ci("facility", name, criticality=criticality, location="MR-A", kind=kind,
                  model=model, **extra)  # fmt: skip
        w.rel(ci, "located_in", room)
        plant.append((kind, ci))
    for rack in racks:
        for kind, ci in plant:
            if kind in ("ups", "precision_ac"):
                w.rel(rack, "depends_on", ci)


def load_estate(
    conn: Connection,
    rng: random.Random,
    now: int,
    stamp: Stamper,
    *,
    groups: Mapping[str, int] | None = None,
    locations: Mapping[str, int] | None = None,
    desktops: int = DESKTOPS,
) -> Estate:
    """Write the estate's CIs, relationships and documents; return their ids and counts.

    ``now`` is epoch seconds and ``stamp`` turns them into driver values (``epoch_stamper``).
    ``groups`` (assignment-group code → id) sets owner groups; ``locations`` (location code →
    id, e.g. "MR-A") places the machine rooms. Refused if any of its CIs exists already.
    """
    w = _Writer(conn, rng, now, stamp, groups or {}, locations or {})
    rooms = {
        "A": w.ci(
            "machine_room", "核心机房A", criticality=1, location="MR-A", area_m2=260.0, tier="B级"
        ),
        "B": w.ci(
            "machine_room", "灾备机房B", criticality=2, location="MR-B", area_m2=120.0, tier="C级"
        ),
    }
    racks = {
        r: [
            w.ci(
                "rack",
                f"机柜-{r}{n:02d}",
                criticality=2,
                location=f"MR-{r}",
                units=42,
                row=f"{r}{(n - 1) // 6 + 1}",
            )
            for n in range(1, 13 if r == "A" else 7)
        ]
        for r in rooms
    }
    for r, ids in racks.items():
        for rack in ids:
            w.rel(rack, "located_in", rooms[r])
    _facilities(w, rooms["A"], racks["A"])
    core = [
        w.ci(
            "network_device",
            f"核心交换机-A-0{n}",
            criticality=1,
            kind="switch",
            model="华为 CE12808",
            ports=384,
        )
        for n in (1, 2)
    ]
    firewall = w.ci(
        "security_device",
        "防火墙-互联网出口",
        criticality=1,
        kind="firewall",
        model="深信服 AF-2000",
    )
    waf = w.ci("security_device", "Web应用防火墙", criticality=2, kind="waf")
    w.ci("network_device", "VPN网关", criticality=2, kind="vpn")
    w.ci("network_device", "无线控制器", criticality=3, kind="wireless")
    san = w.ci("storage", "SAN存储-核心机房A", criticality=1, kind="san", capacity_tb=200.0)
    backup = w.ci(
        "storage", "备份一体机-灾备机房B", criticality=2, kind="backup", capacity_tb=400.0
    )
    for device in (*core, firewall, waf, san):
        w.rel(device, "located_in", racks["A"][0])
    w.rel(backup, "located_in", racks["B"][0])
    w.rel(firewall, "connects_to", core[0])
    w.rel(waf, "connects_to", firewall)
    hosts = []
    for n in range(1, VM_HOSTS + 1):
        host = w.ci(
            "server",
            f"虚拟化主机-{n:02d}",
            criticality=1,
            kind="physical",
            model="华为 2288H V6",
            cpu_cores=64,
            memory_gb=512,
            os="VMware ESXi 7",
            ip=f"10.10.0.{10 + n}",
        )
        hosts.append(host)
        w.rel(host, "located_in", racks["A"][n % 6 + 1])
        w.rel(host, "depends_on", san)
        for switch in core:
            w.rel(host, "connects_to", switch)
    for n in (1, 2):  # disaster-recovery hosts in the second machine room
        dr = w.ci(
            "server",
            f"灾备主机-0{n}",
            criticality=2,
            kind="physical",
            cpu_cores=32,
            memory_gb=256,
            os="VMware ESXi 7",
            ip=f"10.11.0.{10 + n}",
        )
        w.rel(dr, "located_in", racks["B"][n])
        w.rel(dr, "depends_on", backup)
    for name in INFRA_VMS:
        vm = w.ci("server", name, criticality=2, kind="virtual", os="Windows Server 2019")
        w.rel(vm, "runs_on", rng.choice(hosts))
    services: dict[str, int] = {}
    subnet = 20
    for code, name, criticality, layout, _ in SYSTEMS:
        service = services[code] = w.ci(
            "business_service",
            name,
            criticality=criticality,
            service_hours="7x24" if criticality == 1 else "5x8",
            users=rng.choice((200, 500, 1000, 5000)),
            vendor=rng.choice(("太极", "东软", "浪潮", "中软", "华宇")),
        )
        w.estate.system_ci[code] = service
        servers = w.estate.system_servers[code] = []
        subnet += 1
        for role, count in layout:
            for n in range(1, count + 1):
                physical = role == "db"
                server = w.ci(
                    "server",
                    f"{code}-{role.upper()}-{n:02d}",
                    criticality=criticality,
                    ip=f"10.20.{subnet}.{len(servers) + 11}",
                    kind="physical" if physical else "virtual",
                    os=rng.choice(("麒麟 V10", "统信 UOS 20", "CentOS 7.9")),
                )
                servers.append(server)
                if physical:
                    w.estate.db_servers.append(server)
                    w.rel(server, "located_in", racks["A"][len(w.estate.db_servers) % 12])
                    for switch in core:
                        w.rel(server, "connects_to", switch)
                    w.rel(server, "backed_up_by", backup)
                else:
                    w.rel(server, "runs_on", hosts[(len(servers) + subnet) % VM_HOSTS])
                if role == "db":
                    engine = rng.choice(DB_ENGINES)
                    db = w.ci(
                        "database",
                        f"{name}数据库" + (f"{n}" if n > 1 else ""),
                        criticality=criticality,
                        engine=engine,
                        port=5236 if "达梦" in engine else 1521,
                    )
                    w.rel(db, "runs_on", server)
                    w.rel(db, "backed_up_by", backup)
                    w.rel(service, "depends_on", db)
                elif role in ("app", "web") and n == 1:
                    product, version = MIDDLEWARE[0 if role == "app" else 3]
                    mw = w.ci(
                        "middleware",
                        f"{code}-{product.split()[-1]}",
                        criticality=criticality,
                        product=product,
                        version=version,
                        port=8080,
                    )
                    w.rel(mw, "runs_on", server)
                    w.rel(service, "depends_on", mw)
                    w.rel(service, "runs_on", server)
                else:
                    w.rel(service, "runs_on", server)
        if code == "GZFW":
            w.rel(service, "depends_on", waf)
        for kind, title, version in (
            ("manual", f"{name}运维手册", "v2.1"),
            ("code_repository", f"{code.lower()}-app", "release-3.4"),
            ("contract", f"{name}运维服务合同", "2026"),
        ):
            uri = (
                f"https://git.example.gov.cn/apps/{code.lower()}"
                if kind == "code_repository"
                else f"\\\\FILE-01\\文档\\{code}\\{title}.pdf"
            )
            w.documents.append((service, kind, title, version, uri))
    for code, _name, _c, _l, needs in SYSTEMS:
        for other in needs:
            w.rel(services[code], "depends_on", services[other])
    access = []
    for n in range(ACCESS_SWITCHES):
        building, floor = ("A", n + 1) if n < 12 else ("B", n - 11)
        switch = w.ci(
            "network_device",
            f"接入交换机-{building}{floor:02d}F",
            criticality=3,
            kind="switch",
            model="华为 S5735",
            ports=48,
        )
        access.append((building, floor, switch))
        w.rel(switch, "connects_to", core[n % 2])
    for n in range(desktops):
        building, floor, switch = access[n % ACCESS_SWITCHES]
        pc = w.ci(
            "desktop",
            f"终端-{building}{floor:02d}-{n // ACCESS_SWITCHES + 1:03d}",
            model=rng.choice(("联想 开天M90z", "华为 擎云W515", "长城 世恒TF")),
            os=rng.choice(("统信 UOS 20", "麒麟 V10", "Windows 10")),
        )
        w.rel(pc, "connects_to", switch)
    for n in range(PRINTERS):
        building, floor, switch = access[n % ACCESS_SWITCHES]
        printer = w.ci(
            "printer",
            f"打印机-{building}{floor:02d}-{n // ACCESS_SWITCHES + 1}",
            model=rng.choice(("奔图 M7160", "惠普 M437")),
            network=True,
        )
        w.rel(printer, "connects_to", switch)
    for name, vendor in (("WPS Office 专业版", "金山"), ("奇安信天擎终端安全", "奇安信")):
        w.ci("software", name, vendor=vendor, licences=1200)
    return _write(conn, w)


def _write(conn: Connection, w: _Writer) -> Estate:
    refuse_clashes(conn, "configuration_item", ["ci_class", "name"], [(r[2], r[1]) for r in w.cis])
    estate = w.estate
    created = w.cis[0][-3]
    estate.counts["configuration_items"] = write(conn, "configuration_item", CI_COLUMNS, w.cis)
    first = bulk.next_id(conn, table_of("ci_relation"))
    estate.counts["ci_relations"] = write(
        conn,
        "ci_relation",
        ("id", "source_id", "target_id", "type", "created_at"),
        ((first + i, s, t, k, created) for i, (s, t, k) in enumerate(w.relations)),
    )
    first = bulk.next_id(conn, table_of("ci_document"))
    estate.counts["ci_documents"] = write(
        conn,
        "ci_document",
        ("id", "ci_id", "kind", "title", "version", "uri", "note", "created_at"),
        ((first + i, *d, "", created) for i, d in enumerate(w.documents)),
    )
    for name in ("configuration_item", "ci_relation", "ci_document"):
        bulk.reset_sequence(conn, table_of(name))
    return estate
