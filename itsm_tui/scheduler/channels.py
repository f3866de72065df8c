"""Notification channels: e-mail over SMTP and a generic JSON webhook (standard library only).

Each channel is a callable ``send(address, payload)`` that raises on any failure; the outbox
(``workflow.sla.outbox``) owns retrying. :func:`channels_from` builds the ones a site configured.
"""

from __future__ import annotations

import json
import smtplib
import urllib.request
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from itsm_tui.common.config import Settings
from itsm_tui.common.i18n import translator
from itsm_tui.common.textsafe import one_line, visible

TIMEOUT = 10  # seconds; a hung server must not hold the delivery job
#: Characters of the alert's message in the subject: enough for "[SLA] <number> <title>" on
#: one screen line of a mail client; the body carries the whole message.
SUBJECT_MAX = 150

Sender = Callable[[str, Mapping[str, Any]], None]


def smtp_sender(host: str, port: int, sender: str) -> Sender:
    """Plain-text e-mail, subject "[SLA] <message>", UTF-8 (Chinese titles stay readable).

    The message carries a ticket title, which is user text: the subject gets it on one line
    (a CR/LF would make every send of this alert fail, or forge a header) with its controls
    escaped, so a title cannot retitle the terminal that shows the mail; the body gets it with
    its controls escaped."""

    def send(address: str, payload: Mapping[str, Any]) -> None:
        if payload.get("kind") == "report":
            _send_report(host, port, sender, address, payload)
            return
        message = EmailMessage()
        message["From"] = sender
        message["To"] = address
        text = str(payload.get("message", ""))
        _ = translator(payload.get("language"))  # the site's language (None: the scheduler's)
        message["Subject"] = f"[SLA] {one_line(text, SUBJECT_MAX)}"
        message.set_content(
            visible(text)
            + "\n\n"
            + _("Ticket: {ticket}").format(ticket=payload.get("ticket"))
            + "\n"
            + _("Threshold: {kind}, due {due}").format(
                kind=payload.get("kind"), due=payload.get("due_at")
            )
            + "\n"
            + _("You are notified as: {target}").format(target=payload.get("target"))
            + "\n"
        )
        with smtplib.SMTP(host, port, timeout=TIMEOUT) as smtp:
            smtp.send_message(message)

    return send


def _send_report(
    host: str, port: int, sender: str, address: str, payload: Mapping[str, Any]
) -> None:
    """A KPI report: subject "[KPI] KPI report 2026-11", the HTML file attached (a report
    missing from the folder fails the send, which the outbox retries and then gives up)."""
    path = Path(str(payload.get("path", "")))
    _ = translator(payload.get("language"))  # the site's language (None: the scheduler's)
    period = str(payload.get("period"))
    message = EmailMessage()
    message["From"] = sender
    message["To"] = address
    title = _("KPI report {period}").format(period=period)
    message["Subject"] = f"[KPI] {one_line(title, SUBJECT_MAX)}"
    message.set_content(
        _("The KPI report for {period} is attached.").format(period=visible(period))
        + "\n"
        + _("It is kept at {path}.").format(path=visible(str(path)))
        + "\n"
    )
    message.add_attachment(path.read_bytes(), maintype="text", subtype="html", filename=path.name)
    with smtplib.SMTP(host, port, timeout=TIMEOUT) as smtp:
        smtp.send_message(message)


def webhook_sender() -> Sender:
    """POST the payload as JSON to the address; any non-2xx answer is a failure."""

    def send(address: str, payload: Mapping[str, Any]) -> None:
        body = json.dumps(dict(payload), ensure_ascii=False).encode()
        request = urllib.request.Request(
            address, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            if not 200 <= response.status < 300:
                raise RuntimeError(f"webhook answered {response.status}")

    return send


def channels_from(settings: Settings) -> dict[str, Sender]:
    channels: dict[str, Sender] = {}
    if settings.smtp_host:
        channels["email"] = smtp_sender(
            settings.smtp_host, settings.smtp_port, settings.smtp_sender
        )
    if settings.webhook_url:
        channels["webhook"] = webhook_sender()
    return channels
