"""Delete (confirmed, keyring secret too), Duplicate, Export... and Import... through the window."""

from __future__ import annotations

import json
from pathlib import Path

from keyrings.alt.file import PlaintextKeyring
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.shared.dialogs import (
    AcceptPasswordsDialog,
    ConfirmDeleteDialog,
    DuplicatePolicy,
    ExportFileDialog,
    ImportDuplicatesDialog,
    ImportFileDialog,
)
from outmail_gui.ui.window.server_table_model import Column
from tests.support.keyrings import failing
from tests.ui.conftest import DialogAnswers, WindowFactory, smtp
from tests.ui.helpers import action, cell, click_row, click_toolbar, line, row_of, status_text


def test_delete_asks_and_removes_the_keyring_secret(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    keyring_backend: PlaintextKeyring,
    answer_dialog: DialogAnswers,
) -> None:
    relay = repo.save(smtp("Relay"))
    keyring_backend.set_password(SecretStore.SERVICE, relay.id, "pw")
    window = make_window()
    click_row(qtbot, window, "Relay")
    calls = answer_dialog(ConfirmDeleteDialog, False, True)
    click_toolbar(qtbot, window, "delete")
    assert calls == [("Relay",)]
    assert repo.find_by_name("Relay") is not None
    # The Delete key works from the list.
    window.list_view.setFocus()
    qtbot.keyClick(window.list_view, Qt.Key.Key_Delete)
    assert len(calls) == 2
    assert repo.find_by_name("Relay") is None
    assert keyring_backend.get_password(SecretStore.SERVICE, relay.id) is None
    assert row_of(window, "Relay") == -1
    assert not window.details.is_showing_details()
    assert status_text(window) == "Deleted Relay."


def test_delete_with_the_keyring_unreachable_says_the_password_is_still_there(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, answer_dialog: DialogAnswers
) -> None:
    relay = repo.save(smtp("Relay"))
    window = make_window(secret_store=SecretStore(failing()))
    click_row(qtbot, window, "Relay")
    answer_dialog(ConfirmDeleteDialog, True)
    click_toolbar(qtbot, window, "delete")
    assert repo.find_by_name("Relay") is None
    message = status_text(window)
    assert message.startswith("Deleted Relay, but its password could not be removed from the keyring")
    assert "no usable keyring" in message and relay.id in message and "still there" in message


def test_delete_and_duplicate_need_a_saved_server(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    assert not action(window, "delete").isEnabled()
    assert not action(window, "duplicate").isEnabled()
    click_toolbar(qtbot, window, "new_smtp_server")
    assert not action(window, "delete").isEnabled()
    assert not action(window, "duplicate").isEnabled()


def test_duplicate_opens_an_unsaved_copy(qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository) -> None:
    relay = repo.save(smtp("Relay", is_default=True, port=587))
    window = make_window()
    click_row(qtbot, window, "Relay")
    click_toolbar(qtbot, window, "duplicate")
    copy = window.details.form().record()
    assert copy.id != relay.id and copy.revision == 0
    assert copy.name == "Copy of Relay" and copy.port == 587 and not copy.is_default
    assert line(window, "name").text() == "Copy of Relay"
    assert "not saved" in window.details.title()
    click_toolbar(qtbot, window, "save")
    assert cell(window, "Copy of Relay", Column.PORT) == "587"
    assert cell(window, "Relay", Column.DEFAULT) == "Default"


def test_export_then_import_with_duplicate_policy(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    answer_dialog: DialogAnswers,
    tmp_path: Path,
) -> None:
    repo.save(smtp("Relay"))
    repo.save(smtp("Spare"))
    window = make_window()
    target = tmp_path / "servers.json"
    answer_dialog(ExportFileDialog, target)
    click_toolbar(qtbot, window, "export")
    document = json.loads(target.read_text(encoding="utf-8"))
    assert sorted(s["name"] for s in document["servers"]) == ["Relay", "Spare"]
    assert "password" not in target.read_text(encoding="utf-8")
    assert "Exported 2 server(s)" in status_text(window)

    answer_dialog(ImportFileDialog, target)
    asked = answer_dialog(ImportDuplicatesDialog, DuplicatePolicy.RENAME)
    click_toolbar(qtbot, window, "import")
    assert sorted(asked[0][0]) == ["Relay", "Spare"]
    assert row_of(window, "Relay (2)") >= 0 and row_of(window, "Spare (2)") >= 0
    assert "2 renamed" in status_text(window)


def test_import_with_passwords_asks_before_using_the_keyring(
    qtbot: QtBot,
    make_window: WindowFactory,
    answer_dialog: DialogAnswers,
    keyring_backend: PlaintextKeyring,
    repo: ServerRepository,
    tmp_path: Path,
) -> None:
    source = tmp_path / "with-passwords.json"
    record = smtp("Imported").to_dict()
    record.pop("revision")
    record["password"] = "from-file"
    source.write_text(json.dumps({"format": "outmail-servers", "version": 1, "servers": [record]}), encoding="utf-8")
    window = make_window()
    answer_dialog(ImportFileDialog, source, source)
    asked = answer_dialog(AcceptPasswordsDialog, False, True)
    click_toolbar(qtbot, window, "import")
    assert asked[0][0] == 1
    imported = repo.find_by_name("Imported")
    assert imported is not None
    assert keyring_backend.get_password(SecretStore.SERVICE, imported.id) is None
    # Again, accepting: the duplicate is replaced and its password goes to the keyring.
    answer_dialog(ImportDuplicatesDialog, DuplicatePolicy.REPLACE)
    click_toolbar(qtbot, window, "import")
    imported = repo.find_by_name("Imported")
    assert imported is not None
    assert keyring_backend.get_password(SecretStore.SERVICE, imported.id) == "from-file"
    assert "1 password(s) stored" in status_text(window)


def test_cancelled_file_choice_changes_nothing(
    qtbot: QtBot, make_window: WindowFactory, answer_dialog: DialogAnswers
) -> None:
    window = make_window()
    answer_dialog(ImportFileDialog, None)
    answer_dialog(ExportFileDialog, None)
    click_toolbar(qtbot, window, "import")
    click_toolbar(qtbot, window, "export")
    assert window.model.rowCount() == 0
