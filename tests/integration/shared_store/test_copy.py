"""``store copy`` both ways between a real SQLite store and a real PostgreSQL one: counts, dry run, idempotence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
from outmail_gui.store.location import SharedStore
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.postgres.connection import connect
from outmail_gui.store.postgres.installing import initialise
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.store.repository import ServerRepository
from tests.support.postgres import PostgresServer
from tests.unit.cli.cli_run import Result, run_cli
from tests.unit.store.records import smtp


@pytest.fixture
def fresh_shared(postgres_server: PostgresServer) -> Iterator[SharedStore]:
    name = postgres_server.create_database()
    store = SharedStore(postgres_server.conninfo(name))
    conn = connect(store)
    initialise(conn, store)
    conn.close()
    yield store
    postgres_server.drop_database(name)


@pytest.fixture
def local(tmp_path: Path) -> Path:
    """A local store as a team has it: partitions, an analyst with a grant, servers, a default, test history."""
    folder = tmp_path / "local"
    for argv in (
        ("partitions", "add", "HR"),
        ("partitions", "enable"),
        ("analysts", "add", "jdoe", "--name", "Jane Doe", "--email", "jane@corp.example", "--partition", "HR"),
    ):
        assert run_cli(folder, *argv).code == 0, argv
    with ServerRepository.open(folder) as repo:
        main = repo.save(smtp("Main", is_default=True, port=587))
        repo.save(smtp("HR mail", partition="HR"))
        started = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
        HistoryStore.of(repo).add(HistoryEntry(main.id, started, Outcome.PASSED, "AUTH PLAIN accepted", 840))
        oauth = OAuthSettings(True, "contoso.onmicrosoft.com", "11111111-2222-3333-4444-555555555555",
                              mailbox="desk@contoso.com", client_secret_expires=dt.date(2027, 6, 30))  # fmt: skip
        OAuthSettingsStore.of(repo).save(main.id, oauth)
    return folder


def copy(tmp_path: Path, *argv: str) -> Result:
    return run_cli(tmp_path, "store", "copy", *argv)


def test_copy_to_the_shared_store_counts_merges_and_changes_nothing_the_second_time(
    local: Path, fresh_shared: SharedStore, tmp_path: Path
) -> None:
    source, target = f"sqlite://{local}", fresh_shared.target
    dry = copy(tmp_path, "--from", source, "--to", target, "--dry-run")
    assert dry.code == 0, dry.err
    assert "servers: 2 added, 0 updated, 0 unchanged" in dry.out
    assert dry.out.rstrip().endswith("Dry run: nothing was changed.")
    with SharedRepository.open(fresh_shared) as shared:
        assert shared.list_servers() == []

    done = copy(tmp_path, "--from", source, "--to", target)
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        "partitions: 1 added, 0 updated, 0 unchanged",
        "analysts: 1 added, 0 updated, 0 unchanged",
        "analysts' partitions: 1 added, 0 updated, 0 unchanged",
        "store settings: 1 added, 0 updated, 0 unchanged",
        "servers: 2 added, 0 updated, 0 unchanged",
        "OAuth settings: 1 added, 0 updated, 0 unchanged",
        "test results: 1 added, 0 updated, 0 unchanged",
        f"Copied into {fresh_shared.shown} in one transaction.",
    ]
    with ServerRepository.open(local) as repo, SharedRepository.open(fresh_shared) as shared:
        assert shared.list_servers() == repo.list_servers()
        assert shared.partitioning_enabled()
        assert shared.partitions_for_analyst("JDOE") == ["HR"]
        history = shared.connection().execute("SELECT summary, duration_ms FROM test_history").fetchall()
        assert history == [("AUTH PLAIN accepted", 840)]
        expires = shared.connection().execute("SELECT tenant, credential_expires_on FROM server_oauth").fetchall()
        assert expires == [("contoso.onmicrosoft.com", dt.date(2027, 6, 30))]

    again = copy(tmp_path, "--from", source, "--to", target)
    assert again.code == 0
    assert all(" 0 added, 0 updated, " in line for line in again.out.splitlines()[:-1])

    with ServerRepository.open(local) as repo:  # a change at the source is carried over, with a new revision
        main = repo.find_by_name("Main")
        assert main is not None
        repo.save(main.with_changes(port=465))
    changed = copy(tmp_path, "--from", source, "--to", target)
    assert "servers: 0 added, 1 updated, 1 unchanged" in changed.out
    with SharedRepository.open(fresh_shared) as shared:
        copied = shared.find_by_name("Main")
        assert copied is not None and copied.port == 465 and copied.is_default


def test_copy_back_to_a_new_local_store_and_a_name_clash_stops_everything(
    local: Path, fresh_shared: SharedStore, tmp_path: Path
) -> None:
    assert copy(tmp_path, "--from", f"sqlite://{local}", "--to", fresh_shared.target).code == 0
    back = tmp_path / "back"
    done = copy(tmp_path, "--from", fresh_shared.target, "--to", f"sqlite://{back}")
    assert done.code == 0, done.err
    assert "test results: 1 added" in done.out
    with ServerRepository.open(local) as repo, ServerRepository.open(back) as restored:
        assert restored.list_servers() == repo.list_servers()
        assert HistoryStore.of(restored).latest().keys() == HistoryStore.of(repo).latest().keys()
        assert OAuthSettingsStore.of(restored).all() == OAuthSettingsStore.of(repo).all()

    with SharedRepository.open(fresh_shared) as shared:
        shared.save(smtp("Clash"))
    with ServerRepository.open(back) as restored:
        restored.save(smtp("clash"))  # the same name under another id
        before = restored.list_servers()
    clash = copy(tmp_path, "--from", fresh_shared.target, "--to", f"sqlite://{back}")
    assert clash.code == 1
    assert "Nothing was copied: the target already has a different server named 'clash'" in clash.err
    with ServerRepository.open(back) as restored:
        assert restored.list_servers() == before

    missing = copy(tmp_path, "--from", f"sqlite://{tmp_path / 'none'}", "--to", fresh_shared.target)
    assert (missing.code, missing.err.count("\n")) == (1, 1)
    assert "there is no Outmail settings database in" in missing.err
