"""A step in plain words, for helpdesk staff: what the window's steps table and headline show.

The step's ``detail`` keeps the protocol's words (``5 extensions: SIZE, 8BITMIME, STARTTLS``,
``TLSv1.3, TLS_AES_256_GCM_SHA384; certificate …``) for administrators: the full report, the
command line and the tooltip show it. Its ``summary`` (made here) says the same for a reader
who does not know SMTP: "Server features: encryption (STARTTLS), messages up to 10 MB, and 2 more".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from outmail_gui.probe.auth.select import offered_mechanisms
from outmail_gui.probe.hints import enhanced_code
from outmail_gui.probe.report import TlsInfo, days_left_text, plural

if TYPE_CHECKING:
    from outmail_gui.probe.connection import Reply

# Extensions a helpdesk reader may care about, in their words; the rest are counted ("and 3 more").
_FEATURES = {
    "SMTPUTF8": "international addresses",
    "CHUNKING": "sending in chunks",
    "PIPELINING": "several commands at once",
    "8BITMIME": "8-bit text",
}


def features(caps: list[str], after_tls: bool) -> str:
    """The extensions of an EHLO reply: "Server features after encryption: sign-in with PLAIN, LOGIN, …"."""
    head = "Server features after encryption: " if after_tls else "Server features: "
    if not caps:
        return head + "none listed (an older server, or one that offers nothing more)."
    keywords = [c.split(" ")[0].split("=")[0].upper() for c in caps]
    parts: list[str] = []
    if "STARTTLS" in keywords:
        parts.append("encryption (STARTTLS)")
    mechanisms = offered_mechanisms(caps)
    if mechanisms:
        parts.append("sign-in with " + ", ".join(mechanisms))
    elif after_tls or "STARTTLS" not in keywords:
        parts.append("no sign-in")
    size = _size_limit(caps)
    if size:
        parts.append(f"messages up to {size}")
    parts += [words for keyword, words in _FEATURES.items() if keyword in keywords]
    described = {"STARTTLS", "AUTH", "SIZE", *_FEATURES}
    rest = len({k for k in keywords if k not in described})
    return head + ", ".join(parts) + (f", and {rest} more" if rest else "") + "."


def _size_limit(caps: list[str]) -> str:
    """``SIZE 10240000`` as "10 MB" (0 or no number: no stated limit)."""
    for cap in caps:
        words = cap.upper().split()
        if len(words) > 1 and words[0] == "SIZE" and words[1].isdigit() and int(words[1]) > 0:
            megabytes = int(words[1]) / 1_000_000
            return f"{megabytes:.0f} MB" if megabytes >= 1 else plural(int(words[1]), "byte")
    return ""


def encryption(info: TlsInfo) -> str:
    """The TLS step: "Encrypted with TLS 1.3; the certificate is verified, 89 days left"."""
    version = info.version.replace("TLSv", "TLS ")
    text = f"Encrypted with {version}" if version else "Encrypted"
    cert = info.certificate
    if cert is None:
        return text + "."
    if cert.verified:
        state = "the certificate is verified"
    elif cert.pinned:
        state = "the certificate is accepted by the fingerprint trusted for this server"
    else:
        state = "the certificate is not verified"
    if cert.matches_host is False:
        state += " (though made out for other names)"
    return f"{text}; {state}, {days_left_text(cert.days_left)}."


def greeting(reply: Reply) -> str:
    said = " ".join(reply.lines[0].split()[:4]) if reply.lines else ""
    return f"The server is ready ({said})." if said else "The server is ready."


def signed_in(mechanism: str, encrypted: bool) -> str:
    return f"Signed in with {mechanism}" + ("." if encrypted else ", without encryption (as allowed).")


def resolved(host: str, addresses: str) -> str:
    return f"{host} is at {addresses}."


def connected(address: str, port: int) -> str:
    return f"Connected to {address}, port {port}."


def dry_run(sender: str, recipient: str) -> str:
    return f"The server would accept mail from {sender} to {recipient}; nothing was sent."


def message_sent(size: int, encoding: str, unencodable: list[str]) -> str:
    text = f"The server accepted the test message ({plural(size, 'byte')})."
    if unencodable:
        text += f" {encoding} cannot carry {' '.join(unencodable)}: each arrives as “?”."
    return text


def mapi_answered() -> str:
    return "The MAPI server's endpoint mapper answered (RPC over HTTP)."


def goodbye(answered: bool) -> str:
    return "The server said goodbye." if answered else "Done (the server's goodbye did not matter)."


# -- failures: what went wrong, before the hint says what to do --------------------------------------
_SIGN_IN_REFUSED = {
    "5.7.139": "Sign-in to send mail (SMTP AUTH) is turned off for this mailbox.",
    "5.7.30": "The server no longer accepts a password (basic authentication).",
    "5.7.57": "The server requires a login.",
    "5.7.4": "The server does not accept this sign-in method.",
    "5.7.9": "The server considers this sign-in method too weak.",
    "5.7.8": "The server rejected the Login ID or password.",
}
_SIGN_IN_BY_CODE = {535: "5.7.8", 504: "5.7.4", 534: "5.7.9", 530: "5.7.57"}


def sign_in_refused(code: int, text: str, mechanism: str) -> str:
    """A refused AUTH, from its reply: "The server rejected the Login ID or password."."""
    known = enhanced_code(text)
    key = known if known in _SIGN_IN_REFUSED else _SIGN_IN_BY_CODE.get(code, "")
    if key == "5.7.8" and mechanism == "XOAUTH2":
        return "The server rejected the OAuth 2.0 token for this mailbox."
    return _SIGN_IN_REFUSED.get(key, f"The server refused the sign-in with {mechanism}.")


def connection_refused(port: int) -> str:
    return f"Nothing accepts connections on port {port}."


def no_answer(port: int) -> str:
    return f"The server did not answer on port {port}."


def unreachable() -> str:
    return "This workstation cannot reach the server."


def name_not_found(host: str) -> str:
    return f"The name {host} does not exist."


def certificate_untrusted() -> str:
    return "The server's certificate is not trusted by this workstation."


def certificate_expired() -> str:
    return "The server's certificate has expired."


def certificate_other_name() -> str:
    return "The server's certificate is made out for another name."


def no_encryption_offered() -> str:
    return "The server offers no encryption (STARTTLS) on this port."


def encryption_refused() -> str:
    return "The server refused to encrypt the connection (STARTTLS)."
