"""Keyring writes that belong to a database save, ordered so that no reported secret is lost.

A record and its secret live in two stores that share no transaction. The order here:

1. the save's transaction takes the write lock and checks the revision: a save that lost a
   conflict raises *before* the keyring is touched, so it cannot undo the winner's secret;
2. the records are written, then the secrets, still inside the transaction and under the
   lock, so no other save can begin between our keyring write and our commit;
3. COMMIT. Should it fail, each entry written is put back, but only while it still holds
   what we wrote (compare before restore): a secret another save wrote since is never
   overwritten. Entries that cannot be put back are named in the error, never hidden.

Nothing here is SQLite's: any store whose transaction holds a write lock until it commits
(``BEGIN IMMEDIATE``, ``SELECT … FOR UPDATE``) gives the same guarantee with
:func:`with_secrets`.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar

from outmail_gui.store.errors import StoreError
from outmail_gui.store.secrets import SecretStore, SecretStoreError

T = TypeVar("T")


@dataclasses.dataclass(slots=True)
class _Write:
    key: str
    value: str | None  # None: remove the entry
    required: bool
    previous: str | None = None
    applied: bool = False


class SecretLeftoverError(StoreError):
    """The save failed and some keyring entries it wrote could not be put back; they are named."""

    def __init__(self, message: str, leftovers: list[str]) -> None:
        super().__init__(message)
        self.leftovers = leftovers


class SecretSlots(Protocol):
    """Keyring entries by key, as a save sees them: server passwords, OAuth client secrets.

    Any failure raises; ``SecretStoreError`` is the kind an optional write may shrug off.
    """

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str | None) -> None:
        """Store ``value``; ``None`` removes the entry."""

    def where(self, key: str) -> str:
        """The entry's keyring coordinates, to name a leftover (never its value)."""


class ServerPasswords:
    """:class:`SecretSlots` of the servers' passwords, keyed by server id."""

    def __init__(self, secrets: SecretStore) -> None:
        self._secrets = secrets

    def get(self, key: str) -> str | None:
        return self._secrets.get_password(key)

    def put(self, key: str, value: str | None) -> None:
        if value is None:
            self._secrets.delete_password(key)
        else:
            self._secrets.set_password(key, value)

    def where(self, key: str) -> str:
        return f"service {SecretStore.SERVICE!r}, user {key!r}"


class SecretWrites:
    """The keyring changes of one save: queued by the caller, applied just before the commit."""

    def __init__(self, secrets: SecretStore | SecretSlots) -> None:
        self._slots: SecretSlots = ServerPasswords(secrets) if isinstance(secrets, SecretStore) else secrets
        self._writes: list[_Write] = []
        self.failures: list[tuple[str, SecretStoreError]] = []
        """Entries marked ``required=False`` that could not be written (the save went ahead)."""

    def set(self, key: str, value: str, *, required: bool = True) -> None:
        """Store ``value`` under ``key`` (a server id); ``required=False``: a failure does not stop the save."""
        self._writes.append(_Write(key, value, required))

    def delete(self, key: str, *, required: bool = True) -> None:
        self._writes.append(_Write(key, None, required))

    def stores_a_value(self) -> bool:
        """Whether a value (not only removals) is queued."""
        return any(w.value is not None for w in self._writes)

    def apply(self) -> None:
        """Write every queued entry, remembering what each held; raises on a required one's failure."""
        for write in self._writes:
            try:
                write.previous = self._slots.get(write.key)
                self._slots.put(write.key, write.value)
            except SecretStoreError as exc:
                if write.required:
                    raise
                self.failures.append((write.key, exc))
                continue
            write.applied = True

    def undo(self) -> list[str]:
        """Put back what :meth:`apply` changed, newest first; the entries that could not be, as text."""
        leftovers: list[str] = []
        for write in reversed(self._writes):
            if not write.applied:
                continue
            try:
                if self._slots.get(write.key) == write.value:  # still ours: nobody wrote since
                    self._slots.put(write.key, write.previous)
            except Exception:  # any keyring failure: the entry is named, never hidden
                leftovers.append(self._slots.where(write.key))
            write.applied = False
        return leftovers


@contextlib.contextmanager
def with_secrets(
    transaction: Callable[[], contextlib.AbstractContextManager[T]], writes: SecretWrites | None
) -> Iterator[T]:
    """Run ``transaction()`` (an outermost write transaction) and apply ``writes`` just before it commits."""
    try:
        with transaction() as repo:
            yield repo
            if writes is not None:
                writes.apply()
    except BaseException as exc:
        leftovers = writes.undo() if writes is not None else []
        if leftovers:
            reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            raise SecretLeftoverError(
                f"{reason.rstrip('.')}. The keyring could not be put back as it was for {'; '.join(leftovers)}: "
                "remove an entry whose server does not exist (keyring del outmail <user>), set the others again.",
                leftovers,
            ) from exc
        raise
