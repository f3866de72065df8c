"""``itsm complaint``: log complaints, review them (valid or invalid, with a reason), follow
them up and close them; list and show them with their history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

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
from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_, _, status_text

if TYPE_CHECKING:
    from itsm_tui.workflow.quality.complaints import ComplaintView

app = typer.Typer(help=N_("Complaints: logged, reviewed (valid or invalid), followed up, closed."))

ComplaintArg = Annotated[str, typer.Argument(metavar="ID", help=N_("Complaint number, e.g. #12."))]
VersionOpt = Annotated[int | None, typer.Option("--expect-version", metavar="N")]


def _when(text: str | None, zone: Any) -> datetime | None:
    """An ISO 8601 time; without an offset, in the site's zone."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            "received must be an ISO 8601 time, e.g. 2026-11-20T10:00.", field="--received"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=zone)


def _show(view: ComplaintView, zone: Any, as_json: bool) -> None:
    if as_json:
        print_object(view)
        return
    print_fields(
        [
            (N_("complaint"), f"#{view.id} ({status_text(view.status)})"),
            (N_("against"), ", ".join(x for x in (view.staff, view.ticket) if x)),
            (N_("group"), view.group),
            (N_("channel"), view.channel),
            (N_("received"), local(view.received_at, zone)),
            (N_("text"), view.text),
            (N_("verdict"), status_text(view.verdict) if view.verdict else None),
            (N_("reason"), view.reason),
            (N_("reviewer"), view.reviewer),
            (N_("follow-up"), view.follow_up),
        ]
    )
    for event in view.history:
        say(f"  {local(event.at, zone)}  {event.actor or _('system')}  {event.action}")


@app.command("add")
def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Option(help=N_("What the caller complained of."))],
    ticket: Annotated[str | None, typer.Option(help=N_("The ticket complained about."))] = None,
    staff: Annotated[
        str | None, typer.Option(help=N_("The staff member complained about."))
    ] = None,
    group: Annotated[
        str | None, typer.Option(help=N_("Their group (default: the ticket's)."))
    ] = None,
    channel: Annotated[str, typer.Option(help=N_("phone, walk_in, email, web."))] = "phone",
    received: Annotated[
        str | None, typer.Option(help=N_("When it was received (default now), ISO 8601."))
    ] = None,
    as_json: JsonOpt = False,
    only_id: QuietOpt = False,
) -> None:
    """Log a complaint against a ticket, a staff member, or both."""
    from itsm_tui.workflow.quality import complaints

    st = state(ctx)
    view = complaints.add_complaint(
        st.site,
        st.actor(),
        text=text,
        ticket=ticket,
        staff=staff,
        group=group,
        channel=channel,
        received_at=_when(received, st.settings.zone),
    )
    if only_id:
        quiet(f"#{view.id}")
    else:
        print_object(view) if as_json else say(_("complaint #{id} received").format(id=view.id))


@app.command("review")
def review(
    ctx: typer.Context,
    complaint: ComplaintArg,
    verdict: Annotated[
        str | None, typer.Option(help=N_("valid or invalid; without it: take it under review."))
    ] = None,
    reason: Annotated[str, typer.Option(help=N_("Why (required with --verdict)."))] = "",
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Take a complaint under review, or judge it valid or invalid (again, to re-judge)."""
    from itsm_tui.workflow.quality import complaints

    st = state(ctx)
    if verdict is None:
        view = complaints.start_review(
            st.site, st.actor(), complaint, expected_version=expect_version
        )
    else:
        view = complaints.judge(
            st.site,
            st.actor(),
            complaint,
            verdict=verdict,
            reason=reason,
            expected_version=expect_version,
        )
    print_object(view) if as_json else say(
        _("complaint #{id} is {status}").format(id=view.id, status=view.status)
    )


@app.command("follow-up")
def follow_up(
    ctx: typer.Context,
    complaint: ComplaintArg,
    text: Annotated[str, typer.Option(help=N_("What was done about it."))],
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the follow-up of a complaint."""
    from itsm_tui.workflow.quality import complaints

    st = state(ctx)
    view = complaints.follow_up(
        st.site, st.actor(), complaint, text=text, expected_version=expect_version
    )
    print_object(view) if as_json else say(_("complaint #{id} followed up").format(id=view.id))


@app.command("close")
def close(
    ctx: typer.Context,
    complaint: ComplaintArg,
    expect_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close a judged complaint."""
    from itsm_tui.workflow.quality import complaints

    st = state(ctx)
    view = complaints.close_complaint(
        st.site, st.actor(), complaint, expected_version=expect_version
    )
    print_object(view) if as_json else say(_("complaint #{id} closed").format(id=view.id))


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help=N_("received, under_review, …"))] = None,
    staff: Annotated[str | None, typer.Option(help=N_("Against this login."))] = None,
    after: AfterOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List complaints, newest first."""
    from itsm_tui.workflow.quality import complaints

    st = state(ctx)
    views, cursor = complaints.list_complaints(
        st.site, st.actor(), status=status, staff=staff, after=after, limit=limit
    )
    if as_json:
        print_list(views, cursor)
        return
    zone = st.settings.zone
    print_table(
        ["id", "status", "verdict", N_("staff"), "ticket", "received", "text"],
        [
            (
                f"#{v.id}",
                v.status,
                v.verdict,
                v.staff,
                v.ticket,
                local(v.received_at, zone),
                v.text[:40],
            )
            for v in views
        ],
    )
    if cursor is not None:
        say(_("more: --after {cursor}").format(cursor=cursor))


@app.command("show")
def show(ctx: typer.Context, complaint: ComplaintArg, as_json: JsonOpt = False) -> None:
    """Show a complaint and every step it went through."""
    from itsm_tui.workflow.quality import complaints

    st = state(ctx)
    _show(complaints.show_complaint(st.site, st.actor(), complaint), st.settings.zone, as_json)
