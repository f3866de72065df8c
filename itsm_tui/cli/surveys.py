"""``itsm survey``: satisfaction surveys — list, show, answer (scripts and IVR), the signed
link, the callback queue's next caller, the questions in the site's words, and expiry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from itsm_tui.cli.common import JsonOpt
from itsm_tui.cli.ids import AfterOpt
from itsm_tui.cli.output import local, print_fields, print_list, print_object, print_table, say
from itsm_tui.cli.state import state
from itsm_tui.common.i18n import N_, _

if TYPE_CHECKING:
    from itsm_tui.workflow.quality.survey_wording import SurveyQuestion
    from itsm_tui.workflow.quality.surveys import SurveyView

app = typer.Typer(help=N_("Satisfaction surveys: one per resolved ticket with a caller."))

SurveyArg = Annotated[
    str, typer.Argument(metavar="SURVEY", help=N_("Survey id (#12) or ticket number (its latest)."))
]
Score = Annotated[int | None, typer.Option(min=1, max=5, help=N_("1 (worst) to 5 (best)."))]


def _fields(view: SurveyView, zone: object) -> None:
    solved = "" if view.solved is None else ("yes" if view.solved else "no")
    print_fields(
        [
            ("survey", f"#{view.id} ({view.status})"),
            ("ticket", f"{view.ticket} {view.title}"),
            ("caller", f"{view.caller} {view.caller_phone or ''}".strip()),
            (N_("resolved by"), f"{view.staff or ''} ({view.group or ''})"),
            ("resolution", view.resolution),
            (N_("expires"), local(view.expires_at, zone)),
            ("answered", local(view.answered_at, zone)),
            (N_("overall"), view.overall),
            (N_("timeliness"), view.timeliness),
            (N_("attitude"), view.attitude),
            (N_("solved"), solved),
            (N_("comment"), view.comment),
            (N_("low score"), "yes" if view.low_score else ""),
        ]
    )
    if view.reopen_offer:
        say(
            _("Low score: offer the caller to reopen it: itsm ticket reopen {ticket}").format(
                ticket=view.ticket
            )
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help=N_("open, answered or expired."))] = None,
    staff: Annotated[str | None, typer.Option(help=N_("The resolver's login."))] = None,
    after: AfterOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help=N_("Page size."))] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List surveys, newest first."""
    from itsm_tui.workflow.quality import surveys

    st = state(ctx)
    views, cursor = surveys.list_surveys(
        st.site, st.actor(), status=status, staff=staff, after=after, limit=limit
    )
    if as_json:
        print_list(views, cursor)
        return
    zone = st.settings.zone
    print_table(
        ["id", "ticket", "status", N_("resolver"), N_("overall"), N_("solved"), N_("created")],
        [
            (
                f"#{v.id}",
                v.ticket,
                v.status,
                v.staff,
                v.overall,
                "" if v.solved is None else ("yes" if v.solved else "no"),
                local(v.created_at, zone),
            )
            for v in views
        ],
    )
    if cursor is not None:
        say(_("more: --after {cursor}").format(cursor=cursor))


def _ask(questions: list[SurveyQuestion]) -> None:
    """The questions to read the caller, in the operator's language, as the site words them."""
    from itsm_tui.common.i18n import language

    say(_("Ask:"))
    for number, q in enumerate(questions, start=1):
        say(f"  {number}. {q.in_language(language())}  (--{q.name})")


@app.command("questions")
def questions(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The questions a survey asks here, in the site's words (setting survey_wording)."""
    from itsm_tui.workflow.quality import surveys

    st = state(ctx)
    asked = surveys.survey_questions(st.site, st.actor())
    if as_json:
        print_object({"questions": asked})
        return
    print_table(
        [N_("question"), N_("answered as"), N_("in English"), N_("in Chinese")],
        [[q.name, q.kind, q.text.get("en", ""), q.text.get("zh_CN", "")] for q in asked],
    )


@app.command("show")
def show(ctx: typer.Context, survey: SurveyArg, as_json: JsonOpt = False) -> None:
    """Show one survey, its answers and whether a reopen is offered."""
    from itsm_tui.workflow.quality import surveys

    st = state(ctx)
    view = surveys.show_survey(st.site, st.actor(), survey)
    print_object(view) if as_json else _fields(view, st.settings.zone)


@app.command("answer")
def answer(
    ctx: typer.Context,
    survey: SurveyArg,
    overall: Annotated[int, typer.Option(min=1, max=5, help=N_("Overall, 1 to 5."))],
    solved: Annotated[
        bool | None,
        typer.Option(
            "--solved/--not-solved", help=N_("Was the problem solved? (if the site asks)")
        ),
    ] = None,
    timeliness: Score = None,
    attitude: Score = None,
    comment: Annotated[str, typer.Option(help=N_("The caller's own words."))] = "",
    expect_version: Annotated[int | None, typer.Option(metavar="N")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Key in a caller's answers (for scripts and IVR integrations)."""
    from itsm_tui.workflow.quality import surveys

    st = state(ctx)
    given = surveys.Answer(overall, solved, timeliness, attitude, comment)
    view = surveys.answer_survey(
        st.site, st.actor(), survey, given, via="cli", expected_version=expect_version
    )
    if as_json:
        print_object(view)
        return
    say(
        _("survey #{id} of {ticket} answered: overall {overall}").format(
            id=view.id, ticket=view.ticket, overall=view.overall
        )
    )
    if view.low_score:
        say(
            _("Low score: {group} supervisor alerted.").format(group=view.group)
            if view.group
            else _("Low score: the supervisor alerted.")
        )
    if view.reopen_offer:
        say(
            _("Offer the caller to reopen it: itsm ticket reopen {ticket}").format(
                ticket=view.ticket
            )
        )


@app.command("link")
def link(ctx: typer.Context, survey: SurveyArg, as_json: JsonOpt = False) -> None:
    """Make the signed, single-use link for the self-service page (replaces older links)."""
    from itsm_tui.workflow.quality import surveys

    st = state(ctx)
    made = surveys.make_link(st.site, st.actor(), survey)
    if as_json:
        print_object(made)
    else:
        say(
            _("{link}  (until {until})").format(
                link=made.link, until=local(made.expires_at, st.settings.zone)
            )
        )


@app.command("next")
def next_(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Take the next caller to ring back from the callback queue (held for you 15 minutes)."""
    from itsm_tui.workflow.quality import surveys

    st = state(ctx)
    view = surveys.take_next_callback(st.site, st.actor())
    asked = surveys.survey_questions(st.site, st.actor())  # what to ask them, in the site's words
    if as_json:
        print_object({"survey": view, "questions": asked})
    elif view is None:
        say(_("No survey waits for a callback."))
    else:
        _fields(view, st.settings.zone)
        _ask(asked)


@app.command("expire")
def expire(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Expire the surveys whose window has passed (the scheduler does this every hour)."""
    from itsm_tui.workflow.quality import surveys

    st = state(ctx)
    count = surveys.expire_surveys(st.site, st.actor())
    print_object({"expired": count}) if as_json else say(
        _("{count} surveys expired").format(count=count)
    )
