"""What demo tickets are about: the category tree and one template per kind of issue.

Why templates per kind rather than random words: every later feature is judged on this data —
similar-ticket search needs recurring titles, problem management needs clusters, escalation
reports need kinds that really do leave the first line (a database slowdown) next to kinds that
never do (a password reset). So each kind carries its own titles, details, resolutions, impact/
urgency profile, tier mix and the groups that work it at each tier.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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

    ``tiers`` weighs the tier it is finally resolved at; ``first`` is the tier-1 group that
    works it (the hotline, or desk-side engineers dispatched at intake); ``ci`` says which
    configuration items it links to (``system``: its own business system; a CI class name:
    one CI of that class).
    """

    type: str
    category: str
    titles: tuple[str, ...]
    details: tuple[str, ...]
    resolutions: tuple[tuple[str, str], ...]
    weight: float
    profile: str = "normal"
    tiers: tuple[float, float, float] = (0.8, 0.17, 0.03)
    first: str = "hotline"
    t2: str = "appops"
    t3: str = "appdev"
    ci: str | None = None
    monitored: bool = False
    system: str | None = None  # the business-system code, for BIZ kinds


INC, REQ = "incident", "request"
_DESK = dict(first="desktop", t2="server", t3="vendor-srv")
_NET = dict(t2="network", t3="vendor-net")
_SRV = dict(t2="server", t3="vendor-srv", monitored=True)
_DB = dict(t2="dba", t3="vendor-db", ci="server", monitored=True)
_FIXED = ("solved", "已排除故障，用户确认恢复正常。")
_FULFILLED = ("fulfilled", "已按申请完成办理，并告知用户。")

#: Incidents and requests outside the business systems.
BASE_KINDS: tuple[IssueKind, ...] = (
    IssueKind(INC, "HW-PC", ("电脑无法开机", "电脑频繁蓝屏", "电脑运行很慢", "电脑开机后黑屏"),
              ("按电源键无任何反应", "使用中突然重启，提示内存错误", "打开文件需要等待几分钟"),
              (_FIXED, ("hardware_replaced", "更换内存条后恢复正常。"),
               ("workaround", "已提供备用机，原机送修。")),
              9, "minor", (0.93, 0.06, 0.01), **_DESK),
    IssueKind(INC, "HW-LAP", ("笔记本电池无法充电", "笔记本无法连接投影仪"),
              ("插上电源后仍显示未充电", "会议室投影无信号"),
              (_FIXED, ("hardware_replaced", "更换电源适配器后恢复。")),
              3, "minor", (0.95, 0.05, 0.0), **_DESK),
    IssueKind(INC, "HW-PRN", ("打印机无法打印", "打印机卡纸", "打印出来有条纹", "网络打印机脱机"),
              ("打印任务一直在队列中", "打印公文时提示卡纸，清理后仍报错", "打印件有黑色竖纹"),
              (_FIXED, ("config_changed", "重新安装打印机驱动并清理打印队列。"),
               ("hardware_replaced", "更换硒鼓后打印正常。")),
              12, "minor", (0.92, 0.07, 0.01), **_DESK),
    IssueKind(INC, "HW-MON", ("显示器不亮", "显示器花屏"),
              ("主机正常运行但显示器无信号", "屏幕出现彩色条纹"),
              (("hardware_replaced", "更换显示器信号线后恢复。"), _FIXED),
              3, "minor", (0.96, 0.04, 0.0), **_DESK),
    IssueKind(INC, "HW-PER", ("键盘鼠标失灵", "扫描仪无法扫描", "高拍仪无法识别"),
              ("USB设备插入后无反应", "扫描软件提示找不到设备"),
              (("hardware_replaced", "更换外设后恢复。"), ("config_changed", "重新安装驱动。")),
              4, "minor", (0.97, 0.03, 0.0), **_DESK),
    IssueKind(INC, "SW-OS", ("系统更新后无法启动", "开机提示系统文件损坏", "电脑时间不同步"),
              ("自动更新后卡在启动界面", "开机后提示找不到系统文件"),
              (("config_changed", "进入安全模式回滚更新。"), _FIXED),
              5, "minor", (0.9, 0.09, 0.01), **_DESK),
    IssueKind(INC, "SW-OFF", ("WPS文档打不开", "Excel表格公式出错", "文档保存时报错", "PDF文件无法打开"),
              ("打开公文附件提示文件损坏", "保存时提示没有写入权限", "打开时程序无响应"),
              (("user_error", "指导用户正确操作。"), ("config_changed", "修复办公软件安装。"),
               _FIXED),
              8, "minor", (0.95, 0.05, 0.0)),
    IssueKind(INC, "SW-BRW", ("浏览器打不开网页", "网页显示错乱", "浏览器证书报错"),
              ("访问内网系统提示证书不受信任", "网页排版错乱，按钮无法点击"),
              (("config_changed", "切换兼容模式并清理缓存。"), ("user_error", "指导用户使用推荐浏览器。")),
              5, "minor", (0.94, 0.06, 0.0)),
    IssueKind(INC, "SW-INP", ("输入法无法切换", "公文字体显示不正常"),
              ("无法切换到五笔输入法", "方正小标宋字体缺失"),
              (("config_changed", "安装公文字体包。"), _FIXED),
              2, "minor", (0.98, 0.02, 0.0)),
    IssueKind(INC, "NET-LAN", ("电脑无法上网", "网速很慢", "网口不通", "IP地址冲突"),
              ("网络图标显示感叹号", "打开内网系统很慢", "提示IP地址与其他设备冲突"),
              (_FIXED, ("config_changed", "调整交换机端口配置。"),
               ("hardware_replaced", "更换网线和水晶头。")),
              9, "normal", (0.75, 0.23, 0.02), first="desktop", **_NET),
    IssueKind(INC, "NET-WIFI", ("无线网络连不上", "会议室无线信号差"),
              ("连接无线时提示密码错误", "会议期间多人反映掉线"),
              (("config_changed", "调整无线AP信道与功率。"), ("user_error", "指导用户重新认证。")),
              4, "normal", (0.7, 0.28, 0.02), **_NET),
    IssueKind(INC, "NET-VPN", ("VPN无法连接", "VPN连接后频繁掉线", "VPN登录提示证书过期"),
              ("出差在外无法访问内网", "连接成功后几分钟就断开"),
              (("config_changed", "更新VPN客户端与证书。"), _FIXED),
              6, "normal", (0.72, 0.25, 0.03), **_NET),
    IssueKind(INC, "NET-DEV", ("楼层交换机端口故障", "核心交换机告警", "互联网出口中断"),
              ("监控显示交换机端口频繁 up/down", "整层办公电脑无法上网"),
              (("hardware_replaced", "更换故障模块。"), ("vendor_fixed", "厂商升级设备固件。"),
               _FIXED),
              2, "major", (0.15, 0.65, 0.2), ci="network_device", monitored=True, **_NET),
    IssueKind(INC, "ACC-PWD", ("域账号被锁定", "忘记OA密码", "密码过期无法登录"),
              ("多次输错密码后账号被锁定", "修改密码后无法登录邮箱"),
              (("solved", "已解锁账号并重置密码。"), ("user_error", "指导用户自助重置密码。")),
              10, "minor", (0.98, 0.02, 0.0)),
    IssueKind(INC, "ACC-MAIL", ("邮箱无法收发邮件", "邮箱容量已满", "收不到外部邮件"),
              ("发送邮件提示退信", "邮箱提示空间不足"),
              (("config_changed", "调整邮箱配额。"), _FIXED),
              5, "normal", (0.85, 0.14, 0.01), ci="system", system="YJ"),
    IssueKind(INC, "ACC-PRIV", ("系统提示没有权限", "权限变更后菜单不显示"),
              ("调岗后无法访问原有功能", "点击菜单提示无权访问"),
              (("config_changed", "调整用户角色权限。"), _FIXED),
              4, "minor", (0.7, 0.28, 0.02)),
    IssueKind(INC, "DB-PERF", ("数据库响应缓慢", "数据库连接数过高告警", "数据库锁等待超时"),
              ("监控显示查询响应超过10秒", "连接池耗尽，业务系统报错"),
              (("config_changed", "优化慢查询并调整参数。"), ("vendor_fixed", "厂商工程师调优。")),
              2, "major", (0.1, 0.7, 0.2), **_DB),
    IssueKind(INC, "DB-BAK", ("数据库备份作业失败", "归档日志空间不足"),
              ("夜间备份任务报错退出", "归档目录使用率超过90%"),
              (("solved", "清理归档并重新执行备份。"), ("config_changed", "调整备份策略。")),
              1.5, "normal", (0.05, 0.8, 0.15), **_DB),
    IssueKind(INC, "DB-DATA", ("业务数据误删需恢复", "数据同步失败"),
              ("用户误删除一批案件记录", "夜间同步任务报主键冲突"),
              (("solved", "从备份中恢复数据。"), ("workaround", "手工补录数据。")),
              1.5, "normal", (0.05, 0.75, 0.2), **_DB),
    IssueKind(INC, "SEC-VIR", ("电脑中病毒弹窗", "杀毒软件报毒无法清除"),
              ("桌面不断弹出广告窗口", "杀毒软件提示发现木马"),
              (("solved", "隔离终端并查杀病毒。"), ("workaround", "重装系统。")),
              3, "normal", (0.8, 0.18, 0.02), first="desktop", t2="network", t3="vendor-net"),
    IssueKind(INC, "SEC-VUL", ("漏洞扫描发现高危漏洞", "系统补丁未安装告警"),
              ("季度漏洞扫描报告列出高危漏洞", "补丁管理平台显示多台终端未更新"),
              (("config_changed", "安装补丁并复扫确认。"), ("vendor_fixed", "厂商提供修复包。")),
              1.5, "normal", (0.1, 0.7, 0.2), ci="server", **_SRV),
    IssueKind(INC, "SEC-OUT", ("终端违规外联告警",),
              ("安全平台检测到终端连接外网",),
              (("solved", "核实并断开违规连接，已告知用户。"),),
              1, "normal", (0.3, 0.7, 0.0), monitored=True, **_NET),
    IssueKind(INC, "SRV-HW", ("服务器硬盘告警", "服务器电源故障", "服务器风扇告警"),
              ("监控平台显示硬盘预故障", "冗余电源一路失效"),
              (("hardware_replaced", "厂商更换硬盘并完成重建。"), ("vendor_fixed", "厂商上门更换电源。")),
              2, "normal", (0.1, 0.55, 0.35), ci="server", **_SRV),
    IssueKind(INC, "SRV-OS", ("服务器CPU使用率过高", "服务器磁盘空间不足", "服务器内存不足"),
              ("监控告警：CPU持续高于90%", "日志目录使用率超过95%"),
              (("solved", "清理日志并配置轮转。"), ("config_changed", "扩容虚拟机资源。")),
              3, "normal", (0.2, 0.75, 0.05), ci="server", **_SRV),
    IssueKind(INC, "SRV-STO", ("存储链路告警", "存储池容量告警"),
              ("多路径软件显示一条链路失效", "存储池使用率超过85%"),
              (("vendor_fixed", "厂商更换光纤模块。"), ("config_changed", "迁移数据并扩容。")),
              1, "major", (0.05, 0.6, 0.35), ci="storage", **_SRV),
    IssueKind(INC, "SRV-ENV", ("机房空调告警", "UPS电池告警", "机房温度过高"),
              ("巡检发现精密空调高压告警", "UPS自检提示电池老化"),
              (("vendor_fixed", "厂商维修空调。"), ("hardware_replaced", "更换UPS电池组。")),
              1, "major", (0.3, 0.5, 0.2), **_SRV),
    # Service requests.
    IssueKind(REQ, "ACC-MAIL", ("申请开通邮箱", "申请扩大邮箱容量", "申请开通部门公共邮箱"),
              ("新入职人员需要开通工作邮箱", "邮箱容量不足影响收发公文"),
              (_FULFILLED,), 10, "request", (0.9, 0.1, 0.0), ci="system", system="YJ"),
    IssueKind(REQ, "ACC-PWD", ("申请重置密码", "申请开通域账号"),
              ("新入职人员需要开通域账号", "长期出差回来需要重置密码"),
              (_FULFILLED,), 9, "request", (0.98, 0.02, 0.0)),
    IssueKind(REQ, "HW-PC", ("新员工申领电脑", "申请更换显示器", "申请加装内存"),
              ("新入职人员需要配置办公电脑", "电脑使用多年，申请升级"),
              (_FULFILLED, ("rejected", "不符合配置标准，已说明原因。")),
              10, "request", (0.95, 0.05, 0.0), **_DESK),
    IssueKind(REQ, "HW-PRN", ("申请安装打印机", "申请更换硒鼓"),
              ("办公室新增打印机需要安装驱动", "硒鼓用完需要更换"),
              (_FULFILLED,), 10, "request", (1.0, 0.0, 0.0), **_DESK),
    IssueKind(REQ, "SW-OFF", ("申请安装办公软件", "申请安装PDF编辑软件", "申请安装公文字体"),
              ("工作需要安装正版软件", "需要编辑PDF格式文件"),
              (_FULFILLED, ("rejected", "软件不在正版化目录内。")),
              10, "request", (0.97, 0.03, 0.0), **_DESK),
    IssueKind(REQ, "NET-LAN", ("申请新增网络信息点", "办公室搬迁网络调整"),
              ("办公室调整需要新增两个网口", "处室搬迁到新楼层"),
              (_FULFILLED,), 6, "request", (0.6, 0.4, 0.0), first="desktop", **_NET),
    IssueKind(REQ, "NET-VPN", ("申请开通VPN", "申请延长VPN有效期"),
              ("出差期间需要访问内网系统", "VPN账号即将到期"),
              (_FULFILLED, ("rejected", "未提交审批单。")),
              8, "request", (0.9, 0.1, 0.0), **_NET),
    IssueKind(REQ, "NET-WIFI", ("申请访客无线网络",),
              ("会议期间外单位人员需要上网",),
              (_FULFILLED,), 3, "request", (1.0, 0.0, 0.0), **_NET),
    IssueKind(REQ, "SRV-OS", ("申请新建虚拟机", "申请扩容服务器磁盘"),
              ("新项目需要测试环境", "业务数据增长，需要扩容"),
              (_FULFILLED,), 3, "request", (0.0, 0.95, 0.05), ci="server", t2="server",
              t3="vendor-srv"),
    IssueKind(REQ, "DB-DATA", ("申请导出业务数据", "申请数据库只读账号"),
              ("统计分析需要导出上一年度数据", "报表开发需要只读账号"),
              (_FULFILLED, ("rejected", "涉及敏感数据，需分管领导审批。")),
              3, "request", (0.1, 0.85, 0.05), ci="server", t2="dba", t3="vendor-db"),
    IssueKind(REQ, "SVC-MEET", ("申请视频会议保障", "大会议室投影调试"),
              ("明天上午有全局视频会议", "会议前需要调试投影和话筒"),
              (_FULFILLED,), 8, "request", (0.95, 0.05, 0.0), first="desktop"),
    IssueKind(REQ, "SVC-ASK", ("咨询系统使用方法", "咨询电脑配置标准"),
              ("不清楚如何在系统中提交审批", "想了解申领流程"),
              (("fulfilled", "已电话解答。"),), 6, "request", (1.0, 0.0, 0.0)),
)  # fmt: skip

#: Templates repeated for each business system ({system} is its name).
SYSTEM_KINDS: tuple[IssueKind, ...] = (
    IssueKind(INC, "BIZ", ("{system}登录缓慢", "{system}无法登录", "{system}页面打不开",
                           "{system}提交数据报错", "{system}数据显示不正确", "{system}打印报表失败"),
              ("点击登录后长时间无响应", "提示用户名或密码错误，但密码正确", "保存时提示系统异常",
               "查询结果与实际不一致", "导出报表时提示超时"),
              (_FIXED, ("config_changed", "调整应用配置并重启服务。"),
               ("user_error", "指导用户按正确流程操作。"), ("vendor_fixed", "开发人员发布补丁修复。")),
              1.6, "normal", (0.55, 0.33, 0.12), ci="system"),
    IssueKind(INC, "BIZ", ("{system}服务中断", "{system}全部用户无法访问"),
              ("监控显示应用服务无响应", "多个处室同时反映无法访问"),
              (("solved", "重启应用服务并排查原因。"), ("workaround", "切换至备用节点。"),
               ("vendor_fixed", "开发人员修复缺陷并发布。")),
              0.25, "major", (0.1, 0.6, 0.3), ci="system", monitored=True),
    IssueKind(REQ, "BIZ", ("申请开通{system}账号", "申请调整{system}权限", "{system}数据导出申请"),
              ("新入职人员需要使用该系统", "岗位调整需要变更权限", "年度统计需要导出数据"),
              (_FULFILLED, ("rejected", "未经业务处室审批。")),
              1.2, "request", (0.7, 0.28, 0.02), ci="system"),
)  # fmt: skip

#: How often each business system turns up in tickets, relative to the others.
SYSTEM_WEIGHT: dict[str, float] = {"OA": 4.0, "GZFW": 2.0, "XZZF": 2.5, "XZSP": 2.0, "YJ": 1.5}


def all_kinds() -> tuple[IssueKind, ...]:
    """The base kinds plus each system kind expanded for every business system."""
    expanded = [
        replace(
            kind,
            category=f"BIZ-{code}",
            titles=tuple(t.format(system=name) for t in kind.titles),
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
