"""A record and its secrets are saved as one: the keyring is written under the write lock, put back on failure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.errors import PasswordSetError

from outmail_gui.store.errors import RevisionConflictError
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secret_writes import SecretLeftoverError, SecretWrites
from outmail_gui.store.secrets import SecretStore, SecretStoreError
from outmail_gui.store.transfer import ImportItem, ImportPlan, apply_import
from tests.support.keyrings import MemoryKeyring
from tests.unit.store.records import smtp

SERVICE = SecretStore.SERVICE


class DyingKeyring(MemoryKeyring):
    """Stores ``alive`` values, then every call fails: a keyring daemon that dies mid-save."""

    alive = 1
    intruder: tuple[str, str] | None = None  # written by "another process" just before dying

    def set_password(self, service: str, username: str, password: str) -> None:
        if DyingKeyring.alive <= 0:
            if DyingKeyring.intruder is not None:
                self.passwords[(service, DyingKeyring.intruder[0])] = DyingKeyring.intruder[1]
                DyingKeyring.intruder = None
            raise PasswordSetError("the keyring daemon went away")
        DyingKeyring.alive -= 1
        super().set_password(service, username, password)


class DeadAfterDying(DyingKeyring):
    """Once dead, reads and removals fail too: nothing can be put back."""

    def get_password(self, service: str, username: str) -> str | None:
        if DyingKeyring.alive <= 0:
            raise PasswordSetError("the keyring daemon went away")
        return super().get_password(service, username)

    def delete_password(self, service: str, username: str) -> None:
        raise PasswordSetError("the keyring daemon went away")


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    MemoryKeyring.reset()
    DyingKeyring.alive, DyingKeyring.intruder = 1, None
    yield
    MemoryKeyring.reset()


def plan(*names: str) -> ImportPlan:
    return ImportPlan(tuple(ImportItem(smtp(n), password=f"pw-{n}") for n in names), source="the file")


def test_a_save_that_loses_the_revision_check_never_touches_the_keyring(repo: ServerRepository) -> None:
    secrets = SecretStore(MemoryKeyring())
    first = repo.save(smtp("Main"))
    secrets.set_password(first.id, "winner")
    repo.save(first.with_changes(port=2525))  # another save wins
    writes = SecretWrites(secrets)
    writes.set(first.id, "loser")
    with pytest.raises(RevisionConflictError), repo.transaction(writes):
        repo.save(first.with_changes(login_id="late"))
    assert secrets.get_password(first.id) == "winner"


def test_a_failed_import_puts_back_what_it_wrote(repo: ServerRepository) -> None:
    secrets = SecretStore(DyingKeyring())
    with pytest.raises(SecretStoreError, match="went away"):
        apply_import(repo, plan("One", "Two"), "rename", secrets)
    assert repo.list_servers() == []
    assert MemoryKeyring.passwords == {}  # "One"'s password, written first, was taken back


def test_put_back_never_overwrites_a_secret_written_since(repo: ServerRepository) -> None:
    existing = repo.save(smtp("One"))
    secrets = SecretStore(DyingKeyring())
    MemoryKeyring.passwords[(SERVICE, existing.id)] = "old"
    DyingKeyring.intruder = (existing.id, "written by another save")
    item = ImportItem(smtp("One"), password="imported")  # replaces "One": its password is written first
    with pytest.raises(SecretStoreError):
        apply_import(repo, ImportPlan((item, *plan("Two").items)), "replace", secrets)
    assert MemoryKeyring.passwords == {(SERVICE, existing.id): "written by another save"}


def test_leftovers_that_cannot_be_removed_are_named(repo: ServerRepository) -> None:
    secrets = SecretStore(DeadAfterDying())
    with pytest.raises(SecretLeftoverError) as caught:
        apply_import(repo, plan("One", "Two"), "rename", secrets)
    assert repo.list_servers() == []
    ((_, left_id),) = MemoryKeyring.passwords
    assert caught.value.leftovers == [f"service 'outmail', user {left_id!r}"]
    assert left_id in caught.value.message and "went away" in caught.value.message
    assert "pw-One" not in caught.value.message


def test_a_failed_commit_puts_the_secret_back(data_dir: Path, repo: ServerRepository) -> None:
    secrets = SecretStore(MemoryKeyring())
    saved = repo.save(smtp("Main"))
    secrets.set_password(saved.id, "before")
    writes = SecretWrites(secrets)
    writes.set(saved.id, "after")
    pages = repo.connection().execute("PRAGMA page_count").fetchone()[0]
    repo.connection().execute(f"PRAGMA max_page_count = {pages}")  # the commit's new pages do not fit
    with pytest.raises(Exception), repo.transaction(writes):  # noqa: B017 - disk full, as the store words it
        repo.save(saved.with_changes(name="x" * 60, login_id="y" * 4000))
    assert secrets.get_password(saved.id) == "before"


def test_an_optional_secret_that_fails_lets_the_save_through_and_is_reported(repo: ServerRepository) -> None:
    DyingKeyring.alive = 0
    secrets = SecretStore(DyingKeyring())
    record = smtp("Main")
    writes = SecretWrites(secrets)
    writes.set(record.id, "typed", required=False)
    with repo.transaction(writes):
        repo.save(record)
    assert [s.name for s in repo.list_servers()] == ["Main"]
    assert [key for key, _ in writes.failures] == [record.id]
