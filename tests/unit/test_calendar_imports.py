"""The business calendar loads only the holiday data it needs: the shipped table of China's
official days and the site's overrides. When the ``holidays`` package must be asked after all
(another installed release, or a year beyond the table), only its China module is loaded, not
the ~250 country modules ``holidays.China`` would import first (~0.1–0.2 s on a first SLA
computation).

Each case runs in a fresh interpreter, as an ``itsm`` call's first SLA computation would.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from itsm_tui.workflow import official_days
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.sla import service

#: The site works 7 October 2026, an official day off (see test_official_days): a P2 ticket
#: opened on 30 September at 16:00 falls due on 7 October at 16:00 only if both the official
#: days and the override are in force.
OVERRIDES = "not_holidays = [2026-10-07]\n"
DUE = "2026-10-07T08:00:00+00:00"


def _first_deadline(url: str, actor: Actor, prelude: str = "") -> tuple[str, list[str]]:
    """The P2 resolution due time from a fresh process's first SLA computation (after
    ``prelude``), and the ``holidays`` modules that process imported."""
    who = (actor.id, actor.login, actor.display_name, actor.tier)
    code = f"""
import sys
from itsm_tui.common.config import Settings
from itsm_tui.workflow import official_days
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.sla import service
{prelude}
site = Site.open(Settings(database_url={url!r}))
d = service.deadline(site, Actor(*{who!r}, frozenset()), 2, "2026-09-30T16:00")
print(repr(d.resolution_due_at.isoformat()))
print(sorted(m for m in sys.modules if m.split(".")[0] == "holidays"))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    due, modules = done.stdout.strip().splitlines()
    return ast.literal_eval(due), ast.literal_eval(modules)


def _countries(modules: list[str]) -> list[str]:
    return [m for m in modules if m.startswith("holidays.countries")]


@pytest.fixture
def url(site: Site, admin: Actor, tmp_path: Path) -> str:
    path = tmp_path / "calendar.toml"
    path.write_text(OVERRIDES, encoding="utf-8")
    service.import_calendar(site, admin, path)
    return str(site.engine.url.render_as_string(False))


def test_the_shipped_table_and_the_overrides_are_all_a_first_deadline_loads(
    url: str, admin: Actor
) -> None:
    assert _first_deadline(url, admin) == (DUE, [])


def test_another_installed_release_loads_china_alone(url: str, admin: Actor) -> None:
    """A site that upgraded ``holidays`` for a new State Council notice asks the package:
    China's module and the package's shared parts, no other country's."""
    prelude = "official_days.package_release = lambda: 'holidays 0.1'"
    due, modules = _first_deadline(url, admin, prelude)
    assert due == DUE
    assert modules, "the package was not asked"
    assert _countries(modules) == []
    # The shared parts only (calendars, groups, base classes): ~45 modules, not ~300.
    assert len(modules) < 80, modules


def test_a_year_beyond_the_table_loads_china_alone() -> None:
    year = official_days.SHIPPED_YEARS.stop + 5
    code = f"""
import sys
from datetime import UTC, datetime
from itsm_tui.workflow.business_calendar import office_calendar
print(office_calendar().add_minutes(datetime({year}, 1, 2, 1, tzinfo=UTC), 60).isoformat())
print(sorted(m for m in sys.modules if m.split(".")[0] == "holidays"))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = ast.literal_eval(done.stdout.strip().splitlines()[1])
    assert modules and _countries(modules) == []


def test_china_alone_says_what_the_whole_package_says() -> None:
    """The China module loaded on its own gives the days ``holidays.China`` gives (the
    shipped table is made from the latter)."""
    import holidays

    for year in (2026, official_days.SHIPPED_YEARS.stop + 5):
        whole = holidays.China(years=(year, year + 1), language="en_US")
        alone = official_days.from_package(year)
        assert dict(alone[0]) == {d: str(n) for d, n in whole.items() if d.year == year}
        assert set(alone[1]) == {d for d in whole.weekend_workdays if d.year == year}
