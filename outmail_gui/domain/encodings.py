"""Pager encodings offered by the drop-down, and the bytes a pager message becomes."""

from __future__ import annotations

import codecs
import functools
from dataclasses import dataclass

from outmail_gui.domain.shown import quoted

PAGER_ENCODINGS: tuple[str, ...] = (
    "utf-8",
    "us-ascii",
    "iso-8859-1",
    "iso-8859-2",
    "iso-8859-5",
    "iso-8859-7",
    "iso-8859-15",
    "windows-1250",
    "windows-1251",
    "windows-1252",
    "koi8-r",
    "shift_jis",
    "iso-2022-jp",
    "euc-kr",
    "gb2312",
    "big5",
    "utf-16",
)


def pager_encoding(name: str) -> str | None:
    """The listed spelling of ``name`` (an alias such as ``latin-1`` or ``UTF8`` included), or ``None``.

    Only the text encodings of :data:`PAGER_ENCODINGS` count: Python's other codecs
    (``rot13``, ``base64``, ``idna``...) do not turn a message into bytes a pager reads.
    """
    try:
        codec = codecs.lookup(name.strip()).name
    except (LookupError, ValueError):
        return None
    return _by_codec().get(codec)


def unknown_encoding(name: str) -> str:
    """The sentence for a Pager Encoding that is not a listed text encoding."""
    return f"Unknown encoding {quoted(name)}: choose one of {', '.join(PAGER_ENCODINGS)}."


@functools.cache
def _by_codec() -> dict[str, str]:
    """Codec name -> listed spelling; built on first use (looking up the CJK codecs imports them)."""
    return {codecs.lookup(name).name: name for name in PAGER_ENCODINGS}


def is_known_encoding(name: str) -> bool:
    return pager_encoding(name) is not None


@dataclass(frozen=True, slots=True)
class PagerPreview:
    data: bytes
    unencodable: tuple[str, ...]  # characters the encoding cannot carry, in order of appearance

    @property
    def ok(self) -> bool:
        return not self.unencodable


def encode_pager_text(text: str, encoding: str) -> PagerPreview:
    """Encode ``text``; characters the charset cannot carry are reported, never dropped silently.

    The returned bytes hold ``?`` where such a character stood, so a preview shows the loss.
    Raises ValueError for an encoding that is not a listed text encoding (see :func:`pager_encoding`).
    """
    if not is_known_encoding(encoding):
        raise ValueError(f"{encoding!r} is not one of the pager encodings")
    missing: list[str] = []
    for ch in text:
        try:
            ch.encode(encoding)
        except UnicodeEncodeError:
            if ch not in missing:
                missing.append(ch)
    return PagerPreview(text.encode(encoding, errors="replace"), tuple(missing))
