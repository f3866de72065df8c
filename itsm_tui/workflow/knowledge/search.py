"""One search for knowledge articles and known errors, in Chinese and Latin alike.

The hotline types "打印", "蓝屏" or "VPN证书": short terms, no spaces between words. So the
index is every pair of consecutive characters of a document's folded text (``search_gram``;
the cutting is ``common.ngrams``, shared with the ticket-title index), the same SQL on SQLite and
PostgreSQL:

- a term of two or more characters narrows the documents to those holding all its bigrams
  (one index range per bigram, counted per document), and is then checked literally on the
  document's folded text, so "打印机" never matches a text that has "打印" and "印机" apart;
- a term of one character is checked literally (a plain substring search: ``%``, ``_`` and
  ``\\`` are text) on those candidates, or on the documents of the kind asked for when every
  term is that short;
- terms are ANDed; Latin is folded (NFKC, then case-folded: ``VPN`` = ``vpn`` = ``ＶＰＮ``);
- results rank by match quality (every term in the title first), then use count, then the
  most recently updated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, literal, select
from sqlmodel import Session

from itsm_tui.common.ngrams import fold, grams
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import SearchDoc, SearchGram
from itsm_tui.storage.text_match import contains

#: At most this many candidate documents are ranked per kind (the index narrows first).
RESULTS_MAX = 100

_DOC = core_table(SearchDoc)
_GRAM = core_table(SearchGram)


def index(session: Session, kind: str, ref_id: int, title: str, text: str, now: datetime) -> None:
    """(Re)index one document: its folded title and text, and its bigrams."""
    folded_title = fold(title)
    folded = fold(f"{title}\n{text}")
    doc_id = session.execute(
        select(_DOC.c.id).where(_DOC.c.kind == kind, _DOC.c.ref_id == ref_id)
    ).scalar()
    if doc_id is None:
        doc_id = session.execute(
            insert(_DOC)
            .values(kind=kind, ref_id=ref_id, title=folded_title, text=folded, updated_at=now)
            .returning(_DOC.c.id)
        ).scalar_one()
    else:
        session.execute(
            _DOC.update()
            .where(_DOC.c.id == doc_id)
            .values(title=folded_title, text=folded, updated_at=now)
        )
        session.execute(delete(_GRAM).where(_GRAM.c.doc_id == doc_id))
    rows = [{"gram": g, "doc_id": doc_id} for g in sorted(grams(folded))]
    if rows:
        session.execute(insert(_GRAM), rows)


def index_many(
    session: Session, kind: str, documents: Sequence[tuple[int, str, str]], now: datetime
) -> None:
    """Index documents not indexed before, ``(ref_id, title, text)`` each, in two batches
    (a bulk load's :func:`index`: the same rows, without a few statements per document)."""
    if not documents:
        return
    session.execute(
        insert(_DOC),
        [
            {"kind": kind, "ref_id": ref, "title": fold(title), "text": fold(f"{title}\n{text}"),
             "updated_at": now}
            for ref, title, text in documents
        ],
    )  # fmt: skip
    refs = [ref for ref, _title, _text in documents]
    doc_ids = dict(
        session.execute(
            select(_DOC.c.ref_id, _DOC.c.id).where(_DOC.c.kind == kind, _DOC.c.ref_id.in_(refs))
        )
        .tuples()
        .all()
    )
    rows = [
        {"gram": gram, "doc_id": doc_ids[ref]}
        for ref, title, text in documents
        for gram in sorted(grams(fold(f"{title}\n{text}")))
    ]
    if rows:
        session.execute(insert(_GRAM), rows)


def index_rows(folded_title: str, folded_text: str) -> tuple[str, str, list[str]]:
    """What :func:`index` stores for one document, for bulk loads that write many at once."""
    return folded_title, folded_text, sorted(grams(folded_text))


def matching(
    session: Session, kind: str, words: Sequence[str], base: Any, base_filter: Any, order: Any
) -> list[tuple[Any, bool]]:
    """The rows of ``base`` (an article or problem table, filtered by ``base_filter``) whose
    document holds every word, best first: every word in the title, then ``order``."""
    if not words:
        return []
    long_words = [w for w in words if len(w) >= 2]
    wanted = sorted(set().union(*(grams(w) for w in long_words))) if long_words else []
    dialect = session.get_bind().dialect.name
    title_hit = _title_hit(words, dialect)
    stmt = select(base, title_hit.label("in_title")).join(
        _DOC, and_(_DOC.c.kind == kind, _DOC.c.ref_id == base.c.id)
    )
    if wanted:
        candidates = (
            select(_GRAM.c.doc_id)
            .where(_GRAM.c.gram.in_(wanted))
            .group_by(_GRAM.c.doc_id)
            .having(func.count() == literal(len(wanted)))
        )
        stmt = stmt.where(_DOC.c.id.in_(candidates))
    # A two-character word is one bigram: its posting list is already the literal match.
    checked = [w for w in words if len(w) != 2 or not wanted]
    stmt = stmt.where(base_filter, *(holds(_DOC.c.text, w, dialect) for w in checked))
    rows = session.execute(stmt.order_by(title_hit.desc(), *order).limit(RESULTS_MAX)).all()
    return [(row, bool(row.in_title)) for row in rows]


def holds(column: Any, word: str, dialect: str) -> Any:
    """``column`` holds ``word`` literally: ``instr`` (SQLite) or ``strpos`` (PostgreSQL), a
    plain substring search — several times faster than LIKE's pattern matching over long
    article texts, and with no metacharacters to escape (``%``, ``_``, ``\\`` are text)."""
    if dialect == "postgresql":
        return func.strpos(column, word) > 0
    if dialect == "sqlite":
        return func.instr(column, word) > 0
    return contains(column, word)


def _title_hit(words: Iterable[str], dialect: str) -> Any:
    return case((and_(*(holds(_DOC.c.title, w, dialect) for w in words)), 1), else_=0)
