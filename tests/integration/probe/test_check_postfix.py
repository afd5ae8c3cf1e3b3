"""``outmail-gui check`` against the real Postfix + Dovecot: STARTTLS, AUTH with the password from the
keyring, the certificate's expiry, and the history row, as a scheduled run would do them."""

from __future__ import annotations

from pathlib import Path

import pytest

from outmail_gui.domain.settings import new_server
from outmail_gui.store.history import HistoryStore
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from tests.integration.probe.conftest import PASSWORD, USER
from tests.support import mta
from tests.support.keyrings import MemoryKeyring
from tests.support.smtp_servers import TlsMaterial
from tests.unit.cli.cli_run import run_cli

pytestmark = pytest.mark.integration


def test_check_postfix_with_login(
    postfix: mta.Mta, tls: TlsMaterial, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_file))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyrings.MemoryKeyring")
    MemoryKeyring.reset()
    with ServerRepository.open(tmp_path) as repo:
        server = repo.save(
            new_server(
                "smtp",
                name="Postfix",
                server="127.0.0.1",
                port=postfix.port,
                login_id=USER,
                outgoing_email_id="desk@corp.example",
                chunking=True,
                is_default=True,
            )
        )
    SecretStore().set_password(server.id, PASSWORD)

    result = run_cli(tmp_path, "check", "--format", "json")

    assert result.code == 0, result.out + result.err
    (checked,) = result.json()["servers"]
    assert checked["test"]["outcome"] == "passed"
    assert "TLSv1.3 (starttls), login accepted with" in checked["test"]["summary"]
    assert checked["certificate"]["state"] == "ok" and checked["certificate"]["days_left"] > 21
    assert PASSWORD not in result.out
    with ServerRepository.open(tmp_path) as repo:
        (entry,) = HistoryStore.of(repo).for_server(server.id)
    assert entry.certificate_expires is not None
    MemoryKeyring.reset()
