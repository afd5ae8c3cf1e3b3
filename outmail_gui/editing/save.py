"""Saving one edited server: the rules (checked by the store), the store, then the keyring.

Qt-free, so the whole workflow is tested without a window; the window's editing session
shows what :class:`SaveResult` says. The server, its OAuth 2.0 settings and the typed password
are written together; a keyring that refuses the password leaves the server saved and says so
(the password is never written anywhere else).
"""

from __future__ import annotations

import dataclasses

from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.errors import RevisionConflictError, StoreError, ValidationFailed
from outmail_gui.store.interface import SettingsRepository
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.secret_writes import SecretWrites
from outmail_gui.store.secrets import SecretStore


@dataclasses.dataclass(frozen=True, slots=True)
class SaveResult:
    """What became of a save. Exactly one of ``saved``, ``conflict``, ``invalid``, ``failed`` or
    ``unchanged`` is set."""

    saved: ServerSettings | None = None
    keyring_error: str = ""  # saved, but the typed password is not in the keyring (it stays typed)
    keyring_note: str = ""  # saved, and where the typed password went
    conflict: RevisionConflictError | None = None  # another instance saved first: nothing written
    invalid: str = ""  # a rule refused it (the store checks the rules): nothing written
    failed: str = ""  # the store could not write: nothing written
    unchanged: bool = False  # nothing to save (a stored record without edits): nothing written


def save_server(
    repository: SettingsRepository,
    secrets: SecretStore,
    record: ServerSettings,
    oauth: OAuthSettings,
    password: str | None,
) -> SaveResult:
    """Save ``record`` (and, for SMTP, ``oauth``) with the typed ``password`` (None: untouched;
    "": remove the stored one). The keyring entry is written with the transaction (see
    :mod:`outmail_gui.store.secret_writes`); only a keyring failure lets the settings be saved alone."""
    writes = _password_writes(secrets, record.id, password)
    try:
        with repository.transaction(writes):  # the server, its OAuth 2.0 settings and its password
            saved = repository.save(record)
            if saved.is_smtp:
                OAuthSettingsStore.of(repository).save(saved.id, oauth)
    except RevisionConflictError as exc:
        return SaveResult(conflict=exc)
    except ValidationFailed as exc:
        return SaveResult(invalid=exc.message)
    except StoreError as exc:
        return SaveResult(failed=exc.message)
    if writes is None:
        return SaveResult(saved=saved)
    if writes.failures:
        return SaveResult(saved=saved, keyring_error=writes.failures[0][1].message)
    note = f"Password saved in the {secrets.backend_info().name}." if writes.stores_a_value() else ""
    return SaveResult(saved=saved, keyring_note=note)


def _password_writes(secrets: SecretStore, server_id: str, password: str | None) -> SecretWrites | None:
    """The keyring change a typed password asks for; a failure must not stop the settings' save."""
    if password is None:
        return None
    writes = SecretWrites(secrets)
    if password:
        writes.set(server_id, password, required=False)
    else:
        writes.delete(server_id, required=False)
    return writes
