"""Inline messages: an icon AND a sentence, so a state is never told by colour alone."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QStyle, QWidget

from outmail_gui.domain.rules import Severity

_ICONS: dict[Severity, QStyle.StandardPixmap] = {
    Severity.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Severity.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
    Severity.NOTICE: QStyle.StandardPixmap.SP_MessageBoxInformation,
}
_WORDS: dict[Severity, str] = {
    Severity.ERROR: "Error",
    Severity.WARNING: "Warning",
    Severity.NOTICE: "Note",
}
_RANK: dict[Severity, int] = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTICE: 2}
ICON_SIZE = 16
_GAP = 6


class IssueLabel(QLabel):
    """A word-wrapped label that paints its severity's standard icon left of the text.

    It stays a QLabel (so ``text()`` is the message) and hides itself when empty, so an
    unused message takes no room in the form.
    """

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setContentsMargins(ICON_SIZE + _GAP, 0, 0, 0)
        self.setMinimumHeight(ICON_SIZE)
        self._severity: Severity | None = None
        self.setVisible(False)

    def severity(self) -> Severity | None:
        """The shown severity, or None while the label is empty."""
        return self._severity

    def show_message(self, severity: Severity, text: str) -> None:
        self._severity = severity
        self.setText(text)
        self.setAccessibleName(f"{_WORDS[severity]}: {text}")
        self.setVisible(True)
        self.update()

    def show_items(self, items: list[tuple[Severity, str]]) -> None:
        """Several findings at once: most serious first, one per line, the worst one's icon."""
        if not items:
            self.clear_message()
            return
        ordered = sorted(items, key=lambda item: _RANK[item[0]])
        self.show_message(ordered[0][0], "\n".join(text for _, text in ordered))

    def clear_message(self) -> None:
        self._severity = None
        self.clear()
        self.setAccessibleName("")
        self.setVisible(False)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return hint.expandedTo(QSize(ICON_SIZE + _GAP, ICON_SIZE))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._severity is None:
            return
        icon = self.style().standardIcon(_ICONS[self._severity], None, self)
        painter = QPainter(self)
        top = max(0, (self.fontMetrics().height() - ICON_SIZE) // 2)
        icon.paint(painter, 0, top, ICON_SIZE, ICON_SIZE)
        painter.end()
