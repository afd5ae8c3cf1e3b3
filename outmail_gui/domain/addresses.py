"""Host-name and e-mail-address syntax, by well-kept libraries (idna, email-validator).

Each checker returns ``None`` when the value is fine, or a sentence a person understands.
None of them performs a DNS lookup.
"""

from __future__ import annotations

import ipaddress
import re

# email_validator and idna are imported where used: they cost ~30 ms, and start-up of the
# window and of the CLI must not pay for them before an address is checked.

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
EXCHANGE_365_SUFFIXES = (".office365.com", ".outlook.com")


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


def host_problem(host: str) -> str | None:
    """Why ``host`` is not a host name, IDN, IPv4 or IPv6 literal, or ``None``."""
    text = host.strip()
    if not text:
        return "Enter the server's host name or IP address."
    if has_control_characters(text):
        return "The server address contains a line break or another control character."
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            ipaddress.IPv6Address(text)
        except ValueError:
            return f"{host.strip()!r} is not a valid IPv6 address (a port goes in Port Number)."
        return None
    if re.fullmatch(r"[0-9.]+", text):
        try:
            ipaddress.IPv4Address(text)
        except ValueError:
            return f"{text!r} is not a valid IPv4 address."
        return None
    return _hostname_problem(text)


def _hostname_problem(text: str) -> str | None:
    if " " in text:
        return "A host name cannot contain spaces."
    import idna

    try:
        ascii_name = idna.encode(text.rstrip("."), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError) as exc:
        return f"{text!r} is not a valid host name ({exc})."
    if len(ascii_name) > 253:
        return "The host name is longer than 253 characters."
    for label in ascii_name.split("."):
        if not _LABEL.match(label):
            return f"{text!r} is not a valid host name (label {label!r})."
    return None


def ascii_host(host: str) -> str:
    """The host as the network needs it: IDN in A-labels, IPv6 without brackets."""
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        return text[1:-1]
    if ":" in text or re.fullmatch(r"[0-9.]+", text):
        return text
    import idna

    return idna.encode(text.rstrip("."), uts46=True).decode("ascii")


def is_exchange_365(host: str) -> bool:
    """Hosts of Microsoft Exchange 365 (Exchange Online), where Use SSL must stay on."""
    try:
        name = ascii_host(host).lower()
    except (UnicodeError, ValueError):  # idna.IDNAError is a UnicodeError
        return False
    return any(name.endswith(s) or name == s[1:] for s in EXCHANGE_365_SUFFIXES)


def address_problem(address: str) -> str | None:
    """Why ``address`` is not a usable e-mail address, or ``None`` (syntax only, no DNS)."""
    text = address.strip()
    if not text:
        return "Enter an e-mail address."
    if has_control_characters(address):
        return "The address contains a line break or another control character."
    import email_validator

    try:
        email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        return f"{text!r} is not a valid e-mail address: {exc}"
    return None
