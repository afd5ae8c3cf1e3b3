"""Deleting a server removes everything the keyring held for it, or says exactly what is left."""

from __future__ import annotations

from pathlib import Path

from outmail_gui.domain.settings import new_server
from outmail_gui.oauth import TokenManager
from outmail_gui.oauth.server_secrets import remove_server_secrets
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import MemoryKeyring, failing


def test_password_client_secret_and_token_cache_all_go(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    secrets = SecretStore(backend)
    record = new_server("smtp", name="Exchange Online", server="smtp.office365.com")
    secrets.set_password(record.id, "pässword")
    manager = TokenManager.for_data_dir(tmp_path, secrets)
    manager.set_client_secret(record.id, "client-secret-" + "x" * 1500)  # split over several entries
    assert len(backend.passwords) > 2

    assert remove_server_secrets(tmp_path, secrets, record) == ""
    assert backend.passwords == {}
    assert not manager.cache_path(record.id).exists()


def test_an_unreachable_keyring_is_named_with_where_the_password_stays(tmp_path: Path) -> None:
    record = new_server("mapi", name="Legacy")
    problem = remove_server_secrets(tmp_path, SecretStore(failing()), record)
    assert problem.startswith("its password could not be removed from the keyring: no usable keyring")
    assert f"keyring del outmail {record.id}" in problem
