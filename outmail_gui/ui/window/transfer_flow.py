"""Import... and Export... from the window (imported on first use, with the store's transfer module).

Import is all-or-nothing (the store's ``apply_import``); passwords in a file go to the keyring
only when the user accepts it, otherwise the servers are imported without them.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Protocol

from outmail_gui.domain.names import normalized_name
from outmail_gui.store import transfer
from outmail_gui.store.errors import StoreError
from outmail_gui.store.secrets import SecretStoreError
from outmail_gui.ui.shared.dialogs import (
    AcceptPasswordsDialog,
    DuplicatePolicy,
    ErrorDialog,
    ExportFileDialog,
    ImportDuplicatesDialog,
    ImportFileDialog,
)
from outmail_gui.ui.shared.host import WindowHost

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


class _Leaving(Protocol):
    def confirm_leave(self, reason: str, *, revert_on_discard: bool = False) -> bool: ...


class _Names(Protocol):
    def names(self) -> list[str]: ...


class TransferHost(WindowHost, Protocol):
    """The window as Import and Export see it (not the whole ``MainWindow``: no import cycle)."""

    @property
    def session(self) -> _Leaving: ...
    @property
    def model(self) -> _Names: ...
    def store_written(self) -> None: ...


def import_servers(parent: QWidget, window: TransferHost) -> bool:
    """Ask for a file and import it; True when something was imported. ``parent``: of the dialogs."""
    if not window.session.confirm_leave("importing", revert_on_discard=True):
        return False
    path = ImportFileDialog.ask(parent)
    if path is None:
        return False
    try:
        plan = transfer.read_import(path, accept_passwords=True)
    except StoreError as exc:
        ErrorDialog.show(parent, "Not imported", exc.message)
        return False
    dropped = 0
    if plan.password_count:
        keyring = window.secrets.backend_info()
        usable = keyring.secure or keyring.name != "no keyring"
        if not usable or not AcceptPasswordsDialog.ask(parent, plan.password_count, str(keyring)):
            dropped = plan.password_count
            plan = dataclasses.replace(plan, items=tuple(transfer.ImportItem(i.record) for i in plan.items))
    existing = {normalized_name(name) for name in window.model.names()}
    duplicates = [i.record.name for i in plan.items if normalized_name(i.record.name) in existing]
    policy = DuplicatePolicy.SKIP
    if duplicates:
        chosen = ImportDuplicatesDialog.ask(parent, duplicates)
        if chosen is None:
            window.show_status("Import cancelled; nothing was changed.")
            return False
        policy = chosen
    try:
        result = transfer.apply_import(
            window.repository, plan, policy.value, window.secrets if plan.password_count else None
        )
    except (StoreError, SecretStoreError) as exc:
        ErrorDialog.show(parent, "Not imported", exc.message)
        window.reload_from_store()
        return False
    window.store_written()
    note = f" {dropped} password(s) in the file were not imported." if dropped else ""
    window.show_status(_summary(result, path.name) + note)
    return bool(result.added or result.replaced or result.renamed)


def export_servers(parent: QWidget, window: TransferHost) -> bool:
    path = ExportFileDialog.ask(parent)
    if path is None:
        return False
    try:
        transfer.write_export(window.repository, path)
    except StoreError as exc:
        ErrorDialog.show(parent, "Not exported", exc.message)
        return False
    except OSError as exc:
        ErrorDialog.show(parent, "Not exported", f"Cannot write {path}: {exc.strerror or exc}.")
        return False
    window.show_status(f"Exported {len(window.model.names())} server(s) to {path} (without passwords).")
    return True


def _summary(result: transfer.ImportResult, source: str) -> str:
    parts = [f"{len(result.added)} added"]
    if result.replaced:
        parts.append(f"{len(result.replaced)} replaced")
    if result.renamed:
        parts.append(f"{len(result.renamed)} renamed")
    if result.skipped:
        parts.append(f"{len(result.skipped)} skipped")
    if result.passwords:
        parts.append(f"{result.passwords} password(s) stored in the keyring")
    return f"Imported {source}: " + ", ".join(parts) + "."
