"""The password row: masked, show/hide toggle, keyring state - never the stored password itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QVBoxLayout, QWidget

from outmail_gui.domain.rules import Severity
from outmail_gui.store.secrets import NOT_ON_THIS_WORKSTATION
from outmail_gui.ui.form.editors import FieldEditor, show_read_only
from outmail_gui.ui.shared.messages import IssueLabel

_INSECURE_WORDS = ("insecure", "not secure", "plain text", "plaintext", "unencrypted")


def keyring_is_insecure(keyring_label: str) -> bool:
    """Whether the keyring's own description admits that it does not protect secrets."""
    text = keyring_label.casefold()
    return any(word in text for word in _INSECURE_WORDS)


def keyring_name(keyring_label: str) -> str:
    """The keyring's name without a trailing "(insecure: …)" remark (the form says that itself)."""
    text = keyring_label.strip()
    if text.endswith(")") and "(" in text:
        head, _, remark = text.rpartition("(")
        if head.strip() and keyring_is_insecure(remark):
            return head.strip()
    return text


class PasswordEditor(FieldEditor):
    """Only what the user typed leaves this field: the stored password is never loaded into it."""

    in_record = False

    def __init__(self, parent: QWidget | None = None) -> None:
        row = QWidget(parent)
        self.line = QLineEdit(row)
        super().__init__("password", self.line)
        self.row = row
        self.line.setEchoMode(QLineEdit.EchoMode.Password)
        self.line.textEdited.connect(self._mark_touched)
        self._touched = False

        self.toggle = QToolButton(self.row)
        self.toggle.setObjectName("password_visibility")
        self.toggle.setCheckable(True)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toggle.setToolTip("Show or hide the password you type here (a stored password is never shown).")
        self.toggle.toggled.connect(self._show_text)
        self._show_text(False)

        self.message = IssueLabel("password_message", self.row)
        self.insecure = IssueLabel("keyring_insecure", self.row)
        self.keyring_message = IssueLabel("keyring_message", self.row)

        line_row = QHBoxLayout()
        line_row.setContentsMargins(0, 0, 0, 0)
        line_row.addWidget(self.line, 1)
        line_row.addWidget(self.toggle)
        column = QVBoxLayout(self.row)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        column.addLayout(line_row)
        column.addWidget(self.message)
        column.addWidget(self.insecure)
        column.addWidget(self.keyring_message)

    def _mark_touched(self, _text: str) -> None:
        self._touched = True

    def _show_text(self, shown: bool) -> None:
        self.line.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.toggle.setText("Hide" if shown else "Show")
        self.toggle.setAccessibleName("Hide password" if shown else "Show password")

    def value(self) -> str | None:
        """The typed password; None when untouched or emptied (an empty field never replaces a stored one)."""
        return self.line.text() if self._touched and self.line.text() else None

    def set_value(self, value: Any) -> None:
        raise TypeError("the password is never loaded into the form; use reset()")

    def reset(self, *, stored: bool, keyring_label: str, per_workstation: bool = False) -> None:
        """Empty, masked and untouched, with a placeholder saying whether a password is stored.

        ``per_workstation``: a shared store, which holds no password; each workstation keeps its own.
        """
        self.line.clear()
        self._touched = False
        self.toggle.setChecked(False)
        self.keyring_message.clear_message()
        store = keyring_name(keyring_label) or "the keyring"
        here = " on this workstation" if per_workstation else ""
        if stored:
            self.line.setPlaceholderText(f"Stored in {store}{here} — type to replace")
        elif per_workstation:
            self.line.setPlaceholderText(NOT_ON_THIS_WORKSTATION)
        else:
            self.line.setPlaceholderText("Not stored yet — type a password")
        shared = " The shared settings never hold a password: each workstation keeps its own." if here else ""
        self.line.setAccessibleDescription(
            (
                f"A password is stored in {store}{here}; type to replace it."
                if stored
                else f"Typed passwords go to {store}{here}."
            )
            + shared
        )
        if keyring_label and keyring_is_insecure(keyring_label):
            self.insecure.show_message(
                Severity.WARNING,
                f"Insecure password storage ({store}): a password typed here is saved unencrypted.",
            )
        else:
            self.insecure.clear_message()

    def show_keyring_message(self, message: str, *, error: bool) -> None:
        self.keyring_message.show_message(Severity.ERROR if error else Severity.NOTICE, message)

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.line.textEdited.connect(lambda _text: slot())

    def set_read_only(self, read_only: bool) -> None:
        self.line.setReadOnly(read_only)
        show_read_only(self.line, read_only)

    def focus_chain(self) -> list[QWidget]:
        return [self.line, self.toggle]
