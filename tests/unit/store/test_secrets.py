"""The keyring wrapper against test backends: round trips, each failure named, no leaks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from outmail_gui.store import secrets as secrets_module
from outmail_gui.store.secrets import (
    BackendInfo,
    KeyringDismissedError,
    KeyringLockedError,
    KeyringUnavailableError,
    SecretStore,
    SecretStoreError,
    describe,
)
from tests.support.keyrings import DismissedKeyring, LeakyKeyring, LockedKeyring, MemoryKeyring, failing, plaintext

PASSWORD = "Pä$$wörd ✓ 密码"
SERVER_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def memory() -> MemoryKeyring:
    MemoryKeyring.reset()
    return MemoryKeyring()


def test_round_trip_keyed_by_server_id(memory: MemoryKeyring) -> None:
    store = SecretStore(memory)
    assert store.get_password(SERVER_ID) is None
    store.set_password(SERVER_ID, PASSWORD)
    assert store.get_password(SERVER_ID) == PASSWORD
    assert MemoryKeyring.passwords == {("outmail", SERVER_ID): PASSWORD}
    store.delete_password(SERVER_ID)
    assert store.get_password(SERVER_ID) is None


def test_deleting_an_absent_password_is_fine(memory: MemoryKeyring) -> None:
    SecretStore(memory).delete_password(SERVER_ID)


def test_service_name() -> None:
    assert SecretStore.SERVICE == "outmail"


@pytest.mark.parametrize("operation", ["get", "set", "delete"])
def test_no_keyring(operation: str) -> None:
    store = SecretStore(failing())
    with pytest.raises(KeyringUnavailableError) as info:
        _run(store, operation)
    assert "No usable keyring" in info.value.message and "not stored anywhere" in info.value.message
    assert store.backend_info() == BackendInfo("no keyring", False, "no usable keyring: passwords cannot be saved")


@pytest.mark.parametrize("operation", ["get", "set", "delete"])
def test_locked_keyring(operation: str) -> None:
    with pytest.raises(KeyringLockedError) as info:
        _run(SecretStore(LockedKeyring()), operation)
    assert "locked" in info.value.message and "keyring" in info.value.message
    assert PASSWORD not in info.value.message


@pytest.mark.parametrize("operation", ["get", "set", "delete"])
def test_dismissed_prompt(operation: str) -> None:
    with pytest.raises(KeyringDismissedError) as info:
        _run(SecretStore(DismissedKeyring()), operation)
    assert "prompt was dismissed" in info.value.message
    assert "DismissedKeyring" in info.value.message  # names the keyring it tried


def test_error_texts_never_contain_the_password() -> None:
    MemoryKeyring.reset()
    with pytest.raises(SecretStoreError) as info:
        SecretStore(LeakyKeyring()).set_password(SERVER_ID, PASSWORD)
    error = info.value
    assert PASSWORD not in error.message and PASSWORD not in str(error) and PASSWORD not in repr(error)
    assert error.__cause__ is None and error.__suppress_context__  # no chained traceback with it either
    assert "********" in error.message


def test_errors_are_secret_store_errors() -> None:
    for cls in (KeyringUnavailableError, KeyringLockedError, KeyringDismissedError):
        assert issubclass(cls, SecretStoreError)


def test_describe_known_backends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    plain = describe(plaintext())
    assert plain.secure is False and "insecure: plain-text file" in plain.description
    assert "insecure" in str(plain)
    from keyring.backends import SecretService

    service = describe(object.__new__(SecretService.Keyring))
    assert service.secure is True and "Secret Service" in service.name and str(service) == service.name
    assert describe(failing()).secure is False


def test_plaintext_is_never_chosen_by_accident(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With keyrings.alt installed and no desktop keyring, keyring itself would pick a plain file."""
    import keyring.backend

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [plaintext(), failing()])
    store = SecretStore()
    with pytest.raises(KeyringUnavailableError):
        store.set_password(SERVER_ID, PASSWORD)
    assert store.backend_info().name == "no keyring"
    assert not list(tmp_path.rglob("*.cfg"))  # no plain-text keyring file was written


class Ranked:
    """A duck-typed backend with a fixed priority (not registered with keyring)."""

    def __init__(self, priority: float) -> None:
        self.priority = priority
        self.passwords: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password


def test_best_recommended_backend_is_chosen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import keyring.backend

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    low, high = Ranked(1), Ranked(3)
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [failing(), low, plaintext(), high])
    SecretStore().set_password(SERVER_ID, PASSWORD)
    assert high.passwords == {("outmail", SERVER_ID): PASSWORD} and not low.passwords


def test_an_explicit_plaintext_backend_is_used_and_labelled_insecure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    store = SecretStore()
    store.set_password(SERVER_ID, PASSWORD)
    assert SecretStore().get_password(SERVER_ID) == PASSWORD
    info = store.backend_info()
    assert info.secure is False and "insecure" in info.description


def test_keyring_is_imported_lazily() -> None:
    code = (
        "import sys, outmail_gui.store.secrets as s; "
        "assert 'keyring' not in sys.modules, 'imported at start-up'; "
        "s.SecretStore(); assert 'keyring' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[3])


def test_module_has_no_fallback_storage() -> None:
    source = Path(secrets_module.__file__).read_text()
    assert "open(" not in source and "sqlite" not in source


def _run(store: SecretStore, operation: str) -> None:
    if operation == "get":
        store.get_password(SERVER_ID)
    elif operation == "set":
        store.set_password(SERVER_ID, PASSWORD)
    else:
        store.delete_password(SERVER_ID)
