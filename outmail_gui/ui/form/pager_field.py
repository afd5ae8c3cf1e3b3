"""Pager Encoding: the drop-down and a live preview of the bytes a pager message becomes."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from outmail_gui.domain.encodings import PAGER_ENCODINGS, encode_pager_text, is_known_encoding
from outmail_gui.domain.rules import Severity
from outmail_gui.ui.form.editors import ChoiceEditor
from outmail_gui.ui.form.messages import IssueLabel

SAMPLE_PAGER_TEXT = "Call 42: Müller – 5 €"


def escape_bytes(data: bytes) -> str:
    """Printable ASCII as is, every other byte as ``\\xNN`` (so control bytes show too)."""
    out: list[str] = []
    for byte in data:
        if byte == 0x5C:
            out.append("\\\\")
        elif 0x20 <= byte <= 0x7E:
            out.append(chr(byte))
        else:
            out.append(f"\\x{byte:02x}")
    return "".join(out)


def pager_preview(encoding: str, sample: str = SAMPLE_PAGER_TEXT) -> tuple[Severity, str]:
    """The preview sentence for ``encoding`` and how worrying it is."""
    if not is_known_encoding(encoding):
        return Severity.WARNING, f"No preview: {encoding!r} is not a known encoding."
    preview = encode_pager_text(sample, encoding)
    text = f"“{sample}” becomes {len(preview.data)} bytes: {escape_bytes(preview.data)}"
    if preview.ok:
        return Severity.NOTICE, text
    lost = " ".join(preview.unencodable)
    return Severity.WARNING, f"{text}\nCannot be carried by {encoding} (sent as “?”): {lost}"


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
            return
        severity, text = pager_preview(str(value))
        self.preview.show_message(severity, text)
