"""Each grant end to end: MSAL against the local authorization server, then an XOAUTH2
connection test through the probe engine against aiosmtpd validating the JWT."""

from __future__ import annotations

import threading

import pytest

from outmail_gui.domain.oauth import GrantType
from outmail_gui.domain.settings import AuthMethod
from outmail_gui.oauth import OAuthCancelled, OAuthError, TokenManager
from outmail_gui.oauth.errors import CONSENT_MISSING, GRANT_REVOKED, SECRET_WRONG
from outmail_gui.oauth.tokens import DeviceCodePrompt
from outmail_gui.probe import ProbeRequest, Security, run_probe
from outmail_gui.probe.report import ProbeReport
from tests.integration.oauth.conftest import settings_for
from tests.support.oauth_fixtures import MAILBOX
from tests.support.oauth_server import FakeBrowser, OAuthTestServer
from tests.support.smtp_servers import TlsMaterial
from tests.support.xoauth2_smtpd import XOAuth2Handler, xoauth2_server

pytestmark = pytest.mark.integration


def probe_with(token: str, port: int, tls: TlsMaterial, user: str = MAILBOX) -> ProbeReport:
    request = ProbeRequest(
        host="127.0.0.1",
        port=port,
        security=Security.STARTTLS,
        ca_file=str(tls.ca_file),
        login_id=user,
        oauth_token=token,
        auth_auto=False,
        auth_methods=(AuthMethod.XOAUTH2,),
        timeout_s=10,
    )
    return run_probe(request)


def assert_test_passes(report: ProbeReport, token: str) -> None:
    assert report.ok, report.to_json()
    assert report.auth.mechanism == "XOAUTH2"
    assert token not in report.to_json()


def test_client_credentials_end_to_end(idp: OAuthTestServer, manager: TokenManager, tls: TlsMaterial) -> None:
    client = idp.add_client(secret="cc-secret-value")
    settings = settings_for(idp, client.client_id, GrantType.CLIENT_CREDENTIALS)
    token = manager.authorize("srv-cc", settings, client_secret="cc-secret-value")
    assert token.account == "" and not token.from_cache
    handler = XOAuth2Handler.for_server(idp, app_mailboxes={client.client_id: {MAILBOX}})
    with xoauth2_server(handler, tls) as smtp:
        report = probe_with(
            manager.token_for_test("srv-cc", settings, client_secret="cc-secret-value").token, smtp.port, tls
        )
    assert_test_passes(report, token.token)
    assert handler.accepted == [MAILBOX]
    status = manager.status("srv-cc", settings)
    assert status.authorized and status.expires_at is not None and not status.can_refresh


def test_device_code_end_to_end(idp: OAuthTestServer, manager: TokenManager, tls: TlsMaterial) -> None:
    client = idp.add_client()
    settings = settings_for(idp, client.client_id, GrantType.DEVICE_CODE)
    prompts: list[DeviceCodePrompt] = []

    def approve(prompt: DeviceCodePrompt) -> None:
        prompts.append(prompt)
        idp.approve_device_code(prompt.user_code, MAILBOX)

    token = manager.authorize("srv-dc", settings, on_device_code=approve)
    assert prompts[0].verification_uri.endswith("/devicelogin")
    assert token.account == MAILBOX
    handler = XOAuth2Handler.for_server(idp)
    with xoauth2_server(handler, tls) as smtp:
        cached = manager.token_for_test("srv-dc", settings)
        assert cached.from_cache
        report = probe_with(cached.token, smtp.port, tls)
    assert_test_passes(report, token.token)
    status = manager.status("srv-dc", settings)
    assert status.authorized and status.account == MAILBOX and status.can_refresh


def test_authorization_code_with_pkce_and_form_post(
    idp: OAuthTestServer, manager: TokenManager, tls: TlsMaterial
) -> None:
    client = idp.add_client()
    settings = settings_for(idp, client.client_id, GrantType.AUTHORIZATION_CODE)
    idp.browser_user = MAILBOX
    browser = FakeBrowser(tls.ca_file)
    token = manager.authorize("srv-ac", settings, open_browser=browser.open, timeout_s=10)
    assert browser.posted_status == 200
    assert "response_mode=form_post" in browser.visited[0] and "code_challenge=" in browser.visited[0]
    assert "login_hint=" in browser.visited[0]
    handler = XOAuth2Handler.for_server(idp)
    with xoauth2_server(handler, tls) as smtp:
        report = probe_with(manager.token_for_test("srv-ac", settings).token, smtp.port, tls)
    assert_test_passes(report, token.token)
    assert token.account == MAILBOX


def test_expired_token_is_refreshed_before_a_test(
    idp: OAuthTestServer, manager: TokenManager, tls: TlsMaterial
) -> None:
    # MSAL treats a token with under five minutes left as expired; 120 s makes every use a refresh.
    client = idp.add_client(token_lifetime_s=120)
    settings = settings_for(idp, client.client_id, GrantType.DEVICE_CODE)
    first = manager.authorize(
        "srv-rf", settings, on_device_code=lambda p: idp.approve_device_code(p.user_code, MAILBOX)
    )
    before = idp.refresh_count
    refreshed = manager.token_for_test("srv-rf", settings)
    assert not refreshed.from_cache and refreshed.token != first.token
    assert idp.refresh_count == before + 1
    handler = XOAuth2Handler.for_server(idp)
    with xoauth2_server(handler, tls) as smtp:
        assert_test_passes(probe_with(refreshed.token, smtp.port, tls), refreshed.token)


def test_revoked_refresh_token_asks_to_reauthorize(idp: OAuthTestServer, manager: TokenManager) -> None:
    client = idp.add_client(token_lifetime_s=120)
    settings = settings_for(idp, client.client_id, GrantType.DEVICE_CODE)
    manager.authorize("srv-rv", settings, on_device_code=lambda p: idp.approve_device_code(p.user_code, MAILBOX))
    idp.revoke_refresh_tokens(MAILBOX)
    with pytest.raises(OAuthError) as caught:
        manager.token_for_test("srv-rv", settings)
    assert caught.value.code == "invalid_grant"
    assert caught.value.message.startswith(GRANT_REVOKED)


def test_wrong_client_secret(idp: OAuthTestServer, manager: TokenManager) -> None:
    client = idp.add_client(secret="the-right-secret")
    settings = settings_for(idp, client.client_id, GrantType.CLIENT_CREDENTIALS)
    with pytest.raises(OAuthError) as caught:
        manager.authorize("srv-ws", settings, client_secret="a-wrong-secret")
    assert caught.value.code == "invalid_client" and caught.value.field == "oauth_client_secret"
    assert caught.value.message.startswith(SECRET_WRONG) and "AADSTS7000215" in caught.value.message
    assert "a-wrong-secret" not in str(caught.value)
    # Corrected at once: a fresh MSAL application, so its 60 s replay of the 400 does not apply.
    assert manager.authorize("srv-ws", settings, client_secret="the-right-secret").token


def test_missing_consent_is_explained(idp: OAuthTestServer, manager: TokenManager, tls: TlsMaterial) -> None:
    client = idp.add_client(consented=False)
    settings = settings_for(idp, client.client_id, GrantType.AUTHORIZATION_CODE)
    idp.browser_user = MAILBOX
    browser = FakeBrowser(tls.ca_file)
    with pytest.raises(OAuthError) as caught:
        manager.authorize("srv-cs", settings, open_browser=browser.open, timeout_s=10)
    assert caught.value.code == "consent_required" and caught.value.message.startswith(CONSENT_MISSING)
    # The identity provider's error came back the way a browser brings it: posted to the loopback page.
    assert browser.posted_status == 200 and "response_mode=form_post" in browser.visited[0]


def test_sign_in_as_another_user_is_refused(idp: OAuthTestServer, manager: TokenManager) -> None:
    client = idp.add_client()
    settings = settings_for(idp, client.client_id, GrantType.DEVICE_CODE)
    with pytest.raises(OAuthError) as caught:
        manager.authorize(
            "srv-ou", settings, on_device_code=lambda p: idp.approve_device_code(p.user_code, "bob@contoso.com")
        )
    assert caught.value.code == "wrong_user" and "bob@contoso.com" in caught.value.message
    assert not manager.status("srv-ou", settings).authorized  # the wrong user's token was not kept


def test_device_code_wait_can_be_cancelled(idp: OAuthTestServer, manager: TokenManager) -> None:
    client = idp.add_client()
    settings = settings_for(idp, client.client_id, GrantType.DEVICE_CODE)
    cancel = threading.Event()
    with pytest.raises(OAuthCancelled):
        manager.authorize("srv-cx", settings, on_device_code=lambda p: cancel.set(), cancel=cancel)


def test_browser_wait_can_be_cancelled(idp: OAuthTestServer, manager: TokenManager) -> None:
    client = idp.add_client()
    settings = settings_for(idp, client.client_id, GrantType.AUTHORIZATION_CODE)
    cancel = threading.Event()

    def browser_never_returns(url: str) -> bool:
        cancel.set()
        return False

    with pytest.raises(OAuthCancelled):
        manager.authorize("srv-bx", settings, open_browser=browser_never_returns, cancel=cancel, timeout_s=10)
