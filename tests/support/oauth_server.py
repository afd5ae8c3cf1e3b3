"""A local OAuth 2.0 / OpenID authorization server that behaves like Microsoft Entra ID.

Built with Authlib's grant classes over ``http.server`` with TLS (a trustme certificate) on
127.0.0.1. Paths mirror Entra's v2 endpoints under ``/<tenant>/`` so MSAL talks to it as to
``login.microsoftonline.com`` (with ``instance_discovery=False``). Access tokens are RS256
JWTs shaped like Exchange Online's (``scp=SMTP.Send`` + ``upn`` delegated, ``roles``
app-only); user grants also return ``client_info`` and an ``id_token`` so MSAL records an
account. Errors carry Entra's AADSTS codes. Every thread is joined when the server stops.
"""

from __future__ import annotations

import base64
import dataclasses
import html.parser
import json
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import requests
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc8628 import DeviceAuthorizationEndpoint, DeviceCodeGrant, DeviceCredentialDict
from authlib.oidc.core import OpenIDCode
from authlib.oidc.core.grants.util import create_response_mode_response
from joserfc import jwt
from joserfc.jwk import KeySet, KeySetSerialization, RSAKey
from requests.structures import CaseInsensitiveDict

from tests.support.smtp_servers import TlsMaterial

EXCHANGE_AUDIENCE = "https://outlook.office.com"
SMTP_SEND = "SMTP.Send"
SEND_AS_APP = "SMTP.SendAsApp"
AADSTS = {
    "invalid_client": (7000215, "Invalid client secret provided."),
    "invalid_grant": (50173, "The provided grant has expired due to it being revoked."),
    "unauthorized_client": (700016, "Application was not found in the directory."),
}


@dataclasses.dataclass
class User:
    upn: str
    oid: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))


@dataclasses.dataclass
class Client(ClientMixin):
    """An app registration. ``secret`` None: a public client (delegated grants only)."""

    client_id: str
    secret: str | None = None
    app_roles: tuple[str, ...] = (SEND_AS_APP,)
    token_lifetime_s: int = 3600
    consented: bool = True

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return "http://localhost"

    def get_allowed_scope(self, scope: str) -> str:
        return scope or ""

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        parts = urlsplit(redirect_uri)  # Entra: http://localhost on any port for desktop apps
        return parts.scheme == "http" and parts.hostname == "localhost"

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret is not None and secrets.compare_digest(self.secret, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.secret is None:
            return method == "none"
        return method in ("client_secret_post", "client_secret_basic")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and self.secret is None

    def check_grant_type(self, grant_type: str) -> bool:
        if self.secret is not None:
            return grant_type == "client_credentials"
        return grant_type != "client_credentials"


@dataclasses.dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: float
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class _Request(OAuth2Request):
    def __init__(
        self, method: str, uri: str, headers: CaseInsensitiveDict[str], query: dict[str, str], form: dict[str, str]
    ):
        super().__init__(method, uri, headers=headers)
        self._query = query
        self._form = form
        self.payload = BasicOAuth2Payload({**query, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._query

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _Server(AuthorizationServer):
    def __init__(self, owner: OAuthTestServer) -> None:
        super().__init__()
        self.owner = owner

    def query_client(self, client_id: str) -> Client | None:
        return self.owner.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        if "refresh_token" in token and request.user is not None:
            self.owner.refresh_tokens[token["refresh_token"]] = _RefreshCredential(
                (request.client.client_id, request.user, token["scope"])
            )

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No listeners here."""

    def create_oauth2_request(self, request: _Request) -> _Request:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any, Any]:
        return status, body, headers


class _AuthCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["none"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        self.server.owner.codes[code] = AuthCode(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=data.get("redirect_uri", ""),
            scope=request.payload.scope or "",
            user=request.user,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            expires_at=time.time() + 300,
            auth_time=int(time.time()),
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthCode | None:
        item: AuthCode | None = self.server.owner.codes.get(code)
        if item and item.client_id == client.client_id and item.expires_at > time.time():
            return item
        return None

    def delete_authorization_code(self, authorization_code: AuthCode) -> None:
        self.server.owner.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: AuthCode) -> User:
        return authorization_code.user


class _OpenIDCode(OpenIDCode):
    def __init__(self, owner: OAuthTestServer) -> None:
        super().__init__(require_nonce=False)
        self.owner = owner

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return any(c.nonce == nonce for c in self.owner.codes.values())

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.owner.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        return {"iss": self.owner.issuer, "aud": [client.client_id], "exp": int(time.time()) + 3600}

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": self.owner.key.kid or ""}

    def generate_user_info(self, user: User, scope: str) -> dict[str, Any]:
        return self.owner.user_claims(user)


class _ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_post", "client_secret_basic"]


class _RefreshGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> Any:
        if refresh_token in self.server.owner.revoked:
            return None
        return self.server.owner.refresh_tokens.get(refresh_token)

    def authenticate_user(self, credential: Any) -> User:
        user: User = credential[1]
        return user

    def revoke_old_credential(self, credential: Any) -> None:
        for rt, value in list(self.server.owner.refresh_tokens.items()):
            if value is credential:
                self.server.owner.refresh_tokens.pop(rt)
        self.server.owner.refresh_count += 1


class _RefreshCredential(tuple[Any, ...]):
    def get_scope(self) -> str:
        return str(self[2])

    def check_client(self, client: Client) -> bool:
        return bool(self[0] == client.client_id)

    def is_expired(self) -> bool:
        return False

    def is_revoked(self) -> bool:
        return False


class _DeviceEndpoint(DeviceAuthorizationEndpoint):
    INTERVAL = 1
    EXPIRES_IN = 60
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = ["none"]

    def get_verification_uri(self) -> str:
        base_url: str = self.server.owner.base_url
        return base_url + "/devicelogin"

    def save_device_credential(self, client_id: str, scope: str, data: dict[str, Any]) -> None:
        self.server.owner.device_codes[data["device_code"]] = DeviceCredentialDict(
            client_id=client_id, scope=scope, expires_at=time.time() + data["expires_in"], **data
        )


class _DeviceGrant(DeviceCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["none"]

    def query_device_credential(self, device_code: str) -> Any:
        return self.server.owner.device_codes.get(device_code)

    def query_user_grant(self, user_code: str) -> tuple[User, bool] | None:
        approval: tuple[User, bool] | None = self.server.owner.device_approvals.get(user_code)
        return approval

    def should_slow_down(self, credential: Any) -> bool:
        return False


class OAuthTestServer:
    """Entra-like authorization server for one tenant on https://127.0.0.1:<port>/<tenant>."""

    def __init__(self, tls: TlsMaterial, tenant: str = "contoso-test") -> None:
        self.tls = tls
        self.tenant = tenant
        self.tenant_id = str(uuid.uuid4())
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig"})
        self.clients: dict[str, Client] = {}
        self.users: dict[str, User] = {}
        self.codes: dict[str, AuthCode] = {}
        self.refresh_tokens: dict[str, _RefreshCredential] = {}
        self.revoked: set[str] = set()
        self.device_codes: dict[str, DeviceCredentialDict] = {}
        self.device_approvals: dict[str, tuple[User, bool]] = {}
        self.browser_user: str = ""
        self.token_requests: list[str] = []  # grant_type of every token request
        self.refresh_count = 0
        self._lock = threading.Lock()
        self.auth = _Server(self)
        self.auth.register_token_generator("default", self._generate_token)
        self.auth.register_grant(_ClientCredentialsGrant)
        self.auth.register_grant(_AuthCodeGrant, [CodeChallenge(required=True), _OpenIDCode(self)])
        self.auth.register_grant(_RefreshGrant)
        self.auth.register_grant(_DeviceGrant)
        self.auth.register_endpoint(_DeviceEndpoint(self.auth))
        self._httpd = _HttpsServer(self)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="oauth-test-server")

    # -- set-up helpers for tests -----------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def authority(self) -> str:
        return f"{self.base_url}/{self.tenant}"

    @property
    def issuer(self) -> str:
        return f"{self.authority}/v2.0"

    @property
    def jwks_uri(self) -> str:
        return f"{self.authority}/discovery/v2.0/keys"

    def add_user(self, upn: str) -> User:
        return self.users.setdefault(upn.casefold(), User(upn))

    def add_client(self, *, secret: str | None = None, **options: Any) -> Client:
        client = Client(client_id=str(uuid.uuid4()), secret=secret, **options)
        self.clients[client.client_id] = client
        return client

    def approve_device_code(self, user_code: str, upn: str, approved: bool = True) -> None:
        self.device_approvals[user_code] = (self.add_user(upn), approved)

    def revoke_refresh_tokens(self, upn: str) -> None:
        for rt, cred in self.refresh_tokens.items():
            if cred[1].upn.casefold() == upn.casefold():
                self.revoked.add(rt)

    def user_claims(self, user: User) -> dict[str, Any]:
        return {
            "sub": user.oid,
            "oid": user.oid,
            "tid": self.tenant_id,
            "preferred_username": user.upn,
            "name": user.upn.split("@")[0],
        }

    def issue_access_token(
        self, client: Client, user: User | None, scope: str, lifetime_s: int, padding: int = 200
    ) -> str:
        """An Exchange-shaped JWT; tests also use it to forge tokens for other users."""
        now = int(time.time())
        audience = EXCHANGE_AUDIENCE
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": audience,
            "iat": now,
            "nbf": now - 5,
            "exp": now + lifetime_s,
            "tid": self.tenant_id,
            "appid": client.client_id,
            "jti": secrets.token_hex(12),
            # Padding like Entra's real claims (xms_*, wids, ...): real tokens exceed 1,000 bytes.
            "xms_tcdt": secrets.token_hex(padding),
        }
        if user is None:
            claims["roles"] = list(client.app_roles)
            claims["oid"] = client.client_id
        else:
            claims["scp"] = " ".join(s.rsplit("/", 1)[-1] for s in scope.split() if s.endswith(SMTP_SEND)) or ""
            claims.update(upn=user.upn, unique_name=user.upn, oid=user.oid)
        return str(jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key))

    def _generate_token(
        self,
        grant_type: str,
        client: Client,
        user: User | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        scope = scope or ""
        lifetime = client.token_lifetime_s
        token: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": self.issue_access_token(client, user, scope, lifetime),
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "scope": scope,
        }
        if user is not None:
            info = json.dumps({"uid": user.oid, "utid": self.tenant_id}).encode()
            token["client_info"] = base64.urlsafe_b64encode(info).decode().rstrip("=")
            id_claims = {**self.user_claims(user), "iss": self.issuer, "aud": client.client_id}
            id_claims.update(iat=int(time.time()), exp=int(time.time()) + 3600)
            token["id_token"] = jwt.encode({"alg": "RS256", "kid": self.key.kid}, id_claims, self.key)
            if include_refresh_token:
                token["refresh_token"] = secrets.token_urlsafe(48)
        return token

    # -- HTTP ------------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        base = f"{self.authority}/oauth2/v2.0"
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "device_authorization_endpoint": f"{base}/devicecode",
            "jwks_uri": self.jwks_uri,
            "response_modes_supported": ["query", "fragment", "form_post"],
            "response_types_supported": ["code"],
            "grant_types_supported": [
                "authorization_code",
                "client_credentials",
                "refresh_token",
                "urn:ietf:params:oauth:grant-type:device_code",
            ],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "subject_types_supported": ["pairwise"],
            "scopes_supported": ["openid", "profile", "offline_access", "email"],
        }

    def route(self, method: str, path: str, request: _Request) -> tuple[int, Any, Any]:
        prefix = f"/{self.tenant}"
        if not path.startswith(prefix + "/"):
            return 404, {"error": "invalid_tenant", "error_description": "AADSTS90002: Tenant not found."}, []
        rest = path[len(prefix) :]
        with self._lock:
            if method == "GET" and rest == "/v2.0/.well-known/openid-configuration":
                return 200, self.discovery(), []
            if method == "GET" and rest == "/discovery/v2.0/keys":
                return 200, KeySet([self.key]).as_dict(private=False), []
            if method == "POST" and rest == "/oauth2/v2.0/token":
                self.token_requests.append(request.form.get("grant_type", ""))
                return _with_aadsts(self.auth.create_token_response(request))
            if method == "POST" and rest == "/oauth2/v2.0/devicecode":
                return _with_aadsts(self.auth.create_endpoint_response("device_authorization", request))
            if method == "GET" and rest == "/oauth2/v2.0/authorize":
                return self._authorize(request)
        return 404, {"error": "not_found"}, []

    def _authorize(self, request: _Request) -> tuple[int, Any, Any]:
        mode = request.args.get("response_mode", "query")
        redirect_uri = request.args.get("redirect_uri", "")
        client = self.clients.get(request.args.get("client_id", ""))
        if client is not None and not client.consented and client.check_redirect_uri(redirect_uri):
            params = [
                ("error", "consent_required"),
                ("error_description", "AADSTS65001: The user or administrator has not consented to use the app."),
                ("state", request.args.get("state", "")),
            ]
            answer: tuple[int, Any, Any] = create_response_mode_response(redirect_uri, params, mode)
            return answer
        user = self.add_user(self.browser_user) if self.browser_user else None
        try:
            grant = self.auth.get_consent_grant(request, end_user=user)
        except OAuth2Error as error:
            return 400, dict(error.get_body()), []
        status, body, headers = self.auth.create_authorization_response(request, grant_user=user, grant=grant)
        if status == 302 and mode == "form_post":
            location = dict(headers)["Location"]
            params = parse_qsl(urlsplit(location).query)
            posted: tuple[int, Any, Any] = create_response_mode_response(redirect_uri, params, mode)
            return posted
        return status, body, headers

    def __enter__(self) -> OAuthTestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()  # joins the request threads (block_on_close)
        self._thread.join(timeout=10)


def _with_aadsts(response: tuple[int, Any, Any]) -> tuple[int, Any, Any]:
    """Entra puts AADSTS codes into errors; MSAL users (and our translator) rely on them."""
    status, body, headers = response
    if isinstance(body, dict) and body.get("error") in AADSTS:
        code, text = AADSTS[body["error"]]
        body = {**body, "error_description": f"AADSTS{code}: {text}", "error_codes": [code]}
    return status, body, headers


class _Handler(BaseHTTPRequestHandler):
    server: _HttpsServer
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers at teardown

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        form: dict[str, str] = {}
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode("utf-8")))
        owner = self.server.owner
        request = _Request(method, owner.base_url + self.path, CaseInsensitiveDict(dict(self.headers)), query, form)
        status, body, headers = owner.route(method, parts.path, request)
        data = body if isinstance(body, str) else json.dumps(body)
        self.send_response(status)
        header_map = dict(headers or [])
        header_map.setdefault("Content-Type", "application/json" if not isinstance(body, str) else "text/html")
        for name, value in header_map.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data.encode())))
        self.end_headers()
        self.wfile.write(data.encode())

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows failures, not access logs."""


class _HttpsServer(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self, owner: OAuthTestServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner
        self.context = owner.tls.server_context()

    def get_request(self) -> tuple[Any, Any]:
        sock, addr = self.socket.accept()
        # The handshake happens in the request thread, so a stalled client never blocks accept().
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that drops the connection is no test failure by itself."""


class _FormParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.action = values.get("action") or ""
        elif tag == "input" and values.get("name"):
            self.fields[str(values["name"])] = values.get("value") or ""


class FakeBrowser:
    """Follows the authorize URL like a browser whose user is signed in and consents, then
    submits the auto-posting form_post page to the loopback redirect."""

    def __init__(self, ca_file: Path) -> None:
        self.ca_file = ca_file
        self.visited: list[str] = []
        self.posted_status: int | None = None

    def open(self, url: str) -> bool:
        self.visited.append(url)
        with requests.Session() as session:
            session.trust_env = False
            page = session.get(url, verify=str(self.ca_file), timeout=10)
            parser = _FormParser()
            parser.feed(page.text)
            if not parser.action:
                return True
            posted = session.post(parser.action, data=parser.fields, timeout=10)
            self.posted_status = posted.status_code
        return True


def read_jwks(server: OAuthTestServer) -> KeySetSerialization:
    """The published keys, fetched over HTTPS the way a resource server does."""
    with requests.Session() as session:
        session.trust_env = False
        published = session.get(server.jwks_uri, verify=str(server.tls.ca_file), timeout=10).json()
    assert isinstance(published, dict) and isinstance(published.get("keys"), list), published
    return KeySetSerialization(keys=published["keys"])
