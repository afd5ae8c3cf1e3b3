"""The shared database's password in the workstation's keyring serves the commands; libpq's own ways still work."""

from __future__ import annotations

from pathlib import Path

import pytest

from outmail_gui.store.postgres.database_passwords import password_key, remember_password, with_user
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import MemoryKeyring
from tests.support.postgres import PostgresServer
from tests.unit.cli.cli_run import run_cli


@pytest.fixture
def keyring_in_memory(monkeypatch: pytest.MonkeyPatch) -> type[MemoryKeyring]:
    MemoryKeyring.reset()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyrings.MemoryKeyring")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    return MemoryKeyring


def test_a_password_in_the_keyring_logs_the_command_in_without_being_in_the_url(
    postgres_server: PostgresServer,
    shared_database: str,
    tmp_path: Path,
    keyring_in_memory: type[MemoryKeyring],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    postgres_server.create_login("outmail_t_kr", "Kr-secret-9", "outmail_helpdesk")
    url = f"postgresql://outmail_t_kr@127.0.0.1:{postgres_server.port}/{shared_database}"
    refused = run_cli(tmp_path, "--store", url, "store", "status")
    assert refused.code == 1
    assert "password authentication failed" in refused.err or "no password supplied" in refused.err

    remember_password(url, "Kr-secret-9", SecretStore())
    assert password_key(url) == f"database outmail_t_kr@127.0.0.1:{postgres_server.port}/{shared_database}"
    status = run_cli(tmp_path, "--store", url, "store", "status")
    assert status.code == 0, status.err
    assert "as outmail_t_kr" in status.out
    assert "Kr-secret-9" not in status.out + status.err

    # The same entry serves the same login written as a conninfo, with the user given apart.
    conninfo = with_user(f"host=127.0.0.1 port={postgres_server.port} dbname={shared_database}", "outmail_t_kr")
    assert password_key(conninfo) == password_key(url)
    assert run_cli(tmp_path, "--store", conninfo, "store", "status").code == 0

    # Without a keyring entry, libpq's own sources still log in (PGPASSWORD here, as .pgpass would).
    remember_password(url, "", SecretStore())
    monkeypatch.setenv("PGPASSWORD", "Kr-secret-9")
    assert run_cli(tmp_path, "--store", url, "store", "status").code == 0
