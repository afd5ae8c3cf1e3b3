"""NTLM (SPA) and MSN through pyspnego; MSN is the same NTLM exchange under Microsoft's old name.

The login may be ``DOMAIN\\user`` or ``user@domain``; pyspnego sends NTLMv2 (UTF-16 passwords,
so non-ASCII works). pyspnego is imported only when this mechanism is used (it is slow to load).
"""

from __future__ import annotations

from typing import Any

from outmail_gui.probe.auth.base import Credentials, Mechanism, MechanismError


class Ntlm(Mechanism):
    name = "NTLM"
    uses_initial_response = True

    def __init__(self, credentials: Credentials) -> None:
        super().__init__(credentials)
        self._context: Any = None

    def _ctx(self) -> Any:
        if self._context is None:
            try:
                import spnego
            except ImportError as exc:  # pragma: no cover - pyspnego is a dependency
                raise MechanismError(f"NTLM needs pyspnego: {exc}") from None
            c = self.credentials
            self._context = spnego.client(
                c.login_id, c.password, hostname=c.host or "unspecified", service="smtp", protocol="ntlm"
            )
        return self._context

    def initial_response(self) -> bytes:
        try:
            token = self._ctx().step()
        except Exception as exc:  # pyspnego raises many types; none may escape unexplained
            raise MechanismError(f"NTLM could not start: {type(exc).__name__}") from None
        if not token:
            raise MechanismError("NTLM produced no negotiate message")
        return bytes(token)

    def respond(self, challenge: bytes) -> bytes:
        ctx = self._ctx()
        if not challenge:
            # A server that does not accept an initial response asks for it with an empty challenge.
            return self.initial_response()
        if ctx.complete:
            raise MechanismError("unexpected extra NTLM challenge")
        try:
            token = ctx.step(challenge)
        except Exception as exc:
            raise MechanismError(f"the server's NTLM challenge is invalid ({type(exc).__name__})") from None
        return bytes(token or b"")


class Msn(Ntlm):
    name = "MSN"
