"""Host-name and e-mail-address syntax, by well-kept libraries (idna, email-validator).

Each checker returns ``None`` when the value is fine, or a sentence a person understands.
None of them performs a DNS lookup.
"""

from __future__ import annotations

from outmail_gui.domain.shown import capped, quoted

# email_validator, idna and ipaddress are imported where used: they cost ~30 ms, and start-up
# of the window and of the CLI must not pay for them before an address is checked. A plain
# ASCII host name (``smtp.example.com``) is checked without idna: see _plain_ascii_name().

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators. A set, not a regular
# expression: compiling that character class cost every window and CLI start ~1 ms.
_CONTROL = frozenset(map(chr, (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)))
_LDH = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")  # letters, digits, hyphen
EXCHANGE_365_SUFFIXES = (".office365.com", ".outlook.com")


def has_control_characters(text: str) -> bool:
    return not _CONTROL.isdisjoint(text)


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
        import ipaddress

        try:
            address = ipaddress.IPv6Address(text)
        except ValueError:
            return f"{quoted(host.strip())} is not a valid IPv6 address (a port goes in Port Number)."
        return zone_problem(address.scope_id) if address.scope_id is not None else None
    if _is_dotted_digits(text):
        import ipaddress

        try:
            ipaddress.IPv4Address(text)
        except ValueError:
            return f"{quoted(text)} is not a valid IPv4 address."
        return None
    return _hostname_problem(text)


MAX_ZONE_LENGTH = 15  # IFNAMSIZ - 1: the longest interface name on Linux, macOS and the BSDs
MAX_ZONE_INDEX = 2**32 - 1  # sin6_scope_id is 32 bits (Windows writes zones as interface numbers)


def zone_problem(zone: str) -> str | None:
    """Why ``zone`` (after ``%`` in ``fe80::1%eth0``) cannot name a network interface, or ``None``.

    A zone is an interface number, or an interface name as the kernel accepts it (Linux's
    ``dev_valid_name``): 1-15 printable ASCII characters, no blank, ``/``, ``:`` or ``%``, not
    ``.`` or ``..``. Whether the interface exists here is the connection test's question.
    """
    if zone.isascii() and zone.isdigit():
        return None if int(zone) <= MAX_ZONE_INDEX else f"The interface number {quoted(zone)} is too large."
    valid = (
        0 < len(zone) <= MAX_ZONE_LENGTH
        and zone not in (".", "..")
        and zone.isascii()
        and zone.isprintable()
        and not any(ch.isspace() or ch in "/:%" for ch in zone)
    )
    if valid:
        return None
    return (
        f"{quoted(zone)} after % is not a network interface name: use the interface's name (such as eth0 "
        f"or en0, at most {MAX_ZONE_LENGTH} characters) or its number."
    )


def _plain_ascii_name(text: str) -> str | None:
    """``text`` without trailing dots, lower-cased, when idna would return exactly that; else ``None``.

    That is an ASCII name of LDH labels (letters, digits, hyphens; 1-63 characters, no hyphen at
    either end, none in the 3rd and 4th position, so no ``xn--``), at most 253 characters long:
    UTS 46 only lower-cases such a name and IDNA 2008 accepts every label. Anything else
    goes through idna, so the result (and every message) is the same, just without loading idna.
    """
    name = text.rstrip(".")
    if not name.isascii() or len(name) > 253:
        return None
    for label in name.split("."):
        if not _is_ldh_label(label) or label[2:4] == "--":
            return None
    return name.lower()


def _is_ldh_label(label: str) -> bool:
    """1-63 letters, digits and hyphens, no hyphen at either end (no regular expression: start-up time)."""
    return 0 < len(label) <= 63 and label[0] != "-" and label[-1] != "-" and _LDH.issuperset(label)


def _is_dotted_digits(text: str) -> bool:
    """Only digits and dots: meant as an IPv4 address, whether or not it is a valid one."""
    return bool(text) and not text.strip("0123456789.")


def _hostname_problem(text: str) -> str | None:
    if " " in text:
        return "A host name cannot contain spaces."
    if _plain_ascii_name(text) is not None:
        return None
    import idna

    try:
        ascii_name = idna.encode(text.rstrip("."), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError) as exc:
        return f"{quoted(text)} is not a valid host name ({capped(str(exc))})."
    if len(ascii_name) > 253:
        return "The host name is longer than 253 characters."
    for label in ascii_name.split("."):
        if not _is_ldh_label(label):
            return f"{quoted(text)} is not a valid host name (label {quoted(label)})."
    return None


def clean_host(host: str) -> str:
    """The host as it is stored: trimmed, and an IPv6 literal always without brackets.

    ``::1`` and ``[::1]`` name the same server, so both are stored as ``::1`` (the form
    the network code uses; the brackets belong to URLs, not to a host field). Anything
    that is not a valid bracketed IPv6 literal is only trimmed, so the rules still see,
    and report, what was typed.
    """
    text = host.strip()
    if len(text) > 2 and text.startswith("[") and text.endswith("]") and ":" in text:
        import ipaddress

        inner = text[1:-1].strip()
        try:
            ipaddress.IPv6Address(inner)
        except ValueError:
            return text
        return inner
    return text


def ascii_host(host: str) -> str:
    """The host as the network needs it: IDN in A-labels, IPv6 without brackets."""
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        return text[1:-1]
    if ":" in text or _is_dotted_digits(text):
        return text
    plain = _plain_ascii_name(text)
    if plain is not None:
        return plain
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
        return "Enter an email address."
    if has_control_characters(address):
        return "The address contains a line break or another control character."
    import email_validator

    try:
        email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        return f"{quoted(text)} is not a valid email address: {capped(str(exc))}"
    return None
