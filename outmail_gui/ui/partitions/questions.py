"""The Partition Settings dialog's questions, each behind a classmethod ``ask()`` tests replace.

Kept apart from the dialog so the dialog reads as what it does, and each question can be
answered in a test without a nested event loop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.domain.partitions import NO_PARTITION_LABEL, partition_name_problem

_Btn = QMessageBox.StandardButton


class PartitionNameDialog(QDialog):
    """Asks for a partition name; OK stays disabled while the name breaks a rule (and says why)."""

    def __init__(self, parent: QWidget | None, title: str, current: str, existing: Sequence[str]) -> None:
        super().__init__(parent)
        self.setObjectName("partition_name_dialog")
        self.setWindowTitle(title)
        self._existing = list(existing)
        self._renaming = current or None
        self.edit = QLineEdit(current, self)
        self.edit.setObjectName("partition_name")
        self.edit.setAccessibleName("Partition name")
        self.message = QLabel(self)
        self.message.setObjectName("partition_name_message")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        label = QLabel("&Name", self)
        label.setBuddy(self.edit)
        layout = QVBoxLayout(self)
        for widget in (label, self.edit, self.message, self.buttons):
            layout.addWidget(widget)
        self.edit.textChanged.connect(self._check)
        self._check()

    def problem(self) -> str | None:
        if self._renaming is not None and self.edit.text().strip() == self._renaming:
            return "Type the new name."
        return partition_name_problem(self.edit.text(), self._existing, renaming=self._renaming)

    def _check(self) -> None:
        problem = self.problem()
        self.message.setText(problem or "")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, current: str, existing: Sequence[str]) -> str | None:
        """The name typed (trimmed), or ``None`` when cancelled."""
        dialog = cls(parent, title, current, existing)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        text = dialog.edit.text().strip()
        dialog.deleteLater()
        return text if accepted else None


@dataclasses.dataclass(frozen=True, slots=True)
class MoveServersTo:
    """Where the servers of a deleted partition go: another partition, or ``None`` for none."""

    partition: str | None


class ReassignServersDialog(QDialog):
    """Servers still use a partition being deleted: choose their new partition (or none)."""

    def __init__(self, parent: QWidget | None, partition: str, servers: Sequence[str], targets: Sequence[str]) -> None:
        super().__init__(parent)
        self.setObjectName("reassign_servers_dialog")
        self.setWindowTitle("Delete partition")
        shown = ", ".join(servers[:5]) + (f" and {len(servers) - 5} more" if len(servers) > 5 else "")
        self.text = QLabel(
            f"Partition {partition!r} is used by {len(servers)} server(s): {shown}.\n"
            "Where should they go? Emails from entities in their new partition will use them.",
            self,
        )
        self.text.setWordWrap(True)
        self.choice = QComboBox(self)
        self.choice.setObjectName("reassign_target")
        self.choice.setAccessibleName("New partition for these servers")
        self.choice.addItem(NO_PARTITION_LABEL, None)
        for name in targets:
            if name != partition:
                self.choice.addItem(name, name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        move = buttons.addButton("Move and delete", QDialogButtonBox.ButtonRole.AcceptRole)
        move.setObjectName("move_and_delete")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.text, self.choice, buttons):
            layout.addWidget(widget)

    def target(self) -> MoveServersTo:
        data = self.choice.currentData()
        return MoveServersTo(data if isinstance(data, str) else None)

    @classmethod
    def ask(
        cls, parent: QWidget | None, partition: str, servers: Sequence[str], targets: Sequence[str]
    ) -> MoveServersTo | None:
        """Where the servers go, or ``None`` (cancelled: the partition is kept)."""
        dialog = cls(parent, partition, servers, targets)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        target = dialog.target()
        dialog.deleteLater()
        return target if accepted else None


class ConfirmDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, name: str, title: str, text: str, action: str) -> bool:
        """A yes/cancel question whose yes button says ``action``; Cancel is the default."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, _Btn.Yes | _Btn.Cancel, parent)
        box.setObjectName(name)
        yes = box.button(_Btn.Yes)
        yes.setText(action)
        box.setDefaultButton(_Btn.Cancel)
        box.setEscapeButton(_Btn.Cancel)
        answer = box.exec()
        box.deleteLater()
        return bool(answer == _Btn.Yes)
