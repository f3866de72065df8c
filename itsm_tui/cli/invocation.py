"""What one run of ``itsm`` works with: the settings, the site (opened lazily) and the acting
staff member. No Typer here: the bare console (``itsm_tui.launch``) uses it without loading the
command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from itsm_tui.common.config import Settings
    from itsm_tui.workflow.site import Actor, Site


@dataclass
class CliState:
    """``database_url`` is ``--db`` (None: from the environment). The settings and the site
    are made when a command first needs them, so ``itsm GROUP --help`` makes neither."""

    database_url: str | None = None
    as_login: str | None = None
    _site: Site | None = field(default=None, repr=False)
    #: The schema revision the site's database was found at when opened (None: none yet).
    revision: str | None = field(default=None, repr=False)

    @cached_property
    def settings(self) -> Settings:
        from itsm_tui.common.config import Settings

        return Settings(database_url=self.database_url) if self.database_url else Settings()

    @property
    def site(self) -> Site:
        """The site, its database checked: there, reachable, at this code's schema."""
        return self.open_site()

    def open_site(self, *, create: bool = False, older: bool = False) -> Site:
        """The site, checked as :func:`~itsm_tui.workflow.opening.open_database` does: only
        ``init`` (``create``) may make the database, only ``db`` commands and ``init``
        (``older``) may open an older schema. The first call decides."""
        if self._site is None:
            from itsm_tui.workflow.opening import open_database
            from itsm_tui.workflow.site import Site

            if create and not self.settings.database_url:
                from itsm_tui.common.locations import make_data_dir

                make_data_dir()
            site = Site.open(self.settings)
            try:
                self.revision = open_database(site, create=create, older=older)
            except BaseException:
                site.close()
                raise
            self._site = site
        return self._site

    def actor(self) -> Actor:
        """The operator (from the OS account), or whom an admin acts for with ``--as``."""
        from itsm_tui.common import i18n
        from itsm_tui.workflow.staff import operator_language, resolve_actor

        actor = resolve_actor(self.site, self.as_login)  # database code: only when used
        if not i18n.decided:  # the operator's own language, read once they are known
            i18n.prefer(operator_language(self.site))
        return actor

    def close(self) -> None:
        if self._site is not None:
            self._site.close()
