"""Tables, the engine and the read queries. Knows nothing of rules or front doors."""

from sqlmodel import SQLModel

# Named constraints: Alembic's SQLite batch mode needs names to drop or alter them, and both
# databases then carry the same names.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
