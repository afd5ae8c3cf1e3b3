"""DIGEST-MD5 (RFC 2831), qop=auth only, with a check of the server's ``rspauth``.

Credentials follow the RFC: with ``charset=utf-8`` a name or password that fits ISO 8859-1 is
hashed in ISO 8859-1 (as Cyrus SASL does), otherwise in UTF-8.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from outmail_gui.probe.auth.base import Credentials, Mechanism, MechanismError

MAX_CHALLENGE = 2048


def parse_directives(text: bytes) -> dict[str, list[str]]:
    """``key=value`` / ``key="quoted"`` pairs separated by commas; a key may repeat (realm)."""
    if len(text) > MAX_CHALLENGE:
        raise MechanismError("the DIGEST-MD5 challenge is too long")
    data = text.decode("utf-8", errors="replace")
    out: dict[str, list[str]] = {}
    i, n = 0, len(data)
    while i < n:
        while i < n and data[i] in " \t,":
            i += 1
        if i >= n:
            break
        eq = data.find("=", i)
        if eq < 0:
            raise MechanismError("malformed DIGEST-MD5 challenge")
        key = data[i:eq].strip().lower()
        i = eq + 1
        if i < n and data[i] == '"':
            i += 1
            value = []
            while i < n and data[i] != '"':
                if data[i] == "\\" and i + 1 < n:
                    i += 1
                value.append(data[i])
                i += 1
            if i >= n:
                raise MechanismError("unterminated quoted value in DIGEST-MD5 challenge")
            i += 1
            val = "".join(value)
        else:
            end = data.find(",", i)
            end = n if end < 0 else end
            val = data[i:end].strip()
            i = end
        out.setdefault(key, []).append(val)
    return out


def _encode(text: str, utf8_allowed: bool) -> bytes:
    try:
        return text.encode("iso-8859-1")
    except UnicodeEncodeError:
        if utf8_allowed:
            return text.encode("utf-8")
        raise MechanismError(
            "the server does not accept UTF-8 (no charset=utf-8) and the credentials need it"
        ) from None


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


class DigestMd5(Mechanism):
    name = "DIGEST-MD5"

    def __init__(self, credentials: Credentials, cnonce: str | None = None, service: str = "smtp") -> None:
        super().__init__(credentials)
        self._cnonce = cnonce or secrets.token_hex(16)
        self._service = service
        self._expected_rspauth: str | None = None

    def respond(self, challenge: bytes) -> bytes:
        directives = parse_directives(challenge)
        if "rspauth" in directives:
            return self._check_rspauth(directives["rspauth"][0])
        if self._expected_rspauth is not None:
            raise MechanismError("unexpected second DIGEST-MD5 challenge")
        return self._first_response(directives)

    def _first_response(self, d: dict[str, list[str]]) -> bytes:
        nonce = d.get("nonce", [""])[0]
        if not nonce:
            raise MechanismError("the DIGEST-MD5 challenge has no nonce")
        qops = [q.strip().lower() for q in ",".join(d.get("qop", ["auth"])).split(",")]
        if "auth" not in qops:
            raise MechanismError("the server does not offer qop=auth")
        algorithm = d.get("algorithm", ["md5-sess"])[0].lower()
        if algorithm != "md5-sess":
            raise MechanismError(f"unsupported DIGEST-MD5 algorithm {algorithm!r}")
        utf8 = d.get("charset", [""])[0].lower() == "utf-8"
        realm = d.get("realm", [""])[0]
        c = self.credentials
        uri = f"{self._service}/{c.host}"
        nc = "00000001"
        user_b, realm_b, pass_b = (_encode(v, utf8) for v in (c.login_id, realm, c.password))
        secret = hashlib.md5(user_b + b":" + realm_b + b":" + pass_b).digest()
        a1 = secret + f":{nonce}:{self._cnonce}".encode()
        ha1 = _md5_hex(a1)

        def kd(a2: str) -> str:
            return _md5_hex(f"{ha1}:{nonce}:{nc}:{self._cnonce}:auth:{_md5_hex(a2.encode())}".encode())

        response = kd(f"AUTHENTICATE:{uri}")
        self._expected_rspauth = kd(f":{uri}")
        parts = []
        if utf8:
            parts.append("charset=utf-8")
        parts.append("username=" + _quote(c.login_id))
        if "realm" in d:
            parts.append("realm=" + _quote(realm))
        parts += [
            "nonce=" + _quote(nonce),
            f"nc={nc}",
            "cnonce=" + _quote(self._cnonce),
            "digest-uri=" + _quote(uri),
            f"response={response}",
            "qop=auth",
        ]
        text = ",".join(parts)
        return text.encode("utf-8") if utf8 else _encode(text, False)

    def _check_rspauth(self, value: str) -> bytes:
        if self._expected_rspauth is None or not hmac.compare_digest(value.lower(), self._expected_rspauth):
            raise MechanismError("the server's rspauth is wrong: it could not prove that it knows the password")
        return b""
