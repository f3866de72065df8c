"""The demo's machine-room checklists, as a core machine room runs them: a daily round (twice a
day), a weekly UPS battery check and a monthly generator test, tied to the estate's CIs
(``estate.FACILITIES``, the racks, the room). Built as specs, the form a checklist file is
read into, so they are exported and edited like any other (``itsm inspect template export``).
"""

from __future__ import annotations

import math

from itsm_tui.common.domain import ItemKind
from itsm_tui.workflow.inspections.spec import ItemSpec, TemplateSpec

_INF = math.inf
ROOM = "核心机房A"


def _reading(
    section: str,
    key: str,
    label: str,
    ci: str,
    unit: str,
    normal: tuple[float, float],
    warn: tuple[float, float],
    instruction: str = "",
    severity: int = 2,
) -> ItemSpec:
    def end(v: float) -> float | None:
        return None if math.isinf(v) else v

    return ItemSpec(
        key=key,
        label=label,
        kind=ItemKind.READING,
        section=section,
        ci=ci,
        instruction=instruction,
        unit=unit,
        normal=(end(normal[0]), end(normal[1])),
        warn=(end(warn[0]), end(warn[1])),
        severity=severity,
    )


def _choice(
    section: str,
    key: str,
    label: str,
    ci: str,
    choices: tuple[str, ...],
    failing: tuple[str, ...],
    instruction: str = "",
    severity: int = 2,
) -> ItemSpec:
    return ItemSpec(
        key=key,
        label=label,
        kind=ItemKind.CHOICE,
        section=section,
        ci=ci,
        instruction=instruction,
        choices=choices,
        failing=failing,
        severity=severity,
    )


def _check(
    section: str, key: str, label: str, ci: str | None, instruction: str = "", severity: int = 2
) -> ItemSpec:
    return ItemSpec(
        key=key,
        label=label,
        kind=ItemKind.PASS_FAIL,
        section=section,
        ci=ci,
        instruction=instruction,
        severity=severity,
    )


def daily_round() -> TemplateSpec:
    env, ups, ac, fire, power, safety = "环境", "UPS", "精密空调", "消防", "配电", "安防与现场"
    items: list[ItemSpec] = []
    for row in ("A1", "A2"):
        low = row.lower()
        items += [
            _reading(env, f"temp_{low}", f"{row}列冷通道温度", ROOM, "°C", (18, 27), (15, 30),
                     f"{row}列第3柜前门温湿度计读数"),
            _reading(env, f"hum_{low}", f"{row}列相对湿度", ROOM, "%RH", (40, 60), (30, 70),
                     f"{row}列第3柜前门温湿度计读数", severity=3),
        ]  # fmt: skip
    for n in ("01", "02"):
        ci = f"UPS-{n}"
        items += [
            _reading(ups, f"ups{n}_load", f"{ci} 负载率", ci, "%", (0, 50), (-_INF, 80),
                     "UPS面板主界面，三相取最大值；2N架构单机不宜超过50%", severity=1),
            _reading(ups, f"ups{n}_batt_temp", f"{ci} 电池温度", ci, "°C", (15, 25), (10, 30),
                     "电池柜温度显示"),
            _choice(ups, f"ups{n}_mode", f"{ci} 运行模式", ci, ("市电逆变", "旁路", "电池供电"),
                    ("旁路", "电池供电"), "面板运行模式指示", severity=1),
        ]  # fmt: skip
    for n in ("01", "02", "03", "04"):
        ci = f"精密空调-{n}"
        items += [
            _choice(ac, f"ac{n}_status", f"{ci} 状态", ci, ("运行", "待机", "告警"), ("告警",),
                    "控制面板指示灯：绿色运行，黄色待机，红色告警"),
            _reading(ac, f"ac{n}_supply", f"{ci} 送风温度", ci, "°C", (13, 18), (10, 21),
                     "控制面板送风温度", severity=3),
            _reading(ac, f"ac{n}_return", f"{ci} 回风温度", ci, "°C", (20, 28), (18, 32),
                     "控制面板回风温度"),
        ]  # fmt: skip
    items += [
        _choice(fire, "fire_panel", "气体灭火控制盘状态", "气体灭火系统", ("正常", "故障", "报警"),
                ("故障", "报警"), "控制盘在门厅东侧，确认无故障灯、处于自动状态", severity=1),
        _reading(fire, "gas_pressure", "七氟丙烷储瓶压力", "气体灭火系统", "MPa", (2.3, 2.8),
                 (2.1, 3.0), "钢瓶间压力表，指针应在绿区", severity=1),
    ]  # fmt: skip
    for rack_no in range(1, 13):
        rack = f"机柜-A{rack_no:02d}"
        items.append(
            _reading(power, f"pdu_a{rack_no:02d}", f"{rack} PDU电流", rack, "A", (0, 16),
                     (-_INF, 20), "机柜后门PDU电流显示（32A回路）", severity=2)
        )  # fmt: skip
    items += [
        _check(safety, "water_leak", "漏水检测无告警", "漏水检测系统",
               "漏水控制器面板无告警，空调下方地面无积水", severity=1),
        _choice(safety, "door", "机房门禁门状态", "门禁系统-核心机房A", ("已关闭", "未关闭"),
                ("未关闭",), "出入后确认门已闭合、门禁无告警", severity=3),
        _check(safety, "noise_smell", "无异常噪音、异味", ROOM, "巡视通道，注意焦糊味和风扇异响"),
        _check(safety, "rack_doors", "机柜前后门均已关闭", ROOM, "逐列检查", severity=3),
        ItemSpec(key="remark", label="其他情况", kind=ItemKind.TEXT, section=safety,
                 instruction="记录本次巡检发现的其他问题，无则填“无”"),
    ]  # fmt: skip
    return TemplateSpec(
        code="mr-daily",
        name="核心机房日常巡检",
        description="每日9:00、16:00两次，覆盖温湿度、UPS、精密空调、消防、配电和安防",
        checks=tuple(items),
    )


def ups_weekly() -> TemplateSpec:
    items: list[ItemSpec] = []
    for n in ("01", "02"):
        ci, section = f"UPS-{n}", f"UPS-{n} 电池组"
        items += [
            _reading(section, f"ups{n}_bus_v", "电池组总电压", ci, "V", (430, 445), (420, 450),
                     "浮充状态下读UPS电池界面"),
            _reading(section, f"ups{n}_cell_min", "最低单体电压", ci, "V", (13.2, 13.8),
                     (12.8, 14.0), "电池巡检仪"),
            _reading(section, f"ups{n}_resistance", "最大单体内阻", ci, "mΩ", (0, 5),
                     (-_INF, 6.5), "电池巡检仪，超过基准值30%需关注"),
            _reading(section, f"ups{n}_room_temp", "电池室温度", ci, "°C", (15, 25), (10, 30)),
            _choice(section, f"ups{n}_selftest", "电池自检", ci, ("通过", "未通过"), ("未通过",),
                    "面板发起10秒自检", severity=1),
            _check(section, f"ups{n}_terminals", "端子无腐蚀、无漏液、无鼓包", ci,
                   "打开电池柜逐节目视检查"),
        ]  # fmt: skip
    return TemplateSpec(
        code="ups-weekly",
        name="UPS电池周检",
        description="每周一10:00（工作日）",
        checks=tuple(items),
    )


def generator_monthly() -> TemplateSpec:
    ci, section = "柴油发电机-01", "发电机带载试验"
    items = [
        _reading(section, "fuel_level", "油箱油位", ci, "%", (70, 100), (50, 100),
                 "日用油箱液位计", severity=1),
        _reading(section, "start_time", "启动时间", ci, "s", (0, 10), (-_INF, 15),
                 "从启动信号到额定转速"),
        _reading(section, "voltage", "输出线电压", ci, "V", (380, 420), (360, 440)),
        _reading(section, "frequency", "输出频率", ci, "Hz", (49.5, 50.5), (49, 51)),
        _reading(section, "oil_pressure", "机油压力", ci, "kPa", (250, 550), (200, 600)),
        _reading(section, "coolant_temp", "冷却液温度", ci, "°C", (70, 95), (60, 100)),
        _check(section, "ats", "ATS自动切换正常", ci, "模拟市电失电，确认ATS切换到发电机",
               severity=1),
        _check(section, "run_30min", "带载运行30分钟无异常", ci),
        ItemSpec(key="remark", label="其他情况", kind=ItemKind.TEXT, section=section),
    ]  # fmt: skip
    return TemplateSpec(
        code="gen-monthly",
        name="柴油发电机月度带载试验",
        description="每月1日14:00",
        checks=tuple(items),
    )


#: (checklist, schedule code, cron, calendar, due minutes, grace minutes)
SCHEDULES = (
    (daily_round, "mr-daily-twice", "0 9,16 * * *", None, 120, 30),
    (ups_weekly, "ups-weekly", "0 10 * * 1", "office", 240, 60),
    (generator_monthly, "gen-monthly", "0 14 1 * *", None, 240, 120),
)
