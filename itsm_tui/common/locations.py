"""Where the tool keeps its files: XDG folders, so a per-user install needs no root."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import site_config_dir, user_config_path, user_data_path, user_state_path

from itsm_tui.common.errors import DatabaseUnavailable

APP_NAME = "itsm-tui"
#: The settings file's name, in the user's and the machine's XDG config folders.
CONFIG_FILE = "config.toml"


def data_dir() -> Path:
    """The user's data folder (``$XDG_DATA_HOME/itsm-tui``). Not created here: only a command
    that creates the database does that (:func:`make_data_dir`), so a read on a machine
    without one leaves nothing behind."""
    return user_data_path(APP_NAME)


def make_data_dir() -> Path:
    """Create the data folder for a new embedded database; a refusal saying what to set when
    it cannot be (``XDG_DATA_HOME`` pointing somewhere read-only or missing)."""
    path = data_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(
            "cannot create the data folder {path} ({reason}): set XDG_DATA_HOME to a folder "
            "you can write, or give --db.",
            path=path,
            reason=exc.strerror or exc,
        ) from None
    return path


def config_dir() -> Path:
    """The user's config folder (``$XDG_CONFIG_HOME/itsm-tui``); not created until written."""
    return user_config_path(APP_NAME)


def config_file_path() -> Path:
    """The operator's own settings file (``$XDG_CONFIG_HOME/itsm-tui/config.toml``): the
    console's theme and key overrides. The console writes the theme here."""
    return config_dir() / CONFIG_FILE


def site_config_file_paths() -> list[Path]:
    """The machine's settings files for every user (``$XDG_CONFIG_DIRS``, by default
    ``/etc/xdg/itsm-tui/config.toml``), least important first: the operator's own file is
    read after them and wins."""
    folders = site_config_dir(APP_NAME, multipath=True).split(os.pathsep)
    return [Path(folder) / CONFIG_FILE for folder in reversed(folders) if folder]


def state_dir() -> Path:
    """The user's state folder (``$XDG_STATE_HOME/itsm-tui``, ``~/.local/state/itsm-tui``):
    what the tool leaves behind that is worth keeping but not backing up, such as logs.
    Created on first use."""
    path = user_state_path(APP_NAME)
    path.mkdir(parents=True, exist_ok=True)
    return path


def console_log_path() -> Path:
    """Where the console writes the traceback of every failure it reports on screen."""
    return state_dir() / "console.log"


def default_database_path() -> Path:
    """The embedded SQLite database used when no ``ITSM_DATABASE_URL`` is given."""
    return data_dir() / "itsm.db"
