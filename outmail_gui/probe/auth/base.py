"""The interface every mechanism implements: an optional initial response, then one answer per challenge."""

from __future__ import annotations

import abc
from dataclasses import dataclass

from outmail_gui.probe.redact import masked_repr


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a mechanism may use to log in."""

    login_id: str
    password: str
    oauth_token: str = ""
    host: str = ""  # the server's name, for DIGEST-MD5's digest-uri and Kerberos' service principal

    def __repr__(self) -> str:
        return masked_repr(self, ("password", "oauth_token"))


class MechanismError(Exception):
    """The mechanism cannot go on (malformed challenge, failed mutual authentication, missing library).

    ``nothing_sent``: it failed on this workstation before any credential was tried anywhere (no
    library, no realm, no ticket), so automatic selection may go on with the next mechanism.
    ``hint`` and ``field``: what the user should change, and the settings field concerned.
    """

    def __init__(self, message: str, *, nothing_sent: bool = False, hint: str = "", field: str | None = None) -> None:
        super().__init__(message)
        self.nothing_sent = nothing_sent
        self.hint = hint
        self.field = field


class Mechanism(abc.ABC):
    name: str = ""
    uses_initial_response: bool = False

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    def initial_response(self) -> bytes | None:
        """Bytes sent with the AUTH command (``None``: wait for the first challenge)."""
        return None

    @abc.abstractmethod
    def respond(self, challenge: bytes) -> bytes:
        """The answer to one 334 challenge (already base64-decoded)."""
