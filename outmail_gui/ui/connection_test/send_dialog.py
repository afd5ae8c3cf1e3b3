"""Send test message...: who receives it, and which analyst's address the analyst options use.

Sent From Analyst puts the analyst's address in From and Reply to Forwarding Analyst in
Reply-To; with both off, the Outgoing Email ID is used and no analyst is needed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.domain.addresses import address_problem


@dataclasses.dataclass(frozen=True, slots=True)
class SendTestChoice:
    to_address: str
    analyst_email: str = ""


class SendTestDialog(QDialog):
    def __init__(
        self,
        server_name: str,
        analyst_needed: bool,
        analysts: Sequence[tuple[str, str]],
        recipient: str,
        analyst_email: str,
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("send_test_dialog")
        self.setWindowTitle("Send test message")
        self._analyst_needed = analyst_needed
        intro = QLabel(
            f"Send a real test message through {server_name}. It carries the server's settings "
            "(From, Reply-To, receipt request) exactly as outgoing mail would.",
            self,
        )
        intro.setWordWrap(True)
        self.recipient = QLineEdit(recipient, self)
        self.recipient.setObjectName("send_test_recipient")
        self.recipient.setPlaceholderText("someone@example.com")
        self.analyst = QComboBox(self)
        self.analyst.setObjectName("send_test_analyst")
        self.analyst.setEditable(True)
        for label, email in analysts:
            if email:
                self.analyst.addItem(f"{label} <{email}>", email)
        self.analyst.setEditText(analyst_email)
        self.analyst.setEnabled(analyst_needed)
        note = QLabel(
            "Sent From Analyst or Reply to Forwarding Analyst is on: this analyst's address is used."
            if analyst_needed
            else "Not used: Sent From Analyst and Reply to Forwarding Analyst are off (From is the Outgoing Email ID).",
            self,
        )
        note.setObjectName("send_test_analyst_note")
        note.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setObjectName("send_test_problem")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.send = self.buttons.addButton("Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send.setObjectName("send_test_send")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Recipient:", self.recipient)
        form.addRow("&Analyst's address:", self.analyst)
        form.addRow("", note)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.recipient.textChanged.connect(self._check)
        self.analyst.editTextChanged.connect(self._check)
        self.analyst.activated.connect(self._take_item_address)  # also when the same item is picked again
        self._check()
        self.resize(520, self.sizeHint().height())

    def choice(self) -> SendTestChoice:
        analyst = self.analyst.currentText().strip() if self._analyst_needed else ""
        return SendTestChoice(self.recipient.text().strip(), analyst)

    def _take_item_address(self, index: int) -> None:
        email = self.analyst.itemData(index)
        if isinstance(email, str):
            self.analyst.setEditText(email)

    def _check(self) -> None:
        problem = address_problem(self.recipient.text()) if self.recipient.text().strip() else "Enter the recipient."
        if problem is None and self._analyst_needed:
            text = self.analyst.currentText().strip()
            problem = address_problem(text) if text else "Enter the analyst's address (the analyst options use it)."
        self.problem.setText(problem or "")
        self.send.setEnabled(problem is None)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        server_name: str,
        analyst_needed: bool,
        analysts: Sequence[tuple[str, str]] = (),
        recipient: str = "",
        analyst_email: str = "",
    ) -> SendTestChoice | None:
        """The recipient (and analyst address), or None when cancelled."""
        dialog = cls(server_name, analyst_needed, analysts, recipient, analyst_email, parent)
        try:
            return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
