"""Server › MAPI Mail Server…: the host MAPI servers need before one can be added.

The same rule as ``servers mapi-mail-server`` (``domain.addresses.host_problem``); an empty
host clears it. The problem shows once the user has typed, never on opening.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from outmail_gui.domain.addresses import host_problem

EXPLANATION = (
    "MAPI outgoing email servers (legacy) send through the MAPI Mail Server. Set its host name "
    "before adding one; leave it empty to clear it."
)


class MapiMailServerDialog(QDialog):
    def __init__(self, parent: QWidget | None, current: str) -> None:
        super().__init__(parent)
        self.setObjectName("mapi_mail_server_dialog")
        self.setWindowTitle("MAPI Mail Server")
        explanation = QLabel(EXPLANATION, self)
        explanation.setWordWrap(True)
        self.edit = QLineEdit(current, self)
        self.edit.setObjectName("mapi_mail_server")
        self.edit.setAccessibleName("MAPI Mail Server")
        self.edit.setPlaceholderText("exchange01.corp.example")
        label = QLabel("&Host name", self)
        label.setBuddy(self.edit)
        self.message = QLabel(self)
        self.message.setObjectName("mapi_mail_server_message")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (explanation, label, self.edit, self.message, self.buttons):
            layout.addWidget(widget)
        self.edit.textEdited.connect(self._check)
        self._check()
        self.message.hide()  # nothing typed yet: no problem shown on opening
        self.resize(420, self.sizeHint().height())

    def problem(self) -> str | None:
        host = self.edit.text().strip()
        return host_problem(host) if host else None

    def _check(self) -> None:
        problem = self.problem()
        self.message.setText(problem or "")
        self.message.setVisible(bool(problem))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None)
        ok.setToolTip(f"OK is off: {problem}" if problem else "")

    @classmethod
    def ask(cls, parent: QWidget | None, current: str) -> str | None:
        """The host to set ("" clears it), or None when cancelled."""
        dialog = cls(parent, current)
        try:
            return dialog.edit.text().strip() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
