"""Connecting to the shared store, and the one place PostgreSQL's errors become StoreErrors.

libpq reads the rest of the connection as it always does (``PGPASSWORD``, ``.pgpass``,
``pg_service.conf``, Kerberos); a password kept in the workstation's keyring
(:mod:`~outmail_gui.store.postgres.database_passwords`) is handed to it as a parameter, never
put into the URL. Messages name the store by :func:`~outmail_gui.store.location.without_password`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import psycopg
from psycopg import errors as pg
from psycopg.conninfo import make_conninfo

from outmail_gui.store.errors import StoreEnvironmentError, StoreError
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.schema import SCHEMA
from outmail_gui.store.secrets import SecretStore
from outmail_gui.store.workstation import application_name

__all__ = ["StorePermissionError", "StoreUnreachableError", "application_name", "connect", "shared_errors"]

CONNECT_TIMEOUT_S = 10


class StoreUnreachableError(StoreEnvironmentError):
    """The shared database cannot be reached or refused the login."""


class StorePermissionError(StoreError):
    """The database refused an action to this login (its roles or row-level security)."""


def connect(
    store: SharedStore, secrets: SecretStore | None = None, params: Mapping[str, str | int] | None = None
) -> psycopg.Connection[tuple[object, ...]]:
    """An autocommit connection with the ``outmail`` schema first on its search path.

    ``secrets``: the keyring that may hold the database password (default: the system's).

    Transactions are begun explicitly (``conn.transaction()``), one per user action.
    ``params``: more libpq connection parameters (the change listener's TCP keepalives).
    """
    from outmail_gui.store.postgres.database_passwords import password_for

    password = password_for(store, secrets)
    given: dict[str, Any] = {"password": password} if password is not None else {}
    with shared_errors(store):
        conn = psycopg.connect(
            make_conninfo(store.target, **params) if params else store.target,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name=application_name(),
            **given,
        )
    try:
        with shared_errors(store):
            conn.execute(f"SET search_path = {SCHEMA}, pg_catalog")
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def shared_errors(store: SharedStore) -> Iterator[None]:
    """Turn the environment's failures (unreachable, login refused, permission denied) into one-line StoreErrors.

    Anything else (a bug of ours, a constraint the caller handles) passes unchanged.
    """
    try:
        yield
    except pg.InsufficientPrivilege as exc:
        raise StorePermissionError(
            f"The shared settings database {store.shown} refused this to your login: {_primary(exc)}. "
            "Ask its administrator for the outmail_admin role (or the partition) if you need it."
        ) from None
    except psycopg.OperationalError as exc:
        text = _primary(exc)
        refused = "FATAL:" in text or "no password supplied" in text
        if isinstance(exc, pg.InvalidPassword | pg.InvalidAuthorizationSpecification) or refused:
            reason = text.rpartition("FATAL:")[2].strip() or text
            raise StoreUnreachableError(
                f"The shared settings database {store.shown} refused the connection: {reason}."
            ) from None
        raise StoreUnreachableError(f"Cannot reach the shared settings database {store.shown}: {text}.") from None


def _primary(exc: psycopg.Error) -> str:
    """The server's primary message, or libpq's first line (never the connection string)."""
    text = exc.diag.message_primary or str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__).rstrip(".")
