"""GSSAPI (Kerberos, RFC 4752) through pyspnego: MIT Kerberos (the ``gssapi`` and ``krb5``
modules of ``pyspnego[kerberos]``) on Linux and macOS, SSPI on Windows (nothing to install).

Where the modules are missing, the mechanism is reported as unavailable on this workstation,
naming what is missing (never hidden). Kerberos errors become :class:`MechanismError` with a
hint (:mod:`~outmail_gui.probe.auth.kerberos_errors`).
"""

from __future__ import annotations

import importlib.util
import os
import struct
import sys
from typing import Any

from outmail_gui.probe.auth.base import Credentials, Mechanism, MechanismError
from outmail_gui.probe.auth.kerberos_errors import UNAVAILABLE_HERE, kerberos_error, not_installed

MODULES = ("gssapi", "krb5")  # what pyspnego's Kerberos path imports besides itself
_NO_SECURITY_LAYER = 1


def missing_modules() -> list[str]:
    """The Kerberos modules this workstation lacks (none on Windows, where pyspnego uses SSPI)."""
    if sys.platform == "win32":
        return []
    return [name for name in MODULES if importlib.util.find_spec(name) is None]


def kerberos_problem() -> str | None:
    """Why GSSAPI cannot be used on this workstation, or ``None`` (cheap: nothing is imported)."""
    missing = missing_modules()
    return f"{UNAVAILABLE_HERE}: {not_installed(missing)}" if missing else None


def has_ticket() -> bool:
    """Whether this workstation holds a valid Kerberos ticket (Windows: a domain logon, which
    Windows marks with ``USERDNSDOMAIN``; SSPI then gets tickets as needed)."""
    if kerberos_problem():
        return False
    if sys.platform == "win32":
        return bool(os.environ.get("USERDNSDOMAIN"))
    try:
        import gssapi

        return int(gssapi.Credentials(usage="initiate").lifetime) > 0
    except Exception:  # no cache, an empty or expired one, or a library that cannot load
        return False


class Gssapi(Mechanism):
    """Kerberos via pyspnego, then the RFC 4752 security-layer exchange (we choose no layer).

    The identity is the Login ID with its password (a ticket is obtained with them), the Login ID
    alone (its ticket in the credential cache), or, without a Login ID, the cache's own ticket.
    """

    name = "GSSAPI"
    uses_initial_response = True

    def __init__(self, credentials: Credentials, context: Any = None) -> None:
        super().__init__(credentials)
        self._context = context

    def _ctx(self) -> Any:
        if self._context is None:
            problem = kerberos_problem()
            if problem:
                raise MechanismError(problem, nothing_sent=True)
            c = self.credentials
            try:
                import spnego

                self._context = spnego.client(
                    c.login_id or None, c.password or None, hostname=c.host, service="smtp", protocol="kerberos"
                )
            except Exception as exc:
                raise kerberos_error(exc, c.login_id, c.host) from None
        return self._context

    def initial_response(self) -> bytes:
        ctx = self._ctx()
        try:
            return bytes(ctx.step() or b"")
        except Exception as exc:
            c = self.credentials
            raise kerberos_error(exc, c.login_id, c.host) from None

    def respond(self, challenge: bytes) -> bytes:
        ctx = self._ctx()
        try:
            if not ctx.complete:
                return bytes(ctx.step(challenge) or b"")
            return self._security_layer(ctx, challenge)
        except MechanismError:
            raise
        except Exception as exc:
            c = self.credentials
            raise kerberos_error(exc, c.login_id, c.host, sent=True) from None

    def _security_layer(self, ctx: Any, challenge: bytes) -> bytes:
        if not challenge:
            return b""
        data = ctx.unwrap(challenge).data
        if len(data) != 4:
            raise MechanismError("malformed GSSAPI security-layer offer")
        layers = data[0]
        if not layers & _NO_SECURITY_LAYER:
            raise MechanismError("the server requires a GSSAPI security layer, which SMTP clients do not use")
        reply = struct.pack("!B3s", _NO_SECURITY_LAYER, b"\0\0\0")  # no authorization identity
        return bytes(ctx.wrap(reply, encrypt=False).data)
