"""PLAIN, LOGIN (UTF-8 credentials, so non-ASCII passwords work) and XOAUTH2 (bearer token)."""

from __future__ import annotations

from outmail_gui.probe.auth.base import Credentials, Mechanism


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
    """Microsoft/Google XOAUTH2: on failure the server sends a JSON challenge; we answer empty."""

    name = "XOAUTH2"
    uses_initial_response = True

    def initial_response(self) -> bytes:
        c = self.credentials
        return f"user={c.login_id}\x01auth=Bearer {c.oauth_token}\x01\x01".encode()

    def respond(self, challenge: bytes) -> bytes:
        return b""
