"""Several instances on one file: nothing is ever silently overwritten."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from outmail_gui.store.errors import DuplicateNameError, RevisionConflictError
from outmail_gui.store.repository import ServerRepository
from tests.unit.store.records import smtp


def test_two_connections_racing_on_one_record(data_dir: Path) -> None:
    with ServerRepository.open(data_dir) as first, ServerRepository.open(data_dir) as second:
        created = first.save(smtp("Shared"))
        mine, theirs = first.get(created.id), second.get(created.id)
        saved = second.save(theirs.with_changes(port=587, login_id="theirs"))
        with pytest.raises(RevisionConflictError) as info:
            first.save(mine.with_changes(port=2525, login_id="mine"))
        assert info.value.current == saved
        assert "Shared" in info.value.message
        assert first.get(created.id) == saved


def test_delete_racing_with_an_edit(data_dir: Path) -> None:
    with ServerRepository.open(data_dir) as first, ServerRepository.open(data_dir) as second:
        created = first.save(smtp("Shared"))
        second.delete(created.id, expected_revision=created.revision)
        with pytest.raises(RevisionConflictError) as info:
            first.save(created.with_changes(port=587))
        assert info.value.current is None
        assert first.list_servers() == []


def run_threads(count: int, work: Callable[[int], None]) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def target(number: int) -> None:
        try:
            start.wait()
            work(number)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors


def test_concurrent_read_modify_write_loses_no_update(data_dir: Path) -> None:
    with ServerRepository.open(data_dir) as repo:
        record = repo.save(smtp("Counter", port=1000))
    workers, rounds = 4, 25
    conflicts = [0] * workers

    def work(number: int) -> None:
        with ServerRepository.open(data_dir) as mine:
            done = 0
            while done < rounds:
                current = mine.get(record.id)
                try:
                    mine.save(current.with_changes(port=current.port + 1))
                except RevisionConflictError:
                    conflicts[number] += 1
                    continue
                done += 1

    run_threads(workers, work)
    with ServerRepository.open(data_dir) as repo:
        final = repo.get(record.id)
    assert final.port == 1000 + workers * rounds
    assert final.revision == 1 + workers * rounds


def test_concurrent_defaults_leave_exactly_one(data_dir: Path) -> None:
    with ServerRepository.open(data_dir) as repo:
        ids = [repo.save(smtp(f"S{n}")).id for n in range(4)]

    def work(number: int) -> None:
        with ServerRepository.open(data_dir) as mine:
            for _ in range(20):
                mine.set_default(ids[number])

    run_threads(len(ids), work)
    with ServerRepository.open(data_dir) as repo:
        assert len([s for s in repo.list_servers() if s.is_default]) == 1


def test_concurrent_inserts_of_one_name_let_exactly_one_win(data_dir: Path) -> None:
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(number: int) -> None:
        with ServerRepository.open(data_dir) as mine:
            try:
                mine.save(smtp("Same Name" if number % 2 else "same name", login_id=f"w{number}"))
                result = "saved"
            except DuplicateNameError:
                result = "duplicate"
            with lock:
                outcomes.append(result)

    run_threads(6, work)
    assert sorted(outcomes) == ["duplicate"] * 5 + ["saved"]
