"""What to test: one immutable request, built by the CLI or from a saved record."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

# The enums come from their light module: the command-line test never loads the settings model.
from outmail_gui.domain.methods import AuthMethod, Protocol
from outmail_gui.domain.tls_mode import IMPLICIT_TLS_PORT as IMPLICIT_TLS_PORT
from outmail_gui.domain.tls_mode import uses_implicit_tls
from outmail_gui.probe.redact import masked_repr
from outmail_gui.seen_secrets import remember_secret

if TYPE_CHECKING:
    from outmail_gui.domain.settings import ServerSettings

DEFAULT_BDAT_CHUNK = 64 * 1024
PAGER_TEST_TEXT = "Outmail pager test: äöü é ß € ✓"


class Security(enum.StrEnum):
    """How the connection is encrypted. AUTO: implicit TLS on port 465, STARTTLS otherwise."""

    AUTO = "auto"
    NONE = "none"
    STARTTLS = "starttls"
    IMPLICIT = "implicit"

    def resolved(self, port: int) -> Security:
        if self is Security.AUTO:
            return Security.IMPLICIT if uses_implicit_tls(port) else Security.STARTTLS
        return self


@dataclass(frozen=True, slots=True)
class ProbeRequest:
    """Everything the engine needs. ``auth_auto`` with an empty ``auth_methods`` picks the
    strongest mechanism offered; ``auth_auto=False`` with no methods means no authentication.

    ``to`` set: send a test message (or, with ``dry_run``, MAIL/RCPT then RSET).
    ``pinned_sha256`` is the one fingerprint the user accepted for this host; it is the only
    way an unverifiable certificate is ever accepted.
    """

    host: str
    port: int = 25
    protocol: Protocol = Protocol.SMTP
    security: Security = Security.AUTO
    ca_file: str | None = None
    login_id: str = ""
    password: str = ""
    oauth_token: str = ""
    auth_auto: bool = True
    auth_methods: tuple[AuthMethod, ...] = ()
    timeout_s: float = 120.0
    from_address: str = ""
    to_address: str = ""
    dry_run: bool = False
    chunking: bool = False
    bdat_chunk_size: int = DEFAULT_BDAT_CHUNK
    allow_insecure_auth: bool = False
    pinned_sha256: str = ""
    analyst_email: str = ""
    sent_from_analyst: bool = False
    reply_to_forwarding_analyst: bool = False
    send_receipt: bool = False
    pager: bool = False
    pager_text: str = PAGER_TEST_TEXT
    pager_encoding: str = "utf-8"
    ehlo_name: str = ""  # default: the address literal of our end of the connection
    use_nt_authentication: bool = False  # MAPI records only
    # IP addresses of ``host`` already looked up (settings discovery asks its own DNS server): used
    # instead of the system resolver; the host name still names the TLS peer.
    addresses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        remember_secret(self.password, self.oauth_token)  # kept out of the log file and crash details

    def __repr__(self) -> str:
        return masked_repr(self, ("password", "oauth_token"))

    @property
    def effective_security(self) -> Security:
        return self.security.resolved(self.port)

    @property
    def tls_required(self) -> bool:
        return self.effective_security is not Security.NONE

    @property
    def wants_auth(self) -> bool:
        if not self.auth_auto and not self.auth_methods:
            return False
        return bool(self.login_id or self.oauth_token)

    @property
    def envelope_from(self) -> str:
        """Sent From Analyst puts the analyst's address in From; else the Outgoing Email ID."""
        if self.sent_from_analyst and self.analyst_email:
            return self.analyst_email
        return self.from_address

    @classmethod
    def from_settings(
        cls,
        settings: ServerSettings,
        password: str = "",
        *,
        to_address: str = "",
        oauth_token: str = "",
        analyst_email: str = "",
        timeout_s: float | None = None,
        ca_file: str | None = None,
        dry_run: bool = False,
        pager: bool = False,
        allow_insecure_auth: bool = False,
    ) -> ProbeRequest:
        """A request that tests ``settings`` exactly as the product would use them.

        Use SSL on means TLS is required (implicit on 465, STARTTLS otherwise); off means none.
        """
        security = Security.AUTO if settings.use_ssl else Security.NONE
        if settings.is_mapi:
            security = Security.NONE
        methods = tuple(m for m in AuthMethod if m in settings.auth_methods)
        return cls(
            host=settings.server,
            port=settings.port,
            protocol=settings.protocol,
            security=security,
            ca_file=ca_file,
            login_id=settings.login_id,
            password=password,
            oauth_token=oauth_token,
            auth_auto=settings.auth_auto,
            auth_methods=methods,
            timeout_s=float(timeout_s if timeout_s is not None else settings.connection_timeout_s),
            from_address=settings.outgoing_email_id.strip(),
            to_address=to_address,
            dry_run=dry_run,
            chunking=settings.chunking,
            allow_insecure_auth=allow_insecure_auth,
            pinned_sha256=settings.trusted_cert_sha256,
            analyst_email=analyst_email,
            sent_from_analyst=settings.sent_from_analyst,
            reply_to_forwarding_analyst=settings.reply_to_forwarding_analyst,
            send_receipt=settings.send_receipt,
            pager=pager,
            pager_encoding=settings.pager_encoding,
            use_nt_authentication=settings.use_nt_authentication,
        )
