"""``store init|migrate``, ``--store`` / ``OUTMAIL_STORE`` and the shared store's faults, through the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outmail_gui.cli.main import window_options
from outmail_gui.paths import database_path
from outmail_gui.store.postgres.schema import SCHEMA, STEPS, schema_version
from tests.support.postgres import PostgresServer
from tests.unit.cli.cli_run import Result, run_cli


@pytest.fixture
def empty_database(postgres_server: PostgresServer) -> Iterator[str]:
    name = postgres_server.create_database()
    yield name
    postgres_server.drop_database(name)


VERSION = schema_version()


def cli(tmp_path: Path, store: str, *argv: str) -> Result:
    return run_cli(tmp_path, "--store", store, *argv)


def test_init_creates_the_schema_and_roles_once_and_migrate_has_nothing_to_do(
    postgres_server: PostgresServer, empty_database: str, tmp_path: Path
) -> None:
    store = postgres_server.conninfo(empty_database)
    before = cli(tmp_path, store, "audit")
    assert (before.code, before.out) == (1, "")
    assert "holds no Outmail settings yet: run outmail-gui --store URL store init" in before.err

    first = cli(tmp_path, store, "store", "init")
    assert first.code == 0, first.err
    assert f"created the Outmail schema (version {VERSION})" in first.out
    assert "granted the group roles outmail_admin, outmail_helpdesk, outmail_analyst their rights" in first.out
    again = cli(tmp_path, store, "store", "init")
    assert again.code == 0
    assert f"already at version {VERSION}" in again.out
    migrated = cli(tmp_path, store, "store", "migrate")
    assert (migrated.code, migrated.err) == (0, "")
    assert f"already at version {VERSION}; nothing to do" in migrated.out
    with postgres_server.admin(empty_database) as conn:
        roles = conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE 'outmail%' AND NOT rolcanlogin ORDER BY 1"
        ).fetchall()
        policies = conn.execute("SELECT policyname FROM pg_policies WHERE tablename = 'servers' ORDER BY 1").fetchall()
    assert [r[0] for r in roles] == ["outmail_admin", "outmail_analyst", "outmail_helpdesk"]
    assert [p[0] for p in policies] == ["servers_admin", "servers_analyst", "servers_read"]
    assert not database_path(tmp_path).exists()  # the local store was never opened


def test_a_newer_schema_is_refused_and_left_untouched(
    postgres_server: PostgresServer, empty_database: str, tmp_path: Path
) -> None:
    store = postgres_server.conninfo(empty_database)
    assert cli(tmp_path, store, "store", "init").code == 0
    with postgres_server.admin(empty_database) as conn:
        conn.execute("UPDATE outmail.schema_version SET version = 99")
    for argv in (("audit",), ("store", "migrate"), ("store", "init")):
        refused = cli(tmp_path, store, *argv)
        assert refused.code == 1, argv
        assert f"has schema version 99, newer than this Outmail knows ({VERSION}); it was left untouched" in refused.err
        assert refused.err.count("\n") == 1 and "Traceback" not in refused.err
    with postgres_server.admin(empty_database) as conn:
        assert conn.execute("SELECT version FROM outmail.schema_version").fetchone() == (99,)


def test_an_unreachable_database_is_one_line_naming_it_without_the_password(tmp_path: Path) -> None:
    result = cli(tmp_path, "postgresql://jdoe:Sup3r-secret@127.0.0.1:1/outmail", "audit")
    assert result.code == 1
    assert result.err.startswith(
        "outmail-gui: Cannot reach the shared settings database postgresql://jdoe@127.0.0.1:1/outmail: "
    )
    assert "Sup3r-secret" not in result.err + result.out
    assert result.err.count("\n") == 1


def test_a_refused_login_is_one_line_without_the_password(
    postgres_server: PostgresServer, shared_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgres_server.create_login("outmail_t_cli", "right-pass", "outmail_helpdesk")
    url = f"postgresql://outmail_t_cli@127.0.0.1:{postgres_server.port}/{shared_database}"
    monkeypatch.setenv("PGPASSWORD", "Wr0ng-secret")  # as libpq reads it: never from Outmail's files
    refused = cli(tmp_path, url, "audit")
    assert refused.code == 1
    assert "refused the connection: password authentication failed for user" in refused.err
    assert "Wr0ng-secret" not in refused.err
    monkeypatch.setenv("PGPASSWORD", "right-pass")
    monkeypatch.setenv("OUTMAIL_STORE", url)  # the variable, without --store
    allowed = run_cli(tmp_path, "audit")
    assert (allowed.code, allowed.out, allowed.err) == (0, "No changes recorded.\n", "")


def test_backups_belong_to_the_local_store_and_say_so_on_a_shared_one(tmp_path: Path) -> None:
    for argv in (("servers", "backups"), ("servers", "restore-backup")):
        refused = cli(tmp_path, "service=outmail", *argv)
        assert refused.code == 2
        assert refused.err == (
            "outmail-gui: the shared store service=outmail keeps no backup files: its database administrator "
            "backs it up (pg_dump) and restores it\n"
        )
    with pytest.raises(SystemExit) as window:  # the window refuses only what names no store
        window_options(["--store", "mysql://db.corp.example/outmail"])
    assert window.value.code == 2


def test_a_local_store_can_be_named_as_a_sqlite_url(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    added = cli(
        tmp_path, f"sqlite://{folder}", "servers", "add", "--protocol", "smtp", "--name", "Main",
        "--server", "smtp.example.com", "--outgoing-email-id", "desk@example.com",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert database_path(folder).exists()
    assert not database_path(tmp_path).exists()
    listed = cli(tmp_path, f"sqlite://{folder}", "servers", "list", "--json")
    assert [s["name"] for s in listed.json()] == ["Main"]
    assert window_options(["--store", f"sqlite://{folder}"]).data_dir == str(folder)
    relative = cli(tmp_path, "sqlite://team", "servers", "list")
    assert relative.code == 2
    assert "sqlite:///PATH with an absolute PATH" in relative.err
    assert cli(tmp_path, "store", "init").code == 2  # a store URL is missing: "store" is taken as one


def test_migrate_upgrades_a_version_1_database_keeping_its_rows(
    postgres_server: PostgresServer, empty_database: str, tmp_path: Path
) -> None:
    store = postgres_server.conninfo(empty_database)
    with postgres_server.admin(empty_database) as conn:  # as the first release's store init left it
        conn.execute(STEPS[0][0])
        conn.execute(f"SET search_path = {SCHEMA}")
        for statement in STEPS[0][1:]:
            conn.execute(statement.encode())
        conn.execute("INSERT INTO schema_version (version) VALUES (1)")
        conn.execute("INSERT INTO analysts (login, login_key) VALUES ('ann', 'ann')")
    refused = cli(tmp_path, store, "analysts", "list")
    assert refused.code == 1 and "has schema version 1; this Outmail needs" in refused.err
    migrated = cli(tmp_path, store, "store", "migrate")
    assert (migrated.code, migrated.err) == (0, "")
    assert f"upgraded the shared schema from version 1 to {VERSION}" in migrated.out
    listed = cli(tmp_path, store, "analysts", "list", "--json")
    assert [(a["login"], a["unpartitioned"]) for a in listed.json()] == [("ann", False)]
