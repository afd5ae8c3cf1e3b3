"""Server passwords in the operating system's keyring, keyed by the server's stable id.

Passwords are never written anywhere else: when the keyring is missing, locked or its
prompt is dismissed, the caller gets an error that names the keyring, and nothing is stored.
``keyring`` is imported on first use so the window starts without it.

Backend choice: an explicitly configured backend (``PYTHON_KEYRING_BACKEND`` or keyring's
config file) is honoured; otherwise the best *recommended* backend is used. keyring's own
detection would pick keyrings.alt's plain-text file whenever that package happens to be
installed and no desktop keyring runs, silently; we treat that case as "no keyring".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outmail_gui.seen_secrets import remember_secret

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "outmail"
NOT_ON_THIS_WORKSTATION = "No password stored on this workstation"
"""What a shared store's server says when this workstation's keyring has no password for it
(the shared database never holds one): the form, ``test`` and ``check`` use these words."""


@dataclass(frozen=True, slots=True)
class BackendInfo:
    """Where passwords are kept, for showing to the user."""

    name: str
    secure: bool
    description: str

    def __str__(self) -> str:
        return self.name if self.secure else f"{self.name} ({self.description})"


class SecretStoreError(Exception):
    """A keyring failure; ``message`` names the keyring and never contains the password."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class KeyringUnavailableError(SecretStoreError):
    """No usable keyring (none installed or running)."""


class KeyringLockedError(SecretStoreError):
    """The keyring is locked and was not unlocked."""


class KeyringDismissedError(SecretStoreError):
    """The keyring's unlock or create prompt was dismissed (or could not be shown)."""


_KNOWN: dict[str, tuple[str, bool, str]] = {
    "keyring.backends.SecretService.Keyring": (
        "Secret Service keyring",
        True,
        "the desktop keyring (GNOME Keyring or compatible) via the Secret Service",
    ),
    "keyring.backends.libsecret.Keyring": (
        "Secret Service keyring (libsecret)",
        True,
        "the desktop keyring (GNOME Keyring or compatible) via libsecret",
    ),
    "keyring.backends.kwallet.DBusKeyring": ("KWallet", True, "KDE Wallet"),
    "keyring.backends.kwallet.DBusKeyringKWallet4": ("KWallet 4", True, "KDE Wallet"),
    "keyring.backends.macOS.Keyring": ("macOS Keychain", True, "the user's login keychain"),
    "keyring.backends.Windows.WinVaultKeyring": ("Windows Credential Manager", True, "Windows Credential Locker"),
    "keyrings.alt.file.PlaintextKeyring": ("plain-text file keyring", False, "insecure: plain-text file"),
}


class SecretStore:
    """Passwords of outgoing servers; pass ``keyring`` (a backend instance) to choose one explicitly."""

    SERVICE = SERVICE

    def __init__(self, keyring: KeyringBackend | None = None) -> None:
        self._backend: KeyringBackend | None = keyring
        self._explicit = keyring is not None

    # --- operations ----------------------------------------------------------------------

    def get_password(self, server_id: str) -> str | None:
        backend = self._usable_backend()
        try:
            value = backend.get_password(self.SERVICE, server_id)
        except Exception as exc:
            raise self._translate(exc, "read the password from", None) from None
        if value is None:
            return None
        remember_secret(str(value))  # kept out of the log file and crash details
        return str(value)

    def set_password(self, server_id: str, password: str) -> None:
        remember_secret(password)  # kept out of the log file and crash details
        backend = self._usable_backend()
        try:
            backend.set_password(self.SERVICE, server_id, password)
        except Exception as exc:
            raise self._translate(exc, "store the password in", password) from None

    def delete_password(self, server_id: str) -> None:
        """Remove the password; a password that is not there is not an error."""
        backend = self._usable_backend()
        from keyring.errors import PasswordDeleteError

        try:
            backend.delete_password(self.SERVICE, server_id)
        except PasswordDeleteError:
            if self.get_password(server_id) is not None:
                raise SecretStoreError(
                    f"The password could not be removed from the {self.backend_info().name}."
                ) from None
        except Exception as exc:
            raise self._translate(exc, "remove the password from", None) from None

    def backend_info(self) -> BackendInfo:
        """Where passwords go; never raises."""
        try:
            backend = self._usable_backend()
        except SecretStoreError:
            return BackendInfo("no keyring", False, "no usable keyring: passwords cannot be saved")
        return describe(backend)

    # --- backend choice ------------------------------------------------------------------

    def _usable_backend(self) -> KeyringBackend:
        if self._backend is None:
            self._backend, self._explicit = _choose_backend()
        if self._backend is None or _is_fail(self._backend):
            raise KeyringUnavailableError(
                "No usable keyring was found: start the desktop keyring (for example GNOME Keyring, "
                "KWallet or KeePassXC's Secret Service), then try again. The password was not stored anywhere."
            )
        return self._backend

    def _translate(self, exc: Exception, action: str, password: str | None) -> SecretStoreError:
        from keyring import errors

        name = describe(self._backend).name if self._backend is not None else "keyring"
        detail = _redact(_chain_text(exc), password)
        if _mentions(exc, "dismiss"):
            return KeyringDismissedError(
                f"Could not {action} the {name}: its unlock prompt was dismissed or could not be shown. "
                "Unlock the keyring and try again; the password was not stored anywhere else."
            )
        if isinstance(exc, errors.KeyringLocked):
            return KeyringLockedError(
                f"Could not {action} the {name}: the keyring is locked. Unlock it and try again; "
                "the password was not stored anywhere else."
            )
        if isinstance(exc, errors.NoKeyringError | errors.InitError):
            return KeyringUnavailableError(
                f"Could not {action} the {name}: the keyring is not available ({detail}). "
                "The password was not stored anywhere else."
            )
        return SecretStoreError(f"Could not {action} the {name} ({type(exc).__name__}: {detail}).")


def describe(backend: Any) -> BackendInfo:
    cls = type(backend)
    key = f"{cls.__module__}.{cls.__qualname__}"
    if key in _KNOWN:
        name, secure, description = _KNOWN[key]
        if not secure and hasattr(backend, "file_path"):
            description = f"{description} {backend.file_path}"
        return BackendInfo(name, secure, description)
    if _is_fail(backend):
        return BackendInfo("no keyring", False, "no usable keyring: passwords cannot be saved")
    if cls.__module__.startswith("keyrings.alt"):
        return BackendInfo(f"{cls.__name__} (keyrings.alt)", False, "insecure: keyrings.alt file storage")
    label = getattr(backend, "name", cls.__name__)
    return BackendInfo(str(label), True, f"keyring backend {key}")


def _choose_backend() -> tuple[KeyringBackend | None, bool]:
    """The configured backend, else the best recommended one (never keyrings.alt by accident)."""
    import keyring.backend
    import keyring.core

    configured = keyring.core.load_env() or keyring.core.load_config()
    if configured is not None:
        return configured, True
    candidates = [
        b
        for b in keyring.backend.get_all_keyring()
        if not type(b).__module__.startswith(("keyrings.alt", "keyring.backends.chainer", "keyring.backends.fail"))
        and not type(b).__module__.startswith("keyring.backends.null")
    ]
    if not candidates:
        return None, False
    return max(candidates, key=keyring.backend.by_priority), False


def _is_fail(backend: Any) -> bool:
    return type(backend).__module__ in ("keyring.backends.fail", "keyring.backends.null")


def _chain_text(exc: BaseException) -> str:
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = str(current).strip()
        if text and text not in parts:
            parts.append(text)
        current = current.__cause__ or current.__context__
    return "; ".join(parts) or type(exc).__name__


def _mentions(exc: BaseException, word: str) -> bool:
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if word in type(current).__name__.lower() or word in str(current).lower():
            return True
        current = current.__cause__ or current.__context__
    return False


def _redact(text: str, password: str | None) -> str:
    one_line = " ".join(text.split())
    if password:
        one_line = one_line.replace(password, "********")
    return one_line
