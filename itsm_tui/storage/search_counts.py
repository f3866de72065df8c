"""The knowledge search's posting counts (``search_gram_count``): how many documents of a kind
hold each bigram, and under :data:`ALL` how many documents the kind has."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import SearchGramCount

#: The gram under which a kind's documents are counted.
ALL = ""

_COUNT = core_table(SearchGramCount)


def change(session: Session, kind: str, deltas: Mapping[str, int]) -> None:
    """Add ``deltas`` (gram → documents gained, or lost when negative) to the kind's counts, in
    one statement of increments: two transactions indexing documents at once both count (no
    read-modify-write), and lock the rows in the same (sorted) order."""
    rows = [
        {"kind": kind, "gram": gram, "docs": delta}
        for gram, delta in sorted(deltas.items())
        if delta
    ]
    if not rows:
        return
    dialect = session.connection().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_COUNT).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[_COUNT.c.kind, _COUNT.c.gram],
        set_={"docs": _COUNT.c.docs + statement.excluded.docs},
    )
    session.connection().execute(statement)


def read(session: Session, grams: Iterable[str]) -> dict[tuple[str, str], int]:
    """The counts of ``grams`` and :data:`ALL` in every kind, by (kind, gram)."""
    wanted = sorted({ALL, *grams})
    rows = session.execute(
        select(_COUNT.c.kind, _COUNT.c.gram, _COUNT.c.docs).where(_COUNT.c.gram.in_(wanted))
    )
    return {(kind, gram): docs for kind, gram, docs in rows}
