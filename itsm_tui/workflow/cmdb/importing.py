"""Bulk import of CIs and relationships: upsert by a stable key, all-or-nothing, dry runs.

A CI's key is its asset tag where the row gives one, else class + name. A relationship's key
is (source, type, target). The whole file is checked first — every bad cell reported with
line, column and value — and written only if nothing is wrong (or, with ``skip_invalid``, the
bad rows are left out and listed). Writing goes through ``storage.bulk`` (the driver's
executemany, chunked): creates, updates and their journal entries alike.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import InitVar, dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlmodel import SQLModel

from itsm_tui.common.errors import DomainError, Invalid
from itsm_tui.common.i18n import N_, _
from itsm_tui.storage import bulk, cmdb_bulk
from itsm_tui.storage.tables.cmdb import CI_FIELDS
from itsm_tui.workflow.cmdb.classes import (
    ALIASES,
    CLASSES,
    RelationType,
    check_pair,
    relation_type,
)
from itsm_tui.workflow.cmdb.fields import COMMON, FIELD_OF, References, check_ci, row_checker
from itsm_tui.workflow.cmdb.files import ECHO, Source, cut, read_source
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.permissions import Action

Progress = Callable[[int, int], None]
RelationKey = tuple[int, int, str]  # a relationship: (source id, target id, type)
CI_COLUMNS = CI_FIELDS
CHUNK = 500  # keys per look-up query


@dataclass(frozen=True)
class RowError:
    """A refused row: its line, the column and value at fault, and why. ``message`` is the
    English sentence (``--json``, logs: the same in every language); :meth:`text` is the whole
    line in the reader's language, from the typed error (``reason``) the check raised."""

    line: int
    column: str | None
    value: Any
    message: str
    reason: InitVar[DomainError | None] = None

    def __post_init__(self, reason: DomainError | None) -> None:
        # A report repeats a value, never megabytes of it.
        object.__setattr__(self, "value", cut(self.value))
        object.__setattr__(self, "column", cut(self.column))
        # Not a field: ``--json`` (``dataclasses.asdict``) keeps the four fields above.
        object.__setattr__(self, "_reason", reason)

    @classmethod
    def of(cls, line: int, column: str | None, value: Any, reason: DomainError) -> RowError:
        """The row error for a typed refusal of one of the row's values."""
        error = cls(line, column, value, _shortened(reason.message, value, column), reason)
        # What :meth:`text` must cut in the translated sentence too (nearly always nothing).
        long = tuple(v for v in (value, column) if isinstance(v, str) and len(v) > ECHO)
        object.__setattr__(error, "_long", long)
        return error

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        shown = "" if self.value in (None, "") else f" (value {self.value!r})"
        return f"{where}{shown}: {self.message}"

    def text(self) -> str:
        """The line as :meth:`__str__` words it, in the language in force."""
        reason: DomainError | None = getattr(self, "_reason", None)
        why = self.message
        if reason is not None:
            why = reason.text()
            for long in getattr(self, "_long", ()):
                why = _shortened(why, long, None)
        if self.column:
            where = _("line {line}, column {column}").format(line=self.line, column=self.column)
        else:
            where = _("line {line}").format(line=self.line)
        if self.value in (None, ""):
            return _("{where}: {why}").format(where=where, why=why)
        return _("{where} (value {value}): {why}").format(
            where=where, value=repr(self.value), why=why
        )


def _shortened(message: str, value: Any, column: str | None) -> str:
    """``message`` with a long value or column it quotes cut, as the report shows them."""
    for long in (value, column):  # the checks quote what they refuse: cut it there too
        if isinstance(long, str) and len(long) > ECHO:
            for quoted in dict.fromkeys((long, long.strip())):
                message = message.replace(quoted, cut(quoted)) if quoted else message
    return message


@dataclass
class ImportSummary:
    file: str
    kind: str  # cis | relations
    format: str
    encoding: str
    delimiter: str | None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    dry_run: bool = False
    written: bool = False
    errors: list[RowError] = field(default_factory=list)


class ImportRejected(Invalid):
    """Rows were wrong, so nothing was written; ``summary.errors`` lists every one."""

    kind = "import_rejected"

    def __init__(self, summary: ImportSummary) -> None:
        first = summary.errors[0]
        more = len(summary.errors) - 1
        if more == 1:
            super().__init__(
                N_(
                    "{file} {first} (and 1 more error); nothing was imported "
                    "(fix the file, or --skip-invalid to import the rest)."
                ),
                field=first.column,
                file=summary.file,
                first=str(first).rstrip("."),
            )
        elif more:
            super().__init__(
                N_(
                    "{file} {first} (and {more} more errors); nothing was imported "
                    "(fix the file, or --skip-invalid to import the rest)."
                ),
                field=first.column,
                file=summary.file,
                first=str(first).rstrip("."),
                more=more,
            )
        else:
            super().__init__(
                N_(
                    "{file} {first}; nothing was imported "
                    "(fix the file, or --skip-invalid to import the rest)."
                ),
                field=first.column,
                file=summary.file,
                first=str(first).rstrip("."),
            )
        self.summary = summary

    def text(self) -> str:
        """The sentence in the language in force, the first row's error in it too (the
        English one, :attr:`message`, quotes it in English)."""
        first = self.summary.errors[0].text().rstrip(".。")
        return _(self.template).format_map({**self.params, "first": first})

    def to_dict(self) -> dict[str, object]:
        from dataclasses import asdict

        return {**super().to_dict(), "summary": asdict(self.summary)}


def _error(line: int, record: dict[str, Any], exc: DomainError) -> RowError:
    column = exc.field
    value = record.get(column) if column else None
    if value is None and column:
        nested = record.get("attributes")
        value = nested.get(column) if isinstance(nested, dict) else None
    return RowError.of(line, column, value, exc)


def _chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def _distinct(keys: Iterable[Any]) -> list[Any]:
    """Each key once, sorted, so the look-ups walk the index in order. Deduplicated in the
    order given first: a file mostly lists its keys in order already, and the sort then
    finds one run instead of re-sorting a set's scrambled order."""
    return sorted(dict.fromkeys(keys))


# --- CIs -------------------------------------------------------------------------------------

_FULL = ("id", *CI_FIELDS, "version")
_KEYS = ("id", "name", "ci_class", "asset_tag")  # enough to resolve a relationship's ends


def _existing(
    conn: Connection, col: str, keys: Iterable[Any], columns: Sequence[str] = _FULL
) -> list[dict[str, Any]]:
    """The CIs whose ``col`` is one of ``keys``: one query per chunk of keys, straight through
    the driver's cursor (no per-row result objects)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    loads = json.loads
    out: list[dict[str, Any]] = []
    cursor = conn.connection.cursor()
    try:
        for batch in _chunks(_distinct(keys)):
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM configuration_item "
                f"WHERE {col} IN ({', '.join([mark] * len(batch))})",
                batch,
            )
            out.extend(dict(zip(columns, row, strict=True)) for row in cursor.fetchall())
    finally:
        cursor.close()
    if "attributes" in columns:
        for item in out:
            if isinstance(item["attributes"], str):
                item["attributes"] = loads(item["attributes"])
    return out


@dataclass
class _CIPlan:
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = field(
        default_factory=list
    )  # (existing, new values, changes)
    unchanged: int = 0


def _merge(
    existing: dict[str, Any], values: dict[str, Any], record: dict[str, Any]
) -> dict[str, Any]:
    """The row after the update: fields the file has replace, fields it lacks stay."""
    present = {FIELD_OF.get(k, k) for k in record}
    merged = {}
    for col in CI_COLUMNS:
        if col == "attributes":
            continue
        name = FIELD_OF.get(col, col)
        merged[col] = values[col] if name in present or col in record else existing[col]
    given = set(record.get("attributes") or {}) | {k for k in record if k not in COMMON}
    attrs = {k: v for k, v in existing["attributes"].items() if k not in given}
    merged["attributes"] = {**attrs, **values["attributes"]}
    return merged


def plan_cis(conn: Connection, source: Source, summary: ImportSummary) -> _CIPlan:
    refs = References.load(conn)
    check = row_checker(source.columns, refs) if source.format == "csv" else None
    checked: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    for line, record in source.records:
        try:
            checked.append((line, record, check(record) if check else check_ci(record, refs)))
        except DomainError as exc:
            summary.errors.append(_error(line, record, exc))
    by_tag = {
        r["asset_tag"]: r
        for r in _existing(
            conn, "asset_tag", [v["asset_tag"] for _, _, v in checked if v["asset_tag"]]
        )
    }
    # A CI found by its tag under the same class and name needs no look-up by name: class +
    # name is unique, so the name could only find that CI again (a re-import: every row).
    names = []
    for _line, _record, v in checked:
        tagged = by_tag.get(v["asset_tag"])
        if tagged is None or (tagged["ci_class"], tagged["name"]) != (v["ci_class"], v["name"]):
            names.append(v["name"])
    by_name = {(r["ci_class"], r["name"]): r for r in _existing(conn, "name", names)}
    for found in by_tag.values():
        by_name.setdefault((found["ci_class"], found["name"]), found)
    plan = _CIPlan()
    seen_names: dict[tuple[str, str], int] = {}  # the line each key was first on
    seen_tags: dict[str, int] = {}
    for line, record, values in checked:
        tag = values["asset_tag"]
        natural = (values["ci_class"], values["name"])
        repeat = seen_names.get(natural)
        if repeat is None and tag:
            repeat = seen_tags.get(tag)
        if repeat is not None:
            summary.errors.append(
                RowError.of(
                    line,
                    "name",
                    values["name"],
                    Invalid("the same CI as line {line}", field="name", line=repeat),
                )
            )
            continue
        seen_names[natural] = line
        if tag:
            seen_tags[tag] = line
        tagged = by_tag.get(tag) if tag else None
        named = by_name.get(natural)
        existing = tagged or named
        if existing is None:  # a new CI: most rows of a first import
            plan.creates.append(values)
            continue
        if tagged and named and tagged["id"] != named["id"]:
            summary.errors.append(
                RowError.of(
                    line,
                    "asset_tag",
                    values["asset_tag"],
                    Invalid(
                        "asset tag is on CI #{tagged}, but {ci_class}:{name} is #{named}",
                        field="asset_tag",
                        tagged=tagged["id"],
                        ci_class=natural[0],
                        name=natural[1],
                        named=named["id"],
                    ),
                )
            )
            continue
        if existing["ci_class"] != values["ci_class"]:
            summary.errors.append(
                RowError.of(
                    line,
                    "class",
                    record.get("class"),
                    Invalid(
                        "asset tag {tag} is a {ci_class}; a class cannot change",
                        field="class",
                        tag=values["asset_tag"],
                        ci_class=existing["ci_class"],
                    ),
                )
            )
            continue
        if (
            named is None
            and (values["ci_class"], values["name"]) != (existing["ci_class"], existing["name"])
            and _name_taken(conn, values)
        ):
            summary.errors.append(
                RowError.of(
                    line,
                    "name",
                    values["name"],
                    Invalid("another CI of this class has this name", field="name"),
                )
            )
            continue
        merged = _merge(existing, values, record)
        changes = {
            FIELD_OF.get(c, c): (existing[c], merged[c])
            for c in CI_COLUMNS
            if existing[c] != merged[c]
        }
        if changes:
            plan.updates.append((existing, merged, changes))
        else:
            plan.unchanged += 1
    return plan


def _name_taken(conn: Connection, values: dict[str, Any]) -> bool:
    return bool(
        conn.execute(
            text("SELECT 1 FROM configuration_item WHERE ci_class = :c AND name = :n"),
            {"c": values["ci_class"], "n": values["name"]},
        ).first()
    )


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dump(value: Any) -> str:
    return "{}" if value == {} else _ENCODER.encode(value)


_quote = json.encoder.encode_basestring  # a str as JSON: what _ENCODER writes for one


def _attributes_json(attributes: dict[str, Any]) -> str:
    """``_dump(attributes)``, byte for byte. Most CIs' attributes are a few text values; those
    are joined here from C-quoted strings, without the encoder's per-call set-up (~2 us, for
    a quarter of a 100,000-CI import's rows). Anything else goes to the encoder."""
    if not attributes:
        return "{}"
    parts = []
    for key, value in attributes.items():
        if value.__class__ is not str or key.__class__ is not str:
            return _ENCODER.encode(attributes)
        parts.append(f"{_quote(key)}:{_quote(value)}")
    return "{" + ",".join(parts) + "}"


#: A created CI's own fields but the attributes, in column order (one C call per row).
_SCALARS = itemgetter(*CI_COLUMNS[:-1])
#: A created CI's journal entry: each column under the name files use for it, in column order.
_JOURNAL_KEYS = tuple((c, FIELD_OF.get(c, c)) for c in CI_COLUMNS)


def _table(name: str) -> Any:
    return SQLModel.metadata.tables[name]


def write_cis(tx: Tx, plan: _CIPlan, progress: Progress | None) -> None:
    conn = tx.session.connection()
    if conn.dialect.name == "postgresql":  # ids are handed out here: keep other writers out
        conn.exec_driver_sql("LOCK TABLE configuration_item IN SHARE ROW EXCLUSIVE MODE")
    now = bulk.to_db_time(conn, tx.now)
    actor = tx.actor.id
    first = bulk.next_id(conn, _table("configuration_item"))
    total = len(plan.creates) + len(plan.updates)
    rows = [
        (ci_id, *_SCALARS(v), _attributes_json(v["attributes"]), now, now, 1)
        for ci_id, v in enumerate(plan.creates, first)
    ]
    columns = ("id", *CI_COLUMNS, "created_at", "updated_at", "version")
    bulk.bulk_insert(conn, _table("configuration_item"), columns, rows)
    del rows
    # One journal entry per created CI (the audit promise), its fields as JSON — built by the
    # database from the rows just written, in one statement.
    cmdb_bulk.journal_created_cis(conn, first, _JOURNAL_KEYS, actor_id=actor, at=now)
    journal_cols = ("entity", "entity_id", "action", "actor_id", "at", "changes")
    if progress:
        progress(len(plan.creates), total)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sets = ", ".join(f"{c} = {mark}" for c in CI_COLUMNS)
    sql = (
        f"UPDATE configuration_item SET {sets}, updated_at = {mark}, version = version + 1 "
        f"WHERE id = {mark}"
    )
    for start in range(0, len(plan.updates), bulk.CHUNK):
        batch = plan.updates[start : start + bulk.CHUNK]
        conn.exec_driver_sql(
            sql,
            [
                (*(_dump(m[c]) if c == "attributes" else m[c] for c in CI_COLUMNS), now, e["id"])
                for e, m, _ in batch
            ],
        )
        bulk.bulk_insert(
            conn,
            _table("journal_entry"),
            journal_cols,
            [("ci", e["id"], "update", actor, now, _dump(ch)) for e, _, ch in batch],
        )
        if progress:
            progress(len(plan.creates) + start + len(batch), total)
    bulk.reset_sequence(conn, _table("configuration_item"))
    bulk.analyze_after_load(conn, _table("configuration_item"), total)
    tx.journaled += total


# --- relationships -----------------------------------------------------------------------------


class _Resolver:
    """CI references (asset tag, ``class:name`` or a unique name) → (id, class), read in
    batches up front."""

    def __init__(self, conn: Connection, refs: Iterable[str]) -> None:
        refs = dict.fromkeys(s for r in refs if r and (s := r.strip()))  # in file order
        classed = {r for r in refs if self._classed(r)}
        plain = [r for r in refs if r not in classed]
        self.by_tag = {r["asset_tag"]: r for r in _existing(conn, "asset_tag", plain, _KEYS)}
        # A plain reference that is an asset tag is settled (see _find): only the others, and
        # the names of class:name references, are looked up by name.
        names = [r.split(":", 1)[1] for r in classed] + [r for r in plain if r not in self.by_tag]
        self.by_name: dict[str, list[dict[str, Any]]] = {}
        for row in _existing(conn, "name", names, _KEYS):
            self.by_name.setdefault(row["name"], []).append(row)
        self.found: dict[str, dict[str, Any]] = {}  # reference → CI, once resolved

    @staticmethod
    def _classed(ref: str) -> bool:
        head = ref.split(":", 1)[0]
        return ":" in ref and (head in CLASSES or head in ALIASES)

    def ids(self, refs: Iterable[str], column: str) -> set[int]:
        """The ids of the CIs ``refs`` name; a reference that names none is left out here (the
        row that has it reports it)."""
        found = set()
        for ref in refs:
            try:
                found.add(self.find(ref, column)["id"])
            except DomainError:
                continue
        return found

    def find(self, ref: str, column: str) -> dict[str, Any]:
        """The CI ``ref`` names (a relationships file names the same switch or rack thousands
        of times: each reference is resolved once)."""
        hit = self.found.get(ref)
        if hit is None:
            hit = self.found[ref] = self._find(ref, column)
            if "label" not in hit:  # class:name, as errors name it
                hit["label"] = f"{hit['ci_class']}:{hit['name']}"
        return hit

    def _find(self, ref: str, column: str) -> dict[str, Any]:
        ref = ref.strip()
        if not ref:
            raise Invalid("{column} must name a CI.", field=column, column=column)
        if self._classed(ref):
            head, name = ref.split(":", 1)
            code = ALIASES.get(head, head)
            hits = [r for r in self.by_name.get(name, []) if r["ci_class"] == code]
        else:
            tagged = self.by_tag.get(ref)
            hits = [tagged] if tagged else self.by_name.get(ref, [])
        if not hits:
            raise Invalid("no CI '{ref}' (give an asset tag or class:name).", field=column, ref=ref)
        if len(hits) > 1:
            options = ", ".join(f"{h['ci_class']}:{h['name']}" for h in hits[:5])
            raise Invalid(
                "'{ref}' names several CIs; say which: {options}.",
                field=column,
                ref=ref,
                options=options,
            )
        return hits[0]


def plan_relations(conn: Connection, source: Source, summary: ImportSummary) -> list[RelationKey]:
    """Check every row and split the good ones into new and already-present relationships, in
    one pass: the relationships already there are read up front for every CI the file names
    as a source. Errors keep their order: every failed check by line, then every repeat."""
    records = source.records
    sources = dict.fromkeys(str(r.get("source") or "") for _, r in records)  # in file order
    targets = dict.fromkeys(str(r.get("target") or "") for _, r in records)
    resolver = _Resolver(conn, [*sources, *targets])
    existing = _relations_from(conn, resolver.ids(sources, "source"))
    find, known = resolver.find, resolver.found  # (a file names each CI many times)
    creates: list[RelationKey] = []
    repeats: list[RowError] = []
    seen: dict[RelationKey, int] = {}
    # A file spells a handful of types and joins a handful of class pairs: each is checked
    # once, as the first row that has it would be.
    types: dict[str, tuple[RelationType, str]] = {}
    allowed: set[tuple[str, str, str]] = set()
    for line, record in records:
        try:
            written = str(record.get("type") or "")
            typed = types.get(written)
            if typed is None:
                kind = relation_type(written)
                typed = types[written] = (kind, kind.value)
            ref = str(record.get("source") or "")
            src = known.get(ref) or find(ref, "source")
            ref = str(record.get("target") or "")
            dst = known.get(ref) or find(ref, "target")
            if src["id"] == dst["id"]:
                raise Invalid("a CI cannot be related to itself.", field="target")
            pair = (typed[1], src["ci_class"], dst["ci_class"])
            if pair not in allowed:
                check_pair(typed[0], pair[1], pair[2])
                allowed.add(pair)
        except DomainError as exc:
            summary.errors.append(_error(line, record, exc))
            continue
        key = (src["id"], dst["id"], typed[1])
        first = seen.setdefault(key, line)
        if first != line:
            repeats.append(
                RowError.of(
                    line,
                    "target",
                    dst["label"],
                    Invalid("repeats line {line}", field="target", line=first),
                )
            )
        elif key in existing:
            summary.unchanged += 1
        else:
            creates.append(key)
    summary.errors.extend(repeats)
    return creates


def _relations_from(conn: Connection, source_ids: Iterable[int]) -> set[RelationKey]:
    """(source, target, type) of every relationship leaving one of ``source_ids``."""
    existing: set[RelationKey] = set()
    stmt = text(
        "SELECT source_id, target_id, type FROM ci_relation WHERE source_id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    for batch in _chunks(_distinct(source_ids)):
        existing.update(tuple(r) for r in conn.execute(stmt, {"ids": batch}))
    return existing


def write_relations(tx: Tx, creates: list[RelationKey], progress: Progress | None) -> None:
    """Insert ``creates`` — (source id, target id, type) — and one journal entry each."""
    conn = tx.session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE ci_relation IN SHARE ROW EXCLUSIVE MODE")
    now = bulk.to_db_time(conn, tx.now)
    first = bulk.next_id(conn, _table("ci_relation"))
    bulk.bulk_insert(
        conn,
        _table("ci_relation"),
        ("id", "source_id", "target_id", "type", "created_at"),
        ((first + i, s, d, k, now) for i, (s, d, k) in enumerate(creates)),
    )
    if progress:
        progress(len(creates) // 2, len(creates))
    # {"source": "class:name", "type": …, "target": "class:name"} for each, built in SQL.
    cmdb_bulk.journal_created_relations(conn, first, actor_id=tx.actor.id, at=now)
    if progress:
        progress(len(creates), len(creates))
    bulk.reset_sequence(conn, _table("ci_relation"))
    bulk.analyze_after_load(conn, _table("ci_relation"), len(creates))
    tx.journaled += len(creates)


# --- the operation -----------------------------------------------------------------------------


def _kind(source: Source, kind: str | None) -> str:
    if kind:
        if kind not in ("cis", "relations"):
            raise Invalid("kind '{kind}' is not cis or relations.", field="kind", kind=kind)
        return kind
    return "relations" if {"source", "target"} <= set(source.columns) else "cis"


def _plan(conn: Connection, source: Source, summary: ImportSummary) -> Any:
    if summary.kind == "relations":
        creates = plan_relations(conn, source, summary)
        summary.created = len(creates)
        return creates
    plan = plan_cis(conn, source, summary)
    summary.created, summary.updated = len(plan.creates), len(plan.updates)
    summary.unchanged = plan.unchanged
    return plan


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a file is read, checked and written.

    An import allocates a few container objects per row (cells, records, checked values, driver
    tuples) and frees them by reference counting; none form cycles. Left on, the collector
    keeps re-walking the ever larger set of live rows — a third of a 20,000-CI import's time.
    It is switched back on afterwards (unless it was off already), even when the import fails.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _start(
    path: str, encoding: str | None, fmt: str | None, kind: str | None
) -> tuple[Source, ImportSummary]:
    source = read_source(Path(path), encoding=encoding, fmt=fmt)
    summary = ImportSummary(
        file=path,
        kind=_kind(source, kind),
        format=source.format,
        encoding=source.encoding,
        delimiter=source.delimiter,
        rows=len(source.records),
    )
    return source, summary


@query(Action.MANAGE_CMDB)
def dry_run(
    read: Read,
    path: str,
    *,
    encoding: str | None = None,
    fmt: str | None = None,
    kind: str | None = None,
) -> ImportSummary:
    """What importing ``path`` would do (creates, updates, unchanged, errors); writes nothing."""
    with _gc_paused():
        source, summary = _start(path, encoding, fmt, kind)
        summary.dry_run = True
        _plan(read.session.connection(), source, summary)
    summary.skipped = len(summary.errors)
    return summary


@mutation(Action.MANAGE_CMDB)
def import_file(
    tx: Tx,
    path: str,
    *,
    encoding: str | None = None,
    fmt: str | None = None,
    kind: str | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Upsert the CIs or relationships of a CSV or JSON file, all or nothing: one bad row
    writes nothing (``ImportRejected`` lists every error) unless ``skip_invalid``, which
    leaves the bad rows out and reports them."""
    with _gc_paused():
        source, summary = _start(path, encoding, fmt, kind)
        plan = _plan(tx.session.connection(), source, summary)
        if summary.errors and not skip_invalid:
            raise ImportRejected(summary)
        summary.skipped = len(summary.errors)
        if summary.kind == "relations":
            write_relations(tx, plan, progress)
        else:
            write_cis(tx, plan, progress)
        del source, plan  # the rows go now, while the collector is still off
    summary.written = True
    tx.journal(
        "ci_import",
        0,
        "import",
        {
            k: getattr(summary, k)
            for k in ("file", "kind", "rows", "created", "updated", "unchanged", "skipped")
        },
    )
    return summary
