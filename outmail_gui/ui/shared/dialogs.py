"""The window's questions, each behind a classmethod ``ask()`` so tests can replace it.

Imported on first use (not at start-up). Each ``ask`` builds a modal message box with stable
object names, runs it and returns a plain answer.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

_Btn = QMessageBox.StandardButton


class UnsavedChoice(enum.Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class ConflictChoice(enum.Enum):
    RELOAD = "reload"
    KEEP_EDITING = "keep_editing"


class UnreachableChoice(enum.Enum):
    RETRY = "retry"
    OPEN_LOCAL = "open_local"
    QUIT = "quit"


class DuplicatePolicy(enum.Enum):
    """What an import does with a server whose name already exists (values match the store's)."""

    SKIP = "skip"
    REPLACE = "replace"
    RENAME = "rename"


def _box(parent: QWidget | None, name: str, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    return box


class UnsavedChangesDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, name: str, reason: str = "") -> UnsavedChoice:
        """Save / Discard / Cancel for the unsaved changes of ``name`` before ``reason`` happens."""
        box = _box(parent, "unsaved_changes_dialog", QMessageBox.Icon.Warning, "Unsaved changes", "")
        box.setText(f"{name} has unsaved changes.")
        box.setInformativeText(f"Save them before {reason}?" if reason else "Save them?")
        box.setStandardButtons(_Btn.Save | _Btn.Discard | _Btn.Cancel)
        box.setDefaultButton(_Btn.Save)
        box.setEscapeButton(_Btn.Cancel)
        answer = box.exec()
        box.deleteLater()
        if answer == _Btn.Save:
            return UnsavedChoice.SAVE
        if answer == _Btn.Discard:
            return UnsavedChoice.DISCARD
        return UnsavedChoice.CANCEL


class ConfirmDeleteDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, name: str) -> bool:
        box = _box(parent, "confirm_delete_dialog", QMessageBox.Icon.Question, "Delete server", "")
        box.setText(f"Delete the outgoing email server {name}?")
        box.setInformativeText("Its settings and its password in the keyring are removed. This cannot be undone.")
        box.setStandardButtons(_Btn.Yes | _Btn.Cancel)
        delete = box.button(_Btn.Yes)
        delete.setText("Delete")
        delete.setObjectName("confirm_delete")
        box.setDefaultButton(_Btn.Cancel)
        box.setEscapeButton(_Btn.Cancel)
        answer = box.exec()
        box.deleteLater()
        return bool(answer == _Btn.Yes)


class RevisionConflictDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, message: str, can_reload: bool = True) -> ConflictChoice:
        """Another instance saved first: reload its version, or keep editing (nothing is overwritten)."""
        box = _box(parent, "revision_conflict_dialog", QMessageBox.Icon.Warning, "Changed elsewhere", message)
        box.setInformativeText(
            "Reload shows the current version (your edits are dropped). Keep editing leaves your edits "
            "in the form; they cannot be saved over the other change."
        )
        reload = box.addButton("Reload", QMessageBox.ButtonRole.AcceptRole)
        reload.setObjectName("reload")
        reload.setEnabled(can_reload)
        keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("keep_editing")
        box.setDefaultButton(reload if can_reload else keep)
        box.setEscapeButton(keep)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        return ConflictChoice.RELOAD if clicked is reload and can_reload else ConflictChoice.KEEP_EDITING


class ImportDuplicatesDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, names: Sequence[str]) -> DuplicatePolicy | None:
        """Policy for imported servers whose names exist already; ``None`` cancels the import."""
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        box = _box(parent, "import_duplicates_dialog", QMessageBox.Icon.Question, "Servers already exist", "")
        box.setText(f"{len(names)} imported server(s) have the name of an existing server: {shown}.")
        box.setInformativeText("Skip them, replace the existing servers, or import them under a new name?")
        buttons = {}
        for policy, label in (
            (DuplicatePolicy.SKIP, "Skip"),
            (DuplicatePolicy.REPLACE, "Replace"),
            (DuplicatePolicy.RENAME, "Rename"),
        ):
            button = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
            button.setObjectName(f"import_{policy.value}")
            buttons[button] = policy
        cancel = box.addButton(_Btn.Cancel)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        return next((p for b, p in buttons.items() if b is clicked), None)


class AcceptPasswordsDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, count: int, keyring_name: str) -> bool:
        """The file carries ``count`` passwords: store them in the keyring (True) or ignore them."""
        box = _box(parent, "accept_passwords_dialog", QMessageBox.Icon.Question, "Passwords in the file", "")
        box.setText(f"The file contains {count} password(s).")
        box.setInformativeText(
            f"Store them in the {keyring_name}? If you choose No, the servers are imported without passwords."
        )
        box.setStandardButtons(_Btn.Yes | _Btn.No)
        box.setDefaultButton(_Btn.No)
        answer = box.exec()
        box.deleteLater()
        return bool(answer == _Btn.Yes)


class RestoreBackupDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, message: str, backup: Path) -> bool:
        """The database is damaged: restore ``backup`` (True) or quit."""
        box = _box(parent, "restore_backup_dialog", QMessageBox.Icon.Critical, "Settings database damaged", message)
        box.setInformativeText(f"Restore the latest backup ({backup.name})? The damaged file is kept aside.")
        restore = box.addButton("Restore backup", QMessageBox.ButtonRole.AcceptRole)
        restore.setObjectName("restore_backup")
        quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.setEscapeButton(quit_button)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        return clicked is restore


class SharedStoreUnavailableDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, message: str) -> UnreachableChoice:
        """The shared settings could not be opened (``message`` names them without a password):
        try again, open this workstation's local settings instead, or quit."""
        box = _box(
            parent, "shared_store_unavailable_dialog", QMessageBox.Icon.Warning, "Shared settings unavailable", message
        )
        box.setInformativeText("Try again, or work on this workstation's local settings for now.")
        retry = box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole)
        retry.setObjectName("retry")
        local = box.addButton("Open Local Settings", QMessageBox.ButtonRole.ActionRole)
        local.setObjectName("open_local")
        quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(retry)
        box.setEscapeButton(quit_button)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is retry:
            return UnreachableChoice.RETRY
        return UnreachableChoice.OPEN_LOCAL if clicked is local else UnreachableChoice.QUIT


class ErrorDialog:
    @classmethod
    def show(cls, parent: QWidget | None, title: str, message: str, *, details: str = "") -> None:
        box = _box(parent, "error_dialog", QMessageBox.Icon.Critical, title, message)
        if details:
            box.setInformativeText(details)
        box.setStandardButtons(_Btn.Ok)
        box.exec()
        box.deleteLater()


class ImportFileDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, directory: str = "") -> Path | None:
        path, _ = QFileDialog.getOpenFileName(parent, "Import servers", directory, "Outmail export (*.json)")
        return Path(path) if path else None


class ExportFileDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, directory: str = "") -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            parent, "Export servers", directory or "outmail-servers.json", "Outmail export (*.json)"
        )
        if not path:
            return None
        chosen = Path(path)
        return chosen if chosen.suffix else chosen.with_suffix(".json")
