"""Ids typed on the command line, checked where they enter: an id beyond the database's
64-bit range (``--after 9223372036854775808``, ``caller show '#99999999999999999999'``) is a
usage error naming the option, never a driver's overflow deep inside a query."""

from __future__ import annotations

from typing import Annotated

import typer

from itsm_tui.common.i18n import N_, _
from itsm_tui.common.ids import MAX_ID, is_id_ref, parse_id
from itsm_tui.common.textsafe import one_line

#: How much of a refused value the message repeats.
_ECHO = 40


def after_id(value: str) -> int:
    """``--after``: a row id from a previous page's ``next``."""
    parsed = parse_id(value)
    if parsed is None:
        raise typer.BadParameter(
            _("'{value}' is not an id: ids are whole numbers 0 to {max_id}.").format(
                value=one_line(value, _ECHO), max_id=MAX_ID
            )
        )
    return parsed


def reference(value: str) -> str:
    """A reference that may be ``#id``: the id must be one a row can have; anything else
    (a name, a phone, an asset tag) goes on to the lookup as typed."""
    if is_id_ref(value) and parse_id(value.strip()[1:]) is None:
        raise typer.BadParameter(
            _("'{value}' is not an id: ids run from #0 to #{max_id}.").format(
                value=one_line(value, _ECHO), max_id=MAX_ID
            )
        )
    return value


AfterOpt = Annotated[
    int | None,
    typer.Option(
        parser=after_id,
        metavar="ID",
        help=N_("Continue after this id (the previous page's next)."),
    ),
]
