"""Damaged values and versions in a database SQLite's check passes: one line, the rest usable."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from outmail_gui.paths import database_path
from outmail_gui.store import backups
from outmail_gui.store.repository import ServerRepository
from tests.unit.cli.servers_harness import run_servers
from tests.unit.store.records import smtp


def damaged_store(data: Path) -> None:
    with ServerRepository.open(data) as repo:
        for name in ("Good", "Bogus", "Garbled"):
            repo.save(smtp(name, login_id="jürgen"))
        backups.make_backup(repo.connection(), data, "test")
        conn = repo.connection()
        conn.execute("UPDATE servers SET auth_methods = 'BOGUS' WHERE name = 'Bogus'")
        conn.execute("UPDATE servers SET login_id = CAST(X'6ac3bc72ff67656e' AS TEXT) WHERE name = 'Garbled'")


def test_list_shows_the_rest_and_names_each_damaged_server_with_the_restore(data: Path) -> None:
    damaged_store(data)
    result = run_servers(data, "list", "--json")
    assert result.code == 1
    assert [s["name"] for s in json.loads(result.out)] == ["Good"]
    lines = result.err.splitlines()
    assert len(lines) == 2 and all("servers restore-backup --force" in line for line in lines)
    assert "server 'Bogus'" in result.err and "server 'Garbled'" in result.err and "login_id" in result.err


def test_show_export_name_the_damage_and_other_commands_still_work(data: Path) -> None:
    damaged_store(data)
    shown = run_servers(data, "show", "Garbled")
    assert shown.code == 1 and "server 'Garbled'" in shown.err and "Traceback" not in shown.err
    exported = run_servers(data, "export", "-")
    assert exported.code == 1 and exported.out == "" and "cannot be read" in exported.err
    assert run_servers(data, "show", "Good").code == 0
    added = run_servers(
        data, "add", "--name", "New", "--server", "smtp.example.com", "--outgoing-email-id", "a@b.example"
    )
    assert added.code == 0, added.err


@pytest.mark.parametrize(
    ("version", "said"),
    [(-7, "schema version -7 is unknown"), (1, "does not match its tables")],
)
def test_a_schema_version_that_cannot_be_right_is_called_damaged(data: Path, version: int, said: str) -> None:
    with ServerRepository.open(data) as repo:
        repo.save(smtp("Main"))
    with sqlite3.connect(database_path(data)) as conn:
        conn.execute(f"PRAGMA user_version = {version}")
    result = run_servers(data, "list")
    assert result.code == 1 and said in result.err and "damaged" in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
