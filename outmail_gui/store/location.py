"""Which store a command or the window opens: ``--store URL`` or ``OUTMAIL_STORE``.

``sqlite:///PATH`` is the local store in the folder PATH (what ``--data-dir`` names);
``postgresql://…``, ``postgres://…`` or a libpq conninfo (``service=outmail``,
``host=a,b dbname=outmail target_session_attrs=read-write``) is a shared PostgreSQL store.
Neither given: the local store under ``--data-dir`` / ``OUTMAIL_DATA_DIR`` / the user data
directory, as before. Nothing here imports the PostgreSQL driver.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from pathlib import Path

ENVIRONMENT_VARIABLE = "OUTMAIL_STORE"
_SQLITE_PREFIX = "sqlite://"
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_CONNINFO_PASSWORD = re.compile(r"\bpassword\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S+)\s*", re.IGNORECASE)


class StoreLocationError(ValueError):
    """``--store`` / ``OUTMAIL_STORE`` names no store this build can open (bad usage)."""


@dataclasses.dataclass(frozen=True, slots=True)
class SharedStore:
    """A PostgreSQL store: ``target`` is the URL or conninfo as given (it may hold a password).

    ``password``: one typed for this connection only (a connection test); otherwise libpq's
    own sources or the keyring's entry (:mod:`outmail_gui.store.postgres.database_passwords`).
    """

    target: str
    password: str | None = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def shown(self) -> str:
        """The location for messages: never a password."""
        return without_password(self.target)


def store_location(option: str | None, environ: Mapping[str, str] | None = None) -> Path | SharedStore | None:
    """The store ``option`` (else ``OUTMAIL_STORE``) names: a local folder, a shared store, or
    ``None`` for the default local store."""
    text = option if option is not None else (os.environ if environ is None else environ).get(ENVIRONMENT_VARIABLE)
    if text is None or not text.strip():
        return None
    text = text.strip()
    lowered = text.lower()
    if lowered.startswith(_SQLITE_PREFIX):
        path = text[len(_SQLITE_PREFIX) :]
        if not path.startswith("/"):
            raise StoreLocationError(f"a local store is sqlite:///PATH with an absolute PATH, not {text!r}")
        return Path(path)
    if lowered.startswith(_POSTGRES_SCHEMES) or "=" in text.split()[0]:
        return SharedStore(text)
    raise StoreLocationError(
        f"unknown store {without_password(text)!r}: use postgresql://USER@HOST/DATABASE, a libpq conninfo "
        "(service=NAME, host=... dbname=...) or sqlite:///FOLDER"
    )


def without_password(target: str) -> str:
    """``target`` with any password taken out (URL user info, ``?password=``, conninfo ``password=``)."""
    if target.lower().startswith(_POSTGRES_SCHEMES):
        from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit  # only for a shared store's messages

        parts = urlsplit(target)
        netloc = parts.netloc
        if "@" in netloc:
            user_info, _, hosts = netloc.rpartition("@")
            netloc = f"{user_info.split(':', 1)[0]}@{hosts}"
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "password"])
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return _CONNINFO_PASSWORD.sub("", target).strip()
