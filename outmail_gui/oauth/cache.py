"""The MSAL token cache, stored encrypted and never in plain text or SQLite.

Windows and macOS: msal-extensions' own encrypted persistence (DPAPI file, Keychain).
Elsewhere (Linux: libsecret would need PyGObject and keeps the whole cache in one secret):
a file encrypted with AES-256-GCM whose key is a random 32 bytes kept in the OS keyring.
Both are wrapped in msal-extensions' ``PersistedTokenCache``, which reloads and locks
across processes (the window and the command line may share a cache).
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import sys
from pathlib import Path
from typing import Any

import msal_extensions
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from msal_extensions.persistence import (
    BasePersistence,
    PersistenceDecryptionError,
    PersistenceEncryptionError,
    PersistenceNotFound,
)

from outmail_gui.oauth.keyring_blob import KeyringBlob, KeyringProblem

CACHE_KEY_ENTRY = "oauth-token-cache-key"
_MAGIC = b"OMTC1"
_NONCE = 12


class KeyringFilePersistence(BasePersistence):  # type: ignore[misc]
    """A file holding the cache as AES-GCM ciphertext; the key never touches the disk.

    The file name is authenticated too, so one server's cache cannot be swapped for another's.
    """

    is_encrypted = True

    def __init__(self, location: Path, keys: KeyringBlob) -> None:
        self._location = Path(location)
        self._keys = keys

    def _key(self, *, create: bool) -> bytes:
        try:
            stored = self._keys.get(CACHE_KEY_ENTRY)
            if stored is None:
                if not create:
                    raise PersistenceDecryptionError(message="the token cache key is missing from the keyring")
                stored = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
                self._keys.set(CACHE_KEY_ENTRY, stored)
        except KeyringProblem as exc:
            error = PersistenceEncryptionError if create else PersistenceDecryptionError
            raise error(message=f"keyring: {exc.detail}") from None
        return base64.b64decode(stored)

    def _aad(self) -> bytes:
        return b"outmail-token-cache:" + self._location.name.encode("utf-8")

    def save(self, content: str) -> None:
        nonce = secrets.token_bytes(_NONCE)
        sealed = AESGCM(self._key(create=True)).encrypt(nonce, content.encode("utf-8"), self._aad())
        self._location.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self._location.with_name(self._location.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + nonce + sealed)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._location)

    def load(self) -> str:
        try:
            data = self._location.read_bytes()
        except FileNotFoundError:
            raise PersistenceNotFound(location=str(self._location)) from None
        if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + _NONCE + 16:
            raise PersistenceDecryptionError(message="the token cache file is not an Outmail cache")
        nonce = data[len(_MAGIC) : len(_MAGIC) + _NONCE]
        try:
            plain = AESGCM(self._key(create=False)).decrypt(nonce, data[len(_MAGIC) + _NONCE :], self._aad())
        except InvalidTag:
            raise PersistenceDecryptionError(message="the token cache does not match the keyring's key") from None
        return plain.decode("utf-8")

    def time_last_modified(self) -> float:
        try:
            return self._location.stat().st_mtime
        except FileNotFoundError:
            raise PersistenceNotFound(location=str(self._location)) from None

    def get_location(self) -> str:
        return str(self._location)


def platform_has_encrypted_persistence(platform: str | None = None) -> bool:
    """Where msal-extensions encrypts by itself without extra system libraries."""
    return (platform or sys.platform).startswith(("win", "darwin"))


def build_persistence(location: Path, keys: KeyringBlob, platform: str | None = None) -> Any:
    if platform_has_encrypted_persistence(platform):
        return msal_extensions.build_encrypted_persistence(str(location))
    return KeyringFilePersistence(location, keys)


def open_token_cache(location: Path, keys: KeyringBlob) -> msal_extensions.PersistedTokenCache:
    """The cache of one server's tokens (MSAL keeps accounts, access and refresh tokens in it)."""
    return msal_extensions.PersistedTokenCache(build_persistence(location, keys))


def delete_cache_files(location: Path) -> None:
    """Remove a cache file and its lock (used by Forget when the cache cannot be decrypted)."""
    for path in (location, location.with_name(location.name + ".lockfile")):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
