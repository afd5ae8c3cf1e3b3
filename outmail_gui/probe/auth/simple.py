"""PLAIN, LOGIN (UTF-8 credentials, so non-ASCII passwords work) and XOAUTH2 (bearer token)."""

from __future__ import annotations

from outmail_gui.probe.auth.base import Credentials, Mechanism

MAX_COMMAND_LINE = 512  # RFC 5321 section 4.5.3.1.4: the command-line limit most servers keep (with CRLF)


class Plain(Mechanism):
    name = "PLAIN"
    uses_initial_response = True

    def initial_response(self) -> bytes:
        c = self.credentials
        return b"\0" + c.login_id.encode("utf-8") + b"\0" + c.password.encode("utf-8")

    def respond(self, challenge: bytes) -> bytes:
        return self.initial_response()


class Login(Mechanism):
    """Username, then password; the prompts are read, with the usual order as fallback."""

    name = "LOGIN"

    def __init__(self, credentials: Credentials) -> None:
        super().__init__(credentials)
        self._sent_user = False

    def respond(self, challenge: bytes) -> bytes:
        prompt = challenge.lower()
        wants_password = b"pass" in prompt or (self._sent_user and b"user" not in prompt)
        if wants_password:
            return self.credentials.password.encode("utf-8")
        self._sent_user = True
        return self.credentials.login_id.encode("utf-8")


class XOAuth2(Mechanism):
    """Microsoft/Google XOAUTH2: on failure the server sends a JSON challenge; we answer empty.

    The payload goes with AUTH as the initial response when ``AUTH XOAUTH2 <payload>`` fits in
    a 512-byte command line; a real token (a JWT of 1-3 KB) does not, and a server keeping
    that limit answers ``500 Command line too long``. Then ``AUTH XOAUTH2`` goes alone and the
    payload follows the server's empty ``334`` (both forms are RFC 4954's).
    """

    name = "XOAUTH2"

    def __init__(self, credentials: Credentials) -> None:
        super().__init__(credentials)
        self._sent = False
        encoded = -(-len(self._payload()) // 3) * 4  # base64 length
        self.uses_initial_response = len(f"AUTH {self.name} \r\n") + encoded <= MAX_COMMAND_LINE

    def _payload(self) -> bytes:
        c = self.credentials
        return f"user={c.login_id}\x01auth=Bearer {c.oauth_token}\x01\x01".encode()

    def initial_response(self) -> bytes:
        self._sent = True
        return self._payload()

    def respond(self, challenge: bytes) -> bytes:
        if not self._sent and not challenge:
            self._sent = True
            return self._payload()
        return b""  # the base64 JSON error challenge: an empty line, then the server's 535
