"""Recall of the knowledge search: a labelled set of queries over the demo's articles, each
with every article that holds all its terms. One- and two-character Chinese terms (what the
hotline types most), three and more, Chinese mixed with Latin, Latin only, full-width Latin,
and several terms at once. The search must find every expected article (100 % recall) and no
other (every term is checked literally)."""

from __future__ import annotations

import pytest

from itsm_tui.workflow.demo.knowledge import ARTICLES
from itsm_tui.workflow.knowledge.articles import add_article
from itsm_tui.workflow.knowledge.finding import search_knowledge
from tests.conftest import Desk

#: (query, the titles of the articles it must find).
LABELLED: list[tuple[str, list[str]]] = [
    (
        "打",
        [
            "打印机卡纸的处理方法",
            "打印机显示脱机无法打印",
            "共享打印机安装驱动的步骤",
            "打印出来是乱码或空白页",
            "VPN连接后无法访问OA系统",
            "OA系统登录提示密码错误",
            "Outlook客户端配置邮箱账号",
            "邮箱密码忘记后自助重置",
            "IP地址冲突的处理",
            "无线网络连接后无法上网",
            "杀毒软件提示发现病毒",
            "财务管理系统打印凭证格式错乱",
        ],
    ),
    (
        "网",
        [
            "打印机显示脱机无法打印",
            "共享打印机安装驱动的步骤",
            "VPN证书过期无法连接",
            "VPN连接后无法访问OA系统",
            "VPN客户端安装失败",
            "邮箱收不到外部邮件",
            "网络端口不通电脑无法上网",
            "IP地址冲突的处理",
            "无线网络连接后无法上网",
            "杀毒软件提示发现病毒",
            "违规外联告警的处理流程",
        ],
    ),
    ("屏", ["OA登录后白屏或页面显示不全", "电脑蓝屏的初步处理", "显示器黑屏无信号"]),
    ("毒", ["VPN客户端安装失败", "杀毒软件提示发现病毒"]),
    (
        "码",
        [
            "打印出来是乱码或空白页",
            "VPN证书过期无法连接",
            "OA系统登录提示密码错误",
            "邮箱密码忘记后自助重置",
            "无线网络连接后无法上网",
            "电脑蓝屏的初步处理",
        ],
    ),
    (
        "邮",
        [
            "OA系统登录提示密码错误",
            "邮箱收不到外部邮件",
            "邮箱容量已满无法收发邮件",
            "Outlook客户端配置邮箱账号",
            "邮箱密码忘记后自助重置",
        ],
    ),
    ("盘", ["电脑蓝屏的初步处理", "电脑开机很慢的优化", "杀毒软件提示发现病毒"]),
    (
        "打印",
        [
            "打印机卡纸的处理方法",
            "打印机显示脱机无法打印",
            "共享打印机安装驱动的步骤",
            "打印出来是乱码或空白页",
            "IP地址冲突的处理",
            "财务管理系统打印凭证格式错乱",
        ],
    ),
    (
        "网络",
        [
            "打印机显示脱机无法打印",
            "网络端口不通电脑无法上网",
            "IP地址冲突的处理",
            "无线网络连接后无法上网",
            "杀毒软件提示发现病毒",
            "违规外联告警的处理流程",
        ],
    ),
    (
        "邮箱",
        [
            "OA系统登录提示密码错误",
            "邮箱收不到外部邮件",
            "邮箱容量已满无法收发邮件",
            "Outlook客户端配置邮箱账号",
            "邮箱密码忘记后自助重置",
        ],
    ),
    ("蓝屏", ["电脑蓝屏的初步处理"]),
    (
        "端口",
        [
            "打印机显示脱机无法打印",
            "Outlook客户端配置邮箱账号",
            "网络端口不通电脑无法上网",
            "IP地址冲突的处理",
        ],
    ),
    ("病毒", ["杀毒软件提示发现病毒"]),
    ("证书", ["VPN证书过期无法连接"]),
    ("登录", ["VPN证书过期无法连接", "OA系统登录提示密码错误", "OA登录后白屏或页面显示不全"]),
    (
        "密码",
        [
            "VPN证书过期无法连接",
            "OA系统登录提示密码错误",
            "邮箱密码忘记后自助重置",
            "无线网络连接后无法上网",
        ],
    ),
    (
        "驱动",
        [
            "共享打印机安装驱动的步骤",
            "打印出来是乱码或空白页",
            "VPN客户端安装失败",
            "电脑蓝屏的初步处理",
        ],
    ),
    ("脱机", ["打印机显示脱机无法打印"]),
    ("附件", ["OA公文附件无法下载", "邮箱容量已满无法收发邮件"]),
    ("上传", ["行政审批系统上传材料失败"]),
    ("备份", ["数据库备份失败告警的处理"]),
    ("乱码", ["打印出来是乱码或空白页"]),
    ("白屏", ["OA登录后白屏或页面显示不全"]),
    ("无线", ["无线网络连接后无法上网", "违规外联告警的处理流程"]),
    ("黑屏", ["显示器黑屏无信号"]),
    ("外联", ["违规外联告警的处理流程"]),
    ("派单", ["12345热线工单系统派单失败"]),
    ("缓存", ["VPN连接后无法访问OA系统", "OA登录后白屏或页面显示不全", "公众服务门户访问缓慢"]),
    (
        "打印机",
        [
            "打印机卡纸的处理方法",
            "打印机显示脱机无法打印",
            "共享打印机安装驱动的步骤",
            "打印出来是乱码或空白页",
            "IP地址冲突的处理",
            "财务管理系统打印凭证格式错乱",
        ],
    ),
    (
        "浏览器",
        ["OA登录后白屏或页面显示不全", "OA公文附件无法下载", "财务管理系统打印凭证格式错乱"],
    ),
    ("输入法", ["OA系统登录提示密码错误", "输入法无法切换或候选框不显示"]),
    ("显示器", ["显示器黑屏无信号"]),
    ("数据库", ["公众服务门户访问缓慢", "数据库备份失败告警的处理"]),
    ("交换机", ["网络端口不通电脑无法上网", "IP地址冲突的处理"]),
    ("杀毒软件", ["VPN客户端安装失败", "杀毒软件提示发现病毒"]),
    ("网络端口", ["网络端口不通电脑无法上网"]),
    ("视频会议", ["视频会议没有声音或对方听不到"]),
    ("统一身份认证", ["VPN证书过期无法连接", "OA系统登录提示密码错误", "邮箱密码忘记后自助重置"]),
    ("VPN证书", ["VPN证书过期无法连接"]),
    ("vpn 证书", ["VPN证书过期无法连接"]),
    ("OA登录", ["OA登录后白屏或页面显示不全"]),
    ("OA 白屏", ["OA登录后白屏或页面显示不全"]),
    (
        "IP地址",
        [
            "打印机显示脱机无法打印",
            "共享打印机安装驱动的步骤",
            "VPN连接后无法访问OA系统",
            "IP地址冲突的处理",
        ],
    ),
    ("Outlook 邮箱", ["Outlook客户端配置邮箱账号"]),
    ("12345 派单", ["12345热线工单系统派单失败"]),
    ("U盘", ["杀毒软件提示发现病毒"]),
    ("A4纸", ["打印机卡纸的处理方法"]),
    ("ＶＰＮ", ["VPN证书过期无法连接", "VPN连接后无法访问OA系统", "VPN客户端安装失败"]),
    ("VPN", ["VPN证书过期无法连接", "VPN连接后无法访问OA系统", "VPN客户端安装失败"]),
    ("vpn", ["VPN证书过期无法连接", "VPN连接后无法访问OA系统", "VPN客户端安装失败"]),
    (
        "OA",
        [
            "VPN连接后无法访问OA系统",
            "OA系统登录提示密码错误",
            "OA登录后白屏或页面显示不全",
            "OA公文附件无法下载",
            "邮箱密码忘记后自助重置",
        ],
    ),
    ("Outlook", ["Outlook客户端配置邮箱账号"]),
    ("IMAP", ["Outlook客户端配置邮箱账号"]),
    ("SSL", ["Outlook客户端配置邮箱账号"]),
    ("ipconfig", ["VPN连接后无法访问OA系统"]),
    ("HDMI", ["显示器黑屏无信号"]),
    ("dns", ["VPN连接后无法访问OA系统"]),
    ("ctrl", ["OA登录后白屏或页面显示不全", "输入法无法切换或候选框不显示"]),
    ("打印 驱动", ["共享打印机安装驱动的步骤", "打印出来是乱码或空白页"]),
    ("网络 端口", ["打印机显示脱机无法打印", "网络端口不通电脑无法上网", "IP地址冲突的处理"]),
    ("邮箱 密码", ["OA系统登录提示密码错误", "邮箱密码忘记后自助重置"]),
    ("邮箱 容量", ["邮箱收不到外部邮件", "邮箱容量已满无法收发邮件"]),
    ("打 纸", ["打印机卡纸的处理方法", "财务管理系统打印凭证格式错乱"]),
    ("量子计算", []),
]


@pytest.fixture
def corpus(desk: Desk) -> Desk:
    for title, _category, tags, _system, visibility, body in ARTICLES:
        add_article(
            desk.site, desk.eng1, title=title, body=body, tags=list(tags), visibility=visibility
        )
    return desk


def test_the_labelled_set_is_large_and_varied() -> None:
    assert len(LABELLED) >= 50
    lengths = {len(q) for q, _ in LABELLED if q.isascii() is False and " " not in q}
    assert {1, 2, 3, 4} <= lengths


def test_every_labelled_query_finds_exactly_its_articles(corpus: Desk) -> None:
    missed: dict[str, list[str]] = {}
    extra: dict[str, list[str]] = {}
    for query, expected in LABELLED:
        found = [
            h.title
            for h in search_knowledge(
                corpus.site, corpus.agent1, query, include_drafts=True, limit=100
            )
        ]
        if set(expected) - set(found):
            missed[query] = sorted(set(expected) - set(found))
        if set(found) - set(expected):
            extra[query] = sorted(set(found) - set(expected))
    recall = 1 - sum(map(len, missed.values())) / sum(len(e) for _, e in LABELLED)
    assert missed == {}, f"recall {recall:.1%}"
    assert extra == {}
