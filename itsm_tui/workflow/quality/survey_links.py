"""The signed link a caller answers a survey with on the self-service page: single use,
expiring with the survey, signed with the site's own secret (HMAC-SHA256, stdlib only).

A token is ``<survey id>.<expiry, epoch seconds>.<nonce>.<signature>``. The nonce is stored on
the survey: making a new link replaces it (older links stop working), and answering closes the
survey, so a token answers at most once. The secret is made on first use and kept in the
database's settings (never shown by ``itsm settings``), so every front door of one site signs
and checks alike.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import N_
from itsm_tui.storage.tables import SiteSetting
from itsm_tui.workflow.site_settings import forget, stored_setting

SECRET_KEY = "survey_link_secret"
#: Where the self-service page answers a token (its own issue builds the page).
LINK_PATH = "/survey/"


@dataclass(frozen=True)
class Token:
    survey_id: int
    expires: int  # epoch seconds
    nonce: str


def site_secret(session: Session, now: datetime) -> bytes:
    """The site's signing secret, made (and stored) the first time a link is made."""
    stored = stored_setting(session, SECRET_KEY)
    if isinstance(stored, str) and stored:
        return stored.encode()
    secret = secrets.token_hex(32)
    session.add(SiteSetting(key=SECRET_KEY, value=secret, updated_at=now))
    session.flush()
    forget(session)
    return secret.encode()


def _signature(secret: bytes, payload: str) -> str:
    digest = hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(secret: bytes, survey_id: int, expires_at: datetime, nonce: str) -> str:
    payload = f"{survey_id}.{int(expires_at.timestamp())}.{nonce}"
    return f"{payload}.{_signature(secret, payload)}"


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


def read_token(secret: bytes, token: str, now: datetime) -> Token:
    """The token's fields once its signature and expiry are checked; any tampering, a token
    from another site or one past its time is refused without saying which (no oracle)."""
    parts = token.strip().split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
        raise Invalid(N_("This survey link is not valid."), field="token")
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_signature(secret, payload), parts[3]):
        raise Invalid(N_("This survey link is not valid."), field="token")
    expires = int(parts[1])
    if datetime.fromtimestamp(expires, UTC) <= now:
        raise Invalid(N_("This survey link has expired."), field="token")
    return Token(int(parts[0]), expires, parts[2])
