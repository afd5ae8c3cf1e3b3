"""Secrets of any length in the OS keyring, split into entries that every backend accepts.

Windows' credential store holds at most 2,560 bytes per secret (1,280 UTF-16 characters);
a value longer than that is written as numbered parts plus a manifest that carries the
count and a digest, so a torn or half-deleted set is detected rather than misread.
It goes through the store's :class:`SecretStore`, so the same keyring that holds the
passwords is used, and a missing or plain-text keyring is refused: nothing secret is ever
kept in clear.
"""

from __future__ import annotations

import hashlib

from outmail_gui.store.secrets import SecretStore, SecretStoreError

MAX_ENTRY_CHARS = 1280
MAX_PARTS = 64
_PLAIN = "v1:"
_CHUNKED = "v1-parts:"


class KeyringProblem(Exception):
    """The keyring cannot be used; ``detail`` names why (never the secret)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class KeyringBlob:
    """Reads and writes named secrets of any length through a :class:`SecretStore`."""

    def __init__(self, secrets: SecretStore) -> None:
        self._secrets = secrets

    def _checked(self) -> SecretStore:
        """The store, for writing: never into a keyring that keeps secrets in clear."""
        info = self._secrets.backend_info()
        if not info.secure:
            raise KeyringProblem(f"{info.name}: {info.description}")
        return self._secrets

    def _get(self, name: str) -> str | None:
        try:
            return self._secrets.get_password(name)
        except SecretStoreError as exc:
            raise KeyringProblem(exc.message) from None

    def _set(self, name: str, value: str) -> None:
        try:
            self._checked().set_password(name, value)
        except SecretStoreError as exc:
            raise KeyringProblem(exc.message) from None

    def _delete(self, name: str) -> None:
        try:
            self._secrets.delete_password(name)  # removing is always allowed
        except SecretStoreError as exc:
            raise KeyringProblem(exc.message) from None

    def get(self, name: str) -> str | None:
        stored = self._get(name)
        if stored is None:
            return None
        if stored.startswith(_PLAIN):
            return stored[len(_PLAIN) :]
        if not stored.startswith(_CHUNKED):
            raise KeyringProblem(f"entry {name!r} has an unknown format")
        count_text, _, digest = stored[len(_CHUNKED) :].partition(":")
        count = int(count_text) if count_text.isdigit() else 0
        if not 0 < count <= MAX_PARTS:
            raise KeyringProblem(f"entry {name!r} has an invalid part count")
        parts = [self._get(f"{name}#{i}") for i in range(count)]
        if any(p is None for p in parts):
            raise KeyringProblem(f"entry {name!r} is incomplete (a part is missing)")
        value = "".join(p for p in parts if p is not None)
        if _digest(value) != digest:
            raise KeyringProblem(f"entry {name!r} is damaged (its parts do not match)")
        return value

    def set(self, name: str, value: str) -> None:
        old_count = self._part_count(name)
        if len(_PLAIN) + len(value) <= MAX_ENTRY_CHARS:
            self._set(name, _PLAIN + value)
            count = 0
        else:
            parts = [value[i : i + MAX_ENTRY_CHARS] for i in range(0, len(value), MAX_ENTRY_CHARS)]
            if len(parts) > MAX_PARTS:
                raise KeyringProblem(f"the value is too long for the keyring ({len(value)} characters)")
            for i, part in enumerate(parts):
                self._set(f"{name}#{i}", part)
            count = len(parts)
            self._set(name, f"{_CHUNKED}{count}:{_digest(value)}")
        for i in range(count, old_count):
            self._delete(f"{name}#{i}")

    def delete(self, name: str) -> None:
        count = self._part_count(name)
        self._delete(name)
        for i in range(count):
            self._delete(f"{name}#{i}")

    def _part_count(self, name: str) -> int:
        stored = self._get(name)
        if stored is None or not stored.startswith(_CHUNKED):
            return 0
        count_text = stored[len(_CHUNKED) :].partition(":")[0]
        return min(int(count_text), MAX_PARTS) if count_text.isdigit() else 0


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
