"""Pager Encoding: the drop-down and a live preview of how a pager message arrives.

The preview says it in plain words (the encoding named, what arrives, what is lost); the bytes
themselves, in hex, are for administrators: the preview's tooltip shows them.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtWidgets import QVBoxLayout, QWidget

from outmail_gui.domain.encodings import PAGER_ENCODINGS, encode_pager_text, is_known_encoding
from outmail_gui.domain.rules import Severity
from outmail_gui.domain.shown import quoted
from outmail_gui.ui.form.editors import ChoiceEditor
from outmail_gui.ui.shared.messages import IssueLabel

SAMPLE_PAGER_TEXT = "Call 42: Müller – 5 €"
PREVIEW_BYTES = 32  # enough for the sample in any single-byte or UTF-8 charset; longer ones end in "…"


def hex_bytes(data: bytes, limit: int = PREVIEW_BYTES) -> str:
    """Bytes as upper-case hex pairs (``4D C3 BC``), the first ``limit`` of them and "…" for the rest."""
    shown = " ".join(f"{byte:02X}" for byte in data[:limit])
    if len(data) > limit:
        shown += f" … (+{len(data) - limit} more)"
    return shown


def describe_character(ch: str) -> str:
    """A character and its Unicode name, e.g. ``“€” (euro sign)``."""
    name = unicodedata.name(ch, "")
    return f"“{ch}” ({name.lower()})" if name else f"“{ch}” (U+{ord(ch):04X})"


def pager_preview(encoding: str, sample: str = SAMPLE_PAGER_TEXT) -> tuple[Severity, str, str]:
    """The preview sentence for ``encoding``, how worrying it is, and the bytes for administrators."""
    if not is_known_encoding(encoding):
        return Severity.WARNING, f"No preview: {quoted(encoding)} is not a known encoding.", ""
    preview = encode_pager_text(sample, encoding)
    size = f"{len(preview.data)} byte{'' if len(preview.data) == 1 else 's'}"
    in_bytes = f"In {encoding}, “{sample}” is {size}: {hex_bytes(preview.data)}"
    if preview.ok:
        return Severity.NOTICE, f"Sent as {encoding}: “{sample}” arrives as written ({size}).", in_bytes
    arrives = preview.data.decode(encoding, errors="replace")
    lost = ", ".join(describe_character(ch) for ch in preview.unencodable)
    return (
        Severity.WARNING,
        f"Sent as {encoding}: “{sample}” arrives as “{arrives}”. {encoding} cannot carry {lost} (each sent as “?”).",
        in_bytes,
    )


class EncodingEditor(ChoiceEditor):
    """``pager_encoding``; keeps its preview (``pager_preview``) in step with the choice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        row = QWidget(parent)
        super().__init__("pager_encoding", row)
        self.row = row
        self.set_choices([(name, name) for name in PAGER_ENCODINGS])
        self.preview = IssueLabel("pager_preview", row)
        self.message = IssueLabel("pager_encoding_message", row)
        column = QVBoxLayout(row)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        column.addWidget(self.combo)
        column.addWidget(self.message)
        column.addWidget(self.preview)
        self.combo.currentIndexChanged.connect(self._update_preview)
        self._update_preview()

    def unlisted_text(self, value: object) -> str:
        return f"{value} (not offered)"

    def _update_preview(self) -> None:
        value = self.value()
        if value is None:
            self.preview.clear_message()
            self.preview.setToolTip("")
            return
        severity, text, in_bytes = pager_preview(str(value))
        self.preview.show_message(severity, text)
        self.preview.setToolTip(in_bytes)
