"""CRAM-MD5 (RFC 2195): HMAC-MD5 of the server's challenge keyed with the UTF-8 password."""

from __future__ import annotations

import hashlib
import hmac

from outmail_gui.probe.auth.base import Mechanism, MechanismError


class CramMd5(Mechanism):
    name = "CRAM-MD5"

    def respond(self, challenge: bytes) -> bytes:
        if not challenge:
            raise MechanismError("the server sent an empty CRAM-MD5 challenge")
        digest = hmac.new(self.credentials.password.encode("utf-8"), challenge, hashlib.md5).hexdigest()
        return self.credentials.login_id.encode("utf-8") + b" " + digest.encode("ascii")
