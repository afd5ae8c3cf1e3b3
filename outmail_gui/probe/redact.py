"""The safety net behind structured redaction: no secret leaves the engine in any form.

The engine never writes AUTH payloads to the transcript in the first place; this module
additionally scrubs every outgoing string of the password and token in plain text, in
UTF-8 and Latin-1 bytes, and in base64 at each of the three byte alignments (so a secret
embedded inside a longer base64 blob, such as an AUTH PLAIN payload, is found too). A match
is widened to the whole token around it (letters, digits, ``+/-_`` and ``=`` padding): a
hostile server echoing the base64 of a password must not leave fragments (``<redacted>w==``)
that give away its last bytes or its length.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from collections.abc import Collection, Iterable

REDACTED = "<redacted>"
MASK = "********"
_MIN_PLAIN = 3  # shorter secrets would mangle ordinary text ("250") and add no protection
_MIN_B64 = 4
_TOKEN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")


def _b64_fragments(data: bytes) -> set[str]:
    """The base64 characters determined by ``data`` alone, for each alignment mod 3."""
    out: set[str] = set()
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + data + b"\0\0").decode("ascii")
        start = -(-8 * pad // 6)  # ceil
        end = (8 * (pad + len(data))) // 6
        fragment = encoded[start:end]
        if len(fragment) >= _MIN_B64:
            out.add(fragment)
    return out


def masked_repr(value: object, secret_fields: Collection[str]) -> str:
    """``repr()`` of a dataclass whose secret fields show as a mask; an empty one shows as ``''``,
    which tells a reader that no secret was given (the ``__repr__`` of requests and credentials)."""
    shown = []
    for item in dataclasses.fields(value):  # type: ignore[arg-type]
        field_value = getattr(value, item.name)
        text = repr(MASK) if item.name in secret_fields and field_value else repr(field_value)
        shown.append(f"{item.name}={text}")
    return f"{type(value).__name__}({', '.join(shown)})"


class Redactor:
    """Replaces every known form of the given secrets with ``<redacted>``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            if len(secret) >= _MIN_PLAIN:
                forms.add(secret)
            for encoding in ("utf-8", "latin-1", "utf-16-le"):
                try:
                    raw = secret.encode(encoding)
                except UnicodeEncodeError:
                    continue
                forms |= _b64_fragments(raw)
                if len(raw) >= _MIN_PLAIN:
                    forms.add(raw.decode("latin-1"))  # bytes shown as if Latin-1 text
            if len(secret) >= _MIN_PLAIN:
                forms.add(secret.encode("utf-8").hex())
        ordered = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(f) for f in ordered)) if ordered else None

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        out: list[str] = []
        done = 0  # text[:done] is in ``out``
        for match in self._pattern.finditer(text):
            start, end = match.span()
            if start < done:  # inside a token already redacted whole
                continue
            while start > done and text[start - 1] in _TOKEN:
                start -= 1
            while end < len(text) and text[end] in _TOKEN:
                end += 1
            while end < len(text) and text[end] == "=":
                end += 1
            out += (text[done:start], REDACTED)
            done = end
        out.append(text[done:])
        return "".join(out)
