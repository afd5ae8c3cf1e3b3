"""The database agrees with the one name rule: unique key columns for servers, partitions and
analysts, filled by a numbered migration that renames (and says so) names an older version
let in twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from outmail_gui.domain.analysts import Analyst
from outmail_gui.paths import database_path
from outmail_gui.store import migrations
from outmail_gui.store.errors import DuplicateNameError, ValidationFailed
from outmail_gui.store.migrations import v004_name_keys
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from tests.unit.cli.cli_run import run_cli
from tests.unit.store.old_schema import database_at_version, insert_server
from tests.unit.store.records import smtp

CAFE_NFC = "Caf\u00e9"
CAFE_NFD = "Cafe\u0301"


def test_partition_names_are_stored_nfc_and_unique_by_the_one_rule(repo: ServerRepository) -> None:
    admin = PartitionAdmin.of(repo)
    assert admin.add(f" {CAFE_NFD} ").name == CAFE_NFC
    for twin in (CAFE_NFC, "CAF\u00c9", "Caf\u00e9\u200b", "\uff23\uff41\uff46\u00e9"):
        with pytest.raises(DuplicateNameError):
            admin.add(twin)
    with pytest.raises(ValidationFailed, match="no visible characters"):
        admin.add("\u200b\u2060")
    with pytest.raises(ValidationFailed, match="bidi controls"):
        admin.add("HR\u202e")
    assert [p.name for p in admin.partitions()] == [CAFE_NFC]
    assert admin.partition("CAFE\u0301").name == CAFE_NFC  # found by any spelling


def test_the_database_itself_refuses_a_second_spelling(repo: ServerRepository, data_dir: Path) -> None:
    admin = PartitionAdmin.of(repo)
    admin.add(CAFE_NFC)
    admin.save_analyst(Analyst("ann", email="a@example.com"))
    repo.save(smtp("Mail"))
    conn = sqlite3.connect(database_path(data_dir), isolation_level=None)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="name_key"):
            conn.execute("INSERT INTO partitions (name, name_key) VALUES (?, ?)", ("CAF\u00c9", "caf\u00e9"))
        with pytest.raises(sqlite3.IntegrityError, match="login_key"):
            conn.execute("INSERT INTO analysts (login, login_key) VALUES ('Ann\u200b', 'ann')")
        with pytest.raises(DuplicateNameError):
            repo.save(smtp("Ma\u200bil"))
    finally:
        conn.close()


def test_a_server_saved_with_another_spelling_of_its_partition_gets_the_stored_one(repo: ServerRepository) -> None:
    PartitionAdmin.of(repo).add("HR")
    assert repo.save(smtp("A", partition="hr")).partition == "HR"
    assert repo.save(smtp("B", partition="\uff28\uff32")).partition == "HR"  # full-width
    assert [s.partition for s in repo.list_servers()] == ["HR", "HR"]
    assert PartitionAdmin.of(repo).partition("Hr").servers == ("A", "B")


def test_analyst_logins_are_stored_nfc_and_found_by_any_spelling(repo: ServerRepository) -> None:
    admin = PartitionAdmin.of(repo)
    admin.add(CAFE_NFC)
    saved = admin.save_analyst(Analyst(f"r{CAFE_NFD}", email="a@example.com", partitions=frozenset({CAFE_NFD})))
    assert saved.login == f"r{CAFE_NFC}" and saved.partitions == frozenset({CAFE_NFC})
    assert admin.find_analyst(f"R{CAFE_NFC}") == saved
    assert repo.partitions_for_analyst(f"R{CAFE_NFD}") == [CAFE_NFC]
    with pytest.raises(DuplicateNameError):
        admin.save_analyst(Analyst(f"r{CAFE_NFC}\u200b", email="b@example.com"))


def _old_database(data_dir: Path) -> None:
    """A version-3 file holding what that version allowed: names that now count as the same."""
    step = migrations.MIGRATIONS.index(v004_name_keys.migrate)
    conn = database_at_version(data_dir, step)
    for name in (CAFE_NFD, CAFE_NFC, "HR", "\u200b"):
        conn.execute("INSERT INTO partitions (name) VALUES (?)", (name,))
    for login in ("ann", "Ann\u200b"):
        conn.execute("INSERT INTO analysts (login) VALUES (?)", (login,))
    conn.execute("INSERT INTO analyst_partitions VALUES ('Ann\u200b', ?)", (CAFE_NFD,))
    insert_server(conn, smtp("Mail", partition=CAFE_NFD))
    insert_server(conn, smtp("Ma\u200bil", partition=CAFE_NFC))
    insert_server(conn, smtp("\u200b", is_default=True))
    conn.close()


def test_the_migration_renames_names_that_now_clash_and_says_so(data_dir: Path) -> None:
    _old_database(data_dir)
    with ServerRepository.open(data_dir) as repo:
        warning = repo.backup_warning or ""
        admin = PartitionAdmin.of(repo)
        partitions = {p.name: p for p in admin.partitions()}
        servers = {s.name: s for s in repo.list_servers()}
        analysts = [a.login for a in admin.analysts()]
        version = repo._conn.execute("PRAGMA user_version").fetchone()[0]
    assert version == migrations.schema_version()
    # The NFC spelling kept its name; the NFD one, stored composed, would have been its twin.
    assert sorted(partitions) == sorted([CAFE_NFC, f"{CAFE_NFC} (2)", "HR", "unnamed"])
    assert partitions[CAFE_NFC].servers == ("Mail (2)",)
    assert partitions[f"{CAFE_NFC} (2)"].servers == ("Mail",)  # its servers followed the rename
    assert partitions[f"{CAFE_NFC} (2)"].analysts == ("ann (2)",)
    assert sorted(servers) == ["Mail", "Mail (2)", "unnamed"]
    assert servers["Mail (2)"].revision == 2  # a window holding the old record cannot save over it
    assert analysts == ["ann", "ann (2)"]
    assert warning.startswith("While upgrading the settings database, names were changed so that no two look the same")
    assert f"partition 'Cafe\\u0301' is now '{CAFE_NFC} (2)' (it had the same name as {CAFE_NFC!r})" in warning
    assert "server 'Ma\\u200bil' is now 'Mail (2)'" in warning
    assert "server '\\u200b' is now 'unnamed' (it had a name with no visible characters)" in warning


def test_after_the_migration_the_database_refuses_clashes(data_dir: Path) -> None:
    _old_database(data_dir)
    with ServerRepository.open(data_dir):
        pass
    conn = sqlite3.connect(database_path(data_dir), isolation_level=None)
    try:
        indexes = {r[1]: r[2] for r in conn.execute("PRAGMA index_list(partitions)")}
        assert indexes["partitions_name_key"] == 1
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO partitions (name, name_key) VALUES ('hr', 'hr')")
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_an_old_database_without_clashes_migrates_silently(data_dir: Path) -> None:
    conn = database_at_version(data_dir, migrations.MIGRATIONS.index(v004_name_keys.migrate))
    conn.execute("INSERT INTO partitions (name) VALUES ('HR')")
    insert_server(conn, smtp("Main", partition="HR"))
    conn.close()
    with ServerRepository.open(data_dir) as repo:
        assert repo.backup_warning is None
        assert [(s.name, s.partition, s.revision) for s in repo.list_servers()] == [("Main", "HR", 1)]
        assert repo.save(smtp("Other", partition="hr")).partition == "HR"


def test_the_cli_says_what_the_migration_renamed(data_dir: Path) -> None:
    _old_database(data_dir)
    result = run_cli(data_dir, "servers", "list")
    assert result.code == 0, result.err
    (warning,) = [line for line in result.err.splitlines() if "While upgrading" in line]
    assert warning.startswith("outmail-gui: warning: While upgrading the settings database, names were changed")
    assert "server 'Ma\\u200bil' is now 'Mail (2)'" in warning
    assert [line.split()[0] for line in result.out.splitlines()[1:]] == ["Mail", "Mail", "unnamed"]
    assert "While upgrading" not in run_cli(data_dir, "servers", "list").err  # said once, when it happened
