"""Articles as Markdown files with front matter, for ``itsm kb import`` and ``export``:

    ---
    title: VPN证书过期无法连接
    category: NET-VPN
    visibility: self_service
    tags: VPN, 证书
    cis: 统一身份认证平台
    ---
    ## 现象
    …

The front matter is ``key: value`` lines (lists comma-separated), read by hand: the fields are
few and flat, and a YAML parser would accept far more than they mean. A bad line is refused
naming the file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_

FENCE = "---"
KEYS = ("number", "title", "category", "visibility", "tags", "cis", "status", "revision")


@dataclass(frozen=True)
class ArticleFile:
    title: str
    body: str
    category: str | None = None
    visibility: str = "internal"
    tags: list[str] = field(default_factory=list)
    cis: list[str] = field(default_factory=list)


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_markdown(text: str, name: str) -> ArticleFile:
    """One article from a file's text; ``name`` (the file's) is named in every refusal."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise Invalid(
            N_("{file}, line 1: an article file starts with a --- line and its front matter."),
            field="file",
            file=name,
        )
    meta: dict[str, str] = {}
    end = None
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == FENCE:
            end = number
            break
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in KEYS:
            raise Invalid(
                N_("{file}, line {line}: expected one of {keys} as 'key: value'."),
                field="file",
                file=name,
                line=number,
                keys=", ".join(KEYS),
            )
        meta[key] = value.strip()
    if end is None:
        raise Invalid(
            N_("{file}: the front matter has no closing --- line."), field="file", file=name
        )
    if not meta.get("title"):
        raise Invalid(N_("{file}: the front matter has no title."), field="title", file=name)
    body = "\n".join(lines[end:]).strip("\n")
    return ArticleFile(
        title=meta["title"],
        body=body,
        category=meta.get("category") or None,
        visibility=meta.get("visibility") or "internal",
        tags=_list(meta.get("tags", "")),
        cis=_list(meta.get("cis", "")),
    )


def to_markdown(
    *,
    number: str,
    title: str,
    body: str,
    category: str | None,
    visibility: str,
    status: str,
    revision: int,
    tags: list[str],
    cis: list[str],
) -> str:
    """An article as the file :func:`parse_markdown` reads back (number, status and revision
    are written for the reader and ignored on import: an import adds drafts)."""
    head = [
        FENCE,
        f"number: {number}",
        f"title: {title}",
        f"category: {category or ''}",
        f"visibility: {visibility}",
        f"status: {status}",
        f"revision: {revision}",
        f"tags: {', '.join(tags)}",
        f"cis: {', '.join(cis)}",
        FENCE,
    ]
    return "\n".join(head) + "\n" + body.rstrip("\n") + "\n"
