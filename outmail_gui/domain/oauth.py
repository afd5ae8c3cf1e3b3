"""OAuth 2.0 settings of an SMTP server (Exchange Online XOAUTH2), their defaults and rules.

Exchange Online retires basic SMTP AUTH; a record that ticks "Use OAuth 2.0 Authentication"
sends as ``mailbox`` with a bearer token from Microsoft Entra ID instead of a password.
The client secret is never part of these settings: it lives in the keyring only.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit

from outmail_gui.domain.addresses import address_problem, has_control_characters, host_problem
from outmail_gui.domain.expiry import ExpiryState, certificate_expiry_message, expiry_sentence, expiry_state
from outmail_gui.domain.rules import Issue, Severity

MICROSOFT_AUTHORITY_HOST = "login.microsoftonline.com"
# Hosts Microsoft itself runs (public and sovereign clouds): MSAL validates them itself.
MICROSOFT_AUTHORITY_HOSTS = frozenset(
    {
        MICROSOFT_AUTHORITY_HOST,
        "login.microsoft.com",
        "login.microsoftonline.us",
        "login.partner.microsoftonline.cn",
        "login.chinacloudapi.cn",
    }
)
APP_ONLY_SCOPES: tuple[str, ...] = ("https://outlook.office365.com/.default",)
DELEGATED_SCOPES: tuple[str, ...] = ("https://outlook.office.com/SMTP.Send", "offline_access")
MULTI_TENANT_ALIASES = frozenset({"common", "organizations", "consumers"})
# A pattern text, compiled on first use (re's cache): the window's start does not check an ID.
_GUID = r"(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class GrantType(enum.StrEnum):
    """How the token is obtained. Client credentials is app-only; the others act for a user."""

    CLIENT_CREDENTIALS = "client_credentials"
    DEVICE_CODE = "device_code"
    AUTHORIZATION_CODE = "authorization_code"

    @property
    def label(self) -> str:
        return _GRANT_LABELS[self]

    @property
    def delegated(self) -> bool:
        return self is not GrantType.CLIENT_CREDENTIALS

    @property
    def scopes(self) -> tuple[str, ...]:
        return DELEGATED_SCOPES if self.delegated else APP_ONLY_SCOPES

    @property
    def needs_client_secret(self) -> bool:
        """Only the app-only grant uses a confidential client; the others are public clients."""
        return not self.delegated


_GRANT_LABELS = {
    GrantType.CLIENT_CREDENTIALS: "Client credentials (app-only)",
    GrantType.DEVICE_CODE: "Device code (sign in on another device)",
    GrantType.AUTHORIZATION_CODE: "Authorization code (sign in in the browser)",
}


@dataclass(frozen=True, slots=True)
class OAuthSettings:
    """Token settings of one SMTP server; stored beside it, keyed by the server's id.

    ``tenant`` is a tenant ID or domain (``contoso.onmicrosoft.com``) or a full authority
    URL (sovereign clouds, test servers). ``mailbox`` is the user the token sends as.
    """

    enabled: bool = False
    tenant: str = ""
    client_id: str = ""
    grant_type: GrantType = GrantType.CLIENT_CREDENTIALS
    mailbox: str = ""
    client_secret_expires: dt.date | None = None

    @property
    def authority(self) -> str:
        text = self.tenant.strip()
        if is_authority_url(text):
            return text.rstrip("/")
        return f"https://{MICROSOFT_AUTHORITY_HOST}/{text or 'organizations'}"

    @property
    def authority_host(self) -> str:
        return (urlsplit(self.authority).hostname or "").lower()

    @property
    def is_microsoft_authority(self) -> bool:
        return self.authority_host in MICROSOFT_AUTHORITY_HOSTS

    def with_changes(self, **changes: Any) -> OAuthSettings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping for export; holds no secret and no token."""
        return {
            "enabled": self.enabled,
            "tenant": self.tenant,
            "client_id": self.client_id,
            "grant_type": self.grant_type.value,
            "mailbox": self.mailbox,
            "client_secret_expires": self.client_secret_expires.isoformat() if self.client_secret_expires else None,
        }


def is_authority_url(text: str) -> bool:
    return text.strip().lower().startswith(("https://", "http://"))


def oauth_from_dict(data: Mapping[str, Any]) -> OAuthSettings:
    """Settings from an export/import mapping; raises ValueError/TypeError with a readable message."""
    known = {f.name for f in fields(OAuthSettings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown OAuth field(s): {', '.join(unknown)}")
    enabled = data.get("enabled", False)
    if not isinstance(enabled, bool):
        raise TypeError("oauth.enabled must be true or false")
    texts: dict[str, str] = {}
    for key in ("tenant", "client_id", "mailbox"):
        value = data.get(key, "")
        if not isinstance(value, str):
            raise TypeError(f"oauth.{key} must be text")
        texts[key] = value
    try:
        grant = GrantType(str(data.get("grant_type", GrantType.CLIENT_CREDENTIALS.value)))
    except ValueError:
        raise ValueError(f"oauth.grant_type must be one of {', '.join(g.value for g in GrantType)}") from None
    expires_raw = data.get("client_secret_expires")
    expires: dt.date | None = None
    if expires_raw not in (None, ""):
        if not isinstance(expires_raw, str):
            raise TypeError("oauth.client_secret_expires must be a date (YYYY-MM-DD) or null")
        try:
            expires = dt.date.fromisoformat(expires_raw)
        except ValueError:
            raise ValueError(f"oauth.client_secret_expires is not a date: {expires_raw!r}") from None
    return OAuthSettings(enabled=enabled, grant_type=grant, client_secret_expires=expires, **texts)


class SecretExpiry(enum.StrEnum):
    UNKNOWN = "unknown"
    OK = "ok"
    SOON = "soon"
    EXPIRED = "expired"


def secret_expiry(settings: OAuthSettings, today: dt.date | None = None) -> tuple[SecretExpiry, int | None]:
    """State of the client secret's expiry date (the rule of :mod:`~outmail_gui.domain.expiry`) and
    the days left (negative once expired)."""
    if not settings.enabled or not settings.grant_type.needs_client_secret or settings.client_secret_expires is None:
        return SecretExpiry.UNKNOWN, None
    now = dt.datetime.combine(today, dt.time(), dt.UTC) if today is not None else None
    state, days = expiry_state(settings.client_secret_expires, now)
    return SecretExpiry(state.value), days


def secret_expiry_message(settings: OAuthSettings, today: dt.date | None = None) -> str:
    """One sentence for the list and the form, or "" when nothing needs saying."""
    state, days = secret_expiry(settings, today)
    expires = settings.client_secret_expires
    if expires is None or state in (SecretExpiry.UNKNOWN, SecretExpiry.OK):
        return ""
    text = expiry_sentence("The client secret", expires, ExpiryState(state.value), days)
    if state is SecretExpiry.EXPIRED:
        return f"{text}: create a new one in the app registration and enter it."
    return f"{text}: create a new one before then."


def validate_oauth(settings: OAuthSettings, today: dt.date | None = None) -> list[Issue]:
    """Issues of the token settings; nothing to say while OAuth 2.0 is not enabled."""
    if not settings.enabled:
        return []
    issues: list[Issue] = []
    issues += _tenant_issues(settings)
    client_id = settings.client_id.strip()
    if not client_id:
        issues.append(Issue("oauth_client_id", Severity.ERROR, "Enter the application (client) ID."))
    elif has_control_characters(settings.client_id) or " " in client_id:
        issues.append(Issue("oauth_client_id", Severity.ERROR, "The client ID cannot contain spaces or line breaks."))
    elif settings.is_microsoft_authority and not re.match(_GUID, client_id):
        issues.append(
            Issue(
                "oauth_client_id",
                Severity.WARNING,
                "Microsoft application (client) IDs look like 00000000-0000-0000-0000-000000000000.",
            )
        )
    problem = address_problem(settings.mailbox)
    if problem:
        issues.append(Issue("oauth_mailbox", Severity.ERROR, f"Mailbox: {problem}"))
    message = secret_expiry_message(settings, today)
    if message:
        issues.append(Issue("oauth_client_secret_expires", Severity.WARNING, message))
    return issues


def _tenant_issues(settings: OAuthSettings) -> list[Issue]:
    text = settings.tenant.strip()
    if not text:
        return [Issue("oauth_tenant", Severity.ERROR, "Enter the tenant ID or domain, or a full authority URL.")]
    if has_control_characters(settings.tenant):
        return [Issue("oauth_tenant", Severity.ERROR, "Line breaks and other control characters are not allowed here.")]
    if is_authority_url(text):
        parts = urlsplit(text)
        if parts.scheme.lower() != "https":
            return [Issue("oauth_tenant", Severity.ERROR, "The authority URL must start with https://.")]
        host_issue = host_problem(parts.hostname or "")
        if host_issue:
            return [Issue("oauth_tenant", Severity.ERROR, f"Authority URL: {host_issue}")]
        if not parts.path.strip("/"):
            return [Issue("oauth_tenant", Severity.ERROR, "The authority URL must end with the tenant.")]
        return []
    if text.lower() in MULTI_TENANT_ALIASES:
        if not settings.grant_type.delegated:
            return [
                Issue(
                    "oauth_tenant",
                    Severity.ERROR,
                    f"App-only tokens need your own tenant: enter its ID or domain, not {text!r}.",
                )
            ]
        return []
    if re.match(_GUID, text):
        return []
    problem = host_problem(text)
    if problem or "." not in text:
        return [
            Issue(
                "oauth_tenant",
                Severity.ERROR,
                "Enter the directory (tenant) ID, a domain such as contoso.onmicrosoft.com, or an https:// URL.",
            )
        ]
    return []


def expiry_flags(
    settings_by_server: Mapping[str, OAuthSettings],
    certificates: Mapping[str, dt.datetime | None] | None = None,
    today: dt.date | None = None,
) -> dict[str, str]:
    """Server id -> what needs renewing within the warning days, with its date, for the list and Routing:
    the certificate the server's last test saw (``certificates``), and the OAuth 2.0 client secret."""
    now = dt.datetime.combine(today, dt.time(), dt.UTC) if today is not None else None
    flags: dict[str, list[str]] = {}
    for sid, expires in (certificates or {}).items():
        text = certificate_expiry_message(expires, now)
        if text:
            flags.setdefault(sid, []).append(text)
    for sid, settings in settings_by_server.items():
        text = secret_expiry_message(settings, today)
        if text:
            flags.setdefault(sid, []).append(text)
    return {sid: " ".join(texts) for sid, texts in flags.items()}
