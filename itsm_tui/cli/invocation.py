"""What one run of ``itsm`` works with: the settings, the site (opened lazily) and the acting
staff member. No Typer here: the bare console (``itsm_tui.launch``) uses it without loading the
command line."""

from __future__ import annotations

from dataclasses import dataclass, field

from itsm_tui.common.config import Settings
from itsm_tui.workflow.site import Actor, Site
from itsm_tui.workflow.staff import resolve_actor


@dataclass
class CliState:
    settings: Settings
    as_login: str | None = None
    _site: Site | None = field(default=None, repr=False)

    @property
    def site(self) -> Site:
        if self._site is None:
            self._site = Site.open(self.settings)
        return self._site

    def actor(self) -> Actor:
        """The operator (from the OS account), or whom an admin acts for with ``--as``."""
        return resolve_actor(self.site, self.as_login)

    def close(self) -> None:
        if self._site is not None:
            self._site.close()
