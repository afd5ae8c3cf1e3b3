"""Names of servers, partitions and analysts: how they are stored, compared and refused.

One rule for all three (:mod:`outmail_gui.domain.rules` asks it for servers,
:mod:`~outmail_gui.domain.partitions` for partitions, :mod:`~outmail_gui.domain.analysts` for
logins), and the store keeps :func:`normalized_name` in unique columns, so the database agrees
with what the form, the CLI and the importer say.
"""

from __future__ import annotations

import itertools

from outmail_gui.domain.addresses import has_control_characters

MAX_NAME_LENGTH = 100

# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt) beyond the format (Cf)
# characters, which are all dropped: combining grapheme joiner, Hangul fillers, Khmer inherent
# vowels, Mongolian and other variation selectors, and the reserved ranges of that property.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Bidi_Control (Unicode PropList.txt): they reorder how a name is shown, so two different
# names can look the same; they are refused, not dropped.
BIDI_CONTROLS = frozenset(map(chr, (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))))


def clean_name(name: str) -> str:
    """A name as it is stored: NFC-normalised, surrounding blanks removed.

    The same for server, partition and analyst names, so a name typed with combining accents
    (NFD, as some keyboards and file systems produce) is stored as the composed one.
    """
    import unicodedata  # here: the command-line probe loads the settings model but never compares names

    return unicodedata.normalize("NFC", name).strip()


def normalized_name(name: str) -> str:
    """The one key by which server, partition and analyst names are compared.

    NFKC case-folded (Unicode's NFKC_Casefold), with default-ignorable and format characters
    (zero-width spaces and joiners, soft hyphens, bidi marks, variation selectors) removed and
    surrounding blanks trimmed: ``Café`` in NFC and NFD, ``MAIL`` and ``Ma\u200bil`` all give
    one key. The store keeps this key in a unique column, so the database agrees.
    """
    import unicodedata

    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return "".join(ch for ch in folded if not _ignorable(ch, unicodedata.category(ch))).strip()


def same_name(a: str | None, b: str | None) -> bool:
    """Whether two names (or two absent names) are the same name by :func:`normalized_name`."""
    if a is None or b is None:
        return a is b
    return normalized_name(a) == normalized_name(b)


def name_problem(name: str, what: str, empty: str) -> str | None:
    """Why ``name`` cannot be used, or ``None``: the one check of server, partition and analyst names.

    ``what`` names the field in sentences ("the partition name"); ``empty`` is the prompt when
    nothing was entered. Refused: control characters, bidi controls, more than
    :data:`MAX_NAME_LENGTH` characters, and names with nothing visible (empty once
    ignorable characters are removed).
    """
    text = clean_name(name)
    if not text:
        return empty
    if has_control_characters(name):
        return f"Line breaks and other control characters are not allowed in {what}."
    if not BIDI_CONTROLS.isdisjoint(text):
        return (
            f"Direction-changing characters (bidi controls such as U+202E) are not allowed in {what}: "
            "they can make different names look the same."
        )
    if not normalized_name(text):
        return f"{what[0].upper()}{what[1:]} has no visible characters."
    if len(text) > MAX_NAME_LENGTH:
        return f"{what[0].upper()}{what[1:]} is longer than {MAX_NAME_LENGTH} characters."
    return None


def unique_name(name: str, taken: set[str]) -> str:
    """``name (2)``, ``name (3)``, ... : the first whose key is not in ``taken``, within the length limit."""
    suffixes = (f" ({number})" for number in itertools.count(2))
    candidates = (name[: MAX_NAME_LENGTH - len(suffix)].rstrip() + suffix for suffix in suffixes)
    return next(c for c in candidates if normalized_name(c) not in taken)


def _ignorable(ch: str, category: str) -> bool:
    if category == "Cf":
        return True
    code = ord(ch)
    return any(low <= code <= high for low, high in _IGNORABLE_RANGES)
