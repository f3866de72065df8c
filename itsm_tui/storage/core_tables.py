"""The SQLAlchemy Core ``Table`` behind a table model, typed.

Bulk writes (the SLA scan's ``INSERT … ON CONFLICT``, the journal's executemany, the demo
loader) work on the Core table, not on the model. SQLAlchemy's declarative mapping sets
``__table__`` on every table class, but SQLModel does not declare it, so ``Model.__table__``
fails type checking wherever it is written. The mapper holds the same object, typed.
"""

from __future__ import annotations

from sqlalchemy import Table, inspect
from sqlmodel import SQLModel


def core_table(model: type[SQLModel]) -> Table:
    """The table ``model`` is mapped to (the very object ``model.__table__`` is)."""
    table = inspect(model).local_table
    # Every model of ours maps one table; a model mapped to a join or a select would not.
    assert isinstance(table, Table), f"{model.__name__} is not mapped to one table"
    return table
