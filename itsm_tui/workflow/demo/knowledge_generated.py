"""The rest of the demo's knowledge base, generated: articles written as templates over the
estate's printers, VPN clients, business systems, stop codes, mail clients, buildings,
domestic operating systems, endpoint-security clients and meeting rooms, and problems on the
business systems the hand-written ones (``demo.knowledge``) leave out.

Generated rather than written out because a service desk's knowledge base *is* like this:
the same fault written up for each model and each system. The hand-written articles stay
apart, because the search's recall test (``tests/unit/test_kb_recall.py``) labels its
expected hits over them alone.
"""

from __future__ import annotations

from itsm_tui.workflow.demo.knowledge import ARTICLES, PROBLEMS
from itsm_tui.workflow.demo.vocabulary import BUSINESS_SYSTEMS

Article = tuple[str, str, tuple[str, ...], str | None, str, str]
ProblemRow = tuple[str, str, str, str, str, str, str, str]

_PRINTERS = (
    ("惠普", "M1136"),
    ("惠普", "M427dw"),
    ("佳能", "iR2625"),
    ("佳能", "LBP2900"),
    ("兄弟", "DCP-7080"),
    ("奔图", "M6700DW"),
    ("联想", "LJ2605D"),
    ("理光", "MP2014"),
)
_VPN_CLIENTS = ("深信服EasyConnect", "奇安信VPN", "天融信VPN")
_STOP_CODES = (
    ("0x0000007B", "INACCESSIBLE_BOOT_DEVICE", "硬盘模式或存储驱动", "在BIOS中把硬盘模式改回AHCI"),
    ("0x000000D1", "DRIVER_IRQL_NOT_LESS_OR_EQUAL", "网卡或无线网卡驱动", "回退网卡驱动到上一版本"),
    ("0x00000050", "PAGE_FAULT_IN_NONPAGED_AREA", "内存条或杀毒软件驱动",
     "重新插拔内存条并运行内存诊断"),
    ("0x0000001A", "MEMORY_MANAGEMENT", "内存条故障", "运行Windows内存诊断，必要时更换内存条"),
    ("0x000000EF", "CRITICAL_PROCESS_DIED", "系统文件损坏", "进入安全模式执行 sfc /scannow"),
    ("0x0000003B", "SYSTEM_SERVICE_EXCEPTION", "显卡驱动", "卸载显卡驱动后安装官方版本"),
    ("0x0000007A", "KERNEL_DATA_INPAGE_ERROR", "硬盘坏道", "备份数据后检测硬盘，坏道多则更换硬盘"),
    ("0x00000116", "VIDEO_TDR_FAILURE", "显卡驱动或显卡过热", "清理风扇灰尘并更新显卡驱动"),
)
_WINDOWS = ("Windows 7", "Windows 10")
_MAIL_CLIENTS = ("Foxmail", "Outlook", "网页邮箱", "手机邮箱客户端")
_BUILDINGS = ("综合楼", "办公楼A座", "办公楼B座", "档案楼")
_DOMESTIC_OS = ("统信UOS", "银河麒麟")
_SECURITY = ("奇安信天擎", "360终端安全")
_ROOMS = ("一号会议室", "二号会议室", "三楼视频会议室")


def _printer_articles() -> list[Article]:
    out: list[Article] = []
    for brand, model in _PRINTERS:
        name = f"{brand}{model}"
        out += [
            (
                f"{name}打印机频繁卡纸",
                "HW-PRN",
                ("打印机", "卡纸", brand),
                None,
                "self_service",
                f"## 现象\n{name}打印时频繁提示卡纸，取出纸张后仍反复出现。\n\n## 处理\n"
                "1. 关机后打开前盖，取出硒鼓，检查纸道内有无碎纸片。\n"
                "2. 用干布擦拭搓纸轮，纸张受潮时更换新纸。\n"
                f"3. 纸盒导板要贴紧纸张边缘；{model}不支持80克以上的厚纸。\n"
                "4. 仍卡纸请报修，由桌面运维更换搓纸轮或分页器。",
            ),
            (
                f"{name}驱动下载与安装",
                "HW-PRN",
                ("打印机", "驱动", brand),
                None,
                "internal",
                f"## 适用\n新装或重装系统的电脑连接{name}。\n\n## 步骤\n"
                f"1. 从内网软件中心“打印机驱动/{brand}”目录下载{model}的驱动。\n"
                "2. 以管理员身份运行安装程序，连接方式选择“网络”或“USB”。\n"
                "3. 网络连接时输入打印机面板上显示的IP地址。\n"
                "4. 打印测试页确认。国产化终端请使用厂商提供的统信/麒麟版驱动。",
            ),
            (
                f"{name}扫描到共享文件夹失败",
                "HW-PRN",
                ("打印机", "扫描", brand),
                None,
                "internal",
                f"## 现象\n{name}扫描时提示“无法连接到服务器”或“认证失败”。\n\n## 原因\n"
                "电脑的登录密码改过，或共享文件夹的权限被收回。\n\n## 处理\n"
                "1. 在电脑上重新共享扫描文件夹，给扫描账号写入权限。\n"
                "2. 在打印机的地址簿中更新电脑的IP地址和密码。\n"
                "3. 电脑防火墙需放行文件共享（SMB 445端口）。",
            ),
        ]
    return out


def _vpn_articles() -> list[Article]:
    issues = (
        (
            "证书过期的续期方法",
            "登录时提示“证书已过期”或“证书无效”，无法建立连接。",
            "1. 登录统一身份认证平台，进入“我的证书”。\n2. 点击“续期”，用手机短信验证码确认。\n"
            "3. 下载新证书并双击导入，密码为短信中的六位数字。\n4. 重启VPN客户端后重新登录。",
        ),
        (
            "证书导入失败",
            "双击证书文件提示“导入失败”或“密码不正确”。",
            "1. 确认下载的是.pfx格式证书，而不是.cer文件。\n"
            "2. 证书密码区分大小写，不要复制短信中的空格。\n"
            "3. 在“管理用户证书”中删除同名的旧证书后再导入。",
        ),
        (
            "登录提示账号已锁定",
            "连续输错密码后提示账号已锁定。",
            "1. 账号在30分钟后自动解锁。\n2. 紧急情况拨打服务热线，核实身份后由管理员解锁。\n"
            "3. 解锁后请在统一身份认证平台修改密码。",
        ),
        (
            "连接后无法访问内网业务系统",
            "VPN显示已连接，但打不开OA等内网业务系统。",
            "1. 检查是否分配到内网地址（命令行执行 ipconfig）。\n"
            "2. 浏览器不要设置代理。\n3. 使用业务系统的内网域名访问，不要使用外网地址。\n"
            "4. 仍不能访问时报告账号和时间，由网络组查看访问策略。",
        ),
        (
            "客户端升级后无法启动",
            "客户端自动升级后双击无反应或闪退。",
            "1. 卸载客户端并删除安装目录。\n2. 从内网软件中心下载最新版本，以管理员身份安装。\n"
            "3. 杀毒软件拦截时把客户端加入信任列表。",
        ),
    )
    return [
        (
            f"{client}{title}",
            "NET-VPN",
            ("VPN", "证书" if "证书" in title else "远程办公"),
            None,
            "self_service",
            f"## 现象\n使用{client}时{symptom}\n\n## 处理\n{steps}",
        )
        for client in _VPN_CLIENTS
        for title, symptom, steps in issues
    ]


def _system_articles() -> list[Article]:
    out: list[Article] = []
    for code, name, _layout in BUSINESS_SYSTEMS:
        out += [
            (
                f"{name}提示会话已过期的处理",
                f"BIZ-{code}",
                (name, "登录"),
                code,
                "self_service",
                f"## 现象\n在{name}中操作时提示“会话已过期，请重新登录”，已填写的内容丢失。\n\n"
                "## 原因\n超过30分钟没有操作，或同一账号在另一台电脑登录。\n\n## 处理\n"
                "1. 重新登录后在“草稿箱”中找回自动保存的内容。\n"
                "2. 长时间填写材料时请每隔10分钟点击“暂存”。\n"
                "3. 不要在两台电脑上同时登录同一账号。",
            ),
            (
                f"{name}浏览器兼容性设置",
                f"BIZ-{code}",
                (name, "浏览器"),
                code,
                "self_service",
                f"## 适用\n{name}页面显示不全、按钮点击无反应或白屏。\n\n## 处理\n"
                "1. 使用360安全浏览器时切换到“极速模式”。\n"
                "2. 清除浏览器缓存（Ctrl+Shift+Delete）后重新打开。\n"
                "3. 国产化终端请使用奇安信可信浏览器访问。",
            ),
            (
                f"{name}导出报表超时",
                f"BIZ-{code}",
                (name, "报表"),
                code,
                "internal",
                f"## 现象\n在{name}中导出报表时长时间等待后提示“请求超时”。\n\n## 处理\n"
                "1. 缩小查询的时间范围，按月分批导出。\n"
                "2. 避开上午9点到10点的高峰时段。\n"
                "3. 确需导出全年数据时提交数据导出申请，由应用运维在夜间导出。",
            ),
            (
                f"{name}账号开通与权限申请流程",
                f"BIZ-{code}",
                (name, "账号", "权限"),
                code,
                "internal",
                f"## 流程\n1. 申请人填写《{name}账号权限申请表》，处室负责人签字。\n"
                "2. 业务主管处室审核需要的角色。\n"
                "3. 服务热线登记工单，应用运维在一个工作日内开通。\n"
                "4. 开通后初始密码以短信发送，首次登录必须修改。\n\n"
                "岗位调整时请同时申请收回原岗位的权限。",
            ),
        ]
    return out


def _blue_screen_articles() -> list[Article]:
    return [
        (
            f"{windows}蓝屏 {code} {name}",
            "SW-OS",
            ("蓝屏", windows),
            None,
            "internal",
            f"## 现象\n{windows}电脑蓝屏，错误代码 {code}（{name}）。\n\n## 常见原因\n{cause}。\n\n"
            f"## 处理\n1. 记录蓝屏代码和最近安装的软件或更新。\n2. {fix}。\n"
            "3. 反复蓝屏时备份数据，由桌面运维上门检测硬件。",
        )
        for windows in _WINDOWS
        for code, name, cause, fix in _STOP_CODES
    ]


def _mail_articles() -> list[Article]:
    issues = (
        ("收不到外部邮件", "能收到单位内部邮件，收不到外单位发来的邮件。",
         "1. 检查垃圾邮件文件夹。\n2. 请对方确认收件地址的域名无误。\n"
         "3. 邮箱容量超过90%时外部邮件会被拒收，请清理后重试。"),
        ("发送附件过大被退回", "发送带附件的邮件后收到退信，提示邮件过大。",
         "1. 单封邮件附件不超过50MB。\n2. 大文件请使用“超大附件”功能上传。\n"
         "3. 涉密文件不得通过电子邮件发送。"),
        ("修改密码后无法登录", "在统一身份认证平台修改密码后，邮箱一直提示密码错误。",
         "1. 在客户端的账户设置中更新为新密码。\n2. 手机端需要删除账户后重新添加。\n"
         "3. 连续输错5次账号会被锁定30分钟。"),
        ("设置邮件签名", "需要在邮件末尾自动加上处室和电话。",
         "1. 打开“设置—签名”，新建签名。\n2. 按单位统一格式填写姓名、处室、电话。\n"
         "3. 勾选“新邮件自动添加签名”。"),
        ("邮件被误判为垃圾邮件", "发给外单位的邮件被对方当作垃圾邮件。",
         "1. 邮件标题不要只写“通知”或留空。\n2. 群发时请分批，每批不超过50人。\n"
         "3. 仍被拦截时报告对方邮箱域名，由管理员联系对方放行。"),
    )  # fmt: skip
    return [
        (
            f"{client}{title}",
            "ACC-MAIL",
            ("邮箱", client),
            "YJ",
            "self_service",
            f"## 现象\n使用{client}时{symptom}\n\n## 处理\n{steps}",
        )
        for client in _MAIL_CLIENTS
        for title, symptom, steps in issues
    ]


def _network_articles() -> list[Article]:
    issues = (
        ("网络端口不通", "NET-LAN", "电脑显示“未识别的网络”，网线指示灯不亮。",
         "1. 换一根网线或换一个墙上端口试试。\n2. 记下面板上的端口编号（如3-0512）报修。\n"
         "3. 网络组在楼层交换机上检查端口是否被关闭。"),
        ("无线网络频繁掉线", "NET-WIFI", "连接办公无线网络后每隔几分钟断开一次。",
         "1. 忘记网络后重新连接，使用统一身份认证账号登录。\n"
         "2. 关闭网卡的“允许计算机关闭此设备以节约电源”。\n3. 会议室人数多时请改用有线网络。"),
        ("IP地址冲突", "NET-LAN", "右下角提示“IP地址冲突”，网络时断时续。",
         "1. 把网络设置改为自动获取IP地址。\n2. 固定IP的设备请向网络组登记。\n"
         "3. 冲突仍出现时报告电脑的MAC地址，由网络组定位冲突设备。"),
    )  # fmt: skip
    return [
        (
            f"{building}{title}",
            category,
            ("网络", building),
            None,
            "self_service",
            f"## 现象\n{building}{symptom}\n\n## 处理\n{steps}",
        )
        for building in _BUILDINGS
        for title, category, symptom, steps in issues
    ]


def _domestic_os_articles() -> list[Article]:
    issues = (
        ("安装打印机驱动", "HW-PRN", "找不到打印机或打印为乱码。",
         "1. 从内网软件中心“信创驱动”目录下载对应型号的驱动。\n"
         "2. 在“设置—打印机”中添加，选择已安装的驱动。\n3. 打印测试页确认。"),
        ("WPS文档格式错乱", "SW-OFF", "打开Word文档后排版错乱、字体显示不同。",
         "1. 安装单位统一下发的字体包（方正仿宋、方正小标宋）。\n"
         "2. 公文请使用WPS的“公文模板”重新排版。\n3. 对外发送时另存为PDF。"),
        ("浏览器访问业务系统白屏", "SW-BRW", "打开业务系统后页面空白。",
         "1. 使用奇安信可信浏览器，不要用系统自带浏览器。\n"
         "2. 在浏览器中切换到兼容模式。\n3. 仍白屏时报告系统名称，由应用运维确认是否已适配。"),
        ("输入法无法切换", "SW-INP", "按Ctrl+空格无法切换中文输入法。",
         "1. 在“设置—输入法”中确认已添加搜狗或讯飞输入法。\n"
         "2. 注销后重新登录。\n3. 仍不能切换时重启输入法服务（fcitx）。"),
    )  # fmt: skip
    return [
        (
            f"{os_name}{title}",
            category,
            ("信创", os_name),
            None,
            "internal",
            f"## 现象\n{os_name}终端{symptom}\n\n## 处理\n{steps}",
        )
        for os_name in _DOMESTIC_OS
        for title, category, symptom, steps in issues
    ]


def _security_articles() -> list[Article]:
    issues = (
        ("病毒库更新失败", "SEC-VIR", "终端安全客户端提示病毒库已过期。",
         "1. 确认电脑能访问内网。\n2. 在客户端中点击“立即更新”。\n"
         "3. 超过7天未更新的电脑会被限制入网，请联系安全组。"),
        ("误拦截业务程序", "SEC-VIR", "业务系统的插件或客户端被当作病毒删除。",
         "1. 不要自行关闭防护。\n2. 报告被拦截的程序名称和路径。\n"
         "3. 安全组核实后在管理端统一加入信任。"),
        ("违规外联告警的处理", "SEC-OUT", "管理端报告终端存在违规外联行为。",
         "1. 立即断开电脑的无线网卡和手机热点。\n2. 不要删除任何文件，保留现场。\n"
         "3. 安全组上门检查并出具处理意见。"),
    )  # fmt: skip
    return [
        (
            f"{client}{title}",
            category,
            ("安全", client),
            None,
            "internal",
            f"## 现象\n{client}{symptom}\n\n## 处理\n{steps}",
        )
        for client in _SECURITY
        for title, category, symptom, steps in issues
    ]


def _meeting_articles() -> list[Article]:
    issues = (
        ("视频会议无声音", "对方听不到本会场的声音。",
         "1. 检查桌面麦克风的静音指示灯。\n2. 确认调音台的总音量推子已推起。\n"
         "3. 在会议终端的“音频输入”中选择调音台。"),
        ("摄像头无画面", "会议终端显示“无视频输入”。",
         "1. 检查摄像头电源和HDMI线。\n2. 在终端中切换视频源。\n3. 重启会议终端。"),
        ("电脑投屏失败", "笔记本连接后大屏没有显示。",
         "1. 按Win+P选择“复制”。\n2. 换用会议桌上的HDMI转接头。\n"
         "3. 国产化笔记本请在显示设置中手动打开外接屏幕。"),
    )  # fmt: skip
    return [
        (
            f"{room}{title}",
            "SVC-MEET",
            ("会议", room),
            "SPHY",
            "internal",
            f"## 现象\n{room}{symptom}\n\n## 处理\n{steps}",
        )
        for room in _ROOMS
        for title, symptom, steps in issues
    ]


GENERATED_ARTICLES: tuple[Article, ...] = tuple(
    _printer_articles()
    + _vpn_articles()
    + _system_articles()
    + _blue_screen_articles()
    + _mail_articles()
    + _network_articles()
    + _domestic_os_articles()
    + _security_articles()
    + _meeting_articles()
)

#: The business systems' recurring faults, on the systems the hand-written problems leave
#: out; every other one a known error, as a desk that has worked a while would have them.
_SYSTEM_PROBLEMS = (
    ("XZZF", "行政执法系统移动端同步失败", "software_defect",
     "移动端离线数据包在弱网下重传时重复提交，服务端校验失败后整批回滚。",
     "在有线网络或信号好的地方手动点击“同步”，一次不超过20条。"),
    ("DZZW", "电子政务交换平台公文接收延迟", "capacity",
     "交换队列在月底集中发文时积压，消费线程数不足。", "紧急公文电话通知对方后走纸质件。"),
    ("DAGL", "档案管理系统扫描件上传失败", "configuration",
     "文件服务器单个文件大小限制为10MB，高清扫描件超过限制。", "扫描分辨率设为200dpi后再上传。"),
    ("CWGL", "财务管理系统月末结账时报表卡死", "capacity",
     "月末结账与报表查询同时运行，数据库锁等待。", "结账期间避免导出全年报表，夜间再查询。"),
    ("RSGL", "人事管理系统证件照无法显示", "software_defect",
     "新版前端不支持旧格式的照片文件。", "重新上传JPG格式的证件照。"),
    ("SPHY", "视频会议系统多方会议时卡顿", "network",
     "MCU到分会场的专线带宽不足，多路高清码流拥塞。", "分会场改为标清接入，关闭不发言会场的视频。"),
    ("XXGK", "政府信息公开系统附件下载乱码", "configuration",
     "Web服务器未设置中文文件名的编码。", "右键“另存为”后手动修改文件名。"),
    ("ZFJD", "执法监督平台统计数据与业务系统不一致", "software_defect",
     "数据同步任务在跨日时漏取最后一批数据。", "以业务系统数据为准，次日再核对。"),
    ("SJGX", "数据共享交换平台接口间歇性超时", "vendor",
     "厂商中间件连接池泄漏，运行一周后连接耗尽。", "应用运维每周日夜间重启中间件。"),
    ("TYRZ", "统一身份认证平台短信验证码收不到", "vendor",
     "短信网关对同一号码限频，高峰期被运营商拦截。", "改用手机令牌或由热线核实身份后临时放行。"),
    ("OA", "OA办公系统附件预览失败", "software_defect",
     "预览服务不支持WPS新版格式。", "下载附件后在本地打开。"),
    ("GZFW", "公众服务门户搜索结果不更新", "configuration",
     "全文索引的增量任务被误停用。", "在栏目列表中直接浏览最新信息。"),
    ("XZSP", "行政审批系统电子签章失败", "vendor",
     "签章服务证书即将到期，部分节点已更新部分未更新。",
     "失败时稍后重试，或改到签章专用终端办理。"),
    ("YJ", "电子邮件系统手机端收信延迟", "configuration",
     "移动端推送服务的心跳间隔设置过长。", "在手机邮箱中手动下拉刷新。"),
    ("RXGD", "12345热线工单系统录音无法回放", "hardware",
     "录音服务器的一块硬盘故障，阵列降级后读取缓慢。", "回放需要时联系热线班长从备份服务器调取。"),
)  # fmt: skip
#: The states the generated problems cycle through (known errors most).
_STATES = ("known_error", "known_error", "investigating", "known_error", "resolved", "new")


def _generated_problems() -> list[ProblemRow]:
    out: list[ProblemRow] = []
    for i, (code, title, cause, root, workaround) in enumerate(_SYSTEM_PROBLEMS):
        state = _STATES[i % len(_STATES)]
        known = state in ("known_error", "resolved")
        out.append(
            (
                title,
                f"BIZ-{code}",
                code,
                cause,
                root if known or state == "investigating" else "",
                workaround if known else "",
                "已升级软件版本并完成验证。" if state == "resolved" else "",
                state,
            )
        )
    return out


GENERATED_PROBLEMS: tuple[ProblemRow, ...] = tuple(_generated_problems())

#: What the demo loads: the hand-written first, then the generated.
DEMO_ARTICLES: tuple[Article, ...] = ARTICLES + GENERATED_ARTICLES
DEMO_PROBLEMS: tuple[ProblemRow, ...] = PROBLEMS + GENERATED_PROBLEMS
