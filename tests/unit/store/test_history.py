"""Test history in the store: its own migration step, newest per server, pruning, cascade delete."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.paths import database_path
from outmail_gui.store import history, migrations
from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
from outmail_gui.store.migrations import v003_test_history
from outmail_gui.store.repository import ServerRepository
from tests.unit.store.old_schema import database_at_version, insert_server
from tests.unit.store.records import smtp

T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def entry(server_id: str, minutes: int, outcome: Outcome = Outcome.PASSED, **changes: Any) -> HistoryEntry:
    values: dict[str, Any] = {
        "server_id": server_id,
        "started_at": T0 + dt.timedelta(minutes=minutes),
        "outcome": outcome,
        "summary": f"result {minutes}",
        "duration_ms": 120 + minutes,
        "failed_step": "tls" if outcome is Outcome.FAILED else None,
    }
    values.update(changes)
    return HistoryEntry(**values)


def test_the_history_table_is_its_own_migration_step() -> None:
    assert v003_test_history.STATEMENTS in migrations.MIGRATIONS
    assert migrations.MIGRATIONS.index(v003_test_history.STATEMENTS) == 2  # a later step, never folded into the first


def test_an_old_database_is_upgraded_and_keeps_its_servers(data_dir: Path) -> None:
    old = database_at_version(data_dir, migrations.MIGRATIONS.index(v003_test_history.STATEMENTS))
    saved = smtp("Old")
    insert_server(old, saved)
    old.close()
    with ServerRepository.open(data_dir) as repo:
        assert [s.name for s in repo.list_servers()] == ["Old"]
        store = HistoryStore.of(repo)
        assert store.add(entry(saved.id, 1))
        assert store.latest()[saved.id].summary == "result 1"


def test_results_round_trip_newest_first(repo: ServerRepository) -> None:
    server = repo.save(smtp("Main"))
    store = HistoryStore.of(repo)
    assert store.add_many([entry(server.id, 1), entry(server.id, 3, Outcome.FAILED), entry(server.id, 2)]) == 3
    found = store.for_server(server.id)
    assert [e.summary for e in found] == ["result 3", "result 2", "result 1"]
    newest = found[0]
    assert newest.outcome is Outcome.FAILED and newest.failed_step == "tls" and newest.duration_ms == 123
    assert newest.started_at == T0 + dt.timedelta(minutes=3) and newest.started_at.tzinfo is not None
    assert newest.id > 0


def test_latest_gives_the_newest_result_of_each_server(repo: ServerRepository) -> None:
    one, two, untested = (repo.save(smtp(n)) for n in ("One", "Two", "Untested"))
    store = HistoryStore.of(repo)
    store.add_many([entry(one.id, 5, Outcome.FAILED), entry(one.id, 9), entry(two.id, 2, Outcome.CANCELLED)])
    latest = store.latest()
    assert set(latest) == {one.id, two.id} and untested.id not in latest
    assert latest[one.id].summary == "result 9" and latest[one.id].outcome is Outcome.PASSED
    assert latest[two.id].outcome is Outcome.CANCELLED


def test_results_of_a_deleted_server_are_skipped_not_an_error(repo: ServerRepository) -> None:
    kept, gone = repo.save(smtp("Kept")), repo.save(smtp("Gone"))
    repo.delete(gone.id)
    store = HistoryStore.of(repo)
    assert store.add_many([entry(kept.id, 1), entry(gone.id, 1)]) == 1
    assert not store.add(entry(gone.id, 2))
    assert store.for_server(gone.id) == []


def test_deleting_a_server_deletes_its_history(repo: ServerRepository, data_dir: Path) -> None:
    server, other = repo.save(smtp("Main")), repo.save(smtp("Other"))
    store = HistoryStore.of(repo)
    store.add_many([entry(server.id, m) for m in range(3)] + [entry(other.id, 0)])
    repo.delete(server.id)
    conn = sqlite3.connect(database_path(data_dir))
    try:
        rows = conn.execute("SELECT server_id FROM test_history").fetchall()
    finally:
        conn.close()
    assert rows == [(other.id,)]


def test_only_the_newest_results_are_kept(repo: ServerRepository, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "KEEP_PER_SERVER", 5)
    server = repo.save(smtp("Main"))
    store = HistoryStore.of(repo)
    store.add_many([entry(server.id, m) for m in range(8)])
    store.add(entry(server.id, 20))
    assert [e.summary for e in store.for_server(server.id)] == [f"result {m}" for m in (20, 7, 6, 5, 4)]


def test_a_long_summary_is_shortened_and_a_batch_is_all_or_nothing(repo: ServerRepository) -> None:
    server = repo.save(smtp("Main"))
    store = HistoryStore.of(repo)
    store.add(entry(server.id, 1, summary="x" * 5000))
    (stored,) = store.for_server(server.id)
    assert len(stored.summary) == history.MAX_SUMMARY and stored.summary.endswith("…")
    with pytest.raises(sqlite3.IntegrityError):
        store.add_many([entry(server.id, 2), entry(server.id, 3, failed_step=b"not text")])
    assert len(store.for_server(server.id)) == 1
