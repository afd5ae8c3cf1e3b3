"""HTTP sessions and MSAL client applications, built fresh for every token operation.

A fresh application per operation also means MSAL's in-memory throttling (it replays a
400 token response for 60 s) never outlives the attempt that caused it: a corrected
secret is tried at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import msal
import requests

from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.oauth.errors import OAuthError, from_exception

DEFAULT_TIMEOUT_S = 30.0
# MSAL adds these itself and refuses them in ``scopes``; Exchange's delegated scope list names one.
_RESERVED_SCOPES = frozenset({"openid", "profile", "offline_access"})


def msal_scopes(grant: GrantType) -> list[str]:
    return [s for s in grant.scopes if s not in _RESERVED_SCOPES]


def make_session(ca_file: str | None = None) -> requests.Session:
    """A session for the identity provider. With ``ca_file``, only that CA is trusted and the
    environment is ignored (``REQUESTS_CA_BUNDLE`` would otherwise override ``verify``)."""
    session = requests.Session()
    if ca_file:
        session.verify = ca_file
        session.trust_env = False
    return session


@contextlib.contextmanager
def client_application(
    settings: OAuthSettings,
    cache: Any,
    *,
    client_secret: str | None = None,
    ca_file: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> Iterator[msal.ClientApplication]:
    """A public client for the delegated grants, a confidential one (with the secret) for app-only."""
    session = make_session(ca_file)
    try:
        options: dict[str, Any] = {
            "authority": settings.authority,
            "http_client": session,
            "token_cache": cache,
            "timeout": timeout_s,
        }
        if not settings.is_microsoft_authority:
            options["instance_discovery"] = False  # a sovereign or test authority Microsoft cannot vouch for
        try:
            if settings.grant_type.needs_client_secret:
                if not client_secret:
                    raise OAuthError(
                        "Enter the client secret: the client credentials grant needs it.",
                        code="no_secret",
                        field="oauth_client_secret",
                    )
                app: msal.ClientApplication = msal.ConfidentialClientApplication(
                    settings.client_id.strip(), client_credential=client_secret, **options
                )
            else:
                app = msal.PublicClientApplication(settings.client_id.strip(), **options)
        except (ValueError, requests.RequestException) as exc:
            raise from_exception(exc, settings.authority) from None
        yield app
    finally:
        session.close()
