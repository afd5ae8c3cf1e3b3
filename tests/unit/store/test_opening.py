"""Opening: newer schemas refused untouched, damage detected, migrations backed up, backups restorable."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from outmail_gui.paths import database_path
from outmail_gui.store import backups, migrations
from outmail_gui.store.backups import RestoreRefused
from outmail_gui.store.errors import DatabaseCorruptError, SchemaTooNewError, StoreError
from outmail_gui.store.opening import IntegrityCheck
from outmail_gui.store.repository import ServerRepository
from tests.unit.store.records import smtp

Opener = Callable[[Path], ServerRepository]


@pytest.fixture(params=["checked when opening", "checked early"])
def open_store(request: pytest.FixtureRequest) -> Opener:
    """Open as the CLI does, or as the window does: its integrity check started on a helper thread."""

    def opener(data_dir: Path) -> ServerRepository:
        if request.param == "checked early":
            return ServerRepository.open(data_dir, integrity=IntegrityCheck.start(data_dir))
        return ServerRepository.open(data_dir)

    return opener


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(data_dir: Path, count: int = 60) -> list[str]:
    with ServerRepository.open(data_dir) as repo:
        names = [repo.save(smtp(f"server {n:03}", login_id="user-" + "x" * 200)).name for n in range(count)]
        repo.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return names


def age(path: Path, days: float) -> None:
    moment = time.time() - days * 86400
    os.utime(path, (moment, moment))


def test_a_newer_schema_is_refused_and_left_untouched(data_dir: Path, open_store: Opener) -> None:
    path = database_path(data_dir)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(SchemaTooNewError) as info:
        open_store(data_dir)
    assert info.value.found == 99 and info.value.supported == migrations.schema_version()
    assert "newer version of Outmail" in info.value.message and "not changed" in info.value.message
    assert digest(path) == before
    assert not path.with_name(path.name + "-wal").exists()
    assert backups.list_backups(data_dir) == []


def test_a_file_that_is_not_a_database(data_dir: Path, open_store: Opener) -> None:
    database_path(data_dir).write_bytes(b"this is a text file, not SQLite\n" * 200)
    with pytest.raises(DatabaseCorruptError) as info:
        open_store(data_dir)
    assert "damaged" in info.value.message and "No backup" in info.value.message
    assert info.value.backups == []


def test_a_truncated_file_is_reported_with_the_backups(data_dir: Path, open_store: Opener) -> None:
    fill(data_dir)
    with ServerRepository.open(data_dir):
        pass  # an open after creation writes the first daily backup
    found = backups.list_backups(data_dir)
    assert len(found) == 1
    path = database_path(data_dir)
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(size // 2)
    with pytest.raises(DatabaseCorruptError) as info:
        open_store(data_dir)
    assert info.value.backups == found and found[0].name in info.value.message


def test_a_corrupted_page_is_detected(data_dir: Path, open_store: Opener) -> None:
    fill(data_dir)
    path = database_path(data_dir)
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, 3 * page):  # scribble over several b-tree pages
        data[start + 8 : start + 200] = os.urandom(192)
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorruptError) as info:
        open_store(data_dir)
    assert "damaged" in info.value.message


def test_an_emptied_file_with_backups_is_not_a_new_store(data_dir: Path, open_store: Opener) -> None:
    fill(data_dir, 3)
    with ServerRepository.open(data_dir):
        pass
    database_path(data_dir).write_bytes(b"")
    with pytest.raises(DatabaseCorruptError, match="empty"):
        open_store(data_dir)


def test_an_empty_file_without_backups_starts_a_new_store(data_dir: Path, open_store: Opener) -> None:
    database_path(data_dir).write_bytes(b"")
    with open_store(data_dir) as repo:
        assert repo.list_servers() == []


def test_restore_the_latest_backup(data_dir: Path) -> None:
    names = fill(data_dir, 5)
    with ServerRepository.open(data_dir):
        pass
    path = database_path(data_dir)
    path.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(DatabaseCorruptError) as info:
        ServerRepository.open(data_dir)
    aside = ServerRepository.restore_backup(data_dir, info.value.backups[0]).aside
    assert aside is not None and aside.exists() and aside.read_bytes().startswith(b"\x00garbage")
    with ServerRepository.open(data_dir) as repo:
        assert [s.name for s in repo.list_servers()] == names
        assert repo.save(smtp("after restore")).revision == 1


def test_a_damaged_backup_is_not_restored(data_dir: Path, tmp_path: Path) -> None:
    fill(data_dir, 2)
    bad = tmp_path / "outmail-20000101T000000000000Z-daily.sqlite3"
    bad.write_bytes(b"nope" * 100)
    before = digest(database_path(data_dir))
    with pytest.raises(RestoreRefused, match="damaged"):
        ServerRepository.restore_backup(data_dir, bad, force=True)
    assert digest(database_path(data_dir)) == before


def test_daily_backup_once_a_day_and_only_the_newest_kept(data_dir: Path) -> None:
    fill(data_dir, 2)
    for _ in range(3):
        with ServerRepository.open(data_dir):
            pass
    assert len(backups.list_backups(data_dir)) == 1
    for _ in range(backups.KEEP + 3):
        age(backups.list_backups(data_dir)[0], 2)
        with ServerRepository.open(data_dir):
            pass
    found = backups.list_backups(data_dir)
    assert len(found) == backups.KEEP
    assert found == sorted(found, reverse=True)
    for copy in found:
        assert backups.backup_problem(copy) is None


def test_interrupted_backup_leaves_no_backup_lookalike(data_dir: Path) -> None:
    fill(data_dir, 2)
    folder = backups.backup_dir(data_dir)
    folder.mkdir()
    stale = folder / "outmail-20000101T000000000000Z-daily.sqlite3.partial"
    stale.write_bytes(b"half")
    age(stale, 1)
    with ServerRepository.open(data_dir):
        pass
    assert not stale.exists()
    assert all(not p.name.endswith(".partial") for p in folder.iterdir())


def test_migration_backs_up_first_and_applies_each_step_in_one_transaction(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = fill(data_dir, 3)
    current = migrations.schema_version()
    step = ("ALTER TABLE servers ADD COLUMN notes TEXT NOT NULL DEFAULT ''",)
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, step))
    with ServerRepository.open(data_dir) as repo:
        assert repo.connection().execute("PRAGMA user_version").fetchone()[0] == current + 1
        assert [s.name for s in repo.list_servers()] == names
    (before,) = [p for p in backups.list_backups(data_dir) if f"before-v{current + 1}" in p.name]
    conn = sqlite3.connect(before)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current
        assert conn.execute("SELECT count(*) FROM servers").fetchone()[0] == 3
    finally:
        conn.close()


def test_a_failing_migration_changes_nothing(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = fill(data_dir, 3)
    current = migrations.schema_version()
    step = ("ALTER TABLE servers ADD COLUMN notes TEXT", "THIS IS NOT SQL")
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, step))
    with pytest.raises(StoreError, match="could not be opened"):
        ServerRepository.open(data_dir)
    monkeypatch.undo()
    with ServerRepository.open(data_dir) as repo:
        assert repo.connection().execute("PRAGMA user_version").fetchone()[0] == current
        columns = [r[1] for r in repo.connection().execute("PRAGMA table_info(servers)")]
        assert "notes" not in columns
        assert [s.name for s in repo.list_servers()] == names
    assert [p for p in backups.list_backups(data_dir) if f"before-v{current + 1}" in p.name]


def test_a_fresh_database_gets_no_backup(data_dir: Path) -> None:
    with ServerRepository.open(data_dir):
        pass
    assert backups.list_backups(data_dir) == []


def test_the_early_check_finds_a_sound_file_sound_and_never_creates_one(data_dir: Path) -> None:
    missing = IntegrityCheck.start(data_dir)
    assert missing.problems() is None  # no file yet: opening creates it, then checks it itself
    assert not database_path(data_dir).exists()
    fill(data_dir, 3)
    assert IntegrityCheck.start(data_dir).problems() == ["ok"]


def test_opening_takes_the_early_checks_findings(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(data_dir, 3)
    check = IntegrityCheck.start(data_dir)
    assert check.problems() == ["ok"]
    monkeypatch.setattr(check, "problems", lambda: ["*** in database main ***", "Page 7: never used"])
    with pytest.raises(DatabaseCorruptError) as info:
        ServerRepository.open(data_dir, integrity=check)
    assert "Page 7: never used" in info.value.message


def test_an_early_check_of_another_directory_is_refused(data_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(ValueError, match="integrity check"):
        ServerRepository.open(data_dir, integrity=IntegrityCheck.start(other))
