"""Banners above the form: states that concern the whole record (read-only, legacy MAPI)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QStyle, QVBoxLayout, QWidget

from outmail_gui.ui.shared.messages import ICON_SIZE


class Banner(QFrame):
    """A framed strip with a standard icon, a wrapped sentence and optional buttons."""

    def __init__(self, object_name: str, icon: QStyle.StandardPixmap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._icon = QLabel(self)
        self._icon.setPixmap(self.style().standardIcon(icon, None, self).pixmap(ICON_SIZE * 2, ICON_SIZE * 2))
        self._icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._text = QLabel(self)
        self._text.setObjectName(f"{object_name}_text")
        self._text.setWordWrap(True)
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        column = QVBoxLayout()
        column.addWidget(self._text)
        column.addLayout(self._buttons)
        row = QHBoxLayout(self)
        row.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(column, 1)
        self.setVisible(False)

    def text(self) -> str:
        return self._text.text()

    def add_button(self, object_name: str, text: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(object_name)
        button.setAccessibleName(text.replace("&", ""))
        self._buttons.addWidget(button)
        return button

    def show_text(self, text: str) -> None:
        self._text.setText(text)
        self.setAccessibleName(text)
        self.setVisible(True)

    def hide_banner(self) -> None:
        self._text.clear()
        self.setVisible(False)
