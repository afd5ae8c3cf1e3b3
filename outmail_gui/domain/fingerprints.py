"""The pinned certificate fingerprint: exactly a SHA-256 digest, stored in one canonical form.

Users paste what ``openssl x509 -fingerprint -sha256`` or a browser shows: 64 hexadecimal
digits, in colon-separated pairs or without colons, in either case. It is stored as the
trust dialog shows it (``AB:CD:...``, upper case), so two spellings of one digest are one pin.
"""

from __future__ import annotations

import string

SHA256_HEX_DIGITS = 64
_HEX = frozenset(string.hexdigits)
FINGERPRINT_PROBLEM = (
    "Enter the certificate's SHA-256 fingerprint: 64 hexadecimal digits, in pairs separated "
    "by colons (AB:CD:…) or without colons."
)


def _digits(text: str) -> str | None:
    """The 64 hex digits of ``text``, or ``None`` when it is not a SHA-256 fingerprint."""
    value = text.strip()
    pairs = value.split(":") if ":" in value else None
    if pairs is not None and (len(pairs) != SHA256_HEX_DIGITS // 2 or any(len(p) != 2 for p in pairs)):
        return None
    digits = value.replace(":", "")
    if len(digits) != SHA256_HEX_DIGITS or not _HEX.issuperset(digits):
        return None
    return digits


def fingerprint_problem(text: str) -> str | None:
    """Why ``text`` is not a SHA-256 fingerprint (empty means none pinned), or ``None``."""
    if not text.strip():
        return None
    return None if _digits(text) is not None else FINGERPRINT_PROBLEM


def canonical_fingerprint(text: str) -> str:
    """``AB:CD:...`` for a valid fingerprint; anything else is returned trimmed, for the rules to refuse."""
    digits = _digits(text)
    if digits is None:
        return text.strip()
    return ":".join(digits[i : i + 2] for i in range(0, SHA256_HEX_DIGITS, 2)).upper()
