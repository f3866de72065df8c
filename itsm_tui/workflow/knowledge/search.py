"""One search for knowledge articles and known errors, in Chinese and Latin alike.

The hotline types "打印", "蓝屏" or "VPN证书": short terms, no spaces between words. So the
index is every pair of consecutive characters of a document's folded text (``search_gram``;
the cutting is ``common.ngrams``, shared with the ticket-title index), with how many documents
of each kind hold each pair (``search_gram_count``, kept in the same transaction), the same SQL
on SQLite and PostgreSQL:

- a document holds a term when its folded text holds it literally (a plain substring search:
  ``%``, ``_`` and ``\\`` are text); terms are ANDed; Latin is folded (NFKC, then
  case-folded: ``VPN`` = ``vpn`` = ``ＶＰＮ``);
- results rank by match quality (every term in the title first), then the caller's order
  (use count, then the most recently updated, then the newest row);
- only the page asked for is ranked: the title hits are found in the title index
  (``ix_search_doc_title``); the other hits are read in rank order until the page is full when
  the term is common (its rarest bigram in at least :data:`WALK_SHARE` of the kind's
  documents), and otherwise from the rarest bigram's posting list — or from the kind's own
  documents when there are fewer of those (a few known errors among many articles);
- a bigram no document of the kind holds finds nothing at once (its count is zero).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, any_, bindparam, case, delete, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from itsm_tui.common.ngrams import fold, grams
from itsm_tui.storage import search_counts
from itsm_tui.storage.core_tables import core_table
from itsm_tui.storage.tables import SearchDoc, SearchGram
from itsm_tui.storage.text_match import contains

#: A term whose rarest bigram is in at least this share of a kind's documents is common:
#: its hits are read in rank order (one in ten rows or more holds it) until the page is full.
WALK_SHARE = 0.1
#: At most this many rows are read in rank order; past them the posting list is read. The
#: read takes WALK_MARGIN times the rows the page needs at the term's rarest bigram's share
#: (at least WALK_FIRST), or, when that holds too few title hits, at their share.
WALK_ROWS = 2_000
WALK_FIRST = 64
WALK_MARGIN = 4
#: A second read in rank order for the title hits reads at most this many rows (ranking a
#: list of title hits costs less than reading more).
WALK_TITLES = 512

_DOC = core_table(SearchDoc)
_GRAM = core_table(SearchGram)


def index(session: Session, kind: str, ref_id: int, title: str, text: str, now: datetime) -> None:
    """(Re)index one document: its folded title and text, its bigrams, and their counts."""
    folded_title = fold(title)
    folded = fold(f"{title}\n{text}")
    new = grams(folded)
    doc_id = session.execute(
        select(_DOC.c.id).where(_DOC.c.kind == kind, _DOC.c.ref_id == ref_id)
    ).scalar()
    if doc_id is None:
        doc_id = session.execute(
            insert(_DOC)
            .values(kind=kind, ref_id=ref_id, title=folded_title, text=folded, updated_at=now)
            .returning(_DOC.c.id)
        ).scalar_one()
        old: set[str] = set()
        deltas = {search_counts.ALL: 1}
    else:
        session.execute(
            _DOC.update()
            .where(_DOC.c.id == doc_id)
            .values(title=folded_title, text=folded, updated_at=now)
        )
        old = set(session.execute(select(_GRAM.c.gram).where(_GRAM.c.doc_id == doc_id)).scalars())
        deltas = {}
    gone, added = sorted(old - new), sorted(new - old)
    if gone:
        session.execute(delete(_GRAM).where(_GRAM.c.doc_id == doc_id, _GRAM.c.gram.in_(gone)))
    if added:
        session.execute(insert(_GRAM), [{"gram": g, "doc_id": doc_id} for g in added])
    deltas.update({g: -1 for g in gone})
    deltas.update({g: 1 for g in added})
    search_counts.change(session, kind, deltas)


def index_many(
    session: Session, kind: str, documents: Sequence[tuple[int, str, str]], now: datetime
) -> None:
    """Index documents not indexed before, ``(ref_id, title, text)`` each, in a few batches
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
        ).all()
    )
    rows = [
        {"gram": gram, "doc_id": doc_ids[ref]}
        for ref, title, text in documents
        for gram in sorted(grams(fold(f"{title}\n{text}")))
    ]
    if rows:
        session.execute(insert(_GRAM), rows)
    deltas = Counter(row["gram"] for row in rows)
    deltas[search_counts.ALL] = len(documents)
    search_counts.change(session, kind, deltas)


def index_rows(folded_title: str, folded_text: str) -> tuple[str, str, list[str]]:
    """What :func:`index` stores for one document, for bulk loads that write many at once
    (they add the counts with ``storage.search_counts.change``)."""
    return folded_title, folded_text, sorted(grams(folded_text))


def matching(
    session: Session,
    kind: str,
    words: Sequence[str],
    base: Any,
    base_filter: Any,
    rank: Sequence[Any],
    limit: int,
) -> list[tuple[Any, bool]]:
    """The first ``limit`` rows of ``base`` (an article or problem table, filtered by
    ``base_filter``) whose document holds every word, best first: every word in the title,
    then ``rank`` (columns of ``base``, each descending; the last one unique)."""
    if not words or limit < 1:
        return []
    wanted = sorted(set().union(*(grams(w) for w in words if len(w) >= 2)))
    counts = search_counts.read(session, wanted)
    total = counts.get((kind, search_counts.ALL), 0)
    if total == 0 or any(counts.get((kind, g), 0) <= 0 for g in wanted):
        return []
    dialect = session.get_bind().dialect.name
    in_title = and_(*(holds(_DOC.c.title, w, dialect) for w in words))
    in_text = [holds(_DOC.c.text, w, dialect) for w in words]
    order = [c.desc() for c in rank]
    rarest = min(wanted, key=lambda g: counts[(kind, g)]) if wanted else None
    found = counts[(kind, rarest)] if rarest is not None else total  # at most this many hit
    others: list[int] = []
    walked = 0
    if found >= WALK_SHARE * total:
        # A common term: the first rows in rank order hold it often enough to fill the page.
        walked = min(WALK_ROWS, max(WALK_FIRST, limit * total // found * WALK_MARGIN))
        page, others = _walk(session, kind, base, base_filter, rank, walked, in_text, in_title)
        if len(page) >= limit:
            return [(row, True) for row in _rows(session, base, page[:limit])]
    # Every title hit: the kind's titles are checked in the title index; their number first.
    # (PostgreSQL reads their ids at once, which a second scan would cost more than; SQLite
    # counts them, cheaper than fetching thousands of ids a second walk may make useless.)
    titled_where = (_DOC.c.kind == kind, in_title)
    titled_ids: list[int] | None = None
    if dialect == "postgresql":
        titled_ids = list(session.execute(select(_DOC.c.ref_id).where(*titled_where)).scalars())
        titled_count = len(titled_ids)
    else:
        titled_count = session.execute(select(func.count()).where(*titled_where)).scalar_one()
    if titled_count > limit * WALK_MARGIN:
        # Many title hits: the first rows in rank order hold enough of them, for fewer reads
        # than ranking them all.
        window = min(WALK_ROWS, limit * total // titled_count * WALK_MARGIN)
        if walked < window <= WALK_TITLES:
            walked = window
            page, others = _walk(session, kind, base, base_filter, rank, window, in_text, in_title)
            if len(page) >= limit:
                return [(row, True) for row in _rows(session, base, page[:limit])]
    # Their ids are read into a list first: told "every row whose title matches", a planner
    # guessing that a third of the rows match walks the rank order and checks them all.
    if titled_ids is None:
        titled_ids = (
            list(session.execute(select(_DOC.c.ref_id).where(*titled_where)).scalars())
            if titled_count
            else []
        )
    titled = (
        session.execute(
            select(base)
            .where(_among(base.c.id, titled_ids, dialect), base_filter)
            .order_by(*order)
            .limit(limit)
        ).all()
        if titled_ids
        else []
    )
    need = limit - len(titled)
    hits = [(row, True) for row in titled]
    if need == 0:
        return hits
    if len(others) >= need:
        return hits + [(row, False) for row in _rows(session, base, others[:need])]
    stmt = (
        select(base)
        .join(_DOC, and_(_DOC.c.kind == kind, _DOC.c.ref_id == base.c.id))
        .where(base_filter, *in_text, ~in_title)
    )
    postings = sum(docs for (_kind, gram), docs in counts.items() if gram == rarest)
    if rarest is not None and postings < total:
        # The rarest bigram's posting list, unless the kind has fewer documents (a few known
        # errors among many articles).
        stmt = stmt.where(_DOC.c.id.in_(select(_GRAM.c.doc_id).where(_GRAM.c.gram == rarest)))
    rows = session.execute(stmt.order_by(*order).limit(need)).all()
    return hits + [(row, False) for row in rows]


def _walk(
    session: Session,
    kind: str,
    base: Any,
    base_filter: Any,
    rank: Sequence[Any],
    window: int,
    in_text: Sequence[Any],
    in_title: Any,
) -> tuple[list[int], list[int]]:
    """Of the first ``window`` rows of ``base`` in rank order, the ids of those whose title
    holds every word and of those whose text alone does, each in rank order. Each row looks
    its own document up (a planner guessing that a third of all texts match would rather
    check every text of the kind and join)."""
    first = (
        select(base.c.id, *rank)
        .where(base_filter)
        .order_by(*(c.desc() for c in rank))
        .limit(window)
        .subquery()
    )
    hit = (
        select(case((in_title, 1), else_=0))
        .where(_DOC.c.kind == kind, _DOC.c.ref_id == first.c.id, *in_text)
        .scalar_subquery()
    )
    rows = session.execute(
        select(first.c.id, hit).order_by(*(first.c[c.name].desc() for c in rank))
    ).all()
    return [i for i, h in rows if h == 1], [i for i, h in rows if h == 0]


def _among(column: Any, ids: list[int], dialect: str) -> Any:
    """``column`` is one of ``ids``: on PostgreSQL one array parameter (``= ANY``), not a
    statement with a placeholder per id (thousands of title hits took ~15 ms to bind and
    parse); elsewhere ``IN``."""
    if dialect == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def _rows(session: Session, base: Any, ids: Sequence[int]) -> list[Any]:
    """The rows of ``base`` with ``ids``, in that order."""
    by_id = {row.id: row for row in session.execute(select(base).where(base.c.id.in_(ids)))}
    return [by_id[i] for i in ids]


def holds(column: Any, word: str, dialect: str) -> Any:
    """``column`` holds ``word`` literally: ``instr`` (SQLite) or ``strpos`` (PostgreSQL), a
    plain substring search — several times faster than LIKE's pattern matching over long
    article texts, and with no metacharacters to escape (``%``, ``_``, ``\\`` are text)."""
    if dialect == "postgresql":
        return func.strpos(column, word) > 0
    if dialect == "sqlite":
        return func.instr(column, word) > 0
    return contains(column, word)
