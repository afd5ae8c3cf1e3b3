"""restore-backup: a healthy database needs --force and is described; never while another process has it open."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from outmail_gui.store import backups
from outmail_gui.store.backups import RestoreRefused
from outmail_gui.store.process_lock import StoreInUseError
from outmail_gui.store.repository import ServerRepository
from tests.unit.cli.servers_harness import run_servers
from tests.unit.store.records import smtp

ROOT = Path(__file__).resolve().parents[3]


def names(data: Path) -> list[str]:
    return [s["name"] for s in json.loads(run_servers(data, "list", "--json").out)]


@pytest.fixture
def day_old_backup(data: Path) -> Path:
    """A backup holding one server, then three more servers saved after it."""
    with ServerRepository.open(data) as repo:
        repo.save(smtp("First"))
        backup = backups.make_backup(repo.connection(), data, "test")
        for name in ("Second", "Third", "Fourth"):
            repo.save(smtp(name))
    return backup


def test_a_healthy_database_is_not_replaced_without_force(data: Path, day_old_backup: Path) -> None:
    refused = run_servers(data, "restore-backup", str(day_old_backup))
    assert refused.code == 1 and refused.out == ""
    assert "not damaged" in refused.err and "--force" in refused.err
    assert "4 server(s)" in refused.err and "1 server(s)" in refused.err  # live count versus the backup's
    assert names(data) == ["First", "Fourth", "Second", "Third"]


def test_force_restores_and_says_what_it_replaced(data: Path, day_old_backup: Path) -> None:
    done = run_servers(data, "restore-backup", str(day_old_backup), "--force")
    assert done.code == 0, done.err
    assert "(1 server(s), last changed" in done.out and "(4 server(s), last changed" in done.out
    assert names(data) == ["First"]
    (aside,) = data.glob("outmail.sqlite3.damaged-*[0-9]Z")
    assert aside.name in done.out and backups.summary(aside).servers == 4  # the replaced data is kept


def test_no_restore_while_another_process_has_the_store_open(data: Path, day_old_backup: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from outmail_gui.store.repository import ServerRepository as R; "
            "r = R.open(sys.argv[1]); print('open', flush=True); sys.stdin.read(); r.close()",
            str(data),
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        refused = run_servers(data, "restore-backup", str(day_old_backup), "--force")
        assert refused.code == 1 and "another Outmail process" in refused.err and "open" in refused.err
        assert names(data) == ["First", "Fourth", "Second", "Third"]
    finally:
        holder.communicate("", timeout=30)
    assert run_servers(data, "restore-backup", str(day_old_backup), "--force").code == 0


def test_this_process_own_open_store_also_blocks_a_restore(data: Path, day_old_backup: Path) -> None:
    with ServerRepository.open(data), pytest.raises(StoreInUseError):
        ServerRepository.restore_backup(data, day_old_backup, force=True)
    with pytest.raises(RestoreRefused, match="not damaged"):
        ServerRepository.restore_backup(data, day_old_backup)
