"""Which encoding an import file is in: by trial, then checked, else refused with a hint.

Why decode by trial (a byte-order mark's encoding, else UTF-8, then GB18030) rather than
guess statistically: UTF-8 almost never decodes by accident, and GB18030 — what Excel on a
Chinese Windows desktop saves as "CSV" — is a superset of GBK and GB2312, so the tries cover
what this site's files are, and a wrong guess is impossible for valid UTF-8.

GB18030, though, decodes most Latin-1/Windows-1252 files too, into nonsense (``Hélène`` reads
as ``H閘鑞e``): an accented letter followed by an ASCII letter is a valid two-byte character.
Such characters (an ASCII second byte) are rare, old or traditional ideographs in real Chinese
text, so a file where they are common, or where lone characters sit inside Latin words, is
refused with a hint to give ``--encoding`` (see :func:`looks_western`). A general detector
(charset-normalizer 3.4.7) was measured on the same one-row files and did worse: restricted
to GB18030 and Windows-1252 it called 12 of 401 Chinese files Western and let 7 of 52 Latin-1
ones through (unrestricted, it read Chinese as Korean and Big5), so it is not used.

A UTF-16 file without a byte-order mark decodes "successfully" as UTF-8 with a NUL after every
ASCII letter; it is recognised by that pattern and refused with the byte order to give.
"""

from __future__ import annotations

import re

from itsm_tui.common.errors import Invalid

#: GB18030 characters, from a character boundary on: a four-byte one; a two-byte one outside
#: GB2312 (second byte ASCII or 0x80-0xA0) with an ASCII letter just before or after it
#: (groups 1, 2); a lone GB2312 level-2 one made of two Latin-1 small letters between ASCII
#: letters (group 3); any other two-byte one. The grouped ones are "odd" (see looks_western).
#: A letter before is matched, not looked behind at: the byte before may be a second byte.
_GB_CHAR = re.compile(
    rb"[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]"
    rb"|[A-Za-z][\x81-\xfe]([\x40-\x7e\x80-\xa0])"
    rb"|[\x81-\xfe]([\x40-\x7e\x80-\xa0])(?=[A-Za-z])"
    rb"|[A-Za-z]([\xe0-\xf7][\xdf-\xfe])(?=[A-Za-z])"
    rb"|[\x81-\xfe][\x40-\xfe]"
)


def looks_western(data: bytes) -> bool:
    """Whether ``data``, valid GB18030, is more likely Latin-1 or Windows-1252.

    Counted over its two-byte characters, the odd ones: those outside GB2312 touching an ASCII
    letter (an accented letter inside a word followed by an ASCII letter, ``é`` + ``l`` in
    ``Hélène``, or by Windows-1252 punctuation, ``ë`` + ``’``: in Chinese text, rare or
    traditional ideographs, seldom next to a Latin letter), and lone ones wedged between ASCII
    letters whose bytes are both Latin-1 small letters (``ö`` + ``ß`` in ``Größe``: a rarer,
    level-2 ideograph in GB2312). A quarter odd is Western: the 401 Chinese names and titles
    tried (the demo site's, traditional and rare ideographs, Latin letters mixed in) have none,
    50 of 52 Latin-1 names that GB18030 decodes have one in every two or more.

    A file is one encoding, so a sample says what all of it is: the count stops once
    :data:`_ENOUGH` characters are seen (a Chinese file: within its first kilobytes), reading
    a piece at a time from line starts (a line start is a character boundary) and skipping
    pieces that are plain ASCII.
    """
    seen = odd = 0
    start = 0
    while start < len(data) and seen < _ENOUGH:
        end = data.find(b"\n", start + _PIECE)
        end = len(data) if end < 0 else end + 1
        piece = data[start:end]
        start = end
        if piece.isascii():
            continue
        chars = _GB_CHAR.findall(piece)
        seen += len(chars)
        odd += len(chars) - chars.count((b"", b"", b""))
    return bool(odd) and odd * 4 >= seen


_PIECE, _ENOUGH = 16_384, 1_000


def _utf16_order(data: bytes) -> str | None:
    """``le`` or ``be`` if ``data`` looks like UTF-16 without a byte-order mark: a NUL byte in
    most odd (or even) places, as ASCII text in UTF-16 has, and hardly any in the others."""
    sample = data[:4096]
    if b"\x00" not in sample or len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd * 3 >= half and even * 10 <= odd:
        return "le"
    if even * 3 >= half and odd * 10 <= even:
        return "be"
    return None


def _western(path: str) -> Invalid:
    return Invalid(
        "{path} looks like Latin-1/Windows-1252; give --encoding (cp1252 for a Western "
        "Windows file, or gb18030 if it really is Chinese).",
        field="encoding",
        path=path,
    )


def decode(data: bytes, path: str, encoding: str | None) -> tuple[str, str]:
    """The text of ``data`` and the encoding that read it (``encoding`` if given: an unknown
    one raises ``LookupError``)."""
    if encoding:
        return _decode_as(data, path, encoding), encoding
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_as(data, path, "utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_as(data, path, "utf-16"), "utf-16"
    if data.startswith(b"PK\x03\x04"):
        raise Invalid(
            "{path} is a zip file (an Excel workbook?); save it as CSV or JSON.",
            field="file",
            path=path,
        )
    order = _utf16_order(data)
    if order:
        raise Invalid(
            "{path} looks like UTF-16 without a byte-order mark; give --encoding utf-16-{order}.",
            field="encoding",
            path=path,
            order=order,
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        if _western_letters(data):
            raise _western(path) from None
        raise Invalid(
            "{path} is neither UTF-8 nor GB18030; give --encoding.", field="encoding", path=path
        ) from None
    if looks_western(data):
        raise _western(path)
    return text, "gb18030"


def _western_letters(data: bytes) -> bool:
    """Whether ``data`` reads as Windows-1252 text whose characters beyond ASCII are letters
    or its typographic quotes and dashes (what a Western file that is not GB18030 holds)."""
    try:
        text = data[:65536].decode("cp1252")  # (one byte a character: any cut is clean)
    except UnicodeDecodeError:
        return False
    high = [c for c in text if c > "\x7f"]
    return sum(c.isalpha() or c in "‘’“”–—€" for c in high) * 10 >= len(high) * 9


def _decode_as(data: bytes, path: str, name: str) -> str:
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Invalid(
            "{path} line {line}: bytes {raw!r} are not valid {name}.",
            field="encoding",
            path=path,
            line=line,
            raw=data[exc.start : exc.start + 4],
            name=name,
        ) from None
