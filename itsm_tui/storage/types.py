"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored as naive UTC and read back as aware UTC.

    Both databases then compare and index times the same way, and no caller can store a local
    wall-clock time by mistake: a naive datetime is refused at bind time.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store aware (UTC) instants only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # a raw SQLite value read through a text() query
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        """On SQLite, the stored text parsed as UTC in one step: a queue page reads about 250
        times, and parsing each to a naive value and then ``replace(tzinfo=UTC)`` cost a
        fifth of the page's CPU (``fromisoformat`` with the offset appended costs a parse
        alone). Elsewhere (the driver already returns a datetime) as declared above."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse = datetime.fromisoformat

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, str):
                return parse(value + "+00:00")
            return value.replace(tzinfo=UTC)  # pragma: no cover - pysqlite returns text

        return process


def sqlite_timestamp(value: datetime) -> str:
    """The exact text SQLAlchemy writes for a DateTime on SQLite, for bulk loads.

    Range queries on SQLite compare these strings, so bulk-written rows must match it to the
    character.
    """
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
