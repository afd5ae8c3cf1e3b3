"""The real dialogs behind each ``ask()``: shown modally, answered by clicking their buttons."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox, QMessageBox

from outmail_gui.ui.shared import dialogs
from tests.ui.conftest import MODAL_DIALOGS

_REAL: dict[type, Any] = {
    cls: cls.__dict__["ask"]
    for cls in (
        dialogs.UnsavedChangesDialog,
        dialogs.ConfirmDeleteDialog,
        dialogs.RevisionConflictDialog,
        dialogs.ImportDuplicatesDialog,
        dialogs.AcceptPasswordsDialog,
        dialogs.RestoreBackupDialog,
    )
}


def _answer_with(pick: Callable[[QMessageBox], QAbstractButton], seen: list[str]) -> None:
    """Click a button of the modal message box as soon as it is shown."""

    def attempt() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            QTimer.singleShot(10, attempt)
            return
        seen.append(f"{box.objectName()}: {box.text()}")
        pick(box).click()

    QTimer.singleShot(0, attempt)


def _named(name: str) -> Callable[[QMessageBox], QAbstractButton]:
    def pick(box: QMessageBox) -> QAbstractButton:
        found = box.findChild(QAbstractButton, name)
        assert found is not None, name
        return found

    return pick


def _standard(button: QMessageBox.StandardButton) -> Callable[[QMessageBox], QAbstractButton]:
    return lambda box: box.button(button)


@pytest.fixture(autouse=True)
def real_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    for cls, ask in _REAL.items():
        monkeypatch.setattr(cls, "ask", ask)


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        (QMessageBox.StandardButton.Save, dialogs.UnsavedChoice.SAVE),
        (QMessageBox.StandardButton.Discard, dialogs.UnsavedChoice.DISCARD),
        (QMessageBox.StandardButton.Cancel, dialogs.UnsavedChoice.CANCEL),
    ],
)
def test_unsaved_changes(qapp: QApplication, button: QMessageBox.StandardButton, expected: Any) -> None:
    seen: list[str] = []
    _answer_with(_standard(button), seen)
    assert dialogs.UnsavedChangesDialog.ask(None, "Relay", "quitting") is expected
    assert seen == ["unsaved_changes_dialog: Relay has unsaved changes."]


def test_confirm_delete(qapp: QApplication) -> None:
    seen: list[str] = []
    _answer_with(_named("confirm_delete"), seen)
    assert dialogs.ConfirmDeleteDialog.ask(None, "Relay") is True
    _answer_with(_standard(QMessageBox.StandardButton.Cancel), seen)
    assert dialogs.ConfirmDeleteDialog.ask(None, "Relay") is False
    assert seen[0] == "confirm_delete_dialog: Delete the outgoing email server Relay?"


def test_revision_conflict(qapp: QApplication) -> None:
    seen: list[str] = []
    _answer_with(_named("reload"), seen)
    assert dialogs.RevisionConflictDialog.ask(None, "changed elsewhere") is dialogs.ConflictChoice.RELOAD
    _answer_with(_named("keep_editing"), seen)
    assert dialogs.RevisionConflictDialog.ask(None, "changed elsewhere") is dialogs.ConflictChoice.KEEP_EDITING


@pytest.mark.parametrize("policy", list(dialogs.DuplicatePolicy))
def test_import_duplicates(qapp: QApplication, policy: dialogs.DuplicatePolicy) -> None:
    seen: list[str] = []
    _answer_with(_named(f"import_{policy.value}"), seen)
    names = [f"Server {n}" for n in range(7)]
    assert dialogs.ImportDuplicatesDialog.ask(None, names) is policy
    assert "and 2 more" in seen[0]


def test_import_duplicates_cancel(qapp: QApplication) -> None:
    seen: list[str] = []
    _answer_with(_standard(QMessageBox.StandardButton.Cancel), seen)
    assert dialogs.ImportDuplicatesDialog.ask(None, ["Relay"]) is None


def test_accept_passwords_and_restore_backup(qapp: QApplication) -> None:
    seen: list[str] = []
    _answer_with(_standard(QMessageBox.StandardButton.Yes), seen)
    assert dialogs.AcceptPasswordsDialog.ask(None, 2, "Secret Service keyring") is True
    _answer_with(_named("restore_backup"), seen)
    assert dialogs.RestoreBackupDialog.ask(None, "damaged", Path("outmail-20250101.sqlite3")) is True
    assert not isinstance(QApplication.activeModalWidget(), QDialogButtonBox)


def test_every_modal_ask_is_stubbed_for_the_other_tests() -> None:
    """tests/ui/conftest.py's one list of modal dialogs names every class of the window with an ``ask()``."""
    import outmail_gui.ui

    asking: set[type] = set()
    for module_info in pkgutil.walk_packages(outmail_gui.ui.__path__, "outmail_gui.ui."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if inspect.isclass(value) and value.__module__ == module.__name__ and "ask" in value.__dict__:
                asking.add(value)
    assert asking == set(MODAL_DIALOGS), sorted(cls.__qualname__ for cls in asking ^ set(MODAL_DIALOGS))
