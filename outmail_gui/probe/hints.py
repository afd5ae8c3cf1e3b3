"""Raw errors translated into the user's terms, with the settings field each one concerns.

Field names are those of :class:`~outmail_gui.domain.settings.ServerSettings`
(``port``, ``server``, ``use_ssl``, ``auth_methods``, ``password``...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from outmail_gui.probe.request import IMPLICIT_TLS_PORT, Security


@dataclass(frozen=True, slots=True)
class Hint:
    """What the user should change, and the settings field concerned."""

    text: str
    field: str | None = None


# Compiled on first use (re's cache): a test that passes never reads an enhanced status code.
_ENHANCED = r"\b([245])\.(\d{1,3})\.(\d{1,3})\b"

# Enhanced status codes (and Microsoft's extensions) that have a known, specific meaning.
_BY_ENHANCED: dict[str, Hint] = {
    "5.7.139": Hint(
        "SMTP AUTH is disabled for this Microsoft 365 tenant or mailbox. An administrator must enable "
        "Authenticated SMTP for the mailbox (or the tenant), or switch to OAuth 2.0.",
        "auth_methods",
    ),
    "5.7.30": Hint(
        "Basic authentication (a password) is retired on this server: use OAuth 2.0 (XOAUTH2) instead.",
        "auth_methods",
    ),
    "5.7.57": Hint(
        "The server does not accept mail without a login: enter the Login ID and Password "
        "(Microsoft 365 requires authentication on port 587).",
        "login_id",
    ),
    "5.7.4": Hint(
        "The server does not accept this authentication mechanism: tick another method, or use "
        "Automatically select Authentication Method.",
        "auth_methods",
    ),
    "5.7.8": Hint(
        "The server rejected the Login ID or Password. The test stopped at once, without trying "
        "another mechanism, so the account is not locked out by repeated attempts.",
        "password",
    ),
    "5.7.11": Hint("The server requires encryption before this step: select Use SSL.", "use_ssl"),
    "5.7.9": Hint(
        "The server considers this authentication mechanism too weak: tick a stronger one or use automatic selection.",
        "auth_methods",
    ),
}

_BY_CODE: dict[int, Hint] = {
    535: _BY_ENHANCED["5.7.8"],
    504: _BY_ENHANCED["5.7.4"],
    538: _BY_ENHANCED["5.7.11"],
    534: _BY_ENHANCED["5.7.9"],
    454: Hint("The server has a temporary problem (454): try again later or ask its administrator."),
    421: Hint("The server is closing the connection (421): it may be overloaded or refuse this workstation."),
}


def enhanced_code(text: str) -> str | None:
    match = re.search(_ENHANCED, text)
    return ".".join(match.groups()) if match else None


def for_reply(code: int, text: str) -> Hint | None:
    """The hint for an SMTP reply, most specific first (enhanced code, then reply code)."""
    enhanced = enhanced_code(text)
    if enhanced and enhanced in _BY_ENHANCED:
        return _BY_ENHANCED[enhanced]
    if code == 530 and "starttls" in text.lower():
        return Hint("The server requires STARTTLS before this command: select Use SSL.", "use_ssl")
    if code == 530:
        return _BY_ENHANCED["5.7.57"]
    return _BY_CODE.get(code)


SMTP_USUAL_PORTS = "usually 25, 587 for STARTTLS or 465 for implicit TLS"
MAPI_USUAL_PORTS = "usually 593, the MAPI Mail Server's RPC endpoint mapper"


def connection_refused(host: str, port: int, usual: str = SMTP_USUAL_PORTS) -> Hint:
    """``usual``: the ports this kind of server usually listens on (SMTP's unless told)."""
    return Hint(
        f"Nothing accepts connections on port {port} of {host}: check Port Number ({usual}) "
        "and that the mail service runs.",
        "port",
    )


def connection_timed_out(host: str, port: int) -> Hint:
    return Hint(
        f"{host} did not answer on port {port}: a firewall may drop the traffic, the port may be "
        "blocked by your network, or Server/Port Number is wrong.",
        "port",
    )


def shown_host(host: str, typed: str = "") -> str:
    """The host as every probe message shows it: as the user typed it, with the A-label (DNS) form
    beside an IDN (``mäil.example (xn--mil-qla.example)``); otherwise just ``host``."""
    typed = typed.strip()
    return f"{typed} ({host})" if typed and not typed.isascii() and typed != host else host


def host_not_found(host: str, typed: str = "") -> Hint:
    return Hint(f"The name {shown_host(host, typed)} does not exist in DNS: check Server for a typing error.", "server")


def plain_greeting_on_tls_port(port: int) -> Hint:
    if port == IMPLICIT_TLS_PORT:
        return Hint(
            f"The server on port {port} answered in plain text: it expects STARTTLS or plain SMTP on this port, "
            "not implicit TLS. Use port 587 with STARTTLS (Use SSL on), or ask the mail administrator to enable "
            f"implicit TLS on port {port}.",
            "port",
        )
    return Hint(
        f"The server on port {port} answered in plain text, so it expects STARTTLS rather than "
        f"implicit TLS: use port {IMPLICIT_TLS_PORT} for implicit TLS, or test this port with STARTTLS.",
        "port",
    )


def tls_record_on_plain_port(port: int) -> Hint:
    return Hint(
        f"The server on port {port} speaks TLS at once (implicit TLS, usual on port 465), "
        "not plain SMTP with STARTTLS: use implicit TLS for this port, or port 587 for STARTTLS.",
        "port",
    )


def _implicit_tls_setting(port: int, security: Security) -> tuple[str, str]:
    """How to test with implicit TLS, in the window's and the command line's terms, and the field."""
    if port == IMPLICIT_TLS_PORT and security is Security.NONE:
        return (
            "select Use SSL (on port 465 the window then uses implicit TLS; command line: --security auto)",
            "use_ssl",
        )
    if port == IMPLICIT_TLS_PORT:
        return (
            "set the security to implicit TLS (command line: --security implicit or auto; in the window, "
            "Use SSL on port 465 always means implicit TLS)",
            "use_ssl",
        )
    use_ssl = "select Use SSL" if security is Security.NONE else "keep Use SSL on"
    return (
        f"set the security to implicit TLS (in the window: {use_ssl} and use port 465; "
        "command line: --security implicit)",
        "port",
    )


def no_greeting(port: int, security: Security) -> Hint:
    """A server that accepted the connection and then said nothing (and no TLS check told more)."""
    if security is Security.IMPLICIT:
        return Hint(
            "The TLS connection was set up but the server sent no SMTP greeting: check that this is an SMTP "
            "port (usually 465 for implicit TLS; another service, such as HTTPS, may listen here), "
            "or the server may be overloaded.",
            "port",
        )
    setting, field = _implicit_tls_setting(port, security)
    return Hint(
        "The server accepted the connection but sent no greeting. The usual cause is a port that uses "
        "implicit TLS (usually 465): the server waits for the TLS handshake while the test waits for its "
        f"greeting. If this port uses implicit TLS, {setting}; otherwise check that this is an SMTP port "
        "(usually 25 or 587) and that the mail service is not overloaded.",
        field,
    )


def implicit_tls_port(port: int, security: Security) -> Hint:
    """No greeting, and a TLS handshake on a second connection succeeded: the port speaks implicit TLS."""
    setting, field = _implicit_tls_setting(port, security)
    spoken = "plain SMTP" if security is Security.NONE else "STARTTLS"
    return Hint(
        f"Port {port} uses implicit TLS (the server waits for a TLS handshake before it greets), not {spoken}: "
        f"{setting}. Alternatively, use the server's STARTTLS port (usually 587) with Use SSL on.",
        field,
    )


def not_smtp_nor_tls(port: int) -> Hint:
    """No greeting, and the port does not answer a TLS handshake either."""
    return Hint(
        f"Nothing on port {port} behaves like a mail server: it neither greets like SMTP nor speaks TLS. "
        "Check Port Number (usually 25, 587 for STARTTLS or 465 for implicit TLS) and Server.",
        "port",
    )


def greeting_too_late() -> Hint:
    """No greeting in time on the first connection; the second one was answered in plain text."""
    return Hint(
        "The server greets in plain text, but only after the time the test waited: it is overloaded, "
        "or it delays its greeting on purpose (an anti-spam measure). Try again later or ask the server's "
        "administrator; raise Connection Timeout only if the server is known to be that slow.",
        "connection_timeout_s",
    )


def greeting_incomplete() -> Hint:
    return Hint(
        "The server began its greeting but sent it so slowly that it did not finish within the time-out: "
        'the server is overloaded, or it (or an anti-spam "tarpit" or firewall in front of it) deliberately '
        "slows this workstation down. Try again later or ask the server's administrator; raise Connection "
        "Timeout only if the server is known to be that slow.",
        "connection_timeout_s",
    )


def endless_reply(what: str) -> Hint:
    """A multi-line reply that did not end within the caps (``what``: "EHLO reply", "greeting", "reply")."""
    return Hint(
        f'The server\'s {what} did not end: it kept sending continuation lines ("250-..." style) beyond '
        "what any server sends, so the test stopped reading. The server, or a firewall or proxy between "
        "it and this workstation that rewrites SMTP, is malfunctioning: report it to the server's "
        "administrator with the transcript.",
        None,
    )


def starttls_missing() -> Hint:
    return Hint(
        "Use SSL requires encryption, but this server does not offer STARTTLS on this port: "
        "try port 587 (STARTTLS) or 465 (implicit TLS), or ask the administrator to enable TLS. "
        "No password was sent.",
        "use_ssl",
    )


def certificate_expired(not_after: str) -> Hint:
    when = f" on {not_after}" if not_after else ""
    return Hint(f"The server's certificate expired{when}: the server's administrator must renew it.", None)


def certificate_untrusted() -> Hint:
    return Hint(
        "The certificate is not issued by an authority this workstation trusts (self-signed or a "
        "private CA): install the issuing CA certificate, or, after checking its fingerprint with the "
        "server's administrator, accept this exact certificate for this server.",
        None,
    )


def _names(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "") if names else "other names"


def certificate_wrong_host(host: str, names: list[str]) -> Hint:
    return Hint(
        f"The certificate is made out for {_names(names)}, not for {host}: enter in Server a name the "
        "certificate covers.",
        "server",
    )


def certificate_untrusted_and_wrong_host(host: str, names: list[str], expired_on: str = "") -> Hint:
    """Verification stopped at the untrusted issuer; the names were checked on the fetched certificate.

    A fingerprint accepted for a server identifies that exact certificate for that server, so the engine
    accepts it later whatever names it carries (and warns): the decision to accept a name mismatch is
    made here, by a person, with the administrator.
    """
    expired = f" It has also expired (on {expired_on})." if expired_on else ""
    return Hint(
        "The certificate has two problems: it is not issued by an authority this workstation trusts "
        f"(self-signed or a private CA), and it is made out for {_names(names)}, not for {host}.{expired} "
        "Enter in Server a name the certificate covers, and install the issuing CA certificate. Accepting this "
        "exact certificate by its fingerprint would also accept the name mismatch: do that only if the "
        "server's administrator confirms the fingerprint and that the mismatch is expected.",
        "server",
    )


def tls_version_too_old() -> Hint:
    return Hint(
        "The server only offers an outdated TLS version (TLS 1.0 or 1.1), which this workstation "
        "refuses: the server's administrator must enable TLS 1.2 or later.",
        None,
    )


def insecure_auth() -> Hint:
    return Hint(
        "The connection is not encrypted, so the password would travel in clear: select Use SSL. "
        "(On the command line, --allow-insecure-auth sends it anyway.)",
        "use_ssl",
    )


def line_too_long(mechanism: str) -> Hint:
    """A server still refused the (already separate) line holding the token as too long."""
    return Hint(
        f"The server refused the {mechanism} token as too long, even sent on its own line after AUTH "
        f"{mechanism} (RFC 4954 lets a server accept 12,288 bytes there). Ask its administrator to raise the "
        "limit for AUTH responses (Postfix: smtpd_sasl_response_limit; Exchange and Gmail accept real tokens).",
        "auth_methods",
    )


def says_too_long(text: str) -> bool:
    """Whether a reply says a line was too long (``500 Command line too long``, ``line too long``...)."""
    lowered = text.lower()
    return "too long" in lowered or "longer than" in lowered or "exceed" in lowered


def reply_hint(code: int, text: str, default_field: str | None = None) -> Hint:
    """:func:`for_reply`, or an empty hint pointing at ``default_field`` when nothing specific is known."""
    return for_reply(code, text) or Hint("", default_field)
