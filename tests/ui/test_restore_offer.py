"""The window's offer to restore a damaged database follows the CLI's rules: never while another process has it open."""

from __future__ import annotations

from pathlib import Path

from outmail_gui.paths import database_path
from outmail_gui.store import backups
from outmail_gui.store.process_lock import StoreLock
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.shared.dialogs import ErrorDialog, RestoreBackupDialog
from outmail_gui.ui.window import launch
from tests.ui.conftest import DialogAnswers, smtp


def test_restore_is_refused_while_another_process_holds_the_store(data_dir: Path, answer_dialog: DialogAnswers) -> None:
    with ServerRepository.open(data_dir) as repo:
        repo.save(smtp("Relay"))
        backups.make_backup(repo.connection(), data_dir, "test")
    damaged = b"this is not a database" * 100
    database_path(data_dir).write_bytes(damaged)
    answer_dialog(RestoreBackupDialog, True)
    shown = answer_dialog(ErrorDialog, None, method="show")
    other = StoreLock.shared(data_dir)  # what another window or command holds while it has the store open
    try:
        assert launch.run_gui(["--data-dir", str(data_dir), "--exit-when-shown"]) == 1
    finally:
        other.release()
    assert shown[0][0] == "Backup not restored"
    assert "another Outmail process" in shown[0][1]
    assert database_path(data_dir).read_bytes() == damaged  # nothing was swapped
