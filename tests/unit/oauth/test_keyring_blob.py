"""Long secrets split across keyring entries (Windows: 1,280 characters each); no plain-text keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as NoKeyring
from keyrings.alt.file import PlaintextKeyring

from outmail_gui.oauth.keyring_blob import MAX_ENTRY_CHARS, KeyringBlob, KeyringProblem
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import LeakyKeyring, LockedKeyring, MemoryKeyring


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    MemoryKeyring.reset()
    yield MemoryKeyring()
    MemoryKeyring.reset()


def test_short_value_is_one_entry(memory: MemoryKeyring) -> None:
    blob = KeyringBlob(SecretStore(memory))
    blob.set("k", "small")
    assert blob.get("k") == "small" and len(memory.passwords) == 1


def test_long_value_is_split_and_every_entry_fits(memory: MemoryKeyring) -> None:
    blob = KeyringBlob(SecretStore(memory))
    value = "é" + "x" * 3000
    blob.set("k", value)
    assert blob.get("k") == value
    assert len(memory.passwords) == 4  # manifest + 3 parts
    assert all(len(v) <= MAX_ENTRY_CHARS for v in memory.passwords.values())


def test_shrinking_removes_stale_parts_and_delete_removes_all(memory: MemoryKeyring) -> None:
    blob = KeyringBlob(SecretStore(memory))
    blob.set("k", "y" * 4000)
    blob.set("k", "short")
    assert list(memory.passwords) == [("outmail", "k")]
    blob.set("k", "z" * 2000)
    blob.delete("k")
    assert memory.passwords == {} and blob.get("k") is None


def test_damaged_or_incomplete_parts_are_detected(memory: MemoryKeyring) -> None:
    blob = KeyringBlob(SecretStore(memory))
    blob.set("k", "q" * 3000)
    memory.passwords[("outmail", "k#1")] = "tampered"
    with pytest.raises(KeyringProblem, match="damaged"):
        blob.get("k")
    del memory.passwords[("outmail", "k#1")]
    with pytest.raises(KeyringProblem, match="incomplete"):
        blob.get("k")


def test_insecure_backends_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyringProblem, match="No usable keyring"):
        KeyringBlob(SecretStore(NoKeyring())).get("k")
    with pytest.raises(KeyringProblem, match="No usable keyring"):
        KeyringBlob(SecretStore(NoKeyring())).set("k", "secret")
    plaintext = PlaintextKeyring()
    plaintext.file_path = str(tmp_path / "keyring.cfg")
    with pytest.raises(KeyringProblem, match="plain-text"):
        KeyringBlob(SecretStore(plaintext)).set("k", "secret")
    assert not (tmp_path / "keyring.cfg").exists()
    KeyringBlob(SecretStore(plaintext)).delete("k")  # removing (nothing) is always allowed


def test_keyring_errors_name_the_problem_not_the_secret() -> None:
    with pytest.raises(KeyringProblem) as locked:
        KeyringBlob(SecretStore(LockedKeyring())).get("k")
    assert "locked" in locked.value.detail
    with pytest.raises(KeyringProblem) as leaky:
        KeyringBlob(SecretStore(LeakyKeyring())).set("k", "leaky-canary")
    assert "leaky-canary" not in str(leaky.value) and leaky.value.__cause__ is None
