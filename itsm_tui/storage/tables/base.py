"""The base of every table model."""

from __future__ import annotations

from pydantic import ConfigDict
from sqlmodel import SQLModel


class Table(SQLModel):
    """What each table shares: pydantic builds a table model's validator and serializer the
    first time one is needed, not when the class is defined. The tables are defined on every
    start of the console, before its first frame; they are validated far less often (the
    workflow builds rows itself), so this moves ~40 ms off the start-up path."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]
