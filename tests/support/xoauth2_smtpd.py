"""aiosmtpd speaking XOAUTH2 the way Exchange Online does, validating real JWTs.

The token's signature is checked against the authorization server's published keys (fetched
over HTTPS), then issuer, audience, expiry, the ``SMTP.Send`` scope (delegated) or the
``SMTP.SendAsApp`` role plus a mailbox permission (app-only), and that ``user=`` is the
token's user. Failures take one of Exchange's two shapes: a ``334`` base64 JSON error
(the client answers an empty line, then ``535 5.7.3``) or a direct ``535 5.7.3``.
aiosmtpd's 512-byte command and 1,001-byte line limits are raised unless a test keeps them:
real tokens are larger.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import collections
import dataclasses
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from tests.support.oauth_server import EXCHANGE_AUDIENCE, SEND_AS_APP, SMTP_SEND, OAuthTestServer, read_jwks
from tests.support.smtp_servers import TlsMaterial

BIG_LIMIT = 64 * 1024
REJECTED = "535 5.7.3 Authentication unsuccessful [XOAUTH2]"
SMTP_AUTH_DISABLED = (
    "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. "
    "Visit https://aka.ms/smtp_auth_disabled for more information."
)
BASIC_AUTH_OFF = "535 5.7.30 Basic authentication is not supported for Client Submission."
_PAYLOAD = re.compile(rb"^user=([^\x01]*)\x01auth=Bearer ([^\x01]+)\x01\x01$")


@dataclasses.dataclass
class XOAuth2Handler:
    """``failure_shape``: ``"challenge"`` (334 JSON, then 535) or ``"direct"`` (535 at once)."""

    issuer: str
    keys: KeySet
    app_mailboxes: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # appid -> mailboxes
    failure_shape: str = "challenge"
    smtp_auth_disabled: bool = False
    basic_auth_off: bool = True
    accepted: list[str] = dataclasses.field(default_factory=list)
    rejections: list[str] = dataclasses.field(default_factory=list)
    seen_payloads: list[bytes] = dataclasses.field(default_factory=list)
    initial_responses: list[bool] = dataclasses.field(default_factory=list)  # per AUTH: payload on the AUTH line?
    messages: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @classmethod
    def for_server(cls, idp: OAuthTestServer, **options: Any) -> XOAuth2Handler:
        return cls(issuer=idp.issuer, keys=KeySet.import_key_set(read_jwks(idp)), **options)

    def authenticator(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        """PLAIN/LOGIN: Exchange Online without basic auth rejects every password."""
        message = SMTP_AUTH_DISABLED if self.smtp_auth_disabled else BASIC_AUTH_OFF
        if isinstance(data, LoginPassword) and self.basic_auth_off:
            return AuthResult(success=False, handled=False, message=message)
        return AuthResult(success=False, handled=False)

    def problem(self, user: str, token: str) -> str:
        """Why this token does not let ``user`` send, or ""."""
        try:
            decoded = jwt.decode(token, self.keys, algorithms=["RS256"])
            registry = jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "values": [EXCHANGE_AUDIENCE, "https://outlook.office365.com"]},
                exp={"essential": True},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            return f"invalid token: {type(exc).__name__}"
        claims = decoded.claims
        if "roles" in claims:
            if SEND_AS_APP not in claims["roles"]:
                return "app-only token without SMTP.SendAsApp"
            if user.casefold() not in {m.casefold() for m in self.app_mailboxes.get(str(claims.get("appid")), set())}:
                return "app not permitted on this mailbox"
            return ""
        if SMTP_SEND not in str(claims.get("scp", "")).split():
            return "token without SMTP.Send"
        if str(claims.get("upn", "")).casefold() != user.casefold():
            return "token is for another user"
        return ""

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        self.initial_responses.append(len(args) > 1)
        if len(args) > 1:
            try:
                raw: Any = base64.b64decode(args[1], validate=True)
            except binascii.Error:
                return AuthResult(success=False, handled=False, message="501 5.5.2 Cannot decode base64")
        else:
            raw = await server.challenge_auth("")
        if not isinstance(raw, bytes):
            return AuthResult(success=False, handled=True)
        self.seen_payloads.append(raw)
        if self.smtp_auth_disabled:
            return AuthResult(success=False, handled=False, message=SMTP_AUTH_DISABLED)
        match = _PAYLOAD.match(raw)
        reason = "malformed XOAUTH2 payload" if not match else self.problem(match[1].decode(), match[2].decode())
        if not reason and match:
            self.accepted.append(match[1].decode())
            return AuthResult(success=True, handled=False, auth_data=LoginPassword(match[1], b""))
        self.rejections.append(reason)
        if self.failure_shape == "challenge":
            error = {"status": "401", "schemes": "bearer", "scope": "https://outlook.office.com/SMTP.Send"}
            answer = await server.challenge_auth(json.dumps(error))
            if answer != b"":
                return AuthResult(success=False, handled=False, message="501 5.5.2 Expected an empty response")
        return AuthResult(success=False, handled=False, message=REJECTED)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos)})
        return "250 2.0.0 OK"


class _LargeTokenSMTP(SMTP):
    command_size_limit = BIG_LIMIT
    line_length_limit = BIG_LIMIT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = self.command_size_limit
        self.command_size_limits = collections.defaultdict(lambda: limit)


class _Controller(Controller):
    def __init__(self, handler: Any, command_limit: int, line_limit: int, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        limits = {"command_size_limit": command_limit, "line_length_limit": line_limit}
        self.smtp_class: type[SMTP] = type("_LimitedSMTP", (_LargeTokenSMTP,), limits)

    def factory(self) -> SMTP:
        return self.smtp_class(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclasses.dataclass
class RunningXOAuth2Server:
    host: str
    port: int
    handler: XOAuth2Handler


@contextmanager
def xoauth2_server(
    handler: XOAuth2Handler, tls: TlsMaterial, *, command_limit: int = BIG_LIMIT, line_limit: int = BIG_LIMIT
) -> Iterator[RunningXOAuth2Server]:
    """STARTTLS on 127.0.0.1:<ephemeral>, AUTH (XOAUTH2, PLAIN, LOGIN) only after TLS.

    ``command_limit``: the longest command line (aiosmtpd's own default is 512); ``line_limit``:
    the longest line of any kind, AUTH responses included (aiosmtpd's default is 1,001).
    """
    controller = _Controller(
        handler,
        command_limit,
        line_limit,
        hostname="127.0.0.1",
        port=0,
        tls_context=tls.server_context(),
        authenticator=handler.authenticator,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield RunningXOAuth2Server("127.0.0.1", controller.port, handler)
    finally:
        controller.stop()
