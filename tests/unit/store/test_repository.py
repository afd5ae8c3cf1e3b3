"""The repository on real SQLite files: CRUD, revisions, defaults, settings, partitions."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.rules import Severity
from outmail_gui.domain.settings import AuthMethod
from outmail_gui.paths import database_path
from outmail_gui.store import connection
from outmail_gui.store.errors import (
    DuplicateNameError,
    NotFoundError,
    RevisionConflictError,
    StoreBusyError,
    StoreEnvironmentError,
    ValidationFailed,
)
from outmail_gui.store.migrations import schema_version
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.rows import ServerListRow
from tests.unit.store.records import mapi, smtp


@contextlib.contextmanager
def raw(data_dir: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(database_path(data_dir), isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def test_open_creates_a_durable_wal_database(repo: ServerRepository, data_dir: Path) -> None:
    assert repo.path == database_path(data_dir) and repo.path.exists()
    conn = repo.connection()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == connection.BUSY_TIMEOUT_MS
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()


def test_no_password_column_anywhere(repo: ServerRepository) -> None:
    tables = [r[0] for r in repo.connection().execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        columns = [r[1] for r in repo.connection().execute(f"PRAGMA table_info({table})")]
        assert not [c for c in columns if "pass" in c.lower() or "secret" in c.lower()]


def test_insert_and_read_back(repo: ServerRepository) -> None:
    record = smtp("Main")
    saved = repo.save(record)
    assert saved.revision == 1 and saved.id == record.id
    assert repo.get(record.id) == saved
    assert repo.list_servers() == [saved]


def test_every_field_round_trips(repo: ServerRepository) -> None:
    repo.add_partition("Sales")
    record = smtp(
        "Ünïcode ✓ name",
        server="bücher.example",
        port=2525,
        login_id="svc-mail",
        active=False,
        use_ssl=False,
        pager_encoding="shift_jis",
        auth_auto=False,
        auth_methods=frozenset({AuthMethod.CRAM_MD5, AuthMethod.XOAUTH2, AuthMethod.DIGEST_MD5}),
        send_receipt=True,
        connection_timeout_s=3600,
        chunking=True,
        outgoing_email_id="jörg@bücher.example",
        is_default=True,
        sent_from_analyst=True,
        reply_to_forwarding_analyst=True,
        partition="Sales",
        trusted_cert_sha256=":".join(["AB"] * 32),
    )
    assert repo.get(repo.save(record).id) == record.with_changes(revision=1)
    legacy = mapi(use_nt_authentication=True, port=1593)
    repo.set_mapi_mail_server("mapi.example.com")
    assert repo.get(repo.save(legacy).id) == legacy.with_changes(revision=1)


def test_list_is_sorted_case_insensitively(repo: ServerRepository) -> None:
    for name in ("beta", "Alpha", "gamma", "Delta"):
        repo.save(smtp(name))
    assert [s.name for s in repo.list_servers()] == ["Alpha", "beta", "Delta", "gamma"]


def test_find_by_name_is_trimmed_and_case_insensitive(repo: ServerRepository) -> None:
    saved = repo.save(smtp("Main Relay"))
    assert repo.find_by_name("  main relay ") == saved
    assert repo.find_by_name("MAIN RELAY") == saved
    assert repo.find_by_name("other") is None


def test_get_unknown_raises_not_found(repo: ServerRepository) -> None:
    with pytest.raises(NotFoundError) as info:
        repo.get("0" * 32)
    assert "no longer exists" in info.value.message


def test_update_increments_revision(repo: ServerRepository) -> None:
    saved = repo.save(smtp())
    again = repo.save(saved.with_changes(port=587))
    assert again.revision == 2 and repo.get(saved.id).port == 587


def test_stale_update_is_refused_and_names_the_conflict(repo: ServerRepository) -> None:
    first = repo.save(smtp("Main"))
    repo.save(first.with_changes(port=587))
    with pytest.raises(RevisionConflictError) as info:
        repo.save(first.with_changes(port=2525))
    assert info.value.current is not None and info.value.current.port == 587
    assert "'Main'" in info.value.message and "changed elsewhere" in info.value.message
    assert repo.get(first.id).port == 587  # nothing overwritten


def test_saving_a_record_deleted_meanwhile_is_a_conflict(repo: ServerRepository) -> None:
    saved = repo.save(smtp("Gone"))
    repo.delete(saved.id)
    with pytest.raises(RevisionConflictError) as info:
        repo.save(saved.with_changes(port=587))
    assert info.value.current is None and "deleted" in info.value.message
    assert repo.list_servers() == []


def test_saving_the_same_new_record_twice_is_a_conflict(repo: ServerRepository) -> None:
    record = smtp()
    repo.save(record)
    with pytest.raises(RevisionConflictError):
        repo.save(record)


def test_invalid_record_is_refused_with_its_issues(repo: ServerRepository) -> None:
    with pytest.raises(ValidationFailed) as info:
        repo.save(smtp(port=0, server="bad host"))
    assert {i.field for i in info.value.issues} == {"port", "server"}
    assert all(i.severity is Severity.ERROR for i in info.value.issues)
    assert repo.list_servers() == []


def test_warnings_do_not_block_saving(repo: ServerRepository) -> None:
    assert repo.save(smtp(auth_auto=False)).revision == 1


@pytest.mark.parametrize("name", ["main", " MAIN ", "Main"])
def test_duplicate_name_is_refused(repo: ServerRepository, name: str) -> None:
    repo.save(smtp("Main"))
    with pytest.raises(DuplicateNameError) as info:
        repo.save(smtp(name))
    assert isinstance(info.value, ValidationFailed) and "unique" in info.value.message


def test_database_enforces_unique_names_and_single_default(repo: ServerRepository, data_dir: Path) -> None:
    first = repo.save(smtp("Main", is_default=True))
    second = repo.save(smtp("Other"))
    with raw(data_dir) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="name_key"):
            conn.execute("UPDATE servers SET name_key = ? WHERE id = ?", ("main", second.id))
        with pytest.raises(sqlite3.IntegrityError, match="is_default"):
            conn.execute("UPDATE servers SET is_default = 1 WHERE id = ?", (second.id,))
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE servers SET port = 0 WHERE id = ?", (first.id,))


def test_new_default_clears_the_previous_one_atomically(repo: ServerRepository) -> None:
    old = repo.save(smtp("Old", is_default=True))
    new = repo.save(smtp("New", is_default=True))
    assert [s.name for s in repo.list_servers() if s.is_default] == ["New"]
    assert repo.get(old.id).revision == old.revision + 1  # a stale copy of Old cannot reclaim it
    with pytest.raises(RevisionConflictError):
        repo.save(old.with_changes(port=587))
    assert new.is_default


def test_set_default(repo: ServerRepository) -> None:
    a = repo.save(smtp("A", is_default=True))
    b = repo.save(smtp("B"))
    result = repo.set_default(b.id)
    assert result.is_default and result.revision == b.revision + 1
    assert repo.get(b.id) == result
    assert not repo.get(a.id).is_default
    assert repo.set_default(b.id) == result  # already default: unchanged
    with pytest.raises(NotFoundError):
        repo.set_default("f" * 32)


def test_failed_save_does_not_clear_the_default(repo: ServerRepository) -> None:
    a = repo.save(smtp("A", is_default=True))
    b = repo.save(smtp("B"))
    repo.save(b.with_changes(port=2525))
    with pytest.raises(RevisionConflictError):
        repo.save(b.with_changes(is_default=True))
    assert repo.get(a.id).is_default


def test_delete(repo: ServerRepository) -> None:
    saved = repo.save(smtp())
    repo.delete(saved.id, expected_revision=saved.revision)
    assert repo.list_servers() == []
    with pytest.raises(NotFoundError):
        repo.delete(saved.id)


def test_delete_of_a_changed_record_is_refused(repo: ServerRepository) -> None:
    saved = repo.save(smtp())
    repo.save(saved.with_changes(port=587))
    with pytest.raises(RevisionConflictError) as info:
        repo.delete(saved.id, expected_revision=saved.revision)
    assert info.value.current is not None and info.value.current.revision == 2
    assert len(repo.list_servers()) == 1


def test_app_settings(repo: ServerRepository, data_dir: Path) -> None:
    assert repo.partitioning_enabled() is False and repo.mapi_mail_server() == ""
    repo.set_partitioning_enabled(True)
    repo.set_mapi_mail_server("  mapi.example.com ")
    with ServerRepository.open(data_dir) as other:
        assert other.partitioning_enabled() is True and other.mapi_mail_server() == "mapi.example.com"
    repo.set_partitioning_enabled(False)
    assert repo.partitioning_enabled() is False
    with pytest.raises(ValidationFailed):
        repo.set_mapi_mail_server("bad\nhost")


def test_mapi_needs_the_mapi_mail_server(repo: ServerRepository) -> None:
    with pytest.raises(ValidationFailed, match="MAPI Mail Server"):
        repo.save(mapi())
    repo.set_mapi_mail_server("mapi.example.com")
    saved = repo.save(mapi())
    repo.set_mapi_mail_server("")
    assert repo.save(saved.with_changes(port=594)).revision == 2  # existing legacy records stay editable


def test_rule_context(repo: ServerRepository) -> None:
    repo.add_partition("Sales")
    repo.add_partition("Support")
    PartitionAdmin.of(repo).save_analyst(Analyst("ann", "Ann Lee", "ann@example.com", frozenset({"sales"})))
    saved = repo.save(smtp())
    ctx = repo.rule_context()
    assert ctx.others == (ServerListRow.of(saved),) and ctx.partitions == frozenset({"Sales", "Support"})
    assert ctx.partitions_enabled is False and ctx.mapi_mail_server_configured is False
    assert repo.rule_context("ann").partitions == frozenset({"Sales"})
    assert repo.rule_context("nobody").partitions == frozenset()


def test_partitions(repo: ServerRepository) -> None:
    repo.add_partition(" Support ")
    repo.add_partition("sales")
    assert repo.list_partitions() == ["sales", "Support"]
    with pytest.raises(DuplicateNameError):
        repo.add_partition("SUPPORT")
    for bad in ("", "  ", "a\nb", "x" * 101):
        with pytest.raises(ValidationFailed):
            repo.add_partition(bad)


def test_server_partition_must_exist(repo: ServerRepository) -> None:
    with pytest.raises(ValidationFailed, match="no partition named"):
        repo.save(smtp(partition="Nowhere"))


def test_partition_rename_follows_to_servers_and_analysts(repo: ServerRepository) -> None:
    repo.add_partition("Sales")
    PartitionAdmin.of(repo).save_analyst(Analyst("ann", partitions=frozenset({"Sales"})))
    saved = repo.save(smtp(partition="Sales"))
    repo.rename_partition("Sales", "Sales EMEA")
    moved = repo.get(saved.id)
    assert moved.partition == "Sales EMEA" and moved.revision == saved.revision + 1
    assert repo.partitions_for_analyst("ann") == ["Sales EMEA"]
    with pytest.raises(NotFoundError):
        repo.rename_partition("Sales", "x")
    repo.add_partition("Other")
    with pytest.raises(DuplicateNameError):
        repo.rename_partition("Other", "sales emea")


def test_analysts_as_the_repository_sees_them(repo: ServerRepository) -> None:
    assert not repo.has_analysts()
    repo.add_partition("Sales")
    repo.add_partition("Support")
    PartitionAdmin.of(repo).save_analyst(Analyst("bob", "Bob", "bob@example.com", frozenset({"Support", "Sales"})))
    PartitionAdmin.of(repo).save_analyst(Analyst("Ann", "Ann Lee", "ann@example.com"))
    assert repo.has_analysts()
    assert repo.partitions_for_analyst("bob") == ["Sales", "Support"]
    assert repo.partitions_for_analyst("Ann") == []


def test_data_version_changes_when_another_instance_writes(repo: ServerRepository, data_dir: Path) -> None:
    before = repo.data_version()
    assert repo.data_version() == before
    with ServerRepository.open(data_dir) as other:
        other.save(smtp())
    assert repo.data_version() != before


def test_busy_database_gives_a_clear_error(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    with ServerRepository.open(data_dir) as repo, raw(data_dir) as blocker:
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreBusyError) as info:
            repo.save(smtp())
        assert "busy" in info.value.message and str(repo.path) in info.value.message
        blocker.execute("ROLLBACK")
        assert repo.save(smtp()).revision == 1


def test_read_only_database_gives_a_clear_error(repo: ServerRepository) -> None:
    repo.connection().execute("PRAGMA query_only = 1")
    with pytest.raises(StoreEnvironmentError, match="read-only"):
        repo.save(smtp())


def test_full_disk_gives_a_clear_error(repo: ServerRepository) -> None:
    pages = repo.connection().execute("PRAGMA page_count").fetchone()[0]
    repo.connection().execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreEnvironmentError, match="disk is full"):
        for number in range(200):
            repo.save(smtp(f"server {number}", login_id="x" * 300))


def test_unopenable_directory_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreEnvironmentError, match="Cannot open"):
        ServerRepository.open(blocker)


def test_close_is_idempotent_and_context_manager_closes(data_dir: Path) -> None:
    repo = ServerRepository.open(data_dir)
    with repo:
        pass
    repo.close()
    with pytest.raises(sqlite3.ProgrammingError):
        repo.connection().execute("SELECT 1")
