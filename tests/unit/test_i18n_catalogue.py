"""The zh_CN catalogue is complete: every marked string is in it, translated, not fuzzy, with
the same placeholders as the English, and the compiled ``.mo`` the console reads is current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "itsm_tui" / "locale" / "zh_CN" / "LC_MESSAGES" / "itsm.po"
MO = PO.with_suffix(".mo")
HOW = "run `make translations` and fill in the msgstr in itsm_tui/locale/zh_CN/LC_MESSAGES/itsm.po"


def _catalogue() -> Catalog:
    with PO.open("rb") as source:
        return read_po(source, locale="zh_CN")


def _ids(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def test_no_entry_is_untranslated_or_fuzzy() -> None:
    catalogue = _catalogue()
    untranslated = [
        _ids(m.id)
        for m in catalogue
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [_ids(m.id) for m in catalogue if m.id and m.fuzzy]
    assert not untranslated, f"untranslated ({HOW}): {untranslated}"
    assert not fuzzy, f"fuzzy, check and remove the flag: {fuzzy}"


def test_every_marked_string_is_in_the_catalogue() -> None:
    """What the code marks (``_``, ``N_``, ``ngettext``) and what the catalogue has agree."""
    known = {_ids(m.id) for m in _catalogue() if m.id}
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, _options = parse_mapping_cfg(cfg)  # the command line's docstrings too
    keywords = dict(DEFAULT_KEYWORDS)
    for name in re.findall(r"--keyword=(\w+)", (ROOT / "Makefile").read_text(encoding="utf-8")):
        keywords[name] = None  # the typed errors: their first argument, like _()
    marked = {
        _ids(message)
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "itsm_tui"), method_map=method_map, keywords=keywords
        )
    }
    missing = sorted(marked - known)
    assert not missing, f"not in the catalogue ({HOW}): {missing}"


def _fields(text: str) -> set[str]:
    return set(re.findall(r"\{[^{}]*\}", text))


def test_translations_keep_the_placeholders() -> None:
    """A translation that drops or renames ``{number}`` would fail (or lie) when formatted."""
    wrong = []
    for m in _catalogue():
        if not m.id:
            continue
        english = m.id if isinstance(m.id, tuple) else (m.id,)
        chinese = m.string if isinstance(m.string, tuple) else (m.string,)
        if any(_fields(t) != _fields(english[-1]) for t in chinese if t):
            wrong.append(_ids(m.id))
    assert not wrong, f"placeholders differ from the English: {wrong}"


def test_the_compiled_catalogue_is_current() -> None:
    if not MO.exists():
        pytest.fail(f"{MO} is missing: the package build compiles it ({HOW})")
    assert MO.stat().st_mtime >= PO.stat().st_mtime, f"{MO.name} is older than the .po: {HOW}"
