"""The rendered KPI report read back with an HTML parser: well formed, self-contained (no
request leaves the file), user text shown as text, in the language in force."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from itsm_tui.common.clock import FrozenClock
from itsm_tui.common.i18n import install
from itsm_tui.reports.render import render_html
from itsm_tui.storage.tables import Ticket
from itsm_tui.workflow.kpi.periods import parse_period
from itsm_tui.workflow.kpi.report import kpi_report
from itsm_tui.workflow.site import Actor, Site
from tests.unit.reporting_site import seed_site

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script>'
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source", "area", "base"}
#: Attributes that make a browser fetch something when they name a URL.
FETCHING = {"href", "src", "xlink:href", "action", "poster", "data", "srcset", "background"}


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


class Checker(HTMLParser):
    """Every tag closed in order, and every reference inside the file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._refs(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._refs(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def _refs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in FETCHING and value and not value.startswith(("#", "data:")):
                self.problems.append(f"<{tag} {name}={value!r}> fetches")
            if name == "style" and value and re.search(r"url\((?!['\"]?#)", value):
                self.problems.append(f"<{tag} style> fetches")


def _report_html(site: Site, admin: Actor) -> str:
    seed_site(site, admin)
    with Session(site.engine) as session:
        late = session.exec(
            select(Ticket.id)
            .where(col(Ticket.resolved_at) > col(Ticket.resolution_due_at))
            .where(col(Ticket.resolved_at) >= datetime(2026, 11, 5, tzinfo=UTC))
            .where(col(Ticket.resolved_at) < datetime(2026, 11, 25, tzinfo=UTC))
            .where(col(Ticket.status).in_(["resolved", "closed"]))
            .limit(1)
        ).one()
        session.execute(update(Ticket).where(col(Ticket.id) == late).values(title=HOSTILE))
        session.commit()
    report = kpi_report(site, admin, parse_period("2026-11"))
    return render_html(report.to_json())


def test_the_report_is_well_formed_self_contained_and_escapes_user_text(
    site: Site, admin: Actor
) -> None:
    html = _report_html(site, admin)
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert html.startswith("<!DOCTYPE html>")
    assert checker.problems == [] and checker.stack == []
    # The hostile title is in the breaches table as text, and no script exists.
    assert "script" not in checker.tags
    assert HOSTILE in "".join(checker.text)
    assert "&lt;script&gt;" in html
    for forbidden in ("<link", "@import", "<iframe", "<img", "http://", "https://"):
        assert forbidden not in re.sub(r'xmlns(:\w+)?="[^"]*"', "", html), forbidden
    # Ten sections (the summary first); the demo has surveys, rounds and scorecards, so
    # sections 7-9 draw their charts too.
    assert html.count("<section") == 10
    assert "No inspection rounds exist yet." not in html
    assert html.count("<svg") >= 9  # charts, inline


def test_the_report_reads_in_the_language_in_force(site: Site, admin: Actor) -> None:
    install("zh_CN")
    try:
        html = _report_html(site, admin)
    finally:
        install("en")
    assert "摘要" in html and "Summary" not in html
