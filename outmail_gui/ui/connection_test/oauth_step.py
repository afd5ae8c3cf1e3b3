"""The OAuth 2.0 step of a connection test: the token, fetched off the GUI thread.

A server with "Use OAuth 2.0 Authentication" ticked logs in with XOAUTH2 as its mailbox. Its
token is fetched (and silently refreshed) on the worker thread, as the test's first step
("oauth"); it goes into the request only, never into a report, the history or the clipboard.
The OAuth modules (and MSAL) load on first use, never at window start.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.store.secrets import SecretStore

if TYPE_CHECKING:
    from outmail_gui.oauth.errors import OAuthError
    from outmail_gui.oauth.manager import TokenManager
    from outmail_gui.probe.report import ProbeReport
    from outmail_gui.probe.request import ProbeRequest
    from outmail_gui.ui.connection_test.worker import Preparation

OAUTH_STEP = "oauth"
_SET_UP = "Press Manage Token…, enter the missing settings, then Authorize; then test again."
_AUTHORIZE = "Press Manage Token…, then Authorize, to get a token for this server; then test again."
_SECRET = "Press Manage Token…, enter the client secret's value, then Authorize; then test again."


class TokenManagers:
    """The window's OAuth 2.0 token manager, made on first use by whichever thread needs it
    (MSAL loads then: never at window start, never on the GUI thread for a test)."""

    def __init__(self, data_dir: Path, secrets: SecretStore) -> None:
        self._data_dir = data_dir
        self._secrets = secrets
        self._lock = threading.Lock()
        self._manager: TokenManager | None = None

    def __call__(self) -> TokenManager:
        with self._lock:
            if self._manager is None:
                from outmail_gui.oauth.manager import TokenManager

                self._manager = TokenManager.for_data_dir(self._data_dir, self._secrets)
            return self._manager


def with_oauth_step(
    request: ProbeRequest, server_id: str, oauth: OAuthSettings, managers: Callable[[], TokenManager]
) -> tuple[ProbeRequest, Preparation]:
    """The request logging in with XOAUTH2 as the mailbox, and the step that adds its token
    (off the GUI thread, just before the test): one place for Test connection and Test all."""
    from outmail_gui.oauth.probe_support import with_oauth

    return with_oauth(request, oauth, ""), oauth_preparation(server_id, oauth, managers)


def oauth_preparation(server_id: str, oauth: OAuthSettings, managers: Callable[[], TokenManager]) -> Preparation:
    """The test's first step for an OAuth 2.0 server: a valid token (refreshed when needed),
    and afterwards what a rejected token means. Both run off the GUI thread."""
    from outmail_gui.ui.connection_test.worker import Preparation, PreparationFailed

    def prepare(request: ProbeRequest) -> tuple[ProbeRequest, str]:
        from outmail_gui.oauth.errors import OAuthError
        from outmail_gui.oauth.probe_support import prepared_request

        try:
            return prepared_request(request, server_id, oauth, managers())
        except OAuthError as exc:
            raise PreparationFailed(exc.message, _token_hint(exc), "oauth") from None

    def explain(report: ProbeReport) -> None:
        from outmail_gui.oauth.probe_support import explain_oauth_result

        explain_oauth_result(report, oauth)

    return Preparation(OAUTH_STEP, "Getting the OAuth 2.0 token (refreshed when needed)…", prepare, explain)


def _token_hint(exc: OAuthError) -> str:
    if exc.code == "not_set_up":
        return _SET_UP
    if exc.code in ("no_secret", "invalid_client") or exc.field == "oauth_client_secret":
        return _SECRET
    if exc.code == "keyring":
        return "Unlock or set up the system keyring, then test again."
    if exc.code in ("no_token", "invalid_grant", "cache_unreadable"):
        return _AUTHORIZE
    return "Check the settings in Manage Token…, then Authorize; then test again."
