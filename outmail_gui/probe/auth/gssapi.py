"""GSSAPI (Kerberos, RFC 4752), available only where python-gssapi and a Kerberos library exist.

When they do not, the mechanism is reported as unavailable on this workstation (never hidden).
"""

from __future__ import annotations

import importlib.util
import struct

from outmail_gui.probe.auth.base import Credentials, Mechanism, MechanismError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: CLI start-up time
if TYPE_CHECKING:
    from typing import Any

UNAVAILABLE = "unavailable on this workstation: no Kerberos library (python-gssapi is not installed)"
_NO_SECURITY_LAYER = 1


def kerberos_problem() -> str | None:
    """Why GSSAPI cannot be used here, or ``None``."""
    if importlib.util.find_spec("gssapi") is None:
        return UNAVAILABLE
    return None


class Gssapi(Mechanism):
    """Kerberos via pyspnego, then the RFC 4752 security-layer exchange (we choose no layer)."""

    name = "GSSAPI"
    uses_initial_response = True

    def __init__(self, credentials: Credentials, context: Any = None) -> None:
        super().__init__(credentials)
        self._context = context

    def _ctx(self) -> Any:
        if self._context is None:
            problem = kerberos_problem()
            if problem:
                raise MechanismError(problem)
            import spnego

            c = self.credentials
            self._context = spnego.client(
                c.login_id or None, c.password or None, hostname=c.host, service="smtp", protocol="kerberos"
            )
        return self._context

    def initial_response(self) -> bytes:
        try:
            return bytes(self._ctx().step() or b"")
        except MechanismError:
            raise
        except Exception as exc:
            raise MechanismError(f"Kerberos could not start: {type(exc).__name__}: {exc}") from None

    def respond(self, challenge: bytes) -> bytes:
        ctx = self._ctx()
        try:
            if not ctx.complete:
                return bytes(ctx.step(challenge) or b"")
            return self._security_layer(ctx, challenge)
        except MechanismError:
            raise
        except Exception as exc:
            raise MechanismError(f"Kerberos exchange failed: {type(exc).__name__}") from None

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
