"""The encrypted cache: survives a restart, holds no readable token, needs the keyring's key,
and no token or secret reaches a log, an exception or the cache file in clear."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from outmail_gui.domain.oauth import GrantType
from outmail_gui.oauth import KeyringBlob, KeyringUnavailable, OAuthError, TokenManager
from outmail_gui.oauth.cache import CACHE_KEY_ENTRY
from outmail_gui.store.secrets import SecretStore
from tests.integration.oauth.conftest import settings_for
from tests.support.keyrings import MemoryKeyring
from tests.support.oauth_fixtures import MAILBOX
from tests.support.oauth_server import FakeBrowser, OAuthTestServer
from tests.support.smtp_servers import TlsMaterial

pytestmark = pytest.mark.integration


def test_cache_survives_a_restart_encrypted(
    idp: OAuthTestServer, tmp_path: Path, keyring_backend: MemoryKeyring, tls: TlsMaterial
) -> None:
    client = idp.add_client()
    settings = settings_for(idp, client.client_id, GrantType.DEVICE_CODE)
    first = TokenManager(tmp_path, KeyringBlob(SecretStore(keyring_backend)), ca_file=str(tls.ca_file))
    token = first.authorize("srv-rs", settings, on_device_code=lambda p: idp.approve_device_code(p.user_code, MAILBOX))
    raw = first.cache_path("srv-rs").read_bytes()
    assert token.token.encode() not in raw and b"refresh_token" not in raw.lower() and MAILBOX.encode() not in raw
    requests_before = len(idp.token_requests)

    restarted = TokenManager(tmp_path, KeyringBlob(SecretStore(MemoryKeyring())), ca_file=str(tls.ca_file))
    again = restarted.token_for_test("srv-rs", settings)
    assert again.from_cache and again.token == token.token
    assert len(idp.token_requests) == requests_before  # no network: served from the decrypted cache
    assert restarted.status("srv-rs", settings).account == MAILBOX


def test_cache_without_its_key_is_reported_and_can_be_forgotten(
    idp: OAuthTestServer, manager: TokenManager, keyring_backend: MemoryKeyring
) -> None:
    client = idp.add_client(secret="s3")
    settings = settings_for(idp, client.client_id, GrantType.CLIENT_CREDENTIALS)
    manager.authorize("srv-lk", settings, client_secret="s3")
    KeyringBlob(SecretStore(keyring_backend)).delete(CACHE_KEY_ENTRY)
    status = manager.status("srv-lk", settings)
    assert not status.authorized and "Forget token" in status.problem
    with pytest.raises(OAuthError) as caught:
        manager.token_for_test("srv-lk", settings, client_secret="s3")
    assert caught.value.code == "cache_unreadable"
    manager.forget("srv-lk")
    assert not manager.cache_path("srv-lk").exists()
    assert manager.authorize("srv-lk", settings, client_secret="s3").token  # starts afresh


def test_forget_removes_the_token(idp: OAuthTestServer, manager: TokenManager) -> None:
    client = idp.add_client(secret="s4")
    settings = settings_for(idp, client.client_id, GrantType.CLIENT_CREDENTIALS)
    manager.authorize("srv-fg", settings, client_secret="s4")
    assert manager.status("srv-fg", settings).authorized
    manager.forget("srv-fg")
    assert not manager.status("srv-fg", settings).authorized


def test_no_keyring_means_nothing_is_stored(idp: OAuthTestServer, tmp_path: Path, tls: TlsMaterial) -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    client = idp.add_client(secret="s5")
    settings = settings_for(idp, client.client_id, GrantType.CLIENT_CREDENTIALS)
    manager = TokenManager(tmp_path, KeyringBlob(SecretStore(NoKeyring())), ca_file=str(tls.ca_file))
    with pytest.raises(KeyringUnavailable):
        manager.authorize("srv-nk", settings, client_secret="s5")
    assert not manager.cache_path("srv-nk").exists()


def test_no_token_or_secret_in_logs(
    idp: OAuthTestServer, manager: TokenManager, tls: TlsMaterial, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    confidential = idp.add_client(secret="log-leak-canary-secret")
    public = idp.add_client(token_lifetime_s=120)
    cc = settings_for(idp, confidential.client_id, GrantType.CLIENT_CREDENTIALS)
    dc = settings_for(idp, public.client_id, GrantType.DEVICE_CODE)
    ac = settings_for(idp, public.client_id, GrantType.AUTHORIZATION_CODE)
    idp.browser_user = MAILBOX
    tokens = [
        manager.authorize("srv-l1", cc, client_secret="log-leak-canary-secret").token,
        manager.authorize("srv-l2", dc, on_device_code=lambda p: idp.approve_device_code(p.user_code, MAILBOX)).token,
        manager.authorize("srv-l3", ac, open_browser=FakeBrowser(tls.ca_file).open, timeout_s=10).token,
        manager.token_for_test("srv-l2", dc).token,  # a refresh (120 s lifetime)
    ]
    with pytest.raises(OAuthError):
        manager.authorize("srv-l4", cc, client_secret="wrong-canary-secret")
    refresh_tokens = list(idp.refresh_tokens)
    # Client side only: the test server's Authlib logs what it issues, as a server may.
    client_records = [r for r in caplog.records if not r.name.startswith("authlib")]
    text = "\n".join(r.getMessage() for r in client_records)
    assert {r.name.split(".")[0] for r in client_records} >= {"msal", "outmail_gui"}
    for secret in [*tokens, *refresh_tokens, "log-leak-canary-secret", "wrong-canary-secret"]:
        assert secret not in text


def test_client_secret_lives_in_the_keyring(
    idp: OAuthTestServer, manager: TokenManager, keyring_backend: MemoryKeyring
) -> None:
    client = idp.add_client(secret="kr-secret-" + "x" * 1500)  # longer than one Windows credential
    settings = settings_for(idp, client.client_id, GrantType.CLIENT_CREDENTIALS)
    manager.set_client_secret("srv-ks", client.secret or "")
    assert ("outmail", "srv-ks:oauth-client-secret") in keyring_backend.passwords
    assert all(len(v) <= 1280 for v in keyring_backend.passwords.values())
    assert manager.authorize("srv-ks", settings).token  # the secret is read from the keyring
    manager.delete_server("srv-ks")
    assert manager.client_secret("srv-ks") is None and not manager.cache_path("srv-ks").exists()
    with pytest.raises(OAuthError, match="Enter the client secret"):
        manager.authorize("srv-ks", settings)
