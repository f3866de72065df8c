"""China's official holidays and make-up working days (调休), shipped with the package.

Why a shipped table: the ``holidays`` package builds China's calendar only after importing its
own calendars and every country's module (~0.1 s of CPU, 300 modules), and ``itsm ticket
claim`` — which computes an SLA deadline — costs little more than that in all. When the package
is asked after all, only its China module is loaded (see :func:`_china_class`). A year's
official days are fixed for a given release of the package, so ``china-official-days.json``
beside this module holds them for :data:`SHIPPED_YEARS`, made from the pinned release
(``make official-days`` remakes it; a test fails while it differs from what the installed
package says). Every process reads that small file and imports nothing else.

It is part of the installation, not of a user's folders: the deadlines one operator's commands
store must be the ones every other operator's would (staff are appraised on them), so no
per-user copy can stand in for it. When the installed ``holidays`` is another release than the
one the table was made from (a site upgraded it for a new State Council notice), or a year lies
outside the table, the package is asked, as before the table existed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = ["SHIPPED_YEARS", "TABLE", "DayTables", "china_official_days", "package_release"]

#: A year's days off and make-up working days, each date with the name shown to users.
DayTables = tuple[Mapping[date, str], Mapping[date, str]]

TABLE = Path(__file__).with_name("china-official-days.json")
#: The years the shipped table holds: the package's State Council notices start in 2001;
#: beyond the last notice its years are rule-based estimates without make-up days.
SHIPPED_YEARS = range(2001, 2041)


@cache
def china_official_days(year: int) -> DayTables:
    """China's public holidays and official make-up working days for ``year``.

    ``holidays`` carries the State Council notices (with make-up days) from 2001 up to the last
    year it knows (2026 in holidays 0.109); later years up to 2100 are rule-based estimates
    without make-up days, and later still there is nothing: publish site overrides for those.
    """
    shipped = _shipped()
    return shipped[year] if year in shipped else from_package(year)


def from_package(year: int) -> DayTables:
    """``year``'s days as the installed ``holidays`` package says (the slower path)."""
    # The next year is included because December make-up days can serve January holidays.
    cn = _china_class()(years=(year, year + 1), language="en_US")
    hol = {d: str(n) for d, n in cn.items() if d.year == year}
    work = {d: "State Council notice" for d in cn.weekend_workdays if d.year == year}
    return MappingProxyType(hol), MappingProxyType(work)


@cache
def _china_class() -> Any:
    """``holidays``' China calendar, loaded without every other country's.

    ``holidays.China`` and ``import holidays.countries.china`` both run the package's
    ``holidays/countries/__init__.py``, which imports all ~250 country modules (~0.1 s and ~280
    modules) before China's. China's own module needs only the package's shared parts
    (calendars, groups, the base classes), so it is loaded from its file on its own, under a
    private name that leaves the package's namespace as the package would have it."""
    import holidays  # the package root and its shared parts; countries are loaded lazily

    name = "holidays.countries.china"
    module = sys.modules.get(name)  # already imported by someone else: the same class
    if module is None:
        path = Path(holidays.__file__).parent / "countries" / "china.py"
        spec = spec_from_file_location("_itsm_holidays_china", path)
        assert spec is not None and spec.loader is not None, path
        module = module_from_spec(spec)
        spec.loader.exec_module(module)
    return module.China


def package_release() -> str | None:
    """``holidays 0.109``: the installed release, from its distribution folder's name, without
    importing it (``importlib.metadata`` alone costs ~35 ms). None when it cannot be told."""
    from importlib.util import find_spec

    spec = find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:
        return None
    site = Path(next(iter(spec.submodule_search_locations))).parent
    found = sorted(site.glob("holidays-*.dist-info"))
    if len(found) != 1:
        return None
    return "holidays " + found[0].name.removeprefix("holidays-").removesuffix(".dist-info")


@cache
def _shipped() -> dict[int, DayTables]:
    """The shipped table's years, if it was made from the installed release; else none."""
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    if data["release"] != package_release():
        return {}
    return {
        int(y): (_dates(days["holidays"]), _dates(days["workdays"]))
        for y, days in data["years"].items()
    }


def table_text() -> str:
    """The table as :data:`TABLE` should hold it, made from the installed package."""
    years = {}
    for year in SHIPPED_YEARS:
        hol, work = from_package(year)
        years[str(year)] = {"holidays": _text(hol), "workdays": _text(work)}
    data = {"release": package_release(), "years": years}
    return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def _text(days: Mapping[date, str]) -> dict[str, str]:
    return {d.isoformat(): n for d, n in sorted(days.items())}


def _dates(days: Any) -> Mapping[date, str]:
    return MappingProxyType({date.fromisoformat(d): str(n) for d, n in days.items()})


if __name__ == "__main__":  # make official-days
    TABLE.write_text(table_text(), encoding="utf-8")
    print(f"wrote {TABLE} ({SHIPPED_YEARS.start}–{SHIPPED_YEARS.stop - 1})")
