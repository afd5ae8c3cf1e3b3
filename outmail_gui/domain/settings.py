"""The outgoing-server settings record: every field and default of the product documentation.

Defaults live here and nowhere else: the form, the CLI, the importer and the store all
start a record with :func:`new_server`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from outmail_gui.domain.addresses import clean_host
from outmail_gui.domain.encodings import pager_encoding
from outmail_gui.domain.fingerprints import canonical_fingerprint

# Re-exported: the enums live in a light module of their own (see its docstring).
from outmail_gui.domain.methods import AUTH_METHODS_DISPLAY_ORDER as AUTH_METHODS_DISPLAY_ORDER
from outmail_gui.domain.methods import AuthMethod as AuthMethod
from outmail_gui.domain.methods import Protocol as Protocol
from outmail_gui.domain.names import clean_name

DEFAULT_SMTP_PORT = 25
DEFAULT_MAPI_PORT = 593
DEFAULT_MAPI_SERVER = "localhost"
DEFAULT_CONNECTION_TIMEOUT_S = 120
DEFAULT_PAGER_ENCODING = "utf-8"


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """One outgoing email server. ``protocol`` is fixed at creation; use :func:`new_server`.

    ``id`` is stable for the record's life (the keyring key); ``revision`` is 0 until the
    store saves the record and grows by one on every save (optimistic concurrency).
    """

    protocol: Protocol
    id: str
    revision: int = 0
    name: str = ""
    server: str = ""
    port: int = DEFAULT_SMTP_PORT
    login_id: str = ""
    active: bool = True
    use_ssl: bool = True
    pager_encoding: str = DEFAULT_PAGER_ENCODING
    auth_auto: bool = True
    auth_methods: frozenset[AuthMethod] = frozenset()
    use_nt_authentication: bool = False
    send_receipt: bool = False
    connection_timeout_s: int = DEFAULT_CONNECTION_TIMEOUT_S
    chunking: bool = False
    outgoing_email_id: str = ""
    is_default: bool = False
    sent_from_analyst: bool = False
    reply_to_forwarding_analyst: bool = False
    partition: str | None = None
    trusted_cert_sha256: str = ""

    @property
    def is_smtp(self) -> bool:
        return self.protocol is Protocol.SMTP

    @property
    def is_mapi(self) -> bool:
        return self.protocol is Protocol.MAPI

    @property
    def uses_no_authentication(self) -> bool:
        """Documented rule: auto-select cleared and no method ticked means no authentication."""
        return self.is_smtp and not self.auth_auto and not self.auth_methods

    def with_changes(self, **changes: Any) -> ServerSettings:
        """A copy with ``changes``; the protocol and id can never change this way."""
        for fixed in ("protocol", "id"):
            if fixed in changes and changes[fixed] != getattr(self, fixed):
                raise ValueError(f"{fixed} is fixed at creation and cannot be changed")
        return replace(self, **changes)

    def cleaned(self) -> ServerSettings:
        """The record as it is stored: the one place values are tidied, once, for every caller.

        Name, server, login ID, Outgoing Email ID and partition lose surrounding blanks (an
        empty partition becomes ``None``); names are NFC-normalised (:func:`clean_name`); a
        pinned fingerprint takes its canonical ``AB:CD:...`` form and a Pager Encoding alias its
        listed spelling (``latin-1``: ``iso-8859-1``); an IPv6 literal is stored
        without brackets, so ``[::1]`` and ``::1`` are the same server. Passwords are not part of the record and
        are never trimmed. Returns ``self`` when nothing changes.
        """
        partition = clean_name(self.partition) if self.partition is not None else None
        changes: dict[str, Any] = {
            "name": clean_name(self.name),
            "server": clean_host(self.server),
            "login_id": self.login_id.strip(),
            "outgoing_email_id": self.outgoing_email_id.strip(),
            "partition": partition or None,
            "trusted_cert_sha256": canonical_fingerprint(self.trusted_cert_sha256),
            "pager_encoding": pager_encoding(self.pager_encoding) or self.pager_encoding,
        }
        changes = {k: v for k, v in changes.items() if v != getattr(self, k)}
        return replace(self, **changes) if changes else self

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (no password: passwords never leave the keyring)."""
        data = asdict(self)
        data["protocol"] = self.protocol.value
        data["auth_methods"] = sorted(m.value for m in self.auth_methods)
        return data


def new_id() -> str:
    import uuid  # here: uuid imports platform (~2 ms of the window's start-up)

    return uuid.uuid4().hex


def new_server(protocol: Protocol | str, **overrides: Any) -> ServerSettings:
    """A new record with the documented defaults for ``protocol``."""
    proto = Protocol(protocol)
    base: dict[str, Any] = {"protocol": proto, "id": new_id()}
    if proto is Protocol.MAPI:
        base.update(server=DEFAULT_MAPI_SERVER, port=DEFAULT_MAPI_PORT, use_ssl=False, auth_auto=True)
    base.update(overrides)
    return ServerSettings(**base)


def convert_to_smtp(mapi: ServerSettings) -> ServerSettings:
    """A legacy MAPI record as a new SMTP record that keeps every shared field.

    The port goes to the SMTP default unless the MAPI record used a non-default port
    (then the administrator chose it on purpose and it is kept).
    """
    if not mapi.is_mapi:
        raise ValueError("only a MAPI record can be converted to SMTP")
    port = DEFAULT_SMTP_PORT if mapi.port == DEFAULT_MAPI_PORT else mapi.port
    shared = {f: getattr(mapi, f) for f in SHARED_FIELDS}
    return ServerSettings(protocol=Protocol.SMTP, id=mapi.id, revision=mapi.revision, **shared, port=port)


# Fields each protocol shows, in the documentation's order.
SMTP_FIELDS: tuple[str, ...] = (
    "name",
    "protocol",
    "server",
    "port",
    "login_id",
    "password",
    "active",
    "use_ssl",
    "pager_encoding",
    "auth_auto",
    "auth_methods",
    "send_receipt",
    "connection_timeout_s",
    "chunking",
    "outgoing_email_id",
    "is_default",
    "sent_from_analyst",
    "reply_to_forwarding_analyst",
    "partition",
)
MAPI_FIELDS: tuple[str, ...] = (
    "name",
    "protocol",
    "server",
    "port",
    "login_id",
    "password",
    "active",
    "use_nt_authentication",
    "send_receipt",
    "outgoing_email_id",
    "is_default",
    "partition",
    "sent_from_analyst",
    "reply_to_forwarding_analyst",
)
SHARED_FIELDS: tuple[str, ...] = (
    "name",
    "server",
    "login_id",
    "active",
    "send_receipt",
    "outgoing_email_id",
    "is_default",
    "sent_from_analyst",
    "reply_to_forwarding_analyst",
    "partition",
)


def fields_for(protocol: Protocol) -> tuple[str, ...]:
    return SMTP_FIELDS if protocol is Protocol.SMTP else MAPI_FIELDS


# The annotations are source text (postponed evaluation), so the field types compare as strings.
_BOOL_FIELDS = frozenset(f.name for f in fields(ServerSettings) if f.type == "bool")
_INT_FIELDS = frozenset(f.name for f in fields(ServerSettings) if f.type == "int")


def settings_from_dict(data: Mapping[str, Any]) -> ServerSettings:
    """Build a record from a JSON-like mapping, filling missing fields with the defaults.

    Raises ``ValueError``/``TypeError`` with a readable message for a wrong type; value
    rules (ranges, syntax) are the rules module's job, not this one's.
    """
    if "protocol" not in data:
        raise ValueError("protocol is missing")
    try:
        proto = Protocol(str(data["protocol"]).lower())
    except ValueError:
        raise ValueError(f"protocol must be smtp or mapi, not {data['protocol']!r}") from None
    known = {f.name for f in fields(ServerSettings)}
    unknown = sorted(set(data) - known - {"password"})
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("protocol", "password"):
            continue
        if key in _BOOL_FIELDS:
            if not isinstance(value, bool):
                raise TypeError(f"{key} must be true or false")
        elif key in _INT_FIELDS:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{key} must be a whole number")
        elif key == "auth_methods":
            if not isinstance(value, list | tuple | set | frozenset):
                raise TypeError("auth_methods must be a list of method names")
            value = frozenset(AuthMethod.parse(str(v)) for v in value)
        elif key == "partition":
            if value is not None and not isinstance(value, str):
                raise TypeError("partition must be a name or null")
            value = value or None
        elif not isinstance(value, str):
            raise TypeError(f"{key} must be text")
        values[key] = value
    values.setdefault("id", new_id())
    return new_server(proto, **values)
