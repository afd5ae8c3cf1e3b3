"""``check`` of an Exchange-like OAuth 2.0 server: the token is fetched (refreshed) from the local
Entra-like authorization server, XOAUTH2 is checked by aiosmtpd, and the client secret's expiry
date (set with ``oauth configure``) is judged like a certificate's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK
from outmail_gui.store.history import HistoryStore
from outmail_gui.store.repository import ServerRepository
from tests.integration.check.conftest import add_server
from tests.support.oauth_fixtures import MAILBOX
from tests.support.oauth_server import OAuthTestServer
from tests.support.smtp_servers import TlsMaterial
from tests.support.xoauth2_smtpd import XOAuth2Handler, xoauth2_server
from tests.unit.cli.cli_run import run_cli

pytestmark = pytest.mark.integration
SECRET = "check-secret-canary"


def _configure(data: Path, idp: OAuthTestServer, client_id: str, secret: str, expires: dt.date) -> None:
    result = run_cli(
        data,
        "oauth",
        "configure",
        "Exchange Online",
        "--tenant",
        idp.authority,
        "--client-id",
        client_id,
        "--grant",
        "client-credentials",
        "--mailbox",
        MAILBOX,
        "--client-secret-stdin",
        "--secret-expires",
        expires.isoformat(),
        stdin=secret + "\n",
    )
    assert result.code == EXIT_OK, result.err


def test_token_refresh_and_client_secret_expiry(
    data: Path, idp: OAuthTestServer, tls: TlsMaterial, tmp_path: Path
) -> None:
    client = idp.add_client(secret=SECRET)
    handler = XOAuth2Handler.for_server(idp, app_mailboxes={client.client_id: {MAILBOX}})
    expires = dt.date.today() + dt.timedelta(days=5)
    with xoauth2_server(handler, tls) as smtp:
        server = add_server(data, "Exchange Online", smtp.port, outgoing_email_id=MAILBOX, is_default=True)
        _configure(data, idp, client.client_id, SECRET, expires)
        result = run_cli(data, "check", "--format", "json")
        prom = run_cli(data, "check", "--format", "prometheus")

    assert result.code == EXIT_FAILED  # the secret expires within the critical days
    checked = result.json()["servers"][0]
    assert checked["test"]["outcome"] == "passed" and "XOAUTH2" in checked["test"]["summary"]
    assert checked["oauth"] == {
        "grant_type": "client_credentials",
        "token_refresh_ok": True,
        "client_secret": {"expires": expires.isoformat(), "days_left": 5, "state": "critical"},
    }
    assert checked["status"] == "critical"
    assert checked["problems"] == [
        {"status": "critical", "message": f"The OAuth 2.0 client secret expires in 5 days ({expires.isoformat()})."}
    ]
    assert handler.accepted == [MAILBOX, MAILBOX]
    families = {f.name: f for f in text_string_to_metric_families(prom.out)}
    (sample,) = families["outmail_oauth_secret_expiry_timestamp_seconds"].samples
    end_of_day = dt.datetime.combine(expires + dt.timedelta(days=1), dt.time(), dt.UTC)
    assert sample.value == end_of_day.timestamp()
    assert SECRET not in result.out + prom.out
    with ServerRepository.open(data) as repo:
        assert len(HistoryStore.of(repo).for_server(server.id)) == 2


def test_a_token_that_cannot_be_had_is_critical_and_stored(data: Path, idp: OAuthTestServer) -> None:
    client = idp.add_client(secret="the-real-secret")
    server = add_server(data, "Exchange Online", 25, outgoing_email_id=MAILBOX, is_default=True)
    _configure(data, idp, client.client_id, "a-wrong-secret", dt.date.today() + dt.timedelta(days=300))

    result = run_cli(data, "check", "--format", "nagios")

    assert result.code == 2
    first, *details = result.out.splitlines()
    assert first.startswith(
        "OUTMAIL CRITICAL - 1 server checked: 0 OK, 1 critical - Exchange Online: The connection "
        "test failed at OAuth token: The client secret is wrong"
    )
    assert "token failed" in details[0]
    with ServerRepository.open(data) as repo:
        (entry,) = HistoryStore.of(repo).for_server(server.id)
    assert entry.failed_step == "oauth" and entry.duration_ms == 0
