"""``itsm report``: the KPI report as a script and a supervisor drive it — JSON with the same
figures the page prints, the HTML file, the stored reports, and the refusals (exit 1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_tui.cli import app
from itsm_tui.common.clock import FrozenClock
from itsm_tui.workflow import staff as staff_flow
from itsm_tui.workflow.kpi import stored
from itsm_tui.workflow.kpi.periods import parse_period
from itsm_tui.workflow.kpi.report import kpi_report
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import add_staff
from tests.unit.reporting_site import seed_site

runner = CliRunner()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 12, 2, 1, 0, tzinfo=UTC))


@pytest.fixture
def itsm(
    site: Site, admin: Actor, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Any]:
    seed_site(site, admin)

    def run(*args: str, login: str = "admin") -> Any:
        monkeypatch.setattr(staff_flow, "os_login", lambda: login)
        return runner.invoke(app, ["--db", db_url, *args])

    return run


def test_json_carries_the_same_figures_as_the_report(
    itsm: Callable[..., Any], site: Site, admin: Actor
) -> None:
    result = itsm("report", "kpi", "--period", "2026-11", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = kpi_report(site, admin, parse_period("2026-11")).to_json()
    assert data["headlines"] == json.loads(json.dumps(expected["headlines"]))
    assert data["period"] == {"key": "2026-11", "kind": "month", "start": "2026-11-01",
                              "end": "2026-12-01"}  # fmt: skip
    for key in ("satisfaction", "inspections", "scorecards"):  # sections 7-9 too
        assert data["figures"][key] == json.loads(json.dumps(expected["figures"][key])), key
        assert data["figures"][key]["current"].get("available", True), key
    only = json.loads(itsm("report", "kpi", "--period", "2026-11", "--sections", "sla",
                           "--json").stdout)  # fmt: skip
    assert list(only["figures"]) == ["sla"]


def test_the_page_is_written_where_asked(itsm: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "nov.html"
    result = itsm("report", "kpi", "--period", "2026-11", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    ranged = tmp_path / "half.html"
    result = itsm("report", "kpi", "--from", "2026-11-01", "--to", "2026-11-15", "-o", str(ranged))
    assert result.exit_code == 0 and "2026-11-01..2026-11-15" in ranged.read_text("utf-8")


def test_refusals_name_what_is_wrong(itsm: Callable[..., Any], site: Site, admin: Actor) -> None:
    bad = itsm("report", "kpi", "--period", "November", "--json")
    assert bad.exit_code == 1 and json.loads(bad.stdout)["field"] == "period"
    both = itsm("report", "kpi", "--period", "2026-11", "--from", "2026-11-01")
    assert both.exit_code == 1 and "--from" in both.stderr
    add_staff(site, admin, "agent9", "钱九", tier=1, roles=["agent"])
    denied = itsm("report", "kpi", "--period", "2026-11", login="agent9")
    assert denied.exit_code == 1
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        missing = itsm("report", "kpi", "--period", "2026-11", "--pdf")
        assert missing.exit_code == 1 and "itsm-tui[pdf]" in missing.stderr


def test_list_and_open_the_stored_reports(
    itsm: Callable[..., Any], site: Site, admin: Actor, tmp_path: Path
) -> None:
    assert json.loads(itsm("report", "list", "--json").stdout) == {"items": [], "next": None}
    page = tmp_path / "kpi-2026-11.html"
    page.write_text("<!DOCTYPE html><title>t</title>", "utf-8")
    kept = stored.record_report(site, admin, "2026-11", str(page))
    listed = json.loads(itsm("report", "list", "--json").stdout)["items"]
    assert [(r["id"], r["period"], r["path"]) for r in listed] == [(kept.id, "2026-11", str(page))]
    shown = itsm("report", "list")
    assert "2026-11" in shown.stdout
    opened = json.loads(itsm("report", "open", str(kept.id), "--json").stdout)
    assert opened == {"id": kept.id, "path": str(page), "opened": False}
    missing = itsm("report", "open", "999")
    assert missing.exit_code == 1


def test_pdf_is_printed_beside_the_html_by_weasyprint(
    itsm: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    """``--pdf`` through WeasyPrint (the ``pdf`` extra): a PDF beside the HTML, titled with the
    period, a page or more per section, its fonts embedded."""
    import re

    pytest.importorskip(
        "weasyprint", reason="WeasyPrint is the optional pdf extra: pip install 'itsm-tui[pdf]'"
    )
    if "postgresql" in db_url:
        pytest.skip("the page is the same on either database: printed once, from SQLite")
    page = tmp_path / "nov.html"
    result = itsm("report", "kpi", "--period", "2026-11", "--out", str(page), "--pdf")
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / "nov.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    # WeasyPrint packs its objects into compressed streams: read them unpacked.
    unpacked = pdf + b"".join(
        _inflated(m.group(1)) for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    )
    pages = len(re.findall(rb"/Type\s*/Page[^s]", unpacked))
    # The header and summary on the first page, then each of the nine sections from a page of
    # its own (the long ones run over).
    assert 10 <= pages <= 60, pages
    assert b"/FontFile" in unpacked  # fonts embedded: it prints the same on another PC
    assert re.search(rb"/Title\s*\(KPI report 2026-11\)", unpacked), "the page's title"


def _inflated(data: bytes) -> bytes:
    import zlib

    try:
        return zlib.decompress(data)
    except zlib.error:
        return b""
