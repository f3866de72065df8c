"""What demo tickets are about: the category tree and one template per kind of issue.

Why templates per kind rather than random words: every later feature is judged on this data —
similar-ticket search needs recurring titles, problem management needs clusters, escalation
reports need kinds that really do leave the first line (a database slowdown) next to kinds that
never do (a password reset). So each kind carries its own titles, details, resolutions, impact/
urgency profile, tier mix and the groups that work it at each tier.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from itsm_tui.workflow.demo.vocabulary import BUSINESS_SYSTEMS

#: The two-level category tree: (code, name, ((code, name), …)). Business systems get one
#: subcategory each (``BIZ-<system code>``).
CATEGORY_TREE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("HW", "硬件", (("HW-PC", "台式机"), ("HW-LAP", "笔记本电脑"), ("HW-PRN", "打印机"),
                   ("HW-MON", "显示器"), ("HW-PER", "外设"))),
    ("SW", "软件", (("SW-OS", "操作系统"), ("SW-OFF", "办公软件"), ("SW-BRW", "浏览器"),
                   ("SW-INP", "输入法与字体"))),
    ("NET", "网络", (("NET-LAN", "有线网络"), ("NET-WIFI", "无线网络"), ("NET-VPN", "VPN"),
                    ("NET-DEV", "网络设备"))),
    ("ACC", "账号权限", (("ACC-PWD", "密码与锁定"), ("ACC-MAIL", "邮箱账号"),
                        ("ACC-PRIV", "系统权限"))),
    ("BIZ", "业务系统", tuple((f"BIZ-{code}", name) for code, name, _ in BUSINESS_SYSTEMS)),
    ("DB", "数据库", (("DB-PERF", "性能"), ("DB-BAK", "备份恢复"), ("DB-DATA", "数据处理"))),
    ("SEC", "安全", (("SEC-VIR", "病毒木马"), ("SEC-VUL", "漏洞修补"), ("SEC-OUT", "违规外联"))),
    ("SRV", "服务器与机房", (("SRV-HW", "服务器硬件"), ("SRV-OS", "系统资源"),
                           ("SRV-STO", "存储"), ("SRV-ENV", "机房环境"))),
    ("SVC", "其他服务", (("SVC-MEET", "会议保障"), ("SVC-ASK", "咨询"))),
)  # fmt: skip


@dataclass(frozen=True)
class IssueKind:
    """One kind of ticket and how it typically runs through the three tiers.

    ``cases`` pairs a title with the detail a caller gives for it; ``tiers`` weighs the tier the
    ticket is finally resolved at; ``first`` is the tier-1 group that works it (the hotline, or
    desk-side engineers dispatched at intake); ``ci`` says which configuration items it links to
    (``system``: its own business system; otherwise a CI class: one CI of that class).
    Internal kinds (a failed backup, a UPS alarm) never come from a caller.
    """

    type: str
    category: str
    weight: float
    profile: str
    tiers: tuple[float, float, float]
    cases: tuple[tuple[str, str], ...]
    resolutions: tuple[tuple[str, str], ...]
    first: str = "hotline"
    t2: str = "appops"
    t3: str = "appdev"
    ci: str | None = None
    monitored: bool = False  # may arrive from monitoring as well as from callers
    internal: bool = False  # only ever raised by monitoring or an inspection round
    system: str | None = None  # the business-system code, for BIZ kinds


INC, REQ = "incident", "request"
_DESK: dict[str, Any] = {"first": "desktop", "t2": "server", "t3": "vendor-srv"}
_NET: dict[str, Any] = {"t2": "network", "t3": "vendor-net"}
_SRV: dict[str, Any] = {"t2": "server", "t3": "vendor-srv", "monitored": True, "internal": True}
_DB: dict[str, Any] = {"t2": "dba", "t3": "vendor-db", "ci": "server", "monitored": True}
#: Resolution codes are the workflow's (``tickets.states.RESOLUTION_CODES``); a request that is
#: turned down is closed with "advice": the caller was told why.
_FIXED = ("fixed", "已排除故障，用户确认恢复正常。")
_FULFILLED = ("fulfilled", "已按申请完成办理，并告知用户。")
_REJECTED = ("advice", "申请不符合规定，已向用户说明原因。")

#: Incidents and requests outside the business systems.
BASE_KINDS: tuple[IssueKind, ...] = (
    IssueKind(
        INC, "HW-PC", 9, "minor", (0.93, 0.06, 0.01),
        (("电脑无法开机", "按电源键后指示灯不亮，主机无任何反应"),
         ("电脑频繁蓝屏", "使用中突然蓝屏重启，提示内存错误"),
         ("电脑运行很慢", "开机要十几分钟，打开公文要等待很久"),
         ("电脑开机后黑屏", "主机风扇在转，但显示器一直黑屏")),
        (_FIXED, ("fixed", "更换内存条后恢复正常。"),
         ("workaround", "已提供备用机，原机送修。")),
        **_DESK,
    ),
    IssueKind(
        INC, "HW-LAP", 3, "minor", (0.95, 0.05, 0.0),
        (("笔记本电池无法充电", "插上电源后仍显示未充电"),
         ("笔记本无法连接投影仪", "会议室投影仪显示无信号")),
        (_FIXED, ("fixed", "更换电源适配器后恢复。")),
        **_DESK,
    ),
    IssueKind(
        INC, "HW-PRN", 12, "minor", (0.92, 0.07, 0.01),
        (("打印机无法打印", "打印任务一直停在队列中，打印机没有反应"),
         ("打印机卡纸", "打印公文时提示卡纸，清理后仍然报错"),
         ("打印出来有条纹", "打印件上有黑色竖纹，影响公文使用"),
         ("网络打印机脱机", "整个办公室的电脑都显示打印机脱机")),
        (_FIXED, ("fixed", "重新安装打印机驱动并清理打印队列。"),
         ("fixed", "更换硒鼓后打印正常。")),
        **_DESK,
    ),
    IssueKind(
        INC, "HW-MON", 3, "minor", (0.96, 0.04, 0.0),
        (("显示器不亮", "主机正常运行但显示器提示无信号"),
         ("显示器花屏", "屏幕上出现彩色条纹并闪烁")),
        (("fixed", "更换显示器信号线后恢复。"), _FIXED),
        **_DESK,
    ),
    IssueKind(
        INC, "HW-PER", 4, "minor", (0.97, 0.03, 0.0),
        (("键盘鼠标失灵", "USB键盘鼠标插上后没有反应"),
         ("扫描仪无法扫描", "扫描软件提示找不到设备"),
         ("高拍仪无法识别", "窗口高拍仪连接后系统无法识别")),
        (("fixed", "更换外设后恢复。"), ("fixed", "重新安装设备驱动。")),
        **_DESK,
    ),
    IssueKind(
        INC, "SW-OS", 5, "minor", (0.9, 0.09, 0.01),
        (("系统更新后无法启动", "自动更新后一直停在启动界面"),
         ("开机提示系统文件损坏", "开机后提示找不到系统文件"),
         ("电脑时间不同步", "系统时间比标准时间慢了十分钟，影响签到")),
        (("fixed", "进入安全模式回滚更新。"), _FIXED),
        **_DESK,
    ),
    IssueKind(
        INC, "SW-OFF", 8, "minor", (0.95, 0.05, 0.0),
        (("WPS文档打不开", "打开公文附件时提示文件已损坏"),
         ("Excel表格公式出错", "统计表中的求和公式结果不对"),
         ("文档保存时报错", "保存到共享目录时提示没有写入权限"),
         ("PDF文件无法打开", "双击PDF文件后程序无响应")),
        (("advice", "指导用户正确操作。"), ("fixed", "修复办公软件安装。"), _FIXED),
    ),
    IssueKind(
        INC, "SW-BRW", 5, "minor", (0.94, 0.06, 0.0),
        (("浏览器打不开网页", "浏览器打开内网页面一直转圈"),
         ("网页显示错乱", "页面排版错乱，按钮无法点击"),
         ("浏览器证书报错", "访问内网系统提示证书不受信任")),
        (("fixed", "切换兼容模式并清理缓存。"),
         ("advice", "指导用户使用推荐的浏览器。")),
    ),
    IssueKind(
        INC, "SW-INP", 2, "minor", (0.98, 0.02, 0.0),
        (("输入法无法切换", "按快捷键无法切换到五笔输入法"),
         ("公文字体显示不正常", "方正小标宋字体缺失，标题显示成宋体")),
        (("fixed", "安装公文字体包。"), _FIXED),
    ),
    IssueKind(
        INC, "NET-LAN", 9, "normal", (0.75, 0.23, 0.02),
        (("电脑无法上网", "网络图标显示黄色感叹号"),
         ("网速很慢", "打开内网系统和下载附件都很慢"),
         ("网口不通", "换到新工位后网口没有信号"),
         ("IP地址冲突", "开机提示IP地址与网络上的其他设备冲突")),
        (_FIXED, ("fixed", "调整交换机端口配置。"),
         ("fixed", "更换网线和水晶头。")),
        first="desktop", **_NET,
    ),
    IssueKind(
        INC, "NET-WIFI", 4, "normal", (0.7, 0.28, 0.02),
        (("无线网络连不上", "连接办公无线时提示认证失败"),
         ("会议室无线信号差", "会议期间多人反映无线频繁掉线")),
        (("fixed", "调整无线AP信道与功率。"), ("advice", "指导用户重新认证。")),
        **_NET,
    ),
    IssueKind(
        INC, "NET-VPN", 6, "normal", (0.72, 0.25, 0.03),
        (("VPN无法连接", "出差在外连接VPN提示连接超时"),
         ("VPN连接后频繁掉线", "连接成功后几分钟就断开"),
         ("VPN登录提示证书过期", "登录时提示客户端证书已过期")),
        (("fixed", "更新VPN客户端与证书。"), _FIXED),
        **_NET,
    ),
    IssueKind(
        INC, "NET-DEV", 2, "major", (0.15, 0.65, 0.2),
        (("楼层交换机端口故障", "监控显示交换机端口频繁up/down"),
         ("核心交换机告警", "核心交换机CPU使用率持续偏高"),
         ("互联网出口中断", "整栋楼无法访问互联网")),
        (("fixed", "更换故障模块。"), ("vendor", "厂商升级设备固件。"), _FIXED),
        ci="network_device", monitored=True, **_NET,
    ),
    IssueKind(
        INC, "ACC-PWD", 10, "minor", (0.98, 0.02, 0.0),
        (("域账号被锁定", "多次输错密码后账号被锁定"),
         ("忘记OA密码", "休假回来忘记了OA系统密码"),
         ("密码过期无法登录", "开机提示密码已过期，修改时报错")),
        (("fixed", "已解锁账号并重置密码。"), ("advice", "指导用户自助重置密码。")),
    ),
    IssueKind(
        INC, "ACC-MAIL", 5, "normal", (0.85, 0.14, 0.01),
        (("邮箱无法收发邮件", "发送邮件时提示退信"),
         ("邮箱容量已满", "邮箱提示空间不足，无法接收公文"),
         ("收不到外部邮件", "外单位发来的邮件一直收不到")),
        (("fixed", "调整邮箱配额。"), _FIXED),
        ci="system", system="YJ",
    ),
    IssueKind(
        INC, "ACC-PRIV", 4, "minor", (0.7, 0.28, 0.02),
        (("系统提示没有权限", "点击菜单时提示无权访问"),
         ("权限变更后菜单不显示", "调岗后原来的功能菜单不见了")),
        (("fixed", "调整用户角色权限。"), _FIXED),
    ),
    IssueKind(
        INC, "DB-PERF", 2, "major", (0.1, 0.7, 0.2),
        (("数据库响应缓慢", "监控显示查询响应时间超过10秒"),
         ("数据库连接数过高告警", "连接池耗尽，业务系统报错"),
         ("数据库锁等待超时", "多个业务提交时出现锁等待超时")),
        (("fixed", "优化慢查询并调整参数。"), ("vendor", "厂商工程师现场调优。")),
        **_DB,
    ),
    IssueKind(
        INC, "DB-BAK", 1.5, "normal", (0.05, 0.8, 0.15),
        (("数据库备份作业失败", "夜间备份任务报错退出"),
         ("归档日志空间不足", "归档目录使用率超过90%")),
        (("fixed", "清理归档并重新执行备份。"), ("fixed", "调整备份策略。")),
        internal=True, **_DB,
    ),
    IssueKind(
        INC, "DB-DATA", 1.5, "normal", (0.05, 0.75, 0.2),
        (("业务数据误删需恢复", "用户误删除了一批案件记录"),
         ("数据同步失败", "夜间同步任务报主键冲突")),
        (("fixed", "从备份中恢复数据。"), ("workaround", "手工补录数据。")),
        **_DB,
    ),
    IssueKind(
        INC, "SEC-VIR", 3, "normal", (0.8, 0.18, 0.02),
        (("电脑中病毒弹窗", "桌面不断弹出广告窗口"),
         ("杀毒软件报毒无法清除", "杀毒软件提示发现木马，清除失败")),
        (("fixed", "隔离终端并查杀病毒。"), ("workaround", "备份数据后重装系统。")),
        first="desktop", t2="network", t3="vendor-net",
    ),
    IssueKind(
        INC, "SEC-VUL", 1.5, "normal", (0.1, 0.7, 0.2),
        (("漏洞扫描发现高危漏洞", "季度漏洞扫描报告列出多个高危漏洞"),
         ("系统补丁未安装告警", "补丁管理平台显示多台服务器未更新")),
        (("fixed", "安装补丁并复扫确认。"), ("vendor", "厂商提供修复包。")),
        ci="server", **_SRV,
    ),
    IssueKind(
        INC, "SEC-OUT", 1, "normal", (0.3, 0.7, 0.0),
        (("终端违规外联告警", "安全平台检测到内网终端连接互联网"),),
        (("fixed", "核实并断开违规连接，已告知用户。"),),
        monitored=True, **_NET,
    ),
    IssueKind(
        INC, "SRV-HW", 2, "normal", (0.1, 0.55, 0.35),
        (("服务器硬盘告警", "监控平台显示硬盘预故障"),
         ("服务器电源故障", "冗余电源有一路失效"),
         ("服务器风扇告警", "带外管理显示风扇转速异常")),
        (("fixed", "厂商更换硬盘并完成重建。"), ("vendor", "厂商上门更换配件。")),
        ci="server", **_SRV,
    ),
    IssueKind(
        INC, "SRV-OS", 3, "normal", (0.2, 0.75, 0.05),
        (("服务器CPU使用率过高", "监控告警：CPU使用率持续高于90%"),
         ("服务器磁盘空间不足", "日志目录使用率超过95%"),
         ("服务器内存不足", "应用频繁触发内存溢出")),
        (("fixed", "清理日志并配置轮转。"), ("fixed", "扩容虚拟机资源。")),
        ci="server", **_SRV,
    ),
    IssueKind(
        INC, "SRV-STO", 1, "major", (0.05, 0.6, 0.35),
        (("存储链路告警", "多路径软件显示一条链路失效"),
         ("存储池容量告警", "存储池使用率超过85%")),
        (("vendor", "厂商更换光纤模块。"), ("fixed", "迁移数据并扩容。")),
        ci="storage", **_SRV,
    ),
    IssueKind(
        INC, "SRV-ENV", 1, "major", (0.3, 0.5, 0.2),
        (("机房空调告警", "巡检发现精密空调高压告警"),
         ("UPS电池告警", "UPS自检提示电池老化"),
         ("机房温度过高", "温湿度传感器显示机柜进风温度超过30℃")),
        (("vendor", "厂商维修空调。"), ("fixed", "更换UPS电池组。")),
        **_SRV,
    ),
    # Service requests.
    IssueKind(
        REQ, "ACC-MAIL", 10, "request", (0.9, 0.1, 0.0),
        (("申请开通邮箱", "新入职人员需要开通工作邮箱"),
         ("申请扩大邮箱容量", "邮箱容量不足，影响收发公文"),
         ("申请开通部门公共邮箱", "处室需要一个对外联系的公共邮箱")),
        (_FULFILLED,),
        ci="system", system="YJ",
    ),
    IssueKind(
        REQ, "ACC-PWD", 9, "request", (0.98, 0.02, 0.0),
        (("申请开通域账号", "新入职人员需要开通域账号"),
         ("申请重置密码", "长期出差回来，需要重置密码")),
        (_FULFILLED,),
    ),
    IssueKind(
        REQ, "HW-PC", 10, "request", (0.95, 0.05, 0.0),
        (("新员工申领电脑", "新入职人员需要配置办公电脑"),
         ("申请更换显示器", "显示器使用多年，屏幕发黄"),
         ("申请加装内存", "处理大量表格时电脑内存不足")),
        (_FULFILLED, _REJECTED),
        **_DESK,
    ),
    IssueKind(
        REQ, "HW-PRN", 10, "request", (1.0, 0.0, 0.0),
        (("申请安装打印机", "办公室新增打印机，需要安装驱动"),
         ("申请更换硒鼓", "打印机硒鼓已用完")),
        (_FULFILLED,),
        **_DESK,
    ),
    IssueKind(
        REQ, "SW-OFF", 10, "request", (0.97, 0.03, 0.0),
        (("申请安装办公软件", "新电脑需要安装正版办公软件"),
         ("申请安装PDF编辑软件", "工作需要编辑PDF格式的文件"),
         ("申请安装公文字体", "排版公文需要方正字体")),
        (_FULFILLED, ("advice", "该软件不在正版化软件目录内。")),
        **_DESK,
    ),
    IssueKind(
        REQ, "NET-LAN", 6, "request", (0.6, 0.4, 0.0),
        (("申请新增网络信息点", "办公室调整工位，需要新增两个网口"),
         ("办公室搬迁网络调整", "处室整体搬迁到新楼层")),
        (_FULFILLED,),
        first="desktop", **_NET,
    ),
    IssueKind(
        REQ, "NET-VPN", 8, "request", (0.9, 0.1, 0.0),
        (("申请开通VPN", "出差期间需要访问内网系统"),
         ("申请延长VPN有效期", "VPN账号下周到期，需要续期")),
        (_FULFILLED, ("advice", "未提交部门审批单。")),
        **_NET,
    ),
    IssueKind(
        REQ, "NET-WIFI", 3, "request", (1.0, 0.0, 0.0),
        (("申请访客无线网络", "会议期间外单位人员需要上网"),),
        (_FULFILLED,),
        **_NET,
    ),
    IssueKind(
        REQ, "SRV-OS", 3, "request", (0.0, 0.95, 0.05),
        (("申请新建虚拟机", "新项目需要一套测试环境"),
         ("申请扩容服务器磁盘", "业务数据增长，数据盘需要扩容")),
        (_FULFILLED,),
        ci="server", t2="server", t3="vendor-srv",
    ),
    IssueKind(
        REQ, "DB-DATA", 3, "request", (0.1, 0.85, 0.05),
        (("申请导出业务数据", "统计分析需要导出上一年度的数据"),
         ("申请数据库只读账号", "报表开发需要一个只读账号")),
        (_FULFILLED, ("advice", "涉及敏感数据，需分管领导审批。")),
        ci="server", t2="dba", t3="vendor-db",
    ),
    IssueKind(
        REQ, "SVC-MEET", 8, "request", (0.95, 0.05, 0.0),
        (("申请视频会议保障", "明天上午有全局视频会议，需要技术保障"),
         ("大会议室投影调试", "会议前需要调试投影和话筒")),
        (_FULFILLED,),
        first="desktop",
    ),
    IssueKind(
        REQ, "SVC-ASK", 6, "request", (1.0, 0.0, 0.0),
        (("咨询系统使用方法", "不清楚如何在系统中提交审批"),
         ("咨询电脑配置标准", "想了解办公电脑的申领标准和流程")),
        (("fulfilled", "已电话解答。"),),
    ),
)  # fmt: skip

#: Templates repeated for each business system ({system} is its name).
SYSTEM_KINDS: tuple[IssueKind, ...] = (
    IssueKind(
        INC, "BIZ", 1.6, "normal", (0.55, 0.33, 0.12),
        (("{system}登录缓慢", "点击登录后要等一分多钟才进入首页"),
         ("{system}无法登录", "提示用户名或密码错误，但密码确认无误"),
         ("{system}页面打不开", "打开后显示空白页面"),
         ("{system}提交数据报错", "保存时提示系统异常，请联系管理员"),
         ("{system}数据显示不正确", "查询结果与实际办理情况不一致"),
         ("{system}打印报表失败", "导出报表时提示请求超时")),
        (_FIXED, ("fixed", "调整应用配置并重启服务。"),
         ("advice", "指导用户按正确流程操作。"), ("vendor", "开发人员发布补丁修复。")),
        ci="system",
    ),
    IssueKind(
        INC, "BIZ", 0.25, "major", (0.1, 0.6, 0.3),
        (("{system}服务中断", "监控显示应用服务无响应"),
         ("{system}全部用户无法访问", "多个处室同时反映无法访问")),
        (("fixed", "重启应用服务并排查原因。"), ("workaround", "切换至备用节点。"),
         ("vendor", "开发人员修复缺陷并发布。")),
        ci="system", monitored=True,
    ),
    IssueKind(
        REQ, "BIZ", 1.2, "request", (0.7, 0.28, 0.02),
        (("申请开通{system}账号", "新入职人员需要使用该系统"),
         ("申请调整{system}权限", "岗位调整，需要变更系统权限"),
         ("{system}数据导出申请", "年度统计需要导出系统数据")),
        (_FULFILLED, ("advice", "未经业务处室审批。")),
        ci="system",
    ),
)  # fmt: skip

#: How often each business system turns up in tickets, relative to the others.
SYSTEM_WEIGHT: dict[str, float] = {"OA": 4.0, "GZFW": 2.0, "XZZF": 2.5, "XZSP": 2.0, "YJ": 1.5}


def all_kinds() -> tuple[IssueKind, ...]:
    """The base kinds plus each system kind expanded for every business system."""
    expanded = [
        replace(
            kind,
            category=f"BIZ-{code}",
            cases=tuple((t.format(system=name), d) for t, d in kind.cases),
            weight=kind.weight * SYSTEM_WEIGHT.get(code, 1.0),
            system=code,
        )
        for code, name, _ in BUSINESS_SYSTEMS
        for kind in SYSTEM_KINDS
    ]
    return BASE_KINDS + tuple(expanded)


#: Impact/urgency profiles: weights over (impact, urgency). Priority follows the default
#: matrix (impact + urgency − 1), so "major" kinds are where P1 and P2 come from.
PROFILES: dict[str, dict[tuple[int, int], float]] = {
    "minor": {(3, 3): 42, (3, 2): 38, (2, 3): 9, (3, 1): 5, (2, 2): 6},
    "normal": {(3, 3): 14, (3, 2): 30, (2, 3): 16, (2, 2): 26, (3, 1): 4, (1, 3): 2,
               (2, 1): 5, (1, 2): 2, (1, 1): 1},
    "major": {(1, 1): 9, (1, 2): 16, (2, 1): 14, (2, 2): 30, (1, 3): 5, (3, 1): 5,
              (2, 3): 11, (3, 2): 10},
    "request": {(3, 3): 60, (3, 2): 25, (2, 3): 10, (2, 2): 5},
}  # fmt: skip
