"""Who an operation runs for (``Actor``) and where (``Site``): plain objects, no database code.

Why apart from ``context``: the console draws its first frame before SQLAlchemy is loaded
(``itsm_tui.console.start``), yet its screens hold the site and the actor from the start. A site
made with ``Site.later`` opens its engine the first time a worker asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Lock
from typing import TYPE_CHECKING

from itsm_tui.common.clock import Clock, SystemClock
from itsm_tui.common.config import Settings
from itsm_tui.common.domain import Role

if TYPE_CHECKING:
    from sqlalchemy import Engine

SYSTEM_LOGIN = "system"


@dataclass(frozen=True)
class Actor:
    """The staff member on whose behalf an operation runs (``id`` None: the system itself)."""

    id: int | None
    login: str
    display_name: str
    tier: int
    roles: frozenset[Role]

    @classmethod
    def system(cls) -> Actor:
        """The scheduler and other automatic jobs: allowed everything, journaled as "system"."""
        return cls(None, SYSTEM_LOGIN, "System", 3, frozenset(Role))

    @property
    def is_system(self) -> bool:
        return self.id is None


class Site:
    """One installation: its database engine, its clock and its settings."""

    def __init__(
        self,
        engine: Engine | None = None,
        *,
        clock: Clock | None = None,
        settings: Settings | None = None,
    ) -> None:
        """``engine`` None: opened from ``settings.url`` when first used."""
        self._engine = engine
        self._opening = Lock()
        self.clock: Clock = clock or SystemClock()
        self.settings = settings or Settings()

    @classmethod
    def open(cls, settings: Settings | None = None, *, clock: Clock | None = None) -> Site:
        """The site with its engine made now (a bad URL fails here, not at first use)."""
        site = cls.later(settings, clock=clock)
        site.engine  # noqa: B018 - made now, on purpose
        return site

    @classmethod
    def later(cls, settings: Settings | None = None, *, clock: Clock | None = None) -> Site:
        """The site, its engine (and the database code) loaded on first use."""
        return cls(clock=clock, settings=settings)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._opening:  # two workers asking at once still share one engine
                if self._engine is None:
                    from itsm_tui.storage.engine import make_engine

                    self._engine = make_engine(self.settings.url)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
