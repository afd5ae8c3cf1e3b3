"""What a token operation returns and what the token details show: no secret in any repr."""

from __future__ import annotations

import dataclasses
import datetime as dt

from outmail_gui.domain.oauth import GrantType


@dataclasses.dataclass(frozen=True, slots=True)
class AccessToken:
    """A bearer token for XOAUTH2. ``token`` is excluded from repr so it never lands in a log."""

    token: str = dataclasses.field(repr=False)
    expires_at: dt.datetime
    account: str  # the signed-in user, or "" for an app-only token
    from_cache: bool


@dataclasses.dataclass(frozen=True, slots=True)
class DeviceCodePrompt:
    """What the user must do on another device while the device-code grant waits."""

    user_code: str
    verification_uri: str
    message: str
    expires_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class TokenStatus:
    """Token details for the window and ``oauth status``: who, until when, last refreshed."""

    grant_type: GrantType
    authorized: bool
    account: str = ""
    expires_at: dt.datetime | None = None
    refreshed_at: dt.datetime | None = None
    can_refresh: bool = False
    problem: str = ""

    def expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or dt.datetime.now(dt.UTC))

    def to_dict(self) -> dict[str, object]:
        return {
            "grant_type": self.grant_type.value,
            "authorized": self.authorized,
            "account": self.account,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "refreshed_at": self.refreshed_at.isoformat() if self.refreshed_at else None,
            "can_refresh": self.can_refresh,
            "problem": self.problem,
        }


def from_epoch(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(str(value)), dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return None
