"""``oauth authorize|status|forget`` and ``test NAME`` with a token, through the real CLI entry."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from outmail_gui.cli.main import run
from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.domain.settings import new_server
from outmail_gui.store import transfer
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.repository import ServerRepository
from tests.support.keyrings import MemoryKeyring
from tests.support.oauth_fixtures import MAILBOX
from tests.support.oauth_server import OAuthTestServer
from tests.support.smtp_servers import TlsMaterial
from tests.support.xoauth2_smtpd import XOAuth2Handler, xoauth2_server

pytestmark = pytest.mark.integration
NAME = "Exchange Online"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tls: TlsMaterial, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyrings.MemoryKeyring")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls.ca_file))  # the identity provider's test CA
    MemoryKeyring.reset()
    yield tmp_path / "data"
    MemoryKeyring.reset()


def configure(data_dir: Path, idp: OAuthTestServer, client_id: str, grant: GrantType, port: int = 25) -> str:
    with ServerRepository.open(data_dir) as repo:
        server = repo.save(
            new_server("smtp", name=NAME, server="127.0.0.1", port=port, outgoing_email_id=MAILBOX, login_id="")
        )
        OAuthSettingsStore.of(repo).save(
            server.id,
            OAuthSettings(enabled=True, tenant=idp.authority, client_id=client_id, grant_type=grant, mailbox=MAILBOX),
        )
        return server.id


def cli(data_dir: Path, *argv: str) -> int:
    return run(["--data-dir", str(data_dir), *argv])


def test_client_credentials_from_the_shell_then_test_name(
    cli_env: Path,
    idp: OAuthTestServer,
    tls: TlsMaterial,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = idp.add_client(secret="cli-secret-canary")
    handler = XOAuth2Handler.for_server(idp, app_mailboxes={client.client_id: {MAILBOX}})
    with xoauth2_server(handler, tls) as smtp:
        configure(cli_env, idp, client.client_id, GrantType.CLIENT_CREDENTIALS, smtp.port)
        monkeypatch.setattr("sys.stdin", io.StringIO("cli-secret-canary\n"))
        assert cli(cli_env, "oauth", "authorize", NAME, "--client-secret-stdin") == 0
        assert cli(cli_env, "oauth", "status", NAME, "--json") == 0
        out = capsys.readouterr().out
        status = json.loads(out[out.index("{") :])
        assert status["token"]["authorized"] and status["client_secret_stored"] is True
        assert cli(cli_env, "test", NAME, "--ca-file", str(tls.ca_file), "--json", "--transcript") == 0
        report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["auth"]["mechanism"] == "XOAUTH2"
    assert handler.accepted == [MAILBOX]
    _assert_no_secret_at_rest(cli_env, ["cli-secret-canary", *_issued_tokens(handler)])


def test_device_code_on_the_terminal_status_and_forget(
    cli_env: Path, idp: OAuthTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    client = idp.add_client()
    configure(cli_env, idp, client.client_id, GrantType.AUTHORIZATION_CODE)
    approver = threading.Thread(target=_approve_first_code, args=(idp, client.client_id), daemon=True)
    approver.start()
    assert cli(cli_env, "oauth", "authorize", NAME) == 0
    approver.join(10)
    captured = capsys.readouterr()
    assert "device code instead of a browser" in captured.err and "/devicelogin" in captured.err
    assert f"token for {MAILBOX}" in captured.out
    assert cli(cli_env, "oauth", "status", NAME) == 0
    assert f"for {MAILBOX}" in capsys.readouterr().out
    assert cli(cli_env, "oauth", "forget", NAME) == 0
    assert cli(cli_env, "oauth", "status", NAME) == 0
    assert "no token" in capsys.readouterr().out
    assert cli(cli_env, "test", NAME) == 1  # no token: told to authorize, no connection made
    assert "use Authorize" in capsys.readouterr().err


def test_usage_errors(cli_env: Path, idp: OAuthTestServer, capsys: pytest.CaptureFixture[str]) -> None:
    with ServerRepository.open(cli_env) as repo:
        repo.save(new_server("smtp", name="Relay", server="relay.example.com", outgoing_email_id=MAILBOX))
    assert cli(cli_env, "oauth", "status", "Relay") == 2
    assert "does not use OAuth 2.0" in capsys.readouterr().err
    assert cli(cli_env, "oauth", "status", "Nope") == 1


def _approve_first_code(idp: OAuthTestServer, client_id: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        codes = [c for c in list(idp.device_codes.values()) if c["client_id"] == client_id]
        if codes:
            idp.approve_device_code(codes[0]["user_code"], MAILBOX)
            return
        time.sleep(0.05)


def _issued_tokens(handler: XOAuth2Handler) -> list[str]:
    return [p.split(b"auth=Bearer ")[1].split(b"\x01")[0].decode() for p in handler.seen_payloads]


def _assert_no_secret_at_rest(data_dir: Path, secrets: list[str]) -> None:
    """Neither the database (with its WAL) nor an export holds a secret or a token."""
    with ServerRepository.open(data_dir) as repo:
        exported = transfer.dumps_export(repo)
    blobs = [p.read_bytes() for p in data_dir.glob("outmail.sqlite3*")] + [exported.encode()]
    assert secrets and all(len(s) > 8 for s in secrets)
    for secret in secrets:
        assert all(secret.encode() not in blob for blob in blobs)
