"""The schema keeps partition and analyst revisions valid, whoever writes the rows."""

from __future__ import annotations

import sqlite3

import pytest

from outmail_gui.domain.analysts import Analyst
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from tests.unit.store.records import smtp


def test_rows_written_by_the_repository_api_start_at_revision_one(repo: ServerRepository) -> None:
    repo.add_partition("Sales")
    PartitionAdmin.of(repo).save_analyst(Analyst("ann", "Ann", "ann@example.com", frozenset({"Sales"})))
    repo.save(smtp("S", partition="Sales"))
    admin = PartitionAdmin.of(repo)
    (info,) = admin.partitions()
    assert (info.name, info.revision, info.servers, info.analysts) == ("Sales", 1, ("S",), ("ann",))
    (ann,) = admin.analysts()
    assert (ann.login, ann.revision, ann.partitions) == ("ann", 1, frozenset({"Sales"}))
    assert admin.rename("Sales", "Revenue", expected_revision=1).revision == 2
    assert repo.partitions_for_analyst("ann") == ["Revenue"]


@pytest.mark.parametrize("table", ["partitions", "analysts"])
def test_revisions_must_be_positive(repo: ServerRepository, table: str) -> None:
    admin = PartitionAdmin.of(repo)
    admin.add("Sales")
    admin.save_analyst(Analyst("ann"))
    with pytest.raises(sqlite3.IntegrityError):
        repo.connection().execute(f"UPDATE {table} SET revision = 0")


def test_a_partition_in_use_cannot_vanish_under_a_server(repo: ServerRepository) -> None:
    admin = PartitionAdmin.of(repo)
    admin.add("Sales")
    repo.save(smtp("S", partition="Sales"))
    with pytest.raises(sqlite3.IntegrityError):
        repo.connection().execute("DELETE FROM partitions")
