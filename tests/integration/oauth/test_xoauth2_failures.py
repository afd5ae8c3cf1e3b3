"""Both of Exchange's XOAUTH2 failure shapes, 5.7.139 / 5.7.30, and what the user is told."""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest

from outmail_gui.domain.oauth import GrantType
from outmail_gui.domain.settings import AuthMethod
from outmail_gui.oauth import TokenManager
from outmail_gui.oauth.errors import (
    APP_NOT_PERMITTED,
    BASIC_AUTH_RETIRED,
    SMTP_AUTH_DISABLED,
    USER_NOT_PERMITTED,
    explain_smtp_rejection,
    offers_oauth_switch,
)
from outmail_gui.oauth.probe_support import explain_oauth_result, failed_auth_reply, oauth_request, suggests_oauth
from outmail_gui.probe import ProbeRequest, Security, run_probe
from tests.integration.oauth.conftest import settings_for
from tests.integration.oauth.test_grants import probe_with
from tests.support.oauth_fixtures import MAILBOX
from tests.support.oauth_server import OAuthTestServer
from tests.support.smtp_servers import TlsMaterial
from tests.support.xoauth2_smtpd import XOAuth2Handler, xoauth2_server

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("shape", ["challenge", "direct"])
def test_token_for_another_user_is_rejected_in_both_shapes(idp: OAuthTestServer, tls: TlsMaterial, shape: str) -> None:
    client = idp.add_client()
    bobs_token = idp.issue_access_token(
        client, idp.add_user("bob@contoso.com"), "https://outlook.office.com/SMTP.Send", 600
    )
    assert len(bobs_token) > 1001  # larger than aiosmtpd's default line limit, as real tokens are
    handler = XOAuth2Handler.for_server(idp, failure_shape=shape)
    with xoauth2_server(handler, tls) as smtp:
        report = probe_with(bobs_token, smtp.port, tls)
    assert not report.ok
    assert report.failed_step is not None and report.failed_step.name == "auth"
    assert handler.rejections == ["token is for another user"]
    transcript = "\n".join(report.transcript)
    assert "535 5.7.3" in transcript
    if shape == "challenge":
        error = json.dumps({"status": "401", "schemes": "bearer", "scope": "https://outlook.office.com/SMTP.Send"})
        assert "334 " + base64.b64encode(error.encode()).decode() in transcript
    assert bobs_token not in report.to_json()
    assert explain_smtp_rejection(535, "5.7.3 Authentication unsuccessful", GrantType.DEVICE_CODE) == USER_NOT_PERMITTED


def test_app_without_mailbox_permission(idp: OAuthTestServer, tls: TlsMaterial) -> None:
    client = idp.add_client(secret="s")
    token = idp.issue_access_token(client, None, "https://outlook.office365.com/.default", 600)
    handler = XOAuth2Handler.for_server(idp, failure_shape="direct")  # no mailbox granted to the app
    with xoauth2_server(handler, tls) as smtp:
        report = probe_with(token, smtp.port, tls)
    assert not report.ok and handler.rejections == ["app not permitted on this mailbox"]
    assert explain_smtp_rejection(535, "5.7.3 Authentication unsuccessful", GrantType.CLIENT_CREDENTIALS) == (
        APP_NOT_PERMITTED
    )


def test_expired_or_foreign_signature_token_is_rejected(idp: OAuthTestServer, tls: TlsMaterial) -> None:
    client = idp.add_client()
    user = idp.add_user(MAILBOX)
    expired = idp.issue_access_token(client, user, "https://outlook.office.com/SMTP.Send", -120)
    with OAuthTestServer(tls) as other_idp:  # same issuer path, different signing key
        forged = other_idp.issue_access_token(client, user, "https://outlook.office.com/SMTP.Send", 600)
    handler = XOAuth2Handler.for_server(idp, failure_shape="direct")
    with xoauth2_server(handler, tls) as smtp:
        assert not probe_with(expired, smtp.port, tls).ok
        assert not probe_with(forged, smtp.port, tls).ok
    assert all(r.startswith("invalid token") for r in handler.rejections) and len(handler.rejections) == 2


def test_tenant_with_smtp_auth_disabled(idp: OAuthTestServer, tls: TlsMaterial) -> None:
    client = idp.add_client()
    token = idp.issue_access_token(client, idp.add_user(MAILBOX), "https://outlook.office.com/SMTP.Send", 600)
    handler = XOAuth2Handler.for_server(idp, smtp_auth_disabled=True)
    with xoauth2_server(handler, tls) as smtp:
        report = probe_with(token, smtp.port, tls)
    assert not report.ok
    line = next(t for t in report.transcript if "5.7.139" in t)
    assert explain_smtp_rejection(535, line, GrantType.DEVICE_CODE) == SMTP_AUTH_DISABLED
    assert offers_oauth_switch(535, line)


def test_password_on_exchange_online_offers_oauth(idp: OAuthTestServer, tls: TlsMaterial) -> None:
    handler = XOAuth2Handler.for_server(idp)
    with xoauth2_server(handler, tls) as smtp:
        report = run_probe(
            ProbeRequest(
                host="127.0.0.1",
                port=smtp.port,
                security=Security.STARTTLS,
                ca_file=str(tls.ca_file),
                login_id=MAILBOX,
                password="basic-password",
                auth_auto=False,
                auth_methods=(AuthMethod.LOGIN,),
                timeout_s=10,
            )
        )
    line = next(t for t in report.transcript if "5.7.30" in t)
    assert offers_oauth_switch(535, line)
    assert explain_smtp_rejection(535, line, None) == BASIC_AUTH_RETIRED
    assert "basic-password" not in report.to_json()


def test_tokens_too_long_for_a_command_line_are_sent_after_334(idp: OAuthTestServer, tls: TlsMaterial) -> None:
    client = idp.add_client()
    user = idp.add_user(MAILBOX)
    normal = idp.issue_access_token(client, user, "https://outlook.office.com/SMTP.Send", 600)
    huge = idp.issue_access_token(client, user, "https://outlook.office.com/SMTP.Send", 600, padding=12000)
    handler = XOAuth2Handler.for_server(idp)
    with xoauth2_server(handler, tls) as smtp:
        normal_report = probe_with(normal, smtp.port, tls)
        after_334 = probe_with(huge, smtp.port, tls)
    assert normal_report.ok and after_334.ok, after_334.to_json()
    assert handler.accepted == [MAILBOX, MAILBOX]
    assert handler.initial_responses == [False, False]  # a real token does not fit in 512 bytes
    for report in (normal_report, after_334):
        assert "C: AUTH XOAUTH2" in report.transcript  # no initial response
        assert any(line.rstrip() == "S: 334" for line in report.transcript)
    assert huge not in after_334.to_json()


def test_saved_server_request_and_explained_results(
    idp: OAuthTestServer, manager: TokenManager, tls: TlsMaterial
) -> None:
    client = idp.add_client(secret="ps-secret")
    oauth = settings_for(idp, client.client_id, GrantType.CLIENT_CREDENTIALS)
    manager.set_client_secret("srv-ps", "ps-secret")
    base = ProbeRequest(host="127.0.0.1", security=Security.STARTTLS, ca_file=str(tls.ca_file), timeout_s=10)
    handler = XOAuth2Handler.for_server(idp, failure_shape="direct")  # the app is not allowed on the mailbox
    with xoauth2_server(handler, tls) as smtp:
        request = oauth_request(
            dataclasses.replace(base, port=smtp.port, login_id="x", password="p"), "srv-ps", oauth, manager
        )
        assert request.login_id == MAILBOX and request.password == "" and request.auth_methods == (AuthMethod.XOAUTH2,)
        report = run_probe(request)
        explain_oauth_result(report, oauth)
        assert report.hint == APP_NOT_PERMITTED and report.hint_field == "oauth"
        handler.app_mailboxes[client.client_id] = {MAILBOX}
        assert run_probe(request).ok
        handler.basic_auth_off = True
        password_report = run_probe(
            dataclasses.replace(
                base, port=smtp.port, login_id=MAILBOX, password="pw", auth_auto=False, auth_methods=(AuthMethod.PLAIN,)
            )
        )
    assert suggests_oauth(password_report)
    assert not suggests_oauth(report) and failed_auth_reply(report) == (
        535,
        "535 5.7.3 Authentication unsuccessful [XOAUTH2]",
    )
