"""Reference data: where things are (locations) and what tickets are about (categories)."""

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from itsm_tui.storage.tables.base import Table


class Location(Table, table=True):
    """A building, floor, office or machine room; locations nest through ``parent_id``."""

    __tablename__ = "location"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=20)  # building | floor | office | machine_room
    parent_id: int | None = Field(default=None, foreign_key="location.id")


class Category(Table, table=True):
    """A two-level ticket category: a top level (parent None) and its subcategories."""

    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_category_parent_name"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=100)
    parent_id: int | None = Field(default=None, foreign_key="category.id")
    active: bool = Field(default=True)
