"""Pager encodings offered by the drop-down, and the bytes a pager message becomes."""

from __future__ import annotations

import codecs

from outmail_gui.domain.record import Record

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


def is_known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


class PagerPreview(Record, frozen=True):
    data: bytes
    unencodable: tuple[str, ...]  # characters the encoding cannot carry, in order of appearance

    @property
    def ok(self) -> bool:
        return not self.unencodable


def encode_pager_text(text: str, encoding: str) -> PagerPreview:
    """Encode ``text``; characters the charset cannot carry are reported, never dropped silently.

    The returned bytes hold ``?`` where such a character stood, so a preview shows the loss.
    """
    missing: list[str] = []
    for ch in text:
        try:
            ch.encode(encoding)
        except UnicodeEncodeError:
            if ch not in missing:
                missing.append(ch)
    return PagerPreview(text.encode(encoding, errors="replace"), tuple(missing))
