"""Who is at the keyboard, and the language they keep: light enough for the console's start.

Why apart from ``workflow.staff``: that module loads SQLModel and the tables; this one loads
neither, so a bare ``itsm`` can learn the operator's language (``storage.staff_language``)
before it imports a single screen, while the database code is still loading elsewhere.
"""

from __future__ import annotations

import os
import pwd

from itsm_tui.common.config import Settings
from itsm_tui.storage.staff_language import stored_language


def os_login() -> str:
    """The OS account of this process, from its uid: ``$USER`` can be set to anything."""
    return pwd.getpwuid(os.getuid()).pw_name


def keyboard_language(settings: Settings) -> str | None:
    """The language the person at the keyboard (the OS account) keeps in their staff record;
    None: none kept, not staff, or no database to read yet.

    The account's own, also when an admin acts for someone else (``--as``): the admin is the
    one reading the screen, as the command line does (``staff.operator_language``)."""
    return stored_language(settings.url, os_login())
