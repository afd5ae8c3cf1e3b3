"""The local store's audit trail (schema v006): SQLite triggers record every change to a server, Outmail's own
with the OS login and workstation, a raw ``sqlite3`` shell's as unknown; read by ``audit`` as on the shared store."""

from __future__ import annotations

import getpass
import sqlite3
import subprocess
from pathlib import Path

import pytest

from outmail_gui.paths import database_path
from outmail_gui.store import backups, migrations
from outmail_gui.store.errors import DamagedRecordError
from outmail_gui.store.local_audit import UNKNOWN_USER
from outmail_gui.store.migrations import v004_name_keys, v005_test_history_certificate
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secret_writes import SecretWrites
from outmail_gui.store.secrets import SecretStore
from outmail_gui.store.workstation import application_name
from tests.support.keyrings import MemoryKeyring
from tests.unit.cli.cli_run import run_cli
from tests.unit.store.old_schema import database_at_version, insert_server
from tests.unit.store.records import smtp

RAW = "sqlite3 shell or another program"


def sqlite3_shell(data_dir: Path, statement: str) -> None:
    """``statement`` run by the real ``sqlite3`` command-line shell, as a user working around Outmail would."""
    done = subprocess.run(
        ["sqlite3", "-bail", str(database_path(data_dir)), statement],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_outmail_records_its_changes_as_the_os_login_on_this_workstation(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "jdoe")
    with ServerRepository.open(data_dir) as repo:
        saved = repo.save(smtp("Main", port=25))
        repo.save(saved.with_changes(port=587))
        (insert, update) = repo.audit()
    assert (insert.user, insert.application, insert.client_addr) == ("jdoe", application_name(), None)
    assert (update.action, update.server, update.changes) == ("update", "Main", {"port": (25, 587)})
    assert update.at.tzinfo is not None and update.at >= insert.at


def test_a_change_made_with_the_sqlite3_shell_is_recorded_too(data_dir: Path) -> None:
    with ServerRepository.open(data_dir) as repo:
        saved = repo.save(smtp("Main", port=25))
        # While Outmail has the store open: its temporary trigger tags its own connection's changes only.
        sqlite3_shell(data_dir, f"UPDATE servers SET port = 2525, active = 0 WHERE id = '{saved.id}'")
        sqlite3_shell(data_dir, f"DELETE FROM servers WHERE id = '{saved.id}'")
        entries = repo.audit("main")
    assert [(e.action, e.user, e.application) for e in entries] == [
        ("insert", getpass.getuser(), application_name()),
        ("update", UNKNOWN_USER, RAW),
        ("delete", UNKNOWN_USER, RAW),
    ]
    assert entries[1].changes == {"port": (25, 2525), "active": (True, False)}
    assert entries[2].changes["port"] == (2525, None)


def test_a_change_of_bookkeeping_alone_records_nothing(repo: ServerRepository, data_dir: Path) -> None:
    saved = repo.save(smtp("Main"))
    sqlite3_shell(data_dir, f"UPDATE servers SET revision = revision + 1 WHERE id = '{saved.id}'")
    assert [e.action for e in repo.audit()] == ["insert"]


def test_no_password_reaches_the_database_or_its_trail(data_dir: Path) -> None:
    password = "Pa55-never-in-the-trail"
    with ServerRepository.open(data_dir) as repo:
        record = smtp("Main", login_id="desk")
        writes = SecretWrites(SecretStore(MemoryKeyring()))
        writes.set(record.id, password)
        with repo.transaction(writes) as tx:
            saved = tx.save(record)
        repo.save(saved.with_changes(port=2525))
        assert [e.action for e in repo.audit()] == ["insert", "update"]
        trail = repo.connection().execute("SELECT group_concat(changes) FROM audit_log").fetchone()[0]
        files = [p for p in data_dir.iterdir() if p.name.startswith(database_path(data_dir).name)]
        on_disk = b"".join(p.read_bytes() for p in files)  # the database, its WAL and shared memory
    assert "desk" in trail and password not in trail
    assert password.encode() not in on_disk


def test_a_version_5_database_is_upgraded_with_a_backup_first(data_dir: Path) -> None:
    """The step from v005: a backup of the old file, then the trail, empty (the past is not invented)."""
    conn = database_at_version(data_dir, migrations.MIGRATIONS.index(v004_name_keys.migrate))
    with conn:
        v004_name_keys.migrate(conn)
    for statement in v005_test_history_certificate.STATEMENTS:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 5")
    old = smtp("Old", port=25)
    insert_server(conn, old, name_key="old")
    conn.close()
    with ServerRepository.open(data_dir) as repo:
        assert repo.connection().execute("PRAGMA user_version").fetchone()[0] == migrations.schema_version() >= 6
        assert repo.audit() == []
        repo.save(repo.get(old.id).with_changes(port=465))
        (entry,) = repo.audit("Old")
    assert (entry.action, entry.changes) == ("update", {"port": (25, 465)})
    (before,) = [p for p in backups.list_backups(data_dir) if f"before-v{migrations.schema_version()}" in p.name]
    backup = sqlite3.connect(before)
    try:
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 5
        assert backup.execute("SELECT name FROM sqlite_master WHERE name = 'audit_log'").fetchone() is None
    finally:
        backup.close()


def test_a_restored_backup_brings_its_own_trail(data_dir: Path) -> None:
    """The trail lives in the database file: a backup holds the trail of the servers it holds."""
    with ServerRepository.open(data_dir) as repo:
        repo.save(smtp("Kept"))
        backups.make_backup(repo.connection(), data_dir, "daily")
        repo.save(smtp("After the backup"))
    database_path(data_dir).write_bytes(b"\x00garbage" * 1000)
    ServerRepository.restore_backup(data_dir, backups.list_backups(data_dir)[0])
    with ServerRepository.open(data_dir) as repo:
        assert [s.name for s in repo.list_servers()] == ["Kept"]
        assert [(e.action, e.server) for e in repo.audit()] == [("insert", "Kept")]


def test_damaged_text_is_shown_and_an_unreadable_entry_named(repo: ServerRepository, data_dir: Path) -> None:
    saved = repo.save(smtp("Main"))
    # Bytes that are not UTF-8 written by hand: the trail shows them as U+FFFD, never a traceback.
    sqlite3_shell(data_dir, f"UPDATE servers SET login_id = CAST(X'6a64ff' AS TEXT) WHERE id = '{saved.id}'")
    (_, damaged) = repo.audit()
    assert damaged.changes["login_id"] == ("", "jd\ufffd")
    sqlite3_shell(
        data_dir,
        "INSERT INTO audit_log (at, action, server_id, server_name, changes) "
        "VALUES ('yesterday', 'update', 'x', 'Forged', '{}')",
    )
    with pytest.raises(DamagedRecordError) as caught:
        repo.audit()
    assert "entry 3 of the audit trail (server 'Forged') cannot be read" in caught.value.message
    assert str(data_dir) in caught.value.message
    failed = run_cli(data_dir, "audit")
    assert failed.code == 1
    assert failed.err.count("\n") == 1 and "entry 3 of the audit trail" in failed.err


def test_the_command_lists_the_local_trail_as_it_lists_the_shared_one(data_dir: Path) -> None:
    with ServerRepository.open(data_dir) as repo:
        saved = repo.save(smtp("Head office", port=25))
        repo.save(saved.with_changes(name="Head Office 2", port=587))
        repo.save(smtp("Branch"))
    text = run_cli(data_dir, "audit", "head office")
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    assert len(lines) == 2
    assert (
        f"  {getpass.getuser()} ({application_name()})  insert 'Head office': protocol - -> \"smtp\", id - -> "
        in lines[0]
    )
    assert lines[1].endswith('update \'Head Office 2\': name "Head office" -> "Head Office 2", port 25 -> 587')
    as_json = run_cli(data_dir, "audit", "--json").json()
    assert [(e["action"], e["server"], e["client_addr"]) for e in as_json] == [
        ("insert", "Head office", None),
        ("update", "Head Office 2", None),
        ("insert", "Branch", None),
    ]
    assert as_json[1]["changes"] == {
        "name": {"old": "Head office", "new": "Head Office 2"},
        "port": {"old": 25, "new": 587},
    }
    assert run_cli(data_dir, "audit", "--since", "2999-01-01").out == "No changes recorded.\n"
    assert run_cli(data_dir, "audit", "Nowhere").out == "No changes recorded for 'Nowhere'.\n"
