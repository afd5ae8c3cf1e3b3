"""Identity-provider and SMTP failures of OAuth 2.0, explained in the administrator's terms.

Messages name the setting to change (``field``: an OAuth field of the token details) and
never quote a token, a secret or a full server response that could echo one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from outmail_gui.domain.oauth import GrantType

_AADSTS = re.compile(r"\bAADSTS(\d+)\b")


class OAuthError(Exception):
    """A token could not be obtained or used; ``message`` is safe to show and log."""

    def __init__(self, message: str, *, code: str = "", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class OAuthCancelled(OAuthError):
    def __init__(self) -> None:
        super().__init__("Authorization was cancelled.", code="cancelled")


class KeyringUnavailable(OAuthError):
    """The OS keyring cannot be used, so nothing secret can be kept (never a plain-text fallback)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The system keyring is not available ({detail}): OAuth 2.0 tokens and secrets are kept only "
            "in the keyring or in a file whose key is in the keyring, so nothing was stored.",
            code="keyring",
        )


SECRET_WRONG = (
    "The client secret is wrong or has expired. Create a new client secret under Certificates & secrets "
    "in the app registration and enter its value (not its ID)."
)
CONSENT_MISSING = (
    "Consent is missing: an administrator must grant admin consent to the app's API permissions "
    "(SMTP.Send for delegated sign-in, SMTP.SendAsApp of Office 365 Exchange Online for app-only)."
)
GRANT_REVOKED = "The saved sign-in was revoked or has expired (password change, sign-out or policy): use Re-authorize."
APP_UNKNOWN = "This application (client) ID is not registered in the tenant: check the client ID and the tenant."
TENANT_UNKNOWN = "The tenant was not found: check the directory (tenant) ID or domain."
DECLINED = "The sign-in was declined or abandoned in the browser."
CODE_EXPIRED = "The code expired before the sign-in finished: start again."
PUBLIC_CLIENT_OFF = (
    "The app registration does not allow this sign-in: under Authentication, enable 'Allow public client "
    "flows' (device code) or add the 'Mobile and desktop applications' redirect URI http://localhost."
)

_BY_AADSTS: dict[int, tuple[str, str, str | None]] = {
    7000215: (SECRET_WRONG, "invalid_client", "oauth_client_secret"),
    7000222: (SECRET_WRONG, "invalid_client", "oauth_client_secret"),
    65001: (CONSENT_MISSING, "consent_required", None),
    700016: (APP_UNKNOWN, "unauthorized_client", "oauth_client_id"),
    90002: (TENANT_UNKNOWN, "invalid_tenant", "oauth_tenant"),
    50173: (GRANT_REVOKED, "invalid_grant", None),
    700082: (GRANT_REVOKED, "invalid_grant", None),
    70000: (GRANT_REVOKED, "invalid_grant", None),
    7000218: (PUBLIC_CLIENT_OFF, "invalid_client", None),
    50011: (PUBLIC_CLIENT_OFF, "invalid_request", None),
}

_BY_ERROR: dict[str, tuple[str, str | None]] = {
    "invalid_client": (SECRET_WRONG, "oauth_client_secret"),
    "consent_required": (CONSENT_MISSING, None),
    "invalid_grant": (GRANT_REVOKED, None),
    "unauthorized_client": (APP_UNKNOWN, "oauth_client_id"),
    "access_denied": (DECLINED, None),
    "authorization_declined": (DECLINED, None),
    "expired_token": (CODE_EXPIRED, None),
}


def _aadsts_codes(result: Mapping[str, Any]) -> list[int]:
    codes = [int(c) for c in result.get("error_codes") or () if isinstance(c, int | str) and str(c).isdigit()]
    codes += [int(m) for m in _AADSTS.findall(str(result.get("error_description", "")))]
    return codes


def from_token_response(result: Mapping[str, Any]) -> OAuthError:
    """The error for an MSAL result dict that carries ``error`` (never its tokens)."""
    error = str(result.get("error", "unknown_error"))
    for code in _aadsts_codes(result):
        if code in _BY_AADSTS:
            message, short, field = _BY_AADSTS[code]
            return OAuthError(f"{message} (AADSTS{code})", code=short, field=field)
    if error == "invalid_grant" and "consent" in str(result.get("error_description", "")).lower():
        return OAuthError(CONSENT_MISSING, code="consent_required")
    if error in _BY_ERROR:
        message, field = _BY_ERROR[error]
        return OAuthError(message, code=error, field=field)
    return OAuthError(f"The identity provider refused the request ({error}).", code=error)


def from_exception(exc: BaseException, authority: str) -> OAuthError:
    """The error for a network or discovery failure while talking to ``authority``."""
    name = type(exc).__name__
    text = str(exc)
    if "SSL" in name or "CERTIFICATE_VERIFY_FAILED" in text:
        return OAuthError(
            f"The identity provider's certificate at {authority} could not be verified.", code="tls", field=None
        )
    if "Unable to get authority configuration" in text or "invalid_instance" in text:
        return OAuthError(
            f"{authority} is not a valid authority: check the tenant ID or domain (or the authority URL).",
            code="invalid_authority",
            field="oauth_tenant",
        )
    if name in ("ConnectionError", "Timeout", "ConnectTimeout", "ReadTimeout"):
        return OAuthError(f"The identity provider at {authority} could not be reached ({name}).", code="network")
    return OAuthError(f"Talking to the identity provider failed ({name}).", code="unexpected")


# What a rejected sign-in means for OAuth 2.0: what to do first, then why; the commands an Exchange
# administrator runs come last (the reply itself, with its codes, is in the failed step).
SMTP_AUTH_DISABLED = (
    "Ask an Exchange administrator to enable SMTP AUTH for this mailbox: it is disabled for this tenant or "
    "mailbox. (Administrators: Set-CASMailbox -Identity <mailbox> -SmtpClientAuthenticationDisabled $false, "
    "or the tenant-wide Set-TransportConfig setting.)"
)
BASIC_AUTH_RETIRED = "Switch this server to OAuth 2.0: the server no longer accepts basic authentication (a password)."
APP_NOT_PERMITTED = (
    "Ask the Microsoft 365 administrator to let this app send as the mailbox: the mailbox does not accept the "
    "app's token. (Administrators: give the app the SMTP.SendAsApp permission with admin consent, register its "
    "service principal in Exchange with New-ServicePrincipal and grant it access to the mailbox with "
    "Add-MailboxPermission -AccessRights FullAccess.)"
)
USER_NOT_PERMITTED = (
    "Re-authorize, signed in as the mailbox's own user: the server rejected the token for this mailbox "
    "(the token must be the mailbox user's and carry SMTP.Send)."
)


def explain_smtp_rejection(code: int, text: str, grant: GrantType | None) -> str:
    """What an SMTP reply to XOAUTH2 (or to a password) means for OAuth 2.0, or ""."""
    lowered = text.lower()
    if "5.7.139" in text:
        return SMTP_AUTH_DISABLED
    if "5.7.30" in text or "basic authentication is not supported" in lowered:
        return BASIC_AUTH_RETIRED
    if code == 535 and grant is not None:
        return APP_NOT_PERMITTED if grant is GrantType.CLIENT_CREDENTIALS else USER_NOT_PERMITTED
    return ""


def offers_oauth_switch(code: int, text: str) -> bool:
    """A result that means: this server wants OAuth 2.0 instead of a password."""
    return "5.7.30" in text or "5.7.139" in text
