"""Site settings, read from the environment (``ITSM_*``), and the console's settings file
(theme, language, key overrides); no Textual or Typer here.

A plain dataclass, checked by hand: the console's first frame needs the site's zone before
any database code is loaded, and pydantic (with the model it would build) cost that path
~100 ms for six scalar values. Conversions and refusals are the ones pydantic made:
``"587"`` becomes 587, ``"twenty-five"`` is refused naming the variable.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from itsm_tui.common import locations
from itsm_tui.common.errors import Invalid

ENV_PREFIX = "ITSM_"


@dataclass(frozen=True, init=False)
class Settings:
    """What an installation may change without touching code: each field from the variable
    ``ITSM_<FIELD>`` (any case), unless given."""

    #: SQLAlchemy URL of the database. Unset: an embedded SQLite file in the user's XDG data
    #: folder. For a shared deployment: postgresql+psycopg://user@host/dbname.
    database_url: str | None = None
    #: The site's time zone: every time is stored in UTC and shown in this zone.
    timezone: str = "Asia/Shanghai"
    #: SMTP server for SLA alert e-mail (unset: no e-mail, the in-app inbox only).
    smtp_host: str | None = None
    #: SMTP port (plain SMTP; 25 or 587).
    smtp_port: int = 25
    #: The From address of SLA alert e-mail.
    smtp_sender: str = "itsm@localhost"
    #: URL that receives every SLA alert as a JSON POST (unset: no webhook).
    webhook_url: str | None = None
    #: Folder the KPI reports are kept in (unset: ``reports`` in the user's XDG data folder).
    reports_dir: str | None = None

    def __init__(self, /, environ: Mapping[str, str] | None = None, **given: Any) -> None:
        unknown = sorted(set(given) - set(_NAMES))
        if unknown:
            raise TypeError(f"Settings has no field {', '.join(unknown)}")
        values = {**_from_environment(environ), **given}
        for f in fields(self):
            raw = values.get(f.name, f.default)
            object.__setattr__(self, f.name, _checked(f.name, raw, int if f.type == "int" else str))
        _check_zone(self.timezone)

    @property
    def url(self) -> str:
        """The effective database URL (the SQLite default filled in)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{locations.default_database_path()}"

    @property
    def reports_path(self) -> Path:
        """The folder the KPI reports are kept in (not created here)."""
        if self.reports_dir:
            return Path(self.reports_dir).expanduser()
        return locations.data_dir() / "reports"

    @cached_property
    def zone(self) -> ZoneInfo:
        """The site's zone as a ``ZoneInfo`` (the name was checked when the settings were read)."""
        return ZoneInfo(self.timezone)


_NAMES = tuple(f.name for f in fields(Settings))


def _checked(name: str, value: Any, kind: type) -> Any:
    """``value`` as the field's type; a refusal naming the variable when it is not one."""
    if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
        return value
    if kind is int and isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    variable = f"{ENV_PREFIX}{name.upper()}"
    wanted = "a whole number" if kind is int else "text"
    raise Invalid(
        "{variable} ({name}) must be {wanted}, not {value!r}.",
        field=name,
        variable=variable,
        name=name,
        wanted=wanted,
        value=value,
    )


def _check_zone(name: str) -> None:
    """Refuse a zone name the tz database does not have, when the settings are read rather
    than at the first time shown. ``ZoneInfo`` caches the zone, so :attr:`Settings.zone`
    pays nothing again."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(
            "ITSM_TIMEZONE (timezone) {name!r} is not a known time zone; use an IANA name "
            "such as Asia/Shanghai or Europe/Paris.",
            field="timezone",
            name=name,
        ) from None


def _from_environment(environ: Mapping[str, str] | None) -> dict[str, str]:
    """The ``ITSM_*`` variables that name a setting, keyed by field (names in any case)."""
    found = {k.upper(): v for k, v in (os.environ if environ is None else environ).items()}
    return {
        name: found[f"{ENV_PREFIX}{name.upper()}"]
        for name in _NAMES
        if f"{ENV_PREFIX}{name.upper()}" in found
    }


# --- The console's settings file -----------------------------------------------------------
#
# What an operator chooses in the console (the theme) and what a site remaps (keys) lives in
# TOML files in the XDG config folders, not in ``ITSM_*`` variables: the machine's file for
# every user, then the operator's own, which wins key by key. Top-level ``theme = "…"`` and
# ``language = "zh_CN"`` (or ``"en"``), and a ``[keys]`` table of binding id → key(s).


@dataclass(frozen=True)
class ConsoleFile:
    """The console's settings as the files give them, and a sentence for each file that could
    not be read (the console says so and starts with its defaults)."""

    theme: str | None = None
    keys: Mapping[str, object] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    #: ``language = "zh_CN"`` or ``"en"`` (``common.i18n`` reads it; ``ITSM_LANG`` wins).
    language: str | None = None


def read_console_file(paths: list[Path] | None = None) -> ConsoleFile:
    """The settings from ``paths`` (default: the machine's files, then the operator's), later
    files winning. A missing file is no problem; an unreadable or malformed one is reported
    and skipped, never fatal."""
    if paths is None:
        paths = [*locations.site_config_file_paths(), locations.config_file_path()]
    theme: str | None = None
    language: str | None = None
    keys: dict[str, object] = {}
    problems: list[str] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: not read ({exc}); its settings are ignored.")
            continue
        # Imported only when there is a file: the parser costs the console's start ~20 ms.
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{path}: not read ({exc}); its settings are ignored.")
            continue
        value = data.get("theme")
        if isinstance(value, str):
            theme = value
        elif value is not None:
            problems.append(f'{path}: theme must be text, e.g. theme = "nord".')
        value = data.get("language")
        if isinstance(value, str):
            language = value
        elif value is not None:
            problems.append(f'{path}: language must be text, e.g. language = "zh_CN".')
        table = data.get("keys", {})
        if isinstance(table, dict):
            keys.update(table)
        else:
            problems.append(f'{path}: keys must be a table: [keys] then id = "key" lines.')
    return ConsoleFile(theme, keys, tuple(problems), language)


_TOP_LEVEL = re.compile(r"^\s*(\w+)\s*=")
_TABLE = re.compile(r"^\s*\[")


def save_console_setting(name: str, value: str, path: Path | None = None) -> Path:
    """Set the top-level ``name = "value"`` in the operator's settings file, keeping every other
    line as it was (comments, ``[keys]``, settings of later versions), and replace the file in
    one step, so a crash mid-write leaves the old file or the new one, never half of one.

    Refused (``Invalid``, naming the file) when the file is not valid TOML: rewriting it would
    lose what the operator wrote."""
    import json
    import tomllib

    path = path or locations.config_file_path()
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = ""
    try:
        tomllib.loads(old)
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(
            "{path} is not valid TOML ({exc}): {name} not saved.",
            field=name,
            path=path,
            exc=exc,
            name=name,
        ) from None
    line = f"{name} = {json.dumps(value, ensure_ascii=False)}\n"
    lines = old.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    end = next((i for i, text in enumerate(lines) if _TABLE.match(text)), len(lines))
    found = next((i for i in range(end) if _match_name(lines[i]) == name), None)
    if found is not None:
        lines[found] = line
    else:
        lines.insert(end, line)
    new = "".join(lines)
    if tomllib.loads(new).get(name) != value:  # e.g. the name set in a form this edit misses
        raise Invalid(
            "{path}: could not set {name} without rewriting the file; edit it by hand.",
            path=path,
            name=name,
        )
    _replace(path, new)
    return path


def _match_name(line: str) -> str | None:
    match = _TOP_LEVEL.match(line)
    return match.group(1) if match else None


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to a file beside ``path`` and rename it over ``path`` (atomic on POSIX),
    keeping the old file's permissions."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = None
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
