"""Column expressions the KPI report's set-based reads need that the two databases spell
differently (the rules — what is counted — are in ``workflow.kpi``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func


def utc_hour(column: Any, dialect: str) -> ColumnElement[Any]:
    """The UTC hour an instant column falls in, as a value :func:`hour_start` reads: a
    GROUP BY key of at most 24 a day, computed from the column as stored (an index-only read
    when an index covers the column), never one Python object per row."""
    if dialect == "postgresql":
        return func.date_trunc("hour", column)
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff": the first 13 characters are the hour.
    return func.substr(column, 1, 13)


def hour_start(value: Any) -> datetime:
    """The aware UTC instant :func:`utc_hour` named."""
    if isinstance(value, str):
        return datetime.strptime(value, "%Y-%m-%d %H").replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC)


def not_indexed(column: Any) -> ColumnElement[Any]:
    """The column in an expression no index serves, so the planner walks the index of the
    query's other condition (SQLite, without statistics, otherwise takes any range it sees)."""
    return func.coalesce(column, column)
