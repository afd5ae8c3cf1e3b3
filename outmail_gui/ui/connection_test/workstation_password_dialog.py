"""Asked once when a test needs a password this workstation does not have (a shared store).

The shared settings hold no password: each workstation's keyring keeps its own, by the
server's id. The typed password is used for this test; it is kept in the keyring only when
"Remember on this workstation" is ticked. Cancel or Escape: the test does not start.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

TITLE = "Password for this workstation"
REMEMBER = "&Remember on this workstation"


@dataclasses.dataclass(frozen=True, slots=True)
class TypedPassword:
    password: str = dataclasses.field(repr=False)
    remember: bool


class WorkstationPasswordDialog(QDialog):
    def __init__(self, server: str, login_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workstation_password_dialog")
        self.setWindowTitle(TITLE)
        text = QLabel(
            f"No password for {server} is stored on this workstation. The shared settings never hold "
            "passwords: each workstation keeps its own in its keyring.\n\n"
            f"Type the password of {login_id} to test the server now.",
            self,
        )
        text.setObjectName("workstation_password_text")
        text.setWordWrap(True)
        self.password = QLineEdit(self)
        self.password.setObjectName("workstation_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.remember = QCheckBox(REMEMBER, self)
        self.remember.setObjectName("workstation_password_remember")
        self.remember.setToolTip("Keep it in this workstation's keyring for the next tests; other workstations ask.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.test = buttons.addButton("&Test", QDialogButtonBox.ButtonRole.AcceptRole)
        self.test.setObjectName("workstation_password_test")
        self.test.setDefault(True)
        self.test.setEnabled(False)
        self.password.textChanged.connect(lambda typed: self.test.setEnabled(bool(typed)))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        fields = QFormLayout()
        fields.addRow("&Password:", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(fields)
        layout.addWidget(self.remember)
        layout.addWidget(buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # the wrapped text is never cut
        text.setMinimumWidth(420)

    def accept(self) -> None:
        if self.password.text():  # Enter in an empty field must not test with no password
            super().accept()

    def answer(self) -> TypedPassword:
        return TypedPassword(self.password.text(), self.remember.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, server: str, login_id: str) -> TypedPassword | None:
        """The typed password and whether to remember it; None when cancelled."""
        dialog = cls(server, login_id, parent)
        try:
            return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
