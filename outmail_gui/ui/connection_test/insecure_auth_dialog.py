"""Asked before a test would send a password over an unencrypted connection (as Thunderbird does).

The risky choice needs two deliberate acts: ticking "I understand the risks" and pressing the
button it enables. Escape, closing or Cancel decline, and the test then stops before AUTH.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

TITLE = "Send the password unencrypted?"
UNDERSTAND = "I understand the risks"
PROCEED = "Send password unencrypted"


def explanation(host: str, port: int) -> str:
    return (
        f"Use SSL is off for {host} port {port}, so the Login ID and password would travel over the network "
        "without encryption. Anyone on the way could read them.\n\n"
        "Select Use SSL instead if the server supports it. If you continue without it, the test sends the "
        "password in clear this one time; if you cancel, the test stops before logging in."
    )


class InsecureAuthDialog(QDialog):
    def __init__(self, host: str, port: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("insecure_auth_dialog")
        self.setWindowTitle(TITLE)
        icon = QLabel(self)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(32, 32))
        text = QLabel(explanation(host, port), self)
        text.setObjectName("insecure_auth_text")
        text.setWordWrap(True)
        self.understand = QCheckBox(UNDERSTAND, self)
        self.understand.setObjectName("insecure_auth_understand")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.proceed = QPushButton(PROCEED, self)
        self.proceed.setObjectName("insecure_auth_proceed")
        self.proceed.setEnabled(False)
        self.proceed.setAutoDefault(False)
        buttons.addButton(self.proceed, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("insecure_auth_cancel")
        cancel.setDefault(True)
        self.understand.toggled.connect(self.proceed.setEnabled)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(icon)
        layout.addWidget(text)
        layout.addWidget(self.understand)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def accept(self) -> None:
        if self.understand.isChecked():  # Enter on a focused button must not skip the tick
            super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, host: str, port: int) -> bool:
        """True only when the user ticked the box and chose to send the password unencrypted."""
        dialog = cls(host, port, parent)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()
