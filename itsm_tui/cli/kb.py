"""``itsm kb``: the knowledge base: write, review, publish, search, suggest, and import or
export articles as Markdown files with front matter."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from itsm_tui.cli.common import JsonOpt, QuietOpt
from itsm_tui.cli.ids import AfterOpt
from itsm_tui.cli.output import (
    local,
    print_fields,
    print_list,
    print_object,
    print_table,
    quiet,
    say,
)
from itsm_tui.cli.state import state
from itsm_tui.common.domain import status_label
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_, _

if TYPE_CHECKING:
    from itsm_tui.workflow.knowledge.articles import ArticleView
    from itsm_tui.workflow.knowledge.finding import Hit

app = typer.Typer(help=N_("Knowledge articles: add, edit, review, publish, search, suggest."))

NumberArg = Annotated[str, typer.Argument(metavar="ARTICLE", help=N_("KB000012, kb12 or 12."))]
ExpectOpt = Annotated[
    int | None,
    typer.Option(metavar="N", help=N_("Refuse if the article is no longer at version N.")),
]
TagOpt = Annotated[list[str], typer.Option("--tag", help=N_("A tag; repeat."))]
CIOpt = Annotated[list[str], typer.Option("--ci", help=N_("A CI or business service; repeat."))]


def _line(v: ArticleView) -> str:
    return f"{v.number} v{v.version} r{v.revision} {status_label(v.status)} {v.title}"


def _done(v: ArticleView, as_json: bool) -> None:
    print_object(v) if as_json else say(_line(v))


def _text(body: str | None, file: Path | None) -> str | None:
    if file is None:
        return body
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid("{file}: {error}", field="file", file=str(file), error=exc) from None


@app.command("add")
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Option(help=N_("One line."))],
    body: Annotated[str | None, typer.Option(help=N_("Markdown."))] = None,
    file: Annotated[
        Path | None, typer.Option(help=N_("Read the Markdown body from a file."))
    ] = None,
    category: Annotated[str | None, typer.Option()] = None,
    visibility: Annotated[str, typer.Option(help=N_("internal or self_service."))] = "internal",
    tags: TagOpt = [],  # noqa: B006
    cis: CIOpt = [],  # noqa: B006
    as_json: JsonOpt = False,
    only_ref: QuietOpt = False,
) -> None:
    """Write an article (a draft, until a supervisor reviews and publishes it)."""
    from itsm_tui.workflow.knowledge.articles import add_article

    st = state(ctx)
    view = add_article(
        st.site,
        st.actor(),
        title=title,
        body=_text(body, file) or "",
        category=category,
        visibility=visibility,
        tags=tags,
        cis=cis,
    )
    quiet(view.number) if only_ref else _done(view, as_json)


@app.command("edit")
def edit(
    ctx: typer.Context,
    number: NumberArg,
    title: Annotated[str | None, typer.Option()] = None,
    body: Annotated[str | None, typer.Option(help=N_("Markdown."))] = None,
    file: Annotated[
        Path | None, typer.Option(help=N_("Read the Markdown body from a file."))
    ] = None,
    category: Annotated[str | None, typer.Option()] = None,
    visibility: Annotated[str | None, typer.Option()] = None,
    tags: Annotated[list[str] | None, typer.Option("--tag", help=N_("Replaces the tags."))] = None,
    cis: Annotated[list[str] | None, typer.Option("--ci", help=N_("Replaces the CIs."))] = None,
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change an article; a new title or body is a new revision."""
    from itsm_tui.workflow.knowledge.articles import edit_article

    st = state(ctx)
    view = edit_article(
        st.site,
        st.actor(),
        number,
        title=title,
        body=_text(body, file),
        category=category,
        visibility=visibility,
        tags=tags,
        cis=cis,
        expected_version=expect_version,
    )
    _done(view, as_json)


@app.command("show")
def show(ctx: typer.Context, number: NumberArg, as_json: JsonOpt = False) -> None:
    """An article with its Markdown body (printed as text, never rendered as HTML)."""
    from itsm_tui.workflow.knowledge.articles import show_article

    st = state(ctx)
    v = show_article(st.site, st.actor(), number)
    if as_json:
        print_object(v)
        return
    print_fields(
        [
            ("number", f"{v.number}, version {v.version}, revision {v.revision}"),
            ("title", v.title),
            ("status", status_label(v.status)),
            (N_("visibility"), status_label(v.visibility)),
            ("category", v.category),
            (N_("tags"), v.tags),
            ("CIs", v.cis),
            (N_("uses"), v.use_count),
            (N_("author / reviewer"), f"{v.author or '-'} / {v.reviewed_by or '-'}"),
            (N_("updated"), local(v.updated_at, st.settings.zone)),
            ("you can", v.allowed),
        ]
    )
    say(f"\n{v.body}")


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        str | None, typer.Option(help=N_("draft, reviewed, published, retired."))
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    after: AfterOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Articles, newest first, one page at a time."""
    from itsm_tui.workflow.knowledge.articles import list_articles

    st = state(ctx)
    rows = list_articles(st.site, st.actor(), status=status, after_id=after, limit=limit)
    next_after = rows[-1].id if len(rows) == limit else None
    if as_json:
        print_list(rows, next_after)
        return
    print_table(
        ["number", "status", N_("visibility"), N_("uses"), "title"],
        [(r.number, status_label(r.status), r.visibility, r.use_count, r.title) for r in rows],
    )
    if next_after is not None:
        say(
            _("{count} shown, more: --after {next_after}").format(
                count=len(rows), next_after=next_after
            )
        )


def _print_hits(hits: list[Hit], as_json: bool) -> None:
    if as_json:
        print_list(hits)
        return
    print_table(
        ["kind", "number", N_("uses"), "title", N_("summary")],
        [(h.kind, h.number, h.use_count, h.title, h.summary) for h in hits],
    )


@app.command("search")
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help=N_("Terms, all of which must match (打印 网络)."))],
    drafts: Annotated[bool, typer.Option("--drafts", help=N_("Drafts and reviewed too."))] = False,
    self_service: Annotated[
        bool, typer.Option("--self-service", help=N_("Only what the self-service page shows."))
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Search published articles and known errors."""
    from itsm_tui.workflow.knowledge.finding import search_knowledge

    st = state(ctx)
    hits = search_knowledge(
        st.site, st.actor(), text, limit=limit, include_drafts=drafts, self_service=self_service
    )
    _print_hits(hits, as_json)


@app.command("suggest")
def suggest(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help=N_('What the caller says, e.g. "VPN 证书过期".'))],
    cis: CIOpt = [],  # noqa: B006
    limit: Annotated[int, typer.Option(min=1, max=100)] = 5,
    as_json: JsonOpt = False,
) -> None:
    """What the call form suggests for a call: known errors, then articles."""
    from itsm_tui.workflow.knowledge.finding import suggest_for_call

    st = state(ctx)
    found = suggest_for_call(st.site, st.actor(), text, cis, limit=limit)
    if as_json:
        print_object(found)
        return
    _print_hits([*found.known_errors, *found.articles], False)


@app.command("review")
def review(
    ctx: typer.Context,
    number: NumberArg,
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A supervisor vouches for a draft."""
    from itsm_tui.workflow.knowledge.articles import review_article

    st = state(ctx)
    _done(review_article(st.site, st.actor(), number, expected_version=expect_version), as_json)


@app.command("publish")
def publish(
    ctx: typer.Context,
    number: NumberArg,
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Publish a reviewed article."""
    from itsm_tui.workflow.knowledge.articles import publish_article

    st = state(ctx)
    _done(publish_article(st.site, st.actor(), number, expected_version=expect_version), as_json)


@app.command("retire")
def retire(
    ctx: typer.Context,
    number: NumberArg,
    reason: Annotated[str, typer.Option()] = "",
    expect_version: ExpectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Take an article out of use."""
    from itsm_tui.workflow.knowledge.articles import retire_article

    st = state(ctx)
    view = retire_article(
        st.site, st.actor(), number, reason=reason, expected_version=expect_version
    )
    _done(view, as_json)


@app.command("history")
def history(
    ctx: typer.Context,
    number: NumberArg,
    diff: Annotated[
        bool, typer.Option("--diff", help=N_("Print the last change as a diff."))
    ] = False,
    old: Annotated[int | None, typer.Option("--from", help=N_("Diff from this revision."))] = None,
    new: Annotated[int | None, typer.Option("--to", help=N_("Diff to this revision."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """An article's revisions; with --diff (or --from/--to), the change between two."""
    from itsm_tui.workflow.knowledge.articles import article_diff, article_history

    st = state(ctx)
    if diff or old is not None or new is not None:
        lines = article_diff(st.site, st.actor(), number, old=old, new=new)
        print_list(lines) if as_json else say("\n".join(lines))
        return
    rows = article_history(st.site, st.actor(), number)
    if as_json:
        print_list(rows)
        return
    print_table(
        ["revision", N_("author"), N_("saved"), "title"],
        [(r.revision, r.author, local(r.created_at, st.settings.zone), r.title) for r in rows],
    )


@app.command("link")
def link(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="TICKET")],
    number: NumberArg,
    as_json: JsonOpt = False,
) -> None:
    """Say a ticket was solved with an article (one use)."""
    from itsm_tui.workflow.knowledge.articles import link_article

    st = state(ctx)
    _done(link_article(st.site, st.actor(), ticket, number), as_json)


@app.command("from-ticket")
def from_ticket(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="TICKET")],
    as_json: JsonOpt = False,
    only_ref: QuietOpt = False,
) -> None:
    """Write a draft from a resolved ticket's resolution."""
    from itsm_tui.workflow.knowledge.articles import article_from_ticket

    st = state(ctx)
    view = article_from_ticket(st.site, st.actor(), ticket)
    quiet(view.number) if only_ref else _done(view, as_json)


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE.md...", exists=True)],
    as_json: JsonOpt = False,
) -> None:
    """Add articles (as drafts) from Markdown files with front matter (see itsm kb export);
    each file is read and checked before any is added."""
    from itsm_tui.workflow.knowledge.articles import add_article
    from itsm_tui.workflow.knowledge.files import parse_markdown

    st = state(ctx)
    parsed = [(f, parse_markdown(_text(None, f) or "", str(f))) for f in files]
    added = []
    for _path, doc in parsed:
        view = add_article(
            st.site,
            st.actor(),
            title=doc.title,
            body=doc.body,
            category=doc.category,
            visibility=doc.visibility,
            tags=doc.tags,
            cis=doc.cis,
        )
        added.append(view.number)
    if as_json:  # a record, as other imports print: not a list command
        print_object({"imported": len(added), "articles": added})
        return
    say(_("added {count}: {numbers}").format(count=len(added), numbers=", ".join(added)))


@app.command("export")
def export(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help=N_("Where to write NUMBER.md files."))],
    status: Annotated[str | None, typer.Option(help=N_("Only articles in this state."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write every article as a Markdown file with front matter, one per article."""
    from itsm_tui.workflow.knowledge.articles import list_articles, show_article
    from itsm_tui.workflow.knowledge.files import to_markdown

    st = state(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    after: int | None = None
    while True:
        rows = list_articles(st.site, st.actor(), status=status, after_id=after, limit=200)
        for row in rows:
            v = show_article(st.site, st.actor(), row.number)
            text = to_markdown(
                number=v.number,
                title=v.title,
                body=v.body,
                category=v.category,
                visibility=v.visibility,
                status=v.status,
                revision=v.revision,
                tags=v.tags,
                cis=v.cis,
            )
            (folder / f"{v.number}.md").write_text(text, encoding="utf-8")
            written.append(v.number)
        if len(rows) < 200:
            break
        after = rows[-1].id
    if as_json:  # a record of what was written: not a list command
        print_object({"folder": str(folder), "exported": len(written), "articles": written})
        return
    say(_("wrote {count} files to {folder}").format(count=len(written), folder=folder))
