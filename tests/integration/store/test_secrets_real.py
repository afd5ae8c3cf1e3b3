"""Against a real Secret Service (gnome-keyring): the session one, and private headless ones.

``keyring``-marked tests use the session started by scripts/run-tests.sh and skip without it
(fail there). The locked and dismissed cases start their own ``dbus-run-session`` with a private
HOME, since they need a keyring in a particular state (tests/support/secret_service.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from tests.support.secret_service import needs_gnome_keyring, needs_session, run_private_session
from tests.unit.store.records import smtp

pytestmark = pytest.mark.integration
PASSWORD = "sëcret ✓ пароль 密码"


@pytest.mark.keyring
@needs_session
def test_real_keyring_round_trip_and_label() -> None:
    store = SecretStore()
    info = store.backend_info()
    assert info.secure and "Secret Service" in info.name
    server_id = "e" * 32
    store.set_password(server_id, PASSWORD)
    assert SecretStore().get_password(server_id) == PASSWORD
    store.delete_password(server_id)
    assert store.get_password(server_id) is None
    store.delete_password(server_id)  # absent: no error


@pytest.mark.keyring
@needs_session
def test_rename_keeps_the_password_and_delete_removes_it(tmp_path: Path) -> None:
    store = SecretStore()
    with ServerRepository.open(tmp_path) as repo:
        saved = repo.save(smtp("Before"))
        store.set_password(saved.id, PASSWORD)
        renamed = repo.save(saved.with_changes(name="After"))
        assert store.get_password(renamed.id) == PASSWORD
        repo.delete(renamed.id)
        store.delete_password(renamed.id)
    assert store.get_password(saved.id) is None
    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert PASSWORD.encode() not in file.read_bytes()


@needs_gnome_keyring
def test_headless_keyring_without_unlock_reports_a_dismissed_prompt(tmp_path: Path) -> None:
    script = """
        from outmail_gui.store.secrets import SecretStore, SecretStoreError
        try:
            SecretStore().set_password("a" * 32, "never-stored-pw")
        except SecretStoreError as exc:
            assert "never-stored-pw" not in exc.message
            print(type(exc).__name__, "|", exc.message)
        else:
            print("stored")
    """
    line = run_private_session(tmp_path, unlock=False, script=script)
    assert line.startswith("KeyringDismissedError |"), line
    assert "Secret Service" in line
    assert not list((tmp_path / "home").rglob("*.cfg"))  # no plain-text fallback file


@needs_gnome_keyring
def test_locked_collection_is_reported_as_locked(tmp_path: Path) -> None:
    script = """
        import secretstorage
        from outmail_gui.store.secrets import SecretStore, SecretStoreError
        store = SecretStore()
        store.set_password("b" * 32, "pw-before-lock")
        with secretstorage.dbus_init() as bus:
            secretstorage.get_default_collection(bus).lock()
        try:
            store.get_password("b" * 32)
        except SecretStoreError as exc:
            print(type(exc).__name__, "|", exc.message)
        else:
            print("read")
    """
    line = run_private_session(tmp_path, unlock=True, script=script)
    assert line.startswith("KeyringLockedError |"), line
    assert "locked" in line and "Secret Service" in line


@needs_gnome_keyring
def test_private_session_round_trip_of_a_non_ascii_password(tmp_path: Path) -> None:
    script = f"""
        from outmail_gui.store.secrets import SecretStore
        store = SecretStore()
        store.set_password("c" * 32, {PASSWORD!r})
        print(SecretStore().get_password("c" * 32) == {PASSWORD!r}, store.backend_info().secure)
    """
    assert run_private_session(tmp_path, unlock=True, script=script) == "True True"
