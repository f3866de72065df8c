"""The base of every table model."""

from pydantic import ConfigDict
from sqlmodel import SQLModel

# Named constraints: Alembic's SQLite batch mode needs names to drop or alter them, and both
# databases then carry the same names. Set here, before any table is defined (every table
# derives from ``Table``), rather than in the ``storage`` package: importing the package (its
# plain row values, ``ticket_rows``) must not load SQLModel.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Table(SQLModel):
    """What each table shares: pydantic builds a table model's validator and serializer the
    first time one is needed, not when the class is defined. The tables are defined on every
    start of the console, before its first frame; they are validated far less often (the
    workflow builds rows itself), so this moves ~40 ms off the start-up path."""

    # SQLModel types the attribute as its own TypedDict (pydantic's plus table options); a
    # ConfigDict is what both accept at run time, and pydantic merges it with SQLModel's.
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]
