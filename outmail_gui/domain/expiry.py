"""When an expiry date needs attention: certificates and OAuth 2.0 client secrets, one rule.

The window marks a server whose certificate or client secret expires within the warning days;
``outmail-gui check`` reports the same as WARNING, and as CRITICAL within the critical days or
once expired. Days are whole days left, rounded down (a certificate with 20.9 days left has 20).
"""

from __future__ import annotations

import datetime as dt
import enum

DEFAULT_WARN_DAYS = 21
DEFAULT_CRITICAL_DAYS = 7


class ExpiryState(enum.StrEnum):
    UNKNOWN = "unknown"  # no date known
    OK = "ok"
    SOON = "soon"  # within the warning days
    CRITICAL = "critical"  # within the critical days
    EXPIRED = "expired"


def days_left(expires: dt.date | dt.datetime, now: dt.datetime | None = None) -> int:
    """Whole days until ``expires`` (negative once past); a date expires at the end of that day (UTC)."""
    moment = now or dt.datetime.now(dt.UTC)
    if isinstance(expires, dt.datetime):
        return (expires - moment).days
    return (expires - moment.astimezone(dt.UTC).date()).days


def expiry_state(
    expires: dt.date | dt.datetime | None,
    now: dt.datetime | None = None,
    *,
    warn_days: int = DEFAULT_WARN_DAYS,
    critical_days: int = -1,
) -> tuple[ExpiryState, int | None]:
    """The state of ``expires`` and the days left; ``critical_days`` -1: no critical level."""
    if expires is None:
        return ExpiryState.UNKNOWN, None
    days = days_left(expires, now)
    if days < 0:
        return ExpiryState.EXPIRED, days
    if days <= critical_days:
        return ExpiryState.CRITICAL, days
    if days <= warn_days:
        return ExpiryState.SOON, days
    return ExpiryState.OK, days


def expiry_sentence(what: str, expires: dt.date | dt.datetime, state: ExpiryState, days: int | None) -> str:
    """``The server's certificate expires in 5 days (2026-12-08)``; "" when the state needs no words."""
    when = expires.date().isoformat() if isinstance(expires, dt.datetime) else expires.isoformat()
    if state is ExpiryState.EXPIRED:
        return f"{what} expired on {when}"
    if state in (ExpiryState.SOON, ExpiryState.CRITICAL) and days is not None:
        left = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        return f"{what} expires {left} ({when})"
    return ""


CERTIFICATE = "The server's certificate"
CLIENT_SECRET = "The OAuth 2.0 client secret"


def certificate_expiry_message(
    expires: dt.datetime | None, now: dt.datetime | None = None, warn_days: int = DEFAULT_WARN_DAYS
) -> str:
    """One sentence for the list and Routing, or "" when the certificate needs no attention yet."""
    if expires is None:
        return ""
    state, days = expiry_state(expires, now, warn_days=warn_days)
    text = expiry_sentence(CERTIFICATE, expires, state, days)
    if state is ExpiryState.EXPIRED:
        return text + ": the server must install a new one."
    return text + ": it must be renewed before then." if text else ""
