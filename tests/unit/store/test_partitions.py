"""Partitions in the store: add, rename and delete in one transaction each, with revisions."""

from __future__ import annotations

import sqlite3

import pytest

from outmail_gui.domain.analysts import Analyst
from outmail_gui.store.errors import DuplicateNameError, NotFoundError, RevisionConflictError, ValidationFailed
from outmail_gui.store.partitions import PartitionAdmin, PartitionInUseError
from outmail_gui.store.repository import ServerRepository
from tests.unit.store.records import smtp


@pytest.fixture
def admin(repo: ServerRepository) -> PartitionAdmin:
    return PartitionAdmin.of(repo)


def test_added_partitions_are_listed_by_name_with_revision_one(admin: PartitionAdmin, repo: ServerRepository) -> None:
    admin.add("  Sales ")
    admin.add("hr")
    infos = admin.partitions()
    assert [(p.name, p.revision, p.servers, p.analysts) for p in infos] == [("hr", 1, (), ()), ("Sales", 1, (), ())]
    assert repo.list_partitions() == ["hr", "Sales"]


@pytest.mark.parametrize(
    ("name", "error", "fragment"),
    [
        ("SALES", DuplicateNameError, "must be unique"),
        ("", ValidationFailed, "Enter a name"),
        ("a\tb", ValidationFailed, "control characters"),
        ("x" * 101, ValidationFailed, "longer than"),
    ],
)
def test_bad_names_are_refused_and_nothing_is_written(
    admin: PartitionAdmin, name: str, error: type[Exception], fragment: str
) -> None:
    admin.add("Sales")
    with pytest.raises(error) as caught:
        admin.add(name)
    assert isinstance(caught.value, ValidationFailed)
    assert fragment in caught.value.message
    assert caught.value.issues[0].field == "partition"
    assert [p.name for p in admin.partitions()] == ["Sales"]


def test_partition_info_says_who_uses_it(admin: PartitionAdmin, repo: ServerRepository) -> None:
    admin.add("Sales")
    repo.save(smtp("B", partition="Sales"))
    repo.save(smtp("a", partition="Sales"))
    admin.save_analyst(Analyst("ann", email="ann@example.com", partitions=frozenset({"Sales"})))
    info = admin.partition("sales")
    assert info.name == "Sales" and info.servers == ("a", "B") and info.analysts == ("ann",)


def test_rename_carries_servers_and_analysts_and_bumps_their_revisions(
    admin: PartitionAdmin, repo: ServerRepository
) -> None:
    admin.add("Sales")
    server = repo.save(smtp("S", partition="Sales"))
    other = repo.save(smtp("Other"))
    ann = admin.save_analyst(Analyst("ann", email="ann@example.com", partitions=frozenset({"Sales"})))
    renamed = admin.rename("Sales", "Revenue", expected_revision=1)
    assert (renamed.name, renamed.revision, renamed.servers, renamed.analysts) == ("Revenue", 2, ("S",), ("ann",))
    moved = repo.get(server.id)
    assert moved.partition == "Revenue" and moved.revision == server.revision + 1
    assert repo.get(other.id).revision == other.revision
    after = admin.find_analyst("ann")
    assert after is not None and after.partitions == {"Revenue"} and after.revision == ann.revision + 1
    # A window still holding the old server copy cannot save over the rename.
    with pytest.raises(RevisionConflictError):
        repo.save(server.with_changes(port=2525))


def test_rename_may_change_only_the_case(admin: PartitionAdmin) -> None:
    admin.add("sales")
    assert admin.rename("sales", "Sales").name == "Sales"
    assert [p.name for p in admin.partitions()] == ["Sales"]


def test_rename_to_the_same_name_changes_nothing(admin: PartitionAdmin) -> None:
    admin.add("Sales")
    assert admin.rename("Sales", " Sales ").revision == 1


def test_rename_refuses_a_taken_name_a_stale_revision_and_a_missing_partition(admin: PartitionAdmin) -> None:
    admin.add("Sales")
    admin.add("HR")
    with pytest.raises(DuplicateNameError):
        admin.rename("Sales", "hr")
    with pytest.raises(RevisionConflictError, match="changed elsewhere"):
        admin.rename("Sales", "Revenue", expected_revision=7)
    with pytest.raises(NotFoundError):
        admin.rename("Nope", "Revenue")
    assert [p.name for p in admin.partitions()] == ["HR", "Sales"]


def test_deleting_an_unused_partition_removes_analyst_access(admin: PartitionAdmin) -> None:
    admin.add("Sales")
    admin.add("HR")
    ann = admin.save_analyst(Analyst("ann", email="ann@example.com", partitions=frozenset({"Sales", "HR"})))
    assert admin.delete("Sales", expected_revision=1) == ()
    after = admin.find_analyst("ann")
    assert after is not None and after.partitions == {"HR"} and after.revision == ann.revision + 1
    assert [p.name for p in admin.partitions()] == ["HR"]


def test_deleting_a_used_partition_is_refused_with_the_servers_named(
    admin: PartitionAdmin, repo: ServerRepository
) -> None:
    admin.add("Sales")
    repo.save(smtp("S1", partition="Sales"))
    repo.save(smtp("S2", partition="Sales"))
    with pytest.raises(PartitionInUseError) as caught:
        admin.delete("Sales")
    assert caught.value.servers == ("S1", "S2")
    assert "is used by servers 'S1', 'S2'" in caught.value.message and "nothing was deleted" in caught.value.message
    assert [p.name for p in admin.partitions()] == ["Sales"]


def test_deleting_moves_servers_to_another_partition_or_none(admin: PartitionAdmin, repo: ServerRepository) -> None:
    for name in ("A", "B", "C"):
        admin.add(name)
    one = repo.save(smtp("one", partition="A"))
    two = repo.save(smtp("two", partition="B"))
    assert admin.delete("A", move_servers_to="c") == ("one",)
    assert repo.get(one.id).partition == "C" and repo.get(one.id).revision == one.revision + 1
    assert admin.delete("B", move_servers_to=None) == ("two",)
    assert repo.get(two.id).partition is None
    assert [p.name for p in admin.partitions()] == ["C"]


def test_deleting_refuses_a_bad_target_and_changes_nothing(admin: PartitionAdmin, repo: ServerRepository) -> None:
    admin.add("A")
    server = repo.save(smtp("one", partition="A"))
    with pytest.raises(NotFoundError, match="to move the servers to"):
        admin.delete("A", move_servers_to="Nowhere")
    with pytest.raises(ValidationFailed, match="being deleted"):
        admin.delete("A", move_servers_to="a")
    with pytest.raises(RevisionConflictError):
        admin.delete("A", expected_revision=5, move_servers_to=None)
    assert repo.get(server.id) == server
    assert [p.name for p in admin.partitions()] == ["A"]


def test_a_write_inside_an_outer_transaction_rolls_back_with_it(admin: PartitionAdmin, repo: ServerRepository) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), repo.transaction():
        admin.add("Sales")
        raise Boom
    assert admin.partitions() == []


def test_busy_database_is_a_store_error_not_a_crash(admin: PartitionAdmin, repo: ServerRepository) -> None:
    from outmail_gui.store import connection
    from outmail_gui.store.errors import StoreBusyError

    other = sqlite3.connect(repo.path, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        repo.connection().execute("PRAGMA busy_timeout = 50")
        with pytest.raises(StoreBusyError):
            admin.add("Sales")
    finally:
        other.rollback()
        other.close()
        repo.connection().execute(f"PRAGMA busy_timeout = {connection.BUSY_TIMEOUT_MS}")
    assert admin.add("Sales").name == "Sales"
