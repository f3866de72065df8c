"""China's official holidays and make-up working days (调休), kept in a per-user file.

Why a file: the ``holidays`` package builds China's calendar only after importing its own
calendars and every country's module (~0.1 s of CPU, 400 modules), and ``itsm ticket claim``
— which computes an SLA deadline — costs little more than that in all. A year's official days
are fixed for a given release of the package, so the first process that needs a year asks the
package once and writes the answer to ``$XDG_CACHE_HOME/itsm-tui/china-official-days.json``
(``~/.cache/itsm-tui/…``); every later process reads that small file and imports nothing else.

The file records the release it was made with: after ``holidays`` is upgraded (a new year's
State Council notice arrives that way) it no longer matches and is rebuilt. It is only ever a
copy of what the package says: a missing, unreadable, corrupt or unwritable file only means the
package is asked again, and a lost write is logged (``itsm.calendar``), never raised.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = ["CACHE_NAME", "DayTables", "cache_path", "china_official_days", "package_release"]

#: A year's days off and make-up working days, each date with the name shown to users.
DayTables = tuple[Mapping[date, str], Mapping[date, str]]

CACHE_NAME = "china-official-days.json"
log = logging.getLogger("itsm.calendar")


@cache
def china_official_days(year: int) -> DayTables:
    """China's public holidays and official make-up working days for ``year``.

    ``holidays`` carries the State Council notices (with make-up days) from 2001 up to the last
    year it knows (2026 in holidays 0.109); later years up to 2100 are rule-based estimates
    without make-up days, and later still there is nothing: publish site overrides for those.
    """
    known = _kept().years
    if year not in known:
        known[year] = _from_package(year)
        _kept().save()
    return known[year]


def _from_package(year: int) -> DayTables:
    import holidays as holidays_pkg  # the slow import this module exists to avoid

    # The next year is included because December make-up days can serve January holidays.
    cn = holidays_pkg.China(years=(year, year + 1), language="en_US")
    hol = {d: str(n) for d, n in cn.items() if d.year == year}
    work = {d: "State Council notice" for d in cn.weekend_workdays if d.year == year}
    return MappingProxyType(hol), MappingProxyType(work)


def cache_path() -> Path:
    """Where the copy lives: the user's XDG cache folder (created when first written)."""
    from platformdirs import user_cache_path

    from itsm_tui.common.locations import APP_NAME

    return user_cache_path(APP_NAME) / CACHE_NAME


def package_release() -> str | None:
    """``holidays 0.109``: the installed release, from its distribution folder's name, without
    importing it (``importlib.metadata`` alone costs ~35 ms). None when it cannot be told (an
    unusual install); nothing is then kept, since a copy could not be known to be current."""
    from importlib.util import find_spec

    spec = find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:
        return None
    site = Path(next(iter(spec.submodule_search_locations))).parent
    found = sorted(site.glob("holidays-*.dist-info"))
    if len(found) != 1:
        return None
    return "holidays " + found[0].name.removeprefix("holidays-").removesuffix(".dist-info")


class _Kept:
    """The years read from the file (and added since), for the release installed now."""

    def __init__(self, path: Path, release: str | None) -> None:
        self.path, self.release = path, release
        self.years: dict[int, DayTables] = {}
        if release is not None:
            self.years = _read(path, release)

    def save(self) -> None:
        if self.release is None:
            return
        years = {
            str(y): {"holidays": _text(hol), "workdays": _text(work)}
            for y, (hol, work) in sorted(self.years.copy().items())  # copied: threads add years
        }
        text = json.dumps({"release": self.release, "years": years}, ensure_ascii=False)
        # One partial file per writer (processes, and the console's worker threads).
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, self.path)  # readers see the old file or the new, never half
        except OSError as exc:
            log.info("could not keep China's official days in %s: %s", self.path, exc)
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)


@cache
def _kept() -> _Kept:
    return _Kept(cache_path(), package_release())


def _read(path: Path, release: str) -> dict[int, DayTables]:
    """The file's years if it was made with ``release``; nothing if it is absent, from another
    release or not in the shape ``save`` writes."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["release"] != release:
            return {}
        return {
            int(y): (_dates(days["holidays"]), _dates(days["workdays"]))
            for y, days in data["years"].items()
        }
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.info("ignoring %s (%s): asking the holidays package again", path, exc)
        return {}


def _text(days: Mapping[date, str]) -> dict[str, str]:
    return {d.isoformat(): n for d, n in sorted(days.items())}


def _dates(days: Any) -> Mapping[date, str]:
    if not all(isinstance(n, str) for n in days.values()):
        raise TypeError("a day's name is not text")
    return MappingProxyType({date.fromisoformat(d): n for d, n in days.items()})
