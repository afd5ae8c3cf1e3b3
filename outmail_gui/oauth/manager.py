"""Acquire, refresh, inspect and forget the OAuth 2.0 tokens of each SMTP server, with MSAL.

One encrypted cache per server (``<cache_dir>/<server id>.bin``); the window and the
command line share it. Nothing here imports Qt; the blocking calls (network, browser
wait, device-code polling) take a ``cancel`` event so a worker thread can stop them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import msal
import requests
from msal_extensions.persistence import PersistenceError

from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.oauth.cache import delete_cache_files, open_token_cache
from outmail_gui.oauth.errors import (
    CODE_EXPIRED,
    KeyringUnavailable,
    OAuthCancelled,
    OAuthError,
    from_exception,
    from_token_response,
)
from outmail_gui.oauth.keyring_blob import KeyringBlob, KeyringProblem
from outmail_gui.oauth.loopback import LoopbackReceiver
from outmail_gui.oauth.tokens import AccessToken, DeviceCodePrompt, TokenStatus, from_epoch
from outmail_gui.oauth.transport import DEFAULT_TIMEOUT_S, client_application, msal_scopes
from outmail_gui.seen_secrets import remember_secret
from outmail_gui.store.secrets import SecretStore

log = logging.getLogger(__name__)
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
BROWSER_TIMEOUT_S = 300.0
CACHE_DIR = "oauth-tokens"
_TYPES = msal.TokenCache.CredentialType
T = TypeVar("T")


def client_secret_entry(server_id: str) -> str:
    return f"{server_id}:oauth-client-secret"


class ClientSecrets:
    """Client secrets by server id (:class:`outmail_gui.store.secret_writes.SecretSlots`); raise OAuthError."""

    def __init__(self, manager: TokenManager) -> None:
        self._manager = manager

    def get(self, key: str) -> str | None:
        return self._manager.client_secret(key)

    def put(self, key: str, value: str | None) -> None:
        if value is None:
            self._manager.delete_client_secret(key)
        else:
            self._manager.set_client_secret(key, value)

    def where(self, key: str) -> str:
        return f"service {SecretStore.SERVICE!r}, user {client_secret_entry(key)!r}"


class TokenManager:
    def __init__(
        self,
        cache_dir: Path,
        keys: KeyringBlob,
        *,
        ca_file: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self._keys = keys
        self._ca_file = ca_file
        self._timeout_s = timeout_s

    @classmethod
    def for_data_dir(cls, data_dir: Path, secrets: SecretStore, *, ca_file: str | None = None) -> TokenManager:
        """The manager the window and the CLI share: caches beside the settings database."""
        return cls(Path(data_dir) / CACHE_DIR, KeyringBlob(secrets), ca_file=ca_file)

    def cache_path(self, server_id: str) -> Path:
        if not _SAFE_ID.match(server_id):
            raise ValueError("a server id is letters, digits, '-' and '_' only")
        return self.cache_dir / f"{server_id}.bin"

    # -- the client secret (keyring only) ----------------------------------------------------

    def client_secret(self, server_id: str) -> str | None:
        secret = self._keyring(lambda: self._keys.get(client_secret_entry(server_id)))
        if secret:
            remember_secret(secret)  # kept out of the log file and crash details
        return secret

    def set_client_secret(self, server_id: str, secret: str) -> None:
        remember_secret(secret)
        self._keyring(lambda: self._keys.set(client_secret_entry(server_id), secret))

    def delete_client_secret(self, server_id: str) -> None:
        self._keyring(lambda: self._keys.delete(client_secret_entry(server_id)))

    def client_secrets(self) -> ClientSecrets:
        """The client secrets as keyring slots, to be saved with the OAuth settings (store.secret_writes)."""
        return ClientSecrets(self)

    def delete_server(self, server_id: str) -> None:
        """Everything OAuth kept for a deleted server: its tokens and its client secret."""
        self.forget(server_id)
        self.delete_client_secret(server_id)

    @staticmethod
    def _keyring(action: Callable[[], T]) -> T:
        try:
            return action()
        except KeyringProblem as exc:
            raise KeyringUnavailable(exc.detail) from None

    @contextmanager
    def _app(self, server_id: str, settings: OAuthSettings, secret: str | None) -> Iterator[msal.ClientApplication]:
        if secret is None and settings.grant_type.needs_client_secret:
            secret = self.client_secret(server_id)
        cache = open_token_cache(self.cache_path(server_id), self._keys)
        try:
            with client_application(
                settings, cache, client_secret=secret, ca_file=self._ca_file, timeout_s=self._timeout_s
            ) as app:
                yield app
        except PersistenceError as exc:
            raise _cache_problem(exc) from None
        except (requests.RequestException, ValueError) as exc:
            raise from_exception(exc, settings.authority) from None

    # -- obtaining tokens -------------------------------------------------------------------

    def authorize(
        self,
        server_id: str,
        settings: OAuthSettings,
        *,
        client_secret: str | None = None,
        on_device_code: Callable[[DeviceCodePrompt], None] | None = None,
        open_browser: Callable[[str], bool] = webbrowser.open,
        cancel: threading.Event | None = None,
        timeout_s: float = BROWSER_TIMEOUT_S,
    ) -> AccessToken:
        """Get a new token with the settings' grant (blocks; run it on a worker thread)."""
        cancel = cancel or threading.Event()
        with self._app(server_id, settings, client_secret) as app:
            if settings.grant_type is GrantType.CLIENT_CREDENTIALS:
                _clear(app.token_cache)  # a fresh request proves the secret, instead of a cached token
                result = app.acquire_token_for_client(scopes=msal_scopes(settings.grant_type))
            elif settings.grant_type is GrantType.DEVICE_CODE:
                result = _device_code(app, settings, on_device_code, cancel)
            else:
                result = _browser(app, settings, open_browser, cancel, timeout_s)
            token = _token(result)
            if settings.grant_type.delegated:
                _keep_only_mailbox(app, settings, token)
        log.info("OAuth 2.0 token obtained for server %s (%s)", server_id, settings.grant_type.value)
        return token

    def token_for_test(
        self, server_id: str, settings: OAuthSettings, *, client_secret: str | None = None
    ) -> AccessToken:
        """A valid token for a connection test: the cached one, refreshed silently when it is
        (nearly) expired. Raises :class:`OAuthError` with ``code="no_token"`` when the
        server was never authorized."""
        with self._app(server_id, settings, client_secret) as app:
            if not settings.grant_type.delegated:
                return _token(app.acquire_token_for_client(scopes=msal_scopes(settings.grant_type)))
            accounts = app.get_accounts(username=settings.mailbox.strip())
            if not accounts:
                raise OAuthError(
                    f"There is no token for {settings.mailbox.strip()} yet: use Authorize.", code="no_token"
                )
            result = app.acquire_token_silent_with_error(msal_scopes(settings.grant_type), account=accounts[0])
            if result is None:
                raise OAuthError("The saved sign-in cannot be refreshed: use Re-authorize.", code="no_token")
            return _token(result, accounts[0].get("username", ""))

    # -- inspecting and forgetting ------------------------------------------------------------

    def status(self, server_id: str, settings: OAuthSettings) -> TokenStatus:
        """What the cache holds for this server, without any network traffic."""
        grant = settings.grant_type
        try:
            cache = open_token_cache(self.cache_path(server_id), self._keys)
            client = {"client_id": settings.client_id.strip()}
            if not grant.delegated:
                ats = list(cache.search(_TYPES.ACCESS_TOKEN, query=client))
                return _status(grant, "", ats, refreshable=False)
            mailbox = settings.mailbox.strip().casefold()
            accounts = [a for a in cache.search(_TYPES.ACCOUNT) if str(a.get("username", "")).casefold() == mailbox]
            if not accounts:
                return TokenStatus(grant, authorized=False)
            home = {**client, "home_account_id": accounts[0]["home_account_id"]}
            ats = list(cache.search(_TYPES.ACCESS_TOKEN, query=home))
            rts = list(cache.search(_TYPES.REFRESH_TOKEN, query=home))
            return _status(grant, str(accounts[0].get("username", "")), ats, refreshable=bool(rts))
        except PersistenceError as exc:
            return TokenStatus(grant, authorized=False, problem=_cache_problem(exc).message)

    def forget(self, server_id: str) -> None:
        """Remove every token of this server (also when its cache can no longer be decrypted)."""
        path = self.cache_path(server_id)
        try:
            if path.exists():
                _clear(open_token_cache(path, self._keys))
        except PersistenceError:
            log.warning("OAuth 2.0 token cache of server %s was unreadable; deleting it", server_id)
        delete_cache_files(path)


def _cache_problem(exc: PersistenceError) -> OAuthError:
    detail = str(getattr(exc, "strerror", "") or exc)
    if detail.startswith("keyring: "):
        return KeyringUnavailable(detail.removeprefix("keyring: "))
    return OAuthError(
        f"The saved token cannot be read ({detail}): use Forget token, then Authorize.", code="cache_unreadable"
    )


def _clear(cache: Any) -> None:
    for kind in (_TYPES.ACCESS_TOKEN, _TYPES.REFRESH_TOKEN, _TYPES.ID_TOKEN, _TYPES.ACCOUNT, _TYPES.APP_METADATA):
        for entry in list(cache.search(kind)):
            cache.modify(kind, entry)


def _token(result: Mapping[str, Any] | None, account: str = "") -> AccessToken:
    if not result:
        raise OAuthError("The identity provider returned no token.", code="no_token")
    if "access_token" not in result:
        raise from_token_response(result)
    claims = result.get("id_token_claims") or {}
    who = str(claims.get("preferred_username") or claims.get("upn") or account)
    expires_in = int(result.get("expires_in", 0))
    return AccessToken(
        token=str(result["access_token"]),
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=expires_in),
        account=who,
        from_cache=result.get("token_source") == "cache",
    )


def _status(grant: GrantType, account: str, ats: list[dict[str, Any]], *, refreshable: bool) -> TokenStatus:
    latest = max(ats, key=lambda at: int(at.get("expires_on", 0)), default=None)
    if latest is None and not refreshable:
        return TokenStatus(grant, authorized=False, account=account)
    return TokenStatus(
        grant,
        authorized=True,
        account=account,
        expires_at=from_epoch(latest.get("expires_on")) if latest else None,
        refreshed_at=from_epoch(latest.get("cached_at")) if latest else None,
        can_refresh=refreshable,
    )


def _device_code(
    app: msal.ClientApplication,
    settings: OAuthSettings,
    show: Callable[[DeviceCodePrompt], None] | None,
    cancel: threading.Event,
) -> Mapping[str, Any]:
    assert isinstance(app, msal.PublicClientApplication)
    flow = app.initiate_device_flow(scopes=msal_scopes(settings.grant_type))
    if "user_code" not in flow:
        raise from_token_response(flow)
    expires_at = float(flow.get("expires_at", time.time() + 900))
    if show is not None:
        show(
            DeviceCodePrompt(
                user_code=str(flow["user_code"]),
                verification_uri=str(flow.get("verification_uri") or flow.get("verification_url", "")),
                message=str(flow.get("message", "")),
                expires_at=dt.datetime.fromtimestamp(expires_at, dt.UTC),
            )
        )
    result: Mapping[str, Any] = app.acquire_token_by_device_flow(
        flow, exit_condition=lambda f: cancel.is_set() or float(f.get("expires_at", 0)) < time.time()
    )
    if "access_token" not in result:
        if cancel.is_set():
            raise OAuthCancelled()
        if result.get("error") in ("authorization_pending", "slow_down", "expired_token"):
            raise OAuthError(CODE_EXPIRED, code="expired_token")
    return result


def _browser(
    app: msal.ClientApplication,
    settings: OAuthSettings,
    open_browser: Callable[[str], bool],
    cancel: threading.Event,
    timeout_s: float,
) -> Mapping[str, Any]:
    with LoopbackReceiver() as receiver:
        flow = app.initiate_auth_code_flow(
            msal_scopes(settings.grant_type),
            redirect_uri=receiver.redirect_uri,
            login_hint=settings.mailbox.strip() or None,
            response_mode="form_post",
        )
        receiver.expect(str(flow["state"]))
        open_browser(str(flow["auth_uri"]))
        response = receiver.wait(timeout_s, cancel)
    if "error" in response:
        raise from_token_response(response)
    result: Mapping[str, Any] = app.acquire_token_by_auth_code_flow(flow, response)
    return result


def _keep_only_mailbox(app: msal.ClientApplication, settings: OAuthSettings, token: AccessToken) -> None:
    """A delegated token must be the mailbox user's own: anything else is dropped, never kept."""
    mailbox = settings.mailbox.strip()
    for account in app.get_accounts():
        if str(account.get("username", "")).casefold() != mailbox.casefold():
            app.remove_account(account)
    if token.account.casefold() != mailbox.casefold():
        raise OAuthError(
            f"You signed in as {token.account or 'another user'}, but this server sends as {mailbox}: "
            f"authorize again signed in as {mailbox}.",
            code="wrong_user",
            field="oauth_mailbox",
        )
