"""The window's editing session and its details form share one editing model."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import LockedKeyring
from tests.ui.conftest import WindowFactory, smtp
from tests.ui.helpers import click_row, line, replace_text, shortcut


def test_the_form_edits_the_sessions_model_and_save_leaves_it_clean(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    stored = repo.save(smtp("Relay"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    model = window.session.model
    assert window.details.form().model is model and model.saved_record == stored

    replace_text(qtbot, line(window, "server"), "changed.example.com")
    assert model.dirty_fields() == {"server"} and window.isWindowModified()

    shortcut(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = repo.get(stored.id)
    assert saved.server == "changed.example.com" and saved.revision == stored.revision + 1
    assert model.saved_record == saved and not model.is_dirty() and not window.isWindowModified()


def test_a_password_the_keyring_refused_keeps_the_details_marked_unsaved(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Relay"))
    window = make_window(secret_store=SecretStore(LockedKeyring()))
    click_row(qtbot, window, "Relay")
    replace_text(qtbot, line(window, "password"), "pw-123456")
    shortcut(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.session.model.dirty_fields() == {"password"}  # the server is saved, the password is not
    assert window.details.title() == "SMTP server: Relay — unsaved changes"
