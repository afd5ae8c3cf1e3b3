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

# Enhanced status codes (and Microsoft's extensions) that have a known, specific meaning. Each hint
# starts with what to do, then says why; the reply itself (codes included) is in the failed step.
_BY_ENHANCED: dict[str, Hint] = {
    "5.7.139": Hint(
        "Ask a Microsoft 365 administrator to enable Authenticated SMTP for this mailbox (or the tenant), or "
        "switch this server to OAuth 2.0: SMTP AUTH is disabled for this tenant or mailbox.",
        "auth_methods",
    ),
    "5.7.30": Hint(
        "Switch this server to OAuth 2.0 (XOAUTH2): the server no longer accepts basic authentication (a password).",
        "auth_methods",
    ),
    "5.7.57": Hint(
        "Enter the Login ID and Password: the server does not accept mail without a login "
        "(Microsoft 365 requires authentication on port 587).",
        "login_id",
    ),
    "5.7.4": Hint(
        "Tick another method, or select Automatically select Authentication Method: the server does not "
        "accept this authentication method.",
        "auth_methods",
    ),
    "5.7.8": Hint(
        "Check the Login ID and retype the password: the server rejected them. The test stopped at once, "
        "without trying another method, so the account is not locked out by repeated attempts.",
        "password",
    ),
    "5.7.11": Hint("Select Use SSL: the server requires encryption before this step.", "use_ssl"),
    "5.7.9": Hint(
        "Tick a stronger method, or select Automatically select Authentication Method: the server considers "
        "this authentication method too weak.",
        "auth_methods",
    ),
}

_BY_CODE: dict[int, Hint] = {
    535: _BY_ENHANCED["5.7.8"],
    504: _BY_ENHANCED["5.7.4"],
    538: _BY_ENHANCED["5.7.11"],
    534: _BY_ENHANCED["5.7.9"],
    454: Hint("Try again later, or ask the server's administrator: the server has a temporary problem."),
    421: Hint(
        "Try again later, or ask the server's administrator whether it accepts this workstation: the server "
        "closed the session (it may be overloaded)."
    ),
}
STARTTLS_REQUIRED = Hint("Select Use SSL: the server requires encryption (STARTTLS) before this command.", "use_ssl")
SESSION_REFUSED = Hint(
    "Try again later, or ask the server's administrator whether it accepts connections from this workstation: "
    "the server refused the session."
)


def enhanced_code(text: str) -> str | None:
    match = re.search(_ENHANCED, text)
    return ".".join(match.groups()) if match else None


def for_reply(code: int, text: str) -> Hint | None:
    """The hint for an SMTP reply, most specific first (enhanced code, then reply code)."""
    enhanced = enhanced_code(text)
    if enhanced and enhanced in _BY_ENHANCED:
        return _BY_ENHANCED[enhanced]
    if code == 530 and "starttls" in text.lower():
        return STARTTLS_REQUIRED
    if code == 530:
        return _BY_ENHANCED["5.7.57"]
    return _BY_CODE.get(code)


SMTP_USUAL_PORTS = "usually 25, 587 for STARTTLS or 465 for implicit TLS"
MAPI_USUAL_PORTS = "usually 593, the MAPI Mail Server's RPC endpoint mapper"


def connection_refused(host: str, port: int, usual: str = SMTP_USUAL_PORTS) -> Hint:
    """``usual``: the ports this kind of server usually listens on (SMTP's unless told)."""
    return Hint(
        f"Check Port Number ({usual}) and that the mail service runs: nothing accepts connections on "
        f"port {port} of {host}.",
        "port",
    )


def connection_timed_out(host: str, port: int) -> Hint:
    return Hint(
        f"Check Server and Port Number, then ask your network administrator whether a firewall blocks port "
        f"{port}: {host} did not answer on it.",
        "port",
    )


def shown_host(host: str, typed: str = "") -> str:
    """The host as every probe message shows it: as the user typed it, with the A-label (DNS) form
    beside an IDN (``mäil.example (xn--mil-qla.example)``); otherwise just ``host``."""
    typed = typed.strip()
    return f"{typed} ({host})" if typed and not typed.isascii() and typed != host else host


def host_not_found(host: str, typed: str = "") -> Hint:
    return Hint(f"Check Server for a typing error: the name {shown_host(host, typed)} does not exist in DNS.", "server")


def dns_not_answering(temporary: bool = False) -> Hint:
    """The DNS server did not answer in time (``temporary``: it said to try again)."""
    again = ", then try again" if temporary else ""
    return Hint(f"Check this workstation's network and DNS settings{again}: the DNS server does not answer.", "server")


def host_unreachable() -> Hint:
    return Hint(
        "Check the network connection, route or VPN to the mail server: this workstation cannot reach it.", "server"
    )


def plain_greeting_on_tls_port(port: int) -> Hint:
    if port == IMPLICIT_TLS_PORT:
        return Hint(
            f"Use port 587 with STARTTLS (Use SSL on), or ask the mail administrator to enable implicit TLS on port "
            f"{port}: the server on port {port} answered in plain text, so it expects STARTTLS or plain SMTP there, "
            "not implicit TLS.",
            "port",
        )
    return Hint(
        f"Use port {IMPLICIT_TLS_PORT} for implicit TLS, or test this port with STARTTLS: the server on port "
        f"{port} answered in plain text, so it expects STARTTLS rather than implicit TLS.",
        "port",
    )


def tls_record_on_plain_port(port: int) -> Hint:
    return Hint(
        f"Use implicit TLS for this port, or port 587 for STARTTLS: the server on port {port} speaks TLS at "
        "once (implicit TLS, usual on port 465), not plain SMTP with STARTTLS.",
        "port",
    )


def tls_closed() -> Hint:
    """The server hung up during the TLS handshake."""
    return Hint(
        "Check Port Number and Use SSL: the server closed the connection during the TLS handshake, so it may not "
        "support TLS on this port, or may refuse this workstation's TLS versions.",
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
            "Check that this is an SMTP port (usually 465 for implicit TLS; another service, such as HTTPS, may "
            "listen here), or try again later: the TLS connection was set up but the server sent no SMTP greeting "
            "(it may be overloaded).",
            "port",
        )
    setting, field = _implicit_tls_setting(port, security)
    return Hint(
        f"Check whether this port uses implicit TLS (usually 465): if so, {setting}; if not, check that this is an "
        "SMTP port (usually 25 or 587) and that the mail service is not overloaded. The server accepted the "
        "connection but sent no greeting: on an implicit-TLS port the server waits for the TLS handshake while "
        "the test waits for its greeting.",
        field,
    )


def implicit_tls_port(port: int, security: Security) -> Hint:
    """No greeting, and a TLS handshake on a second connection succeeded: the port speaks implicit TLS."""
    setting, field = _implicit_tls_setting(port, security)
    spoken = "plain SMTP" if security is Security.NONE else "STARTTLS"
    return Hint(
        f"{setting[0].upper()}{setting[1:]}, or use the server's STARTTLS port (usually 587) with Use SSL on: "
        f"port {port} uses implicit TLS (the server waits for a TLS handshake before it greets), not {spoken}.",
        field,
    )


def not_smtp_nor_tls(port: int) -> Hint:
    """No greeting, and the port does not answer a TLS handshake either."""
    return Hint(
        f"Check Port Number ({SMTP_USUAL_PORTS}) and Server: nothing on port {port} behaves like a mail "
        "server (it neither greets like SMTP nor speaks TLS).",
        "port",
    )


def out_of_time() -> Hint:
    return Hint(
        "Try again later, and raise Connection Timeout only if the server is known to be slow: the server is too "
        "slow or stopped answering.",
        "connection_timeout_s",
    )


_SLOW = (
    "Try again later or ask the server's administrator, and raise Connection Timeout only if the server is "
    "known to be that slow: "
)


def greeting_too_late() -> Hint:
    """No greeting in time on the first connection; the second one was answered in plain text."""
    return Hint(
        _SLOW + "the server greets in plain text, but only after the time the test waited. It is overloaded, "
        "or it delays its greeting on purpose (an anti-spam measure).",
        "connection_timeout_s",
    )


def greeting_incomplete() -> Hint:
    return Hint(
        _SLOW + "the server began its greeting but sent it so slowly that it did not finish within the "
        'time-out. The server is overloaded, or it (or an anti-spam "tarpit" or firewall in front of it) '
        "deliberately slows this workstation down.",
        "connection_timeout_s",
    )


def endless_reply(what: str) -> Hint:
    """A multi-line reply that did not end within the caps (``what``: "EHLO reply", "greeting", "reply")."""
    return Hint(
        f"Report this to the server's administrator with the report (Copy report): the server's {what} did not "
        'end. It kept sending continuation lines ("250-…" style) beyond what any server sends, so the test '
        "stopped reading; the server, or a firewall or proxy between it and this workstation that rewrites "
        "SMTP, is malfunctioning.",
        None,
    )


def starttls_missing() -> Hint:
    return Hint(
        "Try port 587 (STARTTLS) or 465 (implicit TLS), or ask the administrator to enable TLS: Use SSL "
        "requires encryption, but this server does not offer STARTTLS on this port. No password was sent.",
        "use_ssl",
    )


def bytes_after_starttls() -> Hint:
    return Hint(
        "Report this to the server's administrator: a device between this workstation and the server may "
        "tamper with the connection.",
        None,
    )


def ca_file_unusable() -> Hint:
    return Hint("Give a readable PEM file with the issuing CA certificate(s).", None)


def certificate_expired(not_after: str) -> Hint:
    when = f" on {not_after}" if not_after else ""
    return Hint(f"Ask the server's administrator to renew the certificate: it expired{when}.", None)


def certificate_not_yet_valid() -> Hint:
    return Hint(
        "Check this workstation's date and time; if they are right, ask the server's administrator about the "
        "certificate: it is not valid yet.",
        None,
    )


def certificate_untrusted() -> Hint:
    return Hint(
        "Install the issuing CA certificate on this workstation, or check the certificate's fingerprint with the "
        "server's administrator and then accept this exact certificate for this server: it is not issued by an "
        "authority this workstation trusts (self-signed or a private CA).",
        None,
    )


def certificate_changed() -> Hint:
    """A pinned certificate no longer matches."""
    return Hint(
        "Check the new fingerprint with the server's administrator before accepting it: the certificate changed "
        "since it was accepted. The server may have a new certificate, or someone may be intercepting the "
        "connection.",
        None,
    )


def _names(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "") if names else "other names"


def certificate_wrong_host(host: str, names: list[str]) -> Hint:
    return Hint(
        f"Enter in Server a name the certificate covers: it is made out for {_names(names)}, not for {host}.",
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
        "Enter in Server a name the certificate covers, and install the issuing CA certificate: the certificate "
        "is not issued by an authority this workstation trusts (self-signed or a private CA), and it is made "
        f"out for {_names(names)}, not for {host}.{expired} Accepting this exact certificate by its fingerprint "
        "would also accept the name mismatch: do that only if the server's administrator confirms the "
        "fingerprint and that the mismatch is expected.",
        "server",
    )


def tls_version_too_old() -> Hint:
    return Hint(
        "Ask the server's administrator to enable TLS 1.2 or later: the server only offers an outdated TLS "
        "version (TLS 1.0 or 1.1), which this workstation refuses.",
        None,
    )


def insecure_auth() -> Hint:
    return Hint(
        "Select Use SSL: the connection is not encrypted, so the password would travel in clear. "
        "(On the command line, --allow-insecure-auth sends it anyway.)",
        "use_ssl",
    )


def no_auth_offered(encrypted: bool) -> Hint:
    """The server's EHLO reply lists no AUTH."""
    if encrypted:
        return Hint(
            "Clear Login ID if the server relays for this workstation without a login, or ask the administrator "
            "to enable SMTP AUTH on this port: the server offers no sign-in here.",
            "login_id",
        )
    return Hint("Select Use SSL: many servers offer sign-in (AUTH) only after STARTTLS.", "use_ssl")


def no_usable_mechanism(kerberos_missing: bool = False) -> Hint:
    if kerberos_missing:
        return Hint(
            "Install Kerberos support on this workstation (see the README), or tick another offered method: "
            "no ticked method can be used here.",
            "auth_methods",
        )
    return Hint(
        "Tick a method the server offers, or select Automatically select Authentication Method: no ticked method "
        "can be used with this server.",
        "auth_methods",
    )


def line_too_long(mechanism: str) -> Hint:
    """A server still refused the (already separate) line holding the token as too long."""
    return Hint(
        "Ask the server's administrator to raise the limit for AUTH responses (Postfix: smtpd_sasl_response_limit; "
        f"Exchange and Gmail accept real tokens): the server refused the {mechanism} token as too long, even sent "
        f"on its own line after AUTH {mechanism} (RFC 4954 lets a server accept 12,288 bytes there).",
        "auth_methods",
    )


def international_address_refused() -> Hint:
    return Hint(
        "Use an ASCII address for the test: the server does not accept internationalized (non-ASCII) addresses.",
        "outgoing_email_id",
    )


def pager_encoding_unknown() -> Hint:
    return Hint("Choose a Pager Encoding from the list and save the server.", "pager_encoding")


def mapi_no_greeting() -> Hint:
    return Hint(
        "Check Port Number (MAPI uses 593): the port accepts connections but is not an RPC endpoint mapper.", "port"
    )


def mapi_other_service() -> Hint:
    return Hint("Check Server and Port Number (MAPI uses 593): another service listens on this port.", "port")


def says_too_long(text: str) -> bool:
    """Whether a reply says a line was too long (``500 Command line too long``, ``line too long``...)."""
    lowered = text.lower()
    return "too long" in lowered or "longer than" in lowered or "exceed" in lowered


def reply_hint(code: int, text: str, default_field: str | None = None) -> Hint:
    """:func:`for_reply`, or an empty hint pointing at ``default_field`` when nothing specific is known."""
    return for_reply(code, text) or Hint("", default_field)
