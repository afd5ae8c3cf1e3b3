"""Real SMTP servers for tests: aiosmtpd with trustme TLS and every AUTH mechanism we speak,
plus scripted (hostile) peers on 127.0.0.1 ephemeral ports.

Importable helpers (the GUI tests reuse them). Every server stops and joins its thread.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

# --------------------------------------------------------------------------- TLS material


@dataclasses.dataclass
class TlsMaterial:
    ca: trustme.CA
    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self, **kwargs: Any) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(self.cert_file), str(self.key_file))
        for key, value in kwargs.items():
            setattr(ctx, key, value)
        return ctx


def make_tls(
    directory: Path,
    names: tuple[str, ...] = ("localhost", "127.0.0.1"),
    not_after: dt.datetime | None = None,
    ca: trustme.CA | None = None,
    not_before: dt.datetime | None = None,
    **subject: str,
) -> TlsMaterial:
    """A CA (new unless given) and a server certificate for ``names``, written as PEM files.

    With ``not_after``, the certificate is valid from ``not_before`` (default: 30 days earlier).
    ``subject``: trustme's ``common_name``, ``organization_name``, ``organization_unit_name``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    ca = ca or trustme.CA()
    kwargs: dict[str, Any] = dict(subject)
    if not_after is not None:
        kwargs["not_after"] = not_after
        kwargs["not_before"] = not_before or not_after - dt.timedelta(days=30)
    cert = ca.issue_cert(*names, **kwargs)
    tag = secrets.token_hex(4)
    ca_file = directory / f"ca-{tag}.pem"
    cert_file = directory / f"cert-{tag}.pem"
    key_file = directory / f"key-{tag}.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    cert.private_key_pem.write_to_path(str(key_file))
    with open(cert_file, "wb") as fh:
        for blob in cert.cert_chain_pems:
            fh.write(blob.bytes())
    return TlsMaterial(ca, ca_file, cert_file, key_file)


def cert_sha256(material: TlsMaterial) -> str:
    first = material.cert_file.read_text().split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(first)).hexdigest()


# --------------------------------------------------------------------------- aiosmtpd


class RecordingHandler:
    """Accepts mail, stores it, and implements CRAM-MD5, DIGEST-MD5, NTLM, MSN and XOAUTH2."""

    def __init__(self, users: dict[str, str], tokens: dict[str, str] | None = None) -> None:
        self.users = users
        self.tokens = tokens or {}
        self.messages: list[dict[str, Any]] = []
        self.auth_commands: list[str] = []
        self.authenticated: list[tuple[str, str]] = []  # (mechanism, user)

    # PLAIN and LOGIN go through this authenticator (aiosmtpd's built-ins).
    def authenticator(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            user = data.login.decode("utf-8", "replace")
            if self.users.get(user) == data.password.decode("utf-8", "replace"):
                self.authenticated.append((mechanism, user))
                return AuthResult(success=True, handled=False, auth_data=data)
        return AuthResult(success=False, handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.original_content}
        )
        return "250 2.0.0 Message accepted"

    def _ok(self, mechanism: str, user: str) -> AuthResult:
        self.authenticated.append((mechanism, user))
        return AuthResult(success=True, handled=False, auth_data=LoginPassword(user.encode(), b""))

    async def auth_CRAM__MD5(self, server: SMTP, args: list[str]) -> AuthResult:
        challenge = f"<{secrets.token_hex(8)}@localhost>".encode()
        response = await server.challenge_auth(challenge)
        if not isinstance(response, bytes) or b" " not in response:
            return AuthResult(success=False, handled=False)
        user_b, digest = response.rsplit(b" ", 1)
        user = user_b.decode("utf-8", "replace")
        password = self.users.get(user)
        if password is not None:
            expected = hmac.new(password.encode(), challenge, hashlib.md5).hexdigest().encode()
            if hmac.compare_digest(expected, digest):
                return self._ok("CRAM-MD5", user)
        return AuthResult(success=False, handled=False)

    async def auth_DIGEST__MD5(self, server: SMTP, args: list[str]) -> AuthResult:
        nonce = secrets.token_hex(12)
        challenge = f'realm="localhost",nonce="{nonce}",qop="auth",charset=utf-8,algorithm=md5-sess'
        response = await server.challenge_auth(challenge)
        if not isinstance(response, bytes):
            return AuthResult(success=False, handled=False)
        pairs = re.findall(r'([a-z-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,]*))', response.decode("utf-8", "replace"))
        fields = {key: quoted or plain for key, quoted, plain in pairs}
        user = fields.get("username", "")
        password = self.users.get(user)
        if password is None or fields.get("nonce") != nonce:
            return AuthResult(success=False, handled=False)

        def enc(text: str) -> bytes:
            try:
                return text.encode("iso-8859-1")
            except UnicodeEncodeError:
                return text.encode("utf-8")

        secret = hashlib.md5(enc(user) + b":" + enc(fields.get("realm", "")) + b":" + enc(password)).digest()
        ha1 = hashlib.md5(secret + f":{nonce}:{fields['cnonce']}".encode()).hexdigest()

        def kd(a2: str) -> str:
            ha2 = hashlib.md5(a2.encode()).hexdigest()
            return hashlib.md5(f"{ha1}:{nonce}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}".encode()).hexdigest()

        uri = fields.get("digest-uri", "")
        if fields.get("response") != kd(f"AUTHENTICATE:{uri}"):
            return AuthResult(success=False, handled=False)
        final = await server.challenge_auth(f"rspauth={kd(':' + uri)}")
        if final != b"":
            return AuthResult(success=False, handled=False)
        return self._ok("DIGEST-MD5", user)

    async def _ntlm(self, server: SMTP, args: list[str], name: str) -> AuthResult:
        import spnego

        ctx = spnego.server(protocol="ntlm")
        try:
            negotiate = base64.b64decode(args[1]) if len(args) > 1 else await server.challenge_auth(b"")
            if not isinstance(negotiate, bytes):
                return AuthResult(success=False, handled=False)
            challenge = ctx.step(negotiate)
            if challenge is None:  # not an NTLM NEGOTIATE message
                return AuthResult(success=False, handled=False)
            authenticate = await server.challenge_auth(challenge)
            if not isinstance(authenticate, bytes):
                return AuthResult(success=False, handled=False)
            ctx.step(authenticate)
        except Exception:
            return AuthResult(success=False, handled=False)
        if not ctx.complete:
            return AuthResult(success=False, handled=False)
        return self._ok(name, str(ctx.client_principal))

    async def auth_NTLM(self, server: SMTP, args: list[str]) -> AuthResult:
        return await self._ntlm(server, args, "NTLM")

    async def auth_MSN(self, server: SMTP, args: list[str]) -> AuthResult:
        return await self._ntlm(server, args, "MSN")

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        raw = base64.b64decode(args[1]) if len(args) > 1 else b""
        match = re.fullmatch(rb"user=([^\x01]*)\x01auth=Bearer ([^\x01]*)\x01\x01", raw)
        if match and self.tokens.get(match.group(1).decode()) == match.group(2).decode():
            return self._ok("XOAUTH2", match.group(1).decode())
        error = json.dumps({"status": "401", "schemes": "bearer", "scope": "https://outlook.office.com/SMTP.Send"})
        await server.challenge_auth(error)
        return AuthResult(success=False, handled=False, message="535 5.7.3 Authentication unsuccessful")


class _CountingSMTP(SMTP):
    """Records the mechanism of every AUTH command that reaches the server."""

    async def smtp_AUTH(self, arg: str) -> None:
        handler = self.event_handler
        if isinstance(handler, RecordingHandler):
            handler.auth_commands.append(arg.split()[0].upper() if arg else "")
        await super().smtp_AUTH(arg)

    smtp_AUTH.__dict__.update(SMTP.smtp_AUTH.__dict__)


class _EphemeralController(Controller):
    def factory(self) -> SMTP:
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclasses.dataclass
class RunningSmtpServer:
    host: str
    port: int
    handler: RecordingHandler
    controller: Controller


@contextmanager
def aiosmtpd_server(
    handler: RecordingHandler,
    tls: TlsMaterial | None,
    mode: str = "starttls",
    auth_require_tls: bool = True,
    exclude: tuple[str, ...] = (),
    ntlm_user_file: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[RunningSmtpServer]:
    """aiosmtpd on ``host``:``port`` (default 127.0.0.1:<ephemeral>); mode ``starttls``, ``implicit`` or ``none``."""
    kwargs: dict[str, Any] = {
        "authenticator": handler.authenticator,
        # aiosmtpd only counts STARTTLS as TLS; on an implicit-TLS port the session is encrypted anyway.
        "auth_require_tls": auth_require_tls and mode != "implicit",
        "auth_exclude_mechanism": list(exclude),
    }
    if mode == "starttls" and tls is not None:
        kwargs["tls_context"] = tls.server_context()
    ssl_context = tls.server_context() if mode == "implicit" and tls is not None else None
    old_env = os.environ.get("NTLM_USER_FILE")
    if ntlm_user_file is not None:
        os.environ["NTLM_USER_FILE"] = str(ntlm_user_file)
    controller = _EphemeralController(handler, hostname=host, port=port, ssl_context=ssl_context, **kwargs)
    controller.start()
    try:
        yield RunningSmtpServer(host, controller.port, handler, controller)
    finally:
        controller.stop()
        if ntlm_user_file is not None:
            if old_env is None:
                os.environ.pop("NTLM_USER_FILE", None)
            else:
                os.environ["NTLM_USER_FILE"] = old_env


# --------------------------------------------------------------------------- scripted peers


class Peer:
    """The server's side of one scripted connection; records what the client sent."""

    def __init__(self, sock: socket.socket, received: bytearray) -> None:
        self.sock = sock
        self.received = received
        self._buf = b""
        sock.settimeout(10)

    def send(self, data: str | bytes) -> None:
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def readline(self) -> bytes:
        while b"\n" not in self._buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("client closed")
            self._buf += chunk
            self.received += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def read_exact(self, n: int) -> bytes:
        while len(self._buf) < n:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("client closed")
            self._buf += chunk
            self.received += chunk
        data, self._buf = self._buf[:n], self._buf[n:]
        return data

    def start_tls(self, context: ssl.SSLContext) -> None:
        self.sock = context.wrap_socket(self.sock, server_side=True)
        self.sock.settimeout(10)

    def ehlo_dialogue(self, caps: tuple[str, ...] = ("STARTTLS",), greeting: str = "220 test ESMTP\r\n") -> None:
        """Greeting, then answer EHLO with ``caps``."""
        self.send(greeting)
        self.readline()
        lines = ["250-test", *[f"250-{c}" for c in caps[:-1]], f"250 {caps[-1]}"] if caps else ["250 test"]
        self.send("\r\n".join(lines) + "\r\n")


Script = Callable[[Peer], None]


class ScriptedServer:
    """Runs ``script`` for each connection (one at a time) on ``host``:``port`` (default 127.0.0.1:<ephemeral>)."""

    def __init__(self, script: Script, host: str = "127.0.0.1", port: int = 0) -> None:
        self.script = script
        self.listener = socket.create_server((host, port))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.received = bytearray()
        self.connections = 0
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="scripted-smtp", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _addr = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            peer = Peer(sock, self.received)
            try:
                self.script(peer)
            except (OSError, ConnectionError, ssl.SSLError) as exc:
                self.errors.append(exc)
            finally:
                peer.sock.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(15)
        self.listener.close()

    def __enter__(self) -> ScriptedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
