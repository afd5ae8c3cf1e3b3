"""Raw errors translated into the user's terms, with the settings field each one concerns.

Field names are those of :class:`~outmail_gui.domain.settings.ServerSettings`
(``port``, ``server``, ``use_ssl``, ``auth_methods``, ``password``...).
"""

from __future__ import annotations

import dataclasses
import re

from outmail_gui.probe.request import IMPLICIT_TLS_PORT


@dataclasses.dataclass(frozen=True, slots=True)
class Hint:
    """What the user should change, and the settings field concerned."""

    text: str
    field: str | None = None


_ENHANCED = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")

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
    match = _ENHANCED.search(text)
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


def connection_refused(host: str, port: int) -> Hint:
    return Hint(
        f"Nothing accepts connections on port {port} of {host}: check Port Number "
        "(usually 25, 587 for STARTTLS or 465 for implicit TLS) and that the mail service runs.",
        "port",
    )


def connection_timed_out(host: str, port: int) -> Hint:
    return Hint(
        f"{host} did not answer on port {port}: a firewall may drop the traffic, the port may be "
        "blocked by your network, or Server/Port Number is wrong.",
        "port",
    )


def host_not_found(host: str) -> Hint:
    return Hint(f"The name {host!r} does not exist in DNS: check Server for a typing error.", "server")


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


def no_greeting(port: int) -> Hint:
    extra = " Port 465 normally expects implicit TLS: select Use SSL." if port == 465 else ""
    return Hint(
        "The server accepted the connection but never sent its greeting." + extra,
        "use_ssl" if port == 465 else "port",
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


def certificate_wrong_host(host: str, names: list[str]) -> Hint:
    listed = ", ".join(names[:5]) if names else "other names"
    return Hint(
        f"The certificate is made out for {listed}, not for {host}: enter in Server a name the certificate covers.",
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


def reply_hint(code: int, text: str, default_field: str | None = None) -> Hint:
    """:func:`for_reply`, or an empty hint pointing at ``default_field`` when nothing specific is known."""
    return for_reply(code, text) or Hint("", default_field)
