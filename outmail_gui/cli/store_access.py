"""Opening the store and keyring from a command, with their errors as one-line CommandErrors.

Shared by every command that reads or writes settings (servers, probe, ...).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from outmail_gui import paths
from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError
from outmail_gui.store.errors import DamagedRecordError, DatabaseCorruptError, StoreError, ValidationFailed
from outmail_gui.store.interface import SettingsRepository
from outmail_gui.store.location import SharedStore
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore, SecretStoreError


def data_dir_of(args: argparse.Namespace) -> Path:
    """The local store's folder, for what only a local store has (its backups); refused on a shared store (exit 2)."""
    shared: SharedStore | None = getattr(args, "shared_store", None)
    if shared is not None:
        raise CommandError(
            f"the shared store {shared.shown} keeps no backup files: its database administrator backs it up "
            "(pg_dump) and restores it",
            EXIT_USAGE,
        )
    return workstation_dir(args)


def open_settings(args: argparse.Namespace) -> SettingsRepository:
    """The store ``--store`` / ``OUTMAIL_STORE`` names, shared or local (default: the local store of
    ``--data-dir``/OUTMAIL_DATA_DIR); store errors become CommandError."""
    shared: SharedStore | None = getattr(args, "shared_store", None)
    if shared is not None:
        from outmail_gui.store.postgres.repository import SharedRepository

        with store_errors():
            return SharedRepository.open(shared)
    directory = workstation_dir(args)
    with store_errors(directory):
        repository = ServerRepository.open(directory)
    for notice in repository.notices():  # a failed daily backup, a folder made private: never unnoticed
        sys.stderr.write(f"outmail-gui: warning: {one_line(notice)}\n")
    return repository


def workstation_dir(args: argparse.Namespace) -> Path:
    """This workstation's data folder (its OAuth token caches), whichever store holds the settings."""
    try:
        return paths.data_dir(getattr(args, "data_dir", None))
    except OSError as exc:
        raise CommandError(f"cannot use the data directory: {exc.strerror or exc} ({exc.filename})") from None


def damage_hint_dir(args: argparse.Namespace) -> Path | None:
    """The local store's folder for a damaged record's restore hint; ``None`` on a shared store (no backups)."""
    return None if getattr(args, "shared_store", None) is not None else data_dir_of(args)


def secret_store() -> SecretStore:
    """The keyring access commands use (tests replace the backend via PYTHON_KEYRING_BACKEND)."""
    return SecretStore()


def one_line(text: str) -> str:
    return " ".join(text.split())


def report_damaged(damaged: Sequence[DamagedRecordError], directory: Path | None) -> int:
    """One line on stderr for each server left out as damaged; exit 1 if there was any (the listing is partial)."""
    for error in damaged:
        sys.stderr.write(f"outmail-gui: {corrupt_line(error, directory)}\n")
    return EXIT_FAILED if damaged else EXIT_OK


def corrupt_line(exc: DatabaseCorruptError, directory: Path | None) -> str:
    """The damage, with the command that restores the latest backup."""
    hint = ""
    if exc.backups:
        where = f" --data-dir {directory}" if directory is not None else ""
        force = " --force" if isinstance(exc, DamagedRecordError) else ""  # the file itself passes the check
        hint = f" To restore it, run: outmail-gui{where} servers restore-backup{force}"
    return one_line(exc.message + hint)


@contextlib.contextmanager
def store_errors(directory: Path | None = None) -> Iterator[None]:
    """Translate store and keyring errors: invalid values exit 2, anything else that failed 1."""
    try:
        yield
    except ValidationFailed as exc:
        raise CommandError(one_line(exc.message), EXIT_USAGE) from None
    except DatabaseCorruptError as exc:
        raise CommandError(corrupt_line(exc, directory), EXIT_FAILED) from None
    except StoreError as exc:
        raise CommandError(one_line(exc.message), EXIT_FAILED) from None
    except SecretStoreError as exc:
        raise CommandError(one_line(exc.message), EXIT_FAILED) from None
