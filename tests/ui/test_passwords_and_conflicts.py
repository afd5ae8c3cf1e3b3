"""Passwords go to the keyring (never SQLite), keyring failures keep the typed password,
and a save that loses a race with another instance never overwrites silently."""

from __future__ import annotations

import getpass
from pathlib import Path

from keyring.backends.fail import Keyring as FailKeyring
from keyring.errors import PasswordSetError
from keyrings.alt.file import PlaintextKeyring
from PySide6.QtWidgets import QLabel, QLineEdit, QToolButton
from pytestqt.qtbot import QtBot

from outmail_gui.paths import database_path
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.shared.dialogs import ConflictChoice, RevisionConflictDialog
from outmail_gui.ui.window.server_table_model import Column
from tests.ui.conftest import DialogAnswers, WindowFactory, smtp
from tests.ui.helpers import action, cell, child, click, click_row, click_toolbar, line, replace_text, status_text

SECRET = "s3cret-Password!"


def _database_bytes(data_dir: Path) -> bytes:
    raw = b""
    for path in data_dir.rglob("*"):
        if path.is_file() and path.name.startswith(database_path(data_dir).name):
            raw += path.read_bytes()
    return raw


def test_password_is_masked_with_a_toggle_and_saved_to_the_keyring(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    keyring_backend: PlaintextKeyring,
    data_dir: Path,
) -> None:
    relay = repo.save(smtp("Relay"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    password = line(window, "password")
    assert password.echoMode() is QLineEdit.EchoMode.Password
    replace_text(qtbot, password, SECRET)
    click(qtbot, child(window.details.form(), QToolButton, "password_visibility"))
    assert password.echoMode() is QLineEdit.EchoMode.Normal
    click_toolbar(qtbot, window, "save")
    assert keyring_backend.get_password(SecretStore.SERVICE, relay.id) == SECRET
    assert SECRET.encode() not in _database_bytes(data_dir)
    assert SECRET.encode("utf-8") not in _database_bytes(data_dir)


def test_keyring_failure_saves_the_settings_keeps_the_password_and_says_why(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, data_dir: Path
) -> None:
    repo.save(smtp("Relay"))
    window = make_window(secret_store=SecretStore(FailKeyring()))
    click_row(qtbot, window, "Relay")
    replace_text(qtbot, line(window, "login_id"), "mailer")
    replace_text(qtbot, line(window, "password"), SECRET)
    click_toolbar(qtbot, window, "save")
    relay = repo.find_by_name("Relay")
    assert relay is not None and relay.login_id == "mailer" and relay.revision == 2
    assert line(window, "password").text() == SECRET  # not lost
    message = child(window.details.form(), QLabel, "keyring_message")
    assert message.isVisible() and "keyring" in message.text().casefold()
    assert "the password was not stored" in status_text(window)
    assert SECRET.encode() not in _database_bytes(data_dir)
    # Not shown as saved: the password is an unsaved change, Save is the retry.
    assert window.isWindowModified() and action(window, "save").isEnabled()
    assert "Save again" in message.text() and "Save again" in status_text(window)
    count = child(window, QLabel, "server_count")
    assert count.text() == "1 server(s)" and count.contentsMargins().left() >= 8  # apart from the message


class RefusesOnce(PlaintextKeyring):  # type: ignore[misc]  # keyrings.alt has no type hints
    """A keyring that is locked for the first write (the user then unlocks it)."""

    refused = False

    def set_password(self, service: str, username: str, password: str) -> None:
        if not self.refused:
            self.refused = True
            raise PasswordSetError("the keyring is locked")
        super().set_password(service, username, password)


def test_save_again_retries_storing_the_password(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, tmp_path: Path
) -> None:
    backend = RefusesOnce()
    backend.file_path = str(tmp_path / "retry-keyring.cfg")
    relay = repo.save(smtp("Relay"))
    window = make_window(secret_store=SecretStore(backend))
    click_row(qtbot, window, "Relay")
    replace_text(qtbot, line(window, "password"), SECRET)
    click_toolbar(qtbot, window, "save")
    assert backend.refused and backend.get_password(SecretStore.SERVICE, relay.id) is None
    assert window.isWindowModified()
    click_toolbar(qtbot, window, "save")  # the retry
    assert backend.get_password(SecretStore.SERVICE, relay.id) == SECRET
    assert not window.isWindowModified() and "not stored" not in status_text(window)


def test_revision_conflict_offers_reload(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, answer_dialog: DialogAnswers
) -> None:
    relay = repo.save(smtp("Relay"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    replace_text(qtbot, line(window, "server"), "mine.example.com")
    repo.save(relay.with_changes(server="theirs.example.com"))  # another instance wins the race
    calls = answer_dialog(RevisionConflictDialog, ConflictChoice.RELOAD)
    click_toolbar(qtbot, window, "save")
    assert len(calls) == 1 and "changed elsewhere" in calls[0][0]
    assert line(window, "server").text() == "theirs.example.com"
    assert cell(window, "Relay", Column.SERVER) == "theirs.example.com"
    assert not window.session.is_dirty()
    stored = repo.find_by_name("Relay")
    assert stored is not None and stored.server == "theirs.example.com"


def test_revision_conflict_keep_editing_never_overwrites(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, answer_dialog: DialogAnswers
) -> None:
    relay = repo.save(smtp("Relay"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    replace_text(qtbot, line(window, "server"), "mine.example.com")
    repo.save(relay.with_changes(server="theirs.example.com"))
    answer_dialog(RevisionConflictDialog, ConflictChoice.KEEP_EDITING, ConflictChoice.KEEP_EDITING)
    click_toolbar(qtbot, window, "save")
    assert line(window, "server").text() == "mine.example.com"
    assert "changed elsewhere" in status_text(window)
    click_toolbar(qtbot, window, "save")  # again: still refused, still asked
    stored = repo.find_by_name("Relay")
    assert stored is not None and stored.server == "theirs.example.com"


def test_record_deleted_elsewhere_cannot_be_reloaded(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, answer_dialog: DialogAnswers
) -> None:
    relay = repo.save(smtp("Relay"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    replace_text(qtbot, line(window, "server"), "mine.example.com")
    repo.delete(relay.id)
    calls = answer_dialog(RevisionConflictDialog, ConflictChoice.KEEP_EDITING)
    click_toolbar(qtbot, window, "save")
    assert "deleted elsewhere" in calls[0][0]
    assert calls[0][1:] == (False,) or calls[0][1:] == ()
    assert line(window, "server").text() == "mine.example.com"


def test_other_instances_writes_show_up_when_the_window_is_activated(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    relay = repo.save(smtp("Relay"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    repo.save(smtp("Added elsewhere"))
    repo.save(relay.with_changes(port=2525))
    window.sync_with_store()  # what activating the window does
    assert cell(window, "Added elsewhere", Column.NAME) == "Added elsewhere"
    assert cell(window, "Relay", Column.PORT) == "2525"
    # The displayed record had no edits: it shows the current version.
    assert window.details.form().record().port == 2525
    # Who changed it and when, from the local store's audit trail (the OS login).
    assert status_text(window).startswith(f"Relay was changed by {getpass.getuser()} at ")
