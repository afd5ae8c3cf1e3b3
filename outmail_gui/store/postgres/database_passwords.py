"""The shared database's password in the workstation's keyring, never in a file, a URL we keep, or a message.

The entry is keyed by what the store names without its password: service, hosts, port,
database and login (``database outmail_t_ann@127.0.0.1:5432/outmail``). When one is stored and the
connection string carries no password of its own, it is handed to libpq as the ``password``
parameter; otherwise libpq finds the password as it always does (``PGPASSWORD``, ``.pgpass``,
Kerberos/GSSAPI, a client certificate).
"""

from __future__ import annotations

import getpass
import os

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from outmail_gui.store.location import SharedStore, StoreLocationError, without_password
from outmail_gui.store.secrets import SecretStore, SecretStoreError

KEY_PREFIX = "database "


def with_user(target: str, user: str) -> str:
    """``target`` logging in as ``user`` (unchanged when ``user`` is empty), as a conninfo string;
    StoreLocationError when libpq cannot read ``target``."""
    try:
        conninfo_to_dict(target)
        return make_conninfo(target, user=user.strip()) if user.strip() else target
    except psycopg.ProgrammingError as exc:
        raise StoreLocationError(
            f"{without_password(target)!r} is not a connection string libpq reads: {_first_line(exc)}"
        ) from None


def url_password(target: str) -> str | None:
    """The password written into ``target`` itself, if any."""
    value = conninfo_to_dict(target).get("password")
    return str(value) if value else None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def login_of(target: str) -> str:
    """The login ``target`` connects as: its ``user``, else ``PGUSER``, else the OS login (libpq's rule)."""
    user = str(conninfo_to_dict(target).get("user") or os.environ.get("PGUSER") or "")
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def password_key(target: str) -> str:
    """The keyring entry of ``target``'s password: service, hosts, port, database and login."""
    parts = conninfo_to_dict(target)
    where = str(parts.get("host") or parts.get("hostaddr") or "")
    if parts.get("port"):
        where += f":{parts['port']}"
    service = f" service={parts['service']}" if parts.get("service") else ""
    return f"{KEY_PREFIX}{login_of(target)}@{where}/{parts.get('dbname') or ''}{service}"


def password_for(store: SharedStore, secrets: SecretStore | None = None) -> str | None:
    """The password to hand to libpq: the one given with ``store``, else the keyring's; ``None`` leaves it to libpq.

    A keyring that cannot be read is passed over: libpq may still log in by ``.pgpass`` or
    Kerberos, and if it cannot, its refusal is the message the user sees.
    """
    if store.password is not None:
        return store.password
    if url_password(store.target):
        return None
    try:
        return (secrets or SecretStore()).get_password(password_key(store.target))
    except SecretStoreError:
        return None


def remember_password(target: str, password: str, secrets: SecretStore) -> None:
    """Keep ``password`` for ``target`` in the keyring ("" forgets it); raises SecretStoreError."""
    key = password_key(target)
    if password:
        secrets.set_password(key, password)
    else:
        secrets.delete_password(key)
