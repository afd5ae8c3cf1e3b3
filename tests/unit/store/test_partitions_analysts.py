"""Analysts in the store: create, edit (login included), grants, delete; validated and revision-checked."""

from __future__ import annotations

import pytest

from outmail_gui.domain.analysts import Analyst
from outmail_gui.store.errors import DuplicateNameError, NotFoundError, RevisionConflictError, ValidationFailed
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository


@pytest.fixture
def admin(repo: ServerRepository) -> PartitionAdmin:
    admin = PartitionAdmin.of(repo)
    admin.add("Sales")
    admin.add("HR")
    return admin


def test_a_new_analyst_is_stored_trimmed_with_its_partitions(admin: PartitionAdmin, repo: ServerRepository) -> None:
    saved = admin.save_analyst(Analyst(" ann ", " Ann Lee ", " ann@example.com ", frozenset({"sales", "HR"})))
    assert saved == Analyst("ann", "Ann Lee", "ann@example.com", frozenset({"Sales", "HR"}), 1)
    assert admin.analysts() == [saved]
    assert repo.partitions_for_analyst("ann") == ["HR", "Sales"]
    assert admin.find_analyst("ANN") == saved


def test_editing_replaces_fields_and_grants_and_bumps_the_revision(admin: PartitionAdmin) -> None:
    ann = admin.save_analyst(Analyst("ann", "Ann", "ann@example.com", frozenset({"Sales"})))
    edited = admin.save_analyst(
        Analyst("ann", "Ann Lee", "lee@example.com", frozenset({"HR"}), ann.revision), original_login="ann"
    )
    assert edited == Analyst("ann", "Ann Lee", "lee@example.com", frozenset({"HR"}), 2)


def test_the_login_can_change_and_grants_follow(admin: PartitionAdmin, repo: ServerRepository) -> None:
    ann = admin.save_analyst(Analyst("ann", email="ann@example.com", partitions=frozenset({"Sales"})))
    renamed = admin.save_analyst(
        Analyst("annie", email="ann@example.com", partitions=ann.partitions, revision=ann.revision),
        original_login="ann",
    )
    assert renamed.login == "annie" and renamed.partitions == {"Sales"}
    assert [a.login for a in admin.analysts()] == ["annie"]
    assert repo.partitions_for_analyst("ann") == []


def test_a_stale_or_deleted_analyst_is_not_overwritten(admin: PartitionAdmin) -> None:
    ann = admin.save_analyst(Analyst("ann", email="ann@example.com"))
    admin.save_analyst(Analyst("ann", "Elsewhere", "ann@example.com", revision=ann.revision))
    with pytest.raises(RevisionConflictError, match="changed elsewhere"):
        admin.save_analyst(Analyst("ann", "Mine", "ann@example.com", revision=ann.revision))
    admin.delete_analyst("ann")
    with pytest.raises(RevisionConflictError, match="deleted elsewhere"):
        admin.save_analyst(Analyst("ann", "Mine", "ann@example.com", revision=2))
    assert admin.analysts() == []


def test_logins_are_unique_case_insensitively(admin: PartitionAdmin) -> None:
    admin.save_analyst(Analyst("Ann", email="a@example.com"))
    bob = admin.save_analyst(Analyst("bob", email="b@example.com"))
    with pytest.raises(DuplicateNameError, match="'Ann' already exists"):
        admin.save_analyst(Analyst("ANN", email="c@example.com"))
    with pytest.raises(DuplicateNameError):
        admin.save_analyst(Analyst("ann", email="b@example.com", revision=bob.revision), original_login="bob")
    assert [a.login for a in admin.analysts()] == ["Ann", "bob"]


@pytest.mark.parametrize(
    ("analyst", "field"),
    [
        (Analyst("", email="a@example.com"), "login"),
        (Analyst("two words", email="a@example.com"), "login"),
        (Analyst("ann", email="not an address"), "email"),
        (Analyst("ann", "Ann\nLee", "a@example.com"), "display_name"),
    ],
)
def test_invalid_analysts_are_refused_with_the_field(admin: PartitionAdmin, analyst: Analyst, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        admin.save_analyst(analyst)
    assert [i.field for i in caught.value.issues] == [field]
    assert admin.analysts() == []


def test_an_analyst_without_address_is_allowed(admin: PartitionAdmin) -> None:
    assert admin.save_analyst(Analyst("nomail")).email == ""


def test_granting_an_unknown_partition_is_refused_and_nothing_is_written(admin: PartitionAdmin) -> None:
    with pytest.raises(ValidationFailed, match="no partition named 'Nope'"):
        admin.save_analyst(Analyst("ann", email="a@example.com", partitions=frozenset({"Sales", "Nope"})))
    assert admin.analysts() == []


def test_delete_checks_the_revision_and_removes_the_grants(admin: PartitionAdmin, repo: ServerRepository) -> None:
    ann = admin.save_analyst(Analyst("ann", email="a@example.com", partitions=frozenset({"Sales"})))
    with pytest.raises(RevisionConflictError):
        admin.delete_analyst("ann", expected_revision=ann.revision + 1)
    admin.delete_analyst("ANN", expected_revision=ann.revision)
    assert admin.analysts() == []
    assert repo.partitions_for_analyst("ann") == []
    assert admin.partition("Sales").analysts == ()
    with pytest.raises(NotFoundError):
        admin.delete_analyst("ann")


def test_the_repository_view_of_analysts_agrees(admin: PartitionAdmin, repo: ServerRepository) -> None:
    admin.save_analyst(Analyst("ann", "Ann", "a@example.com", frozenset({"HR"})))
    assert repo.has_analysts()
    assert repo.rule_context("ann").partitions == frozenset({"HR"})
