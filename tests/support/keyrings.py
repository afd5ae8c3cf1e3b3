"""Keyring backends for tests: in-memory, locked, dismissed prompt, and one that leaks.

Each is viable only when selected explicitly (passed to SecretStore, or named in
PYTHON_KEYRING_BACKEND), so keyring's auto-detection never picks one by accident.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import ClassVar, cast

from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.compat import properties
from keyring.errors import InitError, KeyringLocked, PasswordDeleteError, PasswordSetError


class _ExplicitOnly(KeyringBackend):
    def __init__(self) -> None:
        self.set_properties_from_env()

    @classmethod
    def _selected(cls) -> bool:
        return os.environ.get("PYTHON_KEYRING_BACKEND") == f"{cls.__module__}.{cls.__qualname__}"

    @properties.classproperty
    def priority(cls) -> float:
        if not cls._selected():
            raise RuntimeError("test backend: only used when chosen explicitly")
        return 1.0


class MemoryKeyring(_ExplicitOnly):
    """Passwords in a class-level dict, so every instance in the process sees the same ones."""

    passwords: ClassVar[dict[tuple[str, str], str]] = {}

    @classmethod
    def reset(cls) -> None:
        cls.passwords.clear()

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("No such password!")


class LockedKeyring(_ExplicitOnly):
    """Like a locked collection whose unlock failed."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


class PromptDismissedException(Exception):
    """Stand-in for secretstorage.exceptions.PromptDismissedException."""


class DismissedKeyring(_ExplicitOnly):
    """What keyring's SecretService backend raises when the create/unlock prompt is dismissed."""

    def _fail(self) -> None:
        try:
            raise PromptDismissedException("Prompt dismissed.")
        except PromptDismissedException as exc:
            raise InitError(f"Failed to create the collection: {exc}.") from exc

    def get_password(self, service: str, username: str) -> str | None:
        self._fail()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._fail()

    def delete_password(self, service: str, username: str) -> None:
        self._fail()


class LeakyKeyring(MemoryKeyring):
    """Fails to store and puts the password into its error text (our messages must not)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"could not store {password!r} for {username}")


def failing() -> KeyringBackend:
    """keyring's own "no backend" keyring: every operation raises NoKeyringError."""
    return cast(Callable[[], KeyringBackend], fail.Keyring)()


def plaintext() -> KeyringBackend:
    """keyrings.alt's plain-text file keyring (test-only dependency; never chosen by the app)."""
    from keyrings.alt.file import PlaintextKeyring

    return cast(KeyringBackend, PlaintextKeyring())
