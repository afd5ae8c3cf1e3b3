"""The AES-GCM cache file: unreadable without the keyring's key, bound to its file name."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msal_extensions
import pytest
from msal_extensions.persistence import PersistenceDecryptionError, PersistenceNotFound

from outmail_gui.oauth.cache import CACHE_KEY_ENTRY, KeyringFilePersistence, build_persistence, open_token_cache
from outmail_gui.oauth.keyring_blob import KeyringBlob
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import MemoryKeyring

CONTENT = '{"AccessToken": {"k": {"secret": "at-canary-value"}}}'


@pytest.fixture
def keys() -> Iterator[KeyringBlob]:
    MemoryKeyring.reset()
    yield KeyringBlob(SecretStore(MemoryKeyring()))
    MemoryKeyring.reset()


def test_round_trip_encrypted_and_private(tmp_path: Path, keys: KeyringBlob) -> None:
    store = KeyringFilePersistence(tmp_path / "a.bin", keys)
    with pytest.raises(PersistenceNotFound):
        store.load()
    store.save(CONTENT)
    raw = (tmp_path / "a.bin").read_bytes()
    assert b"at-canary" not in raw and raw.startswith(b"OMTC1")
    assert store.load() == CONTENT
    assert stat.S_IMODE(os.stat(tmp_path / "a.bin").st_mode) == 0o600
    assert keys.get(CACHE_KEY_ENTRY) is not None


def test_lost_key_or_swapped_file_cannot_be_read(tmp_path: Path, keys: KeyringBlob) -> None:
    store = KeyringFilePersistence(tmp_path / "a.bin", keys)
    store.save(CONTENT)
    (tmp_path / "b.bin").write_bytes((tmp_path / "a.bin").read_bytes())
    with pytest.raises(PersistenceDecryptionError, match="does not match"):
        KeyringFilePersistence(tmp_path / "b.bin", keys).load()
    keys.delete(CACHE_KEY_ENTRY)
    with pytest.raises(PersistenceDecryptionError, match="missing"):
        store.load()
    (tmp_path / "c.bin").write_bytes(b"plain text")
    with pytest.raises(PersistenceDecryptionError, match="not an Outmail cache"):
        KeyringFilePersistence(tmp_path / "c.bin", keys).load()


def test_platform_choice(tmp_path: Path, keys: KeyringBlob, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []

    def fake_build(location: str) -> Any:
        built.append(location)
        return object()

    monkeypatch.setattr(msal_extensions, "build_encrypted_persistence", fake_build)
    assert isinstance(build_persistence(tmp_path / "x.bin", keys, platform="linux"), KeyringFilePersistence)
    for platform in ("win32", "darwin"):
        build_persistence(tmp_path / "x.bin", keys, platform=platform)
    assert built == [str(tmp_path / "x.bin")] * 2


def test_msal_cache_persists_through_the_encrypted_file(tmp_path: Path, keys: KeyringBlob) -> None:
    first = open_token_cache(tmp_path / "s.bin", keys)
    first.add(
        {
            "client_id": "app",
            "scope": ["s"],
            "token_endpoint": "https://login.example/t/oauth2/v2.0/token",
            "response": {"access_token": "at-canary-value", "expires_in": 3600, "token_type": "Bearer"},
        }
    )
    second = open_token_cache(tmp_path / "s.bin", keys)
    found = list(second.search(second.CredentialType.ACCESS_TOKEN))
    assert [f["secret"] for f in found] == ["at-canary-value"]
    assert b"at-canary-value" not in (tmp_path / "s.bin").read_bytes()
