"""The words of the demo site: Chinese names and their pinyin, departments, titles, places.

Why a module of plain tuples: the customer's data is Chinese, so every screen, export and report
must cope with wide characters, duplicate names and long department names. Keeping the words
here, apart from the code that draws from them, lets a reviewer read (and a translator extend)
them without reading generator code. Pinyin is kept beside each character so logins such as
``zhang.wei`` and e-mail addresses are derived, not hand-typed.
"""

from __future__ import annotations

#: Common surnames with pinyin and a rough relative frequency (王、李、张 lead, as in China).
SURNAMES: tuple[tuple[str, str, int], ...] = (
    ("王", "wang", 72), ("李", "li", 70), ("张", "zhang", 66), ("刘", "liu", 50),
    ("陈", "chen", 45), ("杨", "yang", 32), ("赵", "zhao", 22), ("黄", "huang", 22),
    ("周", "zhou", 20), ("吴", "wu", 20), ("徐", "xu", 15), ("孙", "sun", 15),
    ("胡", "hu", 13), ("朱", "zhu", 12), ("高", "gao", 12), ("林", "lin", 11),
    ("何", "he", 11), ("郭", "guo", 11), ("马", "ma", 11), ("罗", "luo", 9),
    ("梁", "liang", 9), ("宋", "song", 8), ("郑", "zheng", 8), ("谢", "xie", 7),
    ("韩", "han", 7), ("唐", "tang", 7), ("冯", "feng", 7), ("于", "yu", 7),
    ("董", "dong", 6), ("萧", "xiao", 6), ("程", "cheng", 6), ("曹", "cao", 6),
    ("袁", "yuan", 5), ("邓", "deng", 5), ("许", "xu", 5), ("傅", "fu", 5),
    ("沈", "shen", 5), ("曾", "zeng", 5), ("彭", "peng", 5), ("吕", "lv", 5),
    ("苏", "su", 4), ("卢", "lu", 4), ("蒋", "jiang", 4), ("蔡", "cai", 4),
    ("贾", "jia", 4), ("丁", "ding", 4), ("魏", "wei", 4), ("薛", "xue", 3),
    ("叶", "ye", 3), ("阎", "yan", 3), ("余", "yu", 3), ("潘", "pan", 3),
    ("杜", "du", 3), ("戴", "dai", 3), ("夏", "xia", 3), ("钟", "zhong", 3),
    ("汪", "wang", 3), ("田", "tian", 3), ("任", "ren", 3), ("姜", "jiang", 3),
    ("范", "fan", 3), ("方", "fang", 3), ("石", "shi", 3), ("姚", "yao", 3),
    ("谭", "tan", 2), ("廖", "liao", 2), ("邹", "zou", 2), ("熊", "xiong", 2),
    ("金", "jin", 2), ("陆", "lu", 2), ("郝", "hao", 2), ("孔", "kong", 2),
    ("白", "bai", 2), ("崔", "cui", 2), ("康", "kang", 2), ("毛", "mao", 2),
    ("邱", "qiu", 2), ("秦", "qin", 2), ("江", "jiang", 2), ("史", "shi", 2),
    ("欧阳", "ouyang", 1), ("司马", "sima", 1), ("诸葛", "zhuge", 1),
)  # fmt: skip

#: Characters for given names (one or two of them), with pinyin, by how they are usually given:
#: "m" mostly to boys, "f" mostly to girls, "n" to either.
GIVEN: tuple[tuple[str, str, str], ...] = (
    ("伟", "wei", "m"), ("强", "qiang", "m"), ("磊", "lei", "m"), ("军", "jun", "m"),
    ("勇", "yong", "m"), ("杰", "jie", "m"), ("涛", "tao", "m"), ("超", "chao", "m"),
    ("刚", "gang", "m"), ("建", "jian", "m"), ("国", "guo", "m"), ("辉", "hui", "m"),
    ("鹏", "peng", "m"), ("浩", "hao", "m"), ("凯", "kai", "m"), ("博", "bo", "m"),
    ("志", "zhi", "m"), ("斌", "bin", "m"), ("峰", "feng", "m"), ("亮", "liang", "m"),
    ("德", "de", "m"), ("成", "cheng", "m"), ("泽", "ze", "m"), ("轩", "xuan", "m"),
    ("昊", "hao", "m"), ("俊", "jun", "m"), ("振", "zhen", "m"), ("永", "yong", "m"),
    ("光", "guang", "m"), ("飞", "fei", "m"), ("彬", "bin", "m"), ("波", "bo", "m"),
    ("东", "dong", "m"), ("海", "hai", "m"), ("庆", "qing", "m"), ("家", "jia", "m"),
    ("芳", "fang", "f"), ("娜", "na", "f"), ("敏", "min", "f"), ("静", "jing", "f"),
    ("丽", "li", "f"), ("艳", "yan", "f"), ("娟", "juan", "f"), ("秀", "xiu", "f"),
    ("霞", "xia", "f"), ("桂", "gui", "f"), ("英", "ying", "f"), ("欣", "xin", "f"),
    ("怡", "yi", "f"), ("婷", "ting", "f"), ("雪", "xue", "f"), ("琳", "lin", "f"),
    ("颖", "ying", "f"), ("慧", "hui", "f"), ("倩", "qian", "f"), ("悦", "yue", "f"),
    ("红", "hong", "f"), ("梅", "mei", "f"), ("兰", "lan", "f"), ("雯", "wen", "f"),
    ("璐", "lu", "f"), ("蕾", "lei", "f"), ("薇", "wei", "f"), ("莉", "li", "f"),
    ("燕", "yan", "f"), ("萍", "ping", "f"), ("琴", "qin", "f"), ("瑶", "yao", "f"),
    ("明", "ming", "n"), ("华", "hua", "n"), ("文", "wen", "n"), ("宇", "yu", "n"),
    ("晨", "chen", "n"), ("佳", "jia", "n"), ("晓", "xiao", "n"), ("林", "lin", "n"),
    ("宁", "ning", "n"), ("新", "xin", "n"), ("春", "chun", "n"), ("玉", "yu", "n"),
    ("金", "jin", "n"), ("荣", "rong", "n"), ("安", "an", "n"), ("嘉", "jia", "n"),
    ("子", "zi", "n"), ("梓", "zi", "n"), ("一", "yi", "n"), ("思", "si", "n"),
    ("雨", "yu", "n"), ("涵", "han", "n"), ("睿", "rui", "n"), ("瑞", "rui", "n"),
    ("晗", "han", "n"), ("天", "tian", "n"), ("立", "li", "n"), ("云", "yun", "n"),
    ("帆", "fan", "n"), ("晶", "jing", "n"), ("平", "ping", "n"), ("洋", "yang", "n"),
)  # fmt: skip

#: The department every caller works in: (name, relative head count, building code, floor).
DEPARTMENTS: tuple[tuple[str, int, str, int], ...] = (
    ("局领导", 8, "A", 12),
    ("办公室", 45, "A", 11),
    ("政策法规处", 35, "A", 10),
    ("综合规划处", 30, "A", 10),
    ("人事处", 28, "A", 9),
    ("财务处", 32, "A", 9),
    ("审批服务处", 50, "A", 8),
    ("公共服务处", 45, "A", 8),
    ("督查室", 15, "A", 7),
    ("宣传教育处", 25, "A", 7),
    ("科技与信息化处", 22, "A", 6),
    ("统计分析处", 24, "A", 6),
    ("安全监管处", 35, "A", 5),
    ("应急管理处", 30, "A", 5),
    ("机关党委", 18, "A", 4),
    ("纪检监察室", 16, "A", 4),
    ("离退休干部处", 12, "A", 3),
    ("档案室", 14, "A", 3),
    ("信息中心", 40, "B", 6),
    ("行政执法支队", 110, "B", 5),
    ("执法一大队", 70, "B", 4),
    ("执法二大队", 70, "B", 4),
    ("政务服务大厅", 80, "B", 1),
    ("12345热线办", 45, "B", 2),
    ("后勤服务中心", 40, "B", 3),
    ("培训中心", 20, "B", 7),
)  # fmt: skip

#: Callers' job titles: (title, relative frequency, VIP, where), ``where`` naming the
#: departments that have such posts (any, when empty). Leaders are VIP callers: their tickets
#: are what supervisors watch first.
TITLES: tuple[tuple[str, int, bool, tuple[str, ...]], ...] = (
    ("副处长", 20, False, ("处",)), ("副主任", 10, False, ("中心", "办", "室")),
    ("科长", 40, False, ()), ("副科长", 40, False, ()), ("主任科员", 80, False, ()),
    ("一级科员", 120, False, ()), ("科员", 200, False, ()), ("办事员", 60, False, ()),
    ("中队长", 10, False, ("执法",)), ("执法队员", 300, False, ("执法",)),
    ("窗口工作人员", 200, False, ("大厅", "热线")), ("工作人员", 120, False, ()),
)  # fmt: skip

#: Where the site is: two buildings (code, name, floors) and the two machine rooms
#: (code, name, building code).
BUILDINGS: tuple[tuple[str, str, int], ...] = (("A", "机关主楼", 12), ("B", "综合业务楼", 8))
MACHINE_ROOMS: tuple[tuple[str, str, str], ...] = (
    ("MR-A", "核心机房 A", "A"),
    ("MR-B", "灾备机房 B", "B"),
)
OFFICES_PER_FLOOR = 10

#: Mail domain of the demo site (deliberately fictitious).
MAIL_DOMAIN = "example.gov.cn"

#: Mobile prefixes for plausible 11-digit numbers; desk phones are 010-6xxx-xxxx.
MOBILE_PREFIXES: tuple[str, ...] = (
    "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
    "155", "156", "158", "159", "166", "176", "177", "180", "185", "186", "187", "188", "189",
)  # fmt: skip

#: Assignment groups: (code, name, tier, supervisor key, members key).
GROUPS: tuple[tuple[str, str, int, str, str], ...] = (
    ("hotline", "服务热线", 1, "sup1", "hotline"),
    ("desktop", "桌面运维", 1, "sup1", "desktop"),
    ("server", "服务器运维", 2, "sup2", "server"),
    ("network", "网络运维", 2, "sup2", "network"),
    ("dba", "数据库管理", 2, "sup2", "dba"),
    ("appops", "应用运维", 2, "sup2", "appops"),
    ("appdev", "应用开发", 3, "sup3", "appdev"),
    ("vendor-net", "厂商支持（网络设备）", 3, "sup3", "vendor-net"),
    ("vendor-srv", "厂商支持（服务器存储）", 3, "sup3", "vendor-srv"),
    ("vendor-db", "厂商支持（数据库）", 3, "sup3", "vendor-db"),
    ("mr-ops", "机房运维", 1, "sup1", "inspector"),  # the machine-room inspection rounds
)

#: The group the admin who loads the demo joins, to take calls as themselves (the README's
#: walk-through logs a call as the first-run admin, and a ticket lands in the logger's group).
ADMIN_GROUP = "hotline"

#: The demo's group codes: if any exists, the demo has been loaded already.
DEMO_GROUP_CODES: tuple[str, ...] = tuple(code for code, *_ in GROUPS)

#: The staff roster: (team key, head count, tier, roles). Supervisors lead one team each
#: (sup1: tier 1, sup2: tier 2, sup3: tier 3 and vendors) and keep a working role.
ROSTER: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("hotline", 12, 1, ("agent",)),
    ("desktop", 6, 1, ("agent",)),
    ("inspector", 3, 1, ("inspector",)),
    ("server", 3, 2, ("engineer",)),
    ("network", 3, 2, ("engineer",)),
    ("dba", 3, 2, ("engineer",)),
    ("appops", 3, 2, ("engineer",)),
    ("appdev", 4, 3, ("specialist",)),
    ("vendor-net", 1, 3, ("specialist",)),
    ("vendor-srv", 2, 3, ("specialist",)),
    ("vendor-db", 1, 3, ("specialist",)),
    ("sup1", 1, 1, ("supervisor", "agent")),
    ("sup2", 1, 2, ("supervisor", "engineer")),
    ("sup3", 1, 3, ("supervisor", "specialist")),
)

#: Business systems (the customer has 30+; these are the ones the demo tickets name):
#: (code, name, servers it runs on as (role, count)).
BUSINESS_SYSTEMS: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...] = (
    ("GZFW", "公众服务门户", (("web", 2), ("app", 2), ("db", 1))),
    ("XZZF", "行政执法系统", (("app", 2), ("db", 1))),
    ("OA", "OA办公系统", (("web", 1), ("app", 2), ("db", 1))),
    ("DZZW", "电子政务交换平台", (("app", 2), ("db", 1))),
    ("XZSP", "行政审批系统", (("app", 2), ("db", 1))),
    ("YJ", "电子邮件系统", (("mail", 2),)),
    ("DAGL", "档案管理系统", (("app", 1), ("db", 1))),
    ("CWGL", "财务管理系统", (("app", 1), ("db", 1))),
    ("RSGL", "人事管理系统", (("app", 1),)),
    ("SPHY", "视频会议系统", (("mcu", 1),)),
    ("RXGD", "12345热线工单系统", (("app", 1), ("db", 1))),
    ("XXGK", "政府信息公开系统", (("web", 1),)),
    ("ZFJD", "执法监督平台", (("app", 1),)),
    ("SJGX", "数据共享交换平台", (("app", 2),)),
    ("TYRZ", "统一身份认证平台", (("app", 2),)),
)

#: Pending reasons, as the workflow knows them (``tickets.states.PENDING_REASONS``).
PENDING_REASONS: tuple[str, ...] = ("customer", "customer", "vendor", "change")

#: Why a ticket was escalated, per target tier (the workflow requires a reason).
ESCALATION_REASONS: dict[int, tuple[str, ...]] = {
    2: ("一线无法解决，需要二线排查", "涉及服务器配置，转二线处理", "远程处理无效，需要专业排查"),
    3: ("疑似程序缺陷，需开发人员处理", "需要厂商技术支持", "二线排查后确认需三线介入"),
}

#: Cancellation reasons, as the opening agent types them.
CANCEL_REASONS: tuple[str, ...] = (
    "用户表示问题已自行解决",
    "重复报障，已合并到原工单",
    "用户撤回申请",
    "误报，经核实设备正常",
)

#: Work notes and public replies: short, formatted with nothing (no user text inside).
WORK_NOTES: tuple[str, ...] = (
    "已电话联系用户，确认故障现象，正在排查。",
    "远程协助查看，初步判断为配置问题。",
    "已到现场检查，需更换配件，等待备件。",
    "查看系统日志，发现大量超时告警，已通知二线。",
    "已与厂商工程师沟通，对方安排明天上门。",
    "复现问题成功，已记录复现步骤。",
    "临时方案已生效，继续观察。",
    "已提交变更申请，等待审批后实施。",
)
PUBLIC_REPLIES: tuple[str, ...] = (
    "您好，您的问题已受理，工程师正在处理，请保持电话畅通。",
    "您好，工程师将于今天下午到达现场，请您留在办公室。",
    "您好，问题已初步处理，请您再试一次，如仍有问题请回复。",
    "您好，该申请需要部门负责人审批，请先提交审批单。",
    "您好，系统维护已结束，请重新登录使用。",
)
