"""XOAUTH2 with a real JWT against a server keeping the usual 512-byte command-line limit.

``AUTH XOAUTH2 <token>`` would be 1-3 KB, and such a server answers ``500 Command line too
long``; the probe sends ``AUTH XOAUTH2`` alone and the token after the empty ``334`` (RFC 4954
allows both). A short payload still goes on the AUTH line (one round trip fewer). A server that
refuses even the separate line gets a hint about its limit.
"""

from __future__ import annotations

import pytest

from outmail_gui.probe.auth import Credentials
from outmail_gui.probe.auth.simple import XOAuth2
from tests.integration.oauth.test_grants import probe_with
from tests.support.oauth_fixtures import MAILBOX
from tests.support.oauth_server import OAuthTestServer
from tests.support.smtp_servers import TlsMaterial
from tests.support.xoauth2_smtpd import XOAuth2Handler, xoauth2_server

pytestmark = pytest.mark.integration

USUAL_COMMAND_LIMIT = 512  # aiosmtpd's default, as RFC 5321 sets it
RFC4954_RESPONSE_LIMIT = 12288 + 2  # what a server must accept on an AUTH response line (Postfix's default)


def real_token(idp: OAuthTestServer) -> str:
    client = idp.add_client()
    token = idp.issue_access_token(client, idp.add_user(MAILBOX), "https://outlook.office.com/SMTP.Send", 600)
    assert len(token) > USUAL_COMMAND_LIMIT
    return token


def test_a_real_token_goes_after_the_empty_334(idp: OAuthTestServer, tls: TlsMaterial) -> None:
    token = real_token(idp)
    handler = XOAuth2Handler.for_server(idp)
    with xoauth2_server(handler, tls, command_limit=USUAL_COMMAND_LIMIT, line_limit=RFC4954_RESPONSE_LIMIT) as smtp:
        report = probe_with(token, smtp.port, tls)
    assert report.ok, report.to_json()
    assert handler.accepted == [MAILBOX] and handler.initial_responses == [False]
    transcript = report.transcript
    auth = next(i for i, line in enumerate(transcript) if "AUTH XOAUTH2" in line)
    assert transcript[auth].endswith("AUTH XOAUTH2")  # nothing after the mechanism name
    assert transcript[auth + 1].endswith("334 ") or transcript[auth + 1].endswith("334")
    assert "<redacted>" in transcript[auth + 2] and "235" in transcript[auth + 3]
    assert token not in report.to_json()


def test_a_short_payload_still_goes_with_the_auth_command() -> None:
    short = XOAuth2(Credentials("u@example.com", "", oauth_token="t" * 300))
    assert short.uses_initial_response
    line = f"AUTH XOAUTH2 {'x' * (-(-len(short.initial_response()) // 3) * 4)}\r\n"
    assert len(line) <= USUAL_COMMAND_LIMIT
    assert not XOAuth2(Credentials("u@example.com", "", oauth_token="t" * 400)).uses_initial_response


def test_a_server_that_still_refuses_the_long_line_gets_a_hint(idp: OAuthTestServer, tls: TlsMaterial) -> None:
    token = real_token(idp)
    handler = XOAuth2Handler.for_server(idp)
    shipped = {"command_limit": USUAL_COMMAND_LIMIT, "line_limit": 1001}  # aiosmtpd's own defaults
    with xoauth2_server(handler, tls, **shipped) as smtp:
        report = probe_with(token, smtp.port, tls)
    assert not report.ok and report.failed_step is not None and report.failed_step.name == "auth"
    assert report.hint_field == "auth_methods"
    # aiosmtpd's reader gives up on the line: "500 Error: (ValueError) ... chunk is longer than limit"
    assert "500" in report.failed_step.detail and "longer than limit" in report.failed_step.detail
    assert "refused the XOAUTH2 token as too long" in report.hint and "smtpd_sasl_response_limit" in report.hint
    assert token not in report.to_json()
