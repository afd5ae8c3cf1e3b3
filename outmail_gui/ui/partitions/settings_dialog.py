"""Partition Settings: the partitioning switch, the partitions, and the analysts' access.

Every button is one store call (one transaction, revision-checked), written at once, so
there is no "unsaved" state to lose; ``changed`` tells the window to read the store again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.domain.analysts import Analyst, analyst_issues, find_analyst
from outmail_gui.domain.names import same_name
from outmail_gui.domain.partitions import find_partition
from outmail_gui.domain.rules import Severity
from outmail_gui.store.errors import StoreError
from outmail_gui.store.partitions import PartitionInfo
from outmail_gui.ui.partitions.questions import ConfirmDialog, PartitionNameDialog, ReassignServersDialog

if TYPE_CHECKING:
    from outmail_gui.store.interface import SettingsRepository
    from outmail_gui.store.partitions import PartitionAdmin

_DATA = Qt.ItemDataRole.UserRole


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


class PartitionSettingsDialog(QDialog):
    changed = Signal()

    def __init__(self, repository: SettingsRepository, admin: PartitionAdmin, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("partition_settings_dialog")
        self.setWindowTitle("Partition Settings")
        self._repo = repository
        self._admin = admin
        self._partitions: list[PartitionInfo] = []
        self._analysts: list[Analyst] = []
        self._editing: Analyst | None = None  # the stored analyst shown in the fields; None: a new one
        self._typed = False  # the analyst fields were typed in (a new analyst's errors show from then on)

        self.enabled = QCheckBox("Email &IDs are partitioned (servers show the Partition field)", self)
        self.enabled.setObjectName("partitioning_enabled")
        self.partition_list = QListWidget(self)
        self.partition_list.setObjectName("partition_list")
        self.partition_list.setAccessibleName("Partitions")
        self.add_partition = self._button("add_partition", "&Add…")
        self.rename_partition = self._button("rename_partition", "&Rename…")
        self.delete_partition = self._button("delete_partition", "&Delete…")
        self.analyst_list = QListWidget(self)
        self.analyst_list.setObjectName("analyst_list")
        self.analyst_list.setAccessibleName("Analysts")
        self.login = self._line("analyst_login", "Login name")
        self.display_name = self._line("analyst_display_name", "Display name")
        self.email = self._line("analyst_email", "Email address")
        self.access = QListWidget(self)
        self.access.setObjectName("analyst_partitions")
        self.access.setAccessibleName("Partitions this analyst may access")
        self.unpartitioned = QCheckBox("And servers &without a partition", self)
        self.unpartitioned.setObjectName("analyst_unpartitioned")
        self.unpartitioned.setToolTip(
            "On shared settings, the analyst's database login may change the servers without a partition "
            "only when this is ticked (the database enforces it)."
        )
        self.analyst_message = QLabel(self)
        self.analyst_message.setObjectName("analyst_message")
        self.analyst_message.setWordWrap(True)
        self.new_analyst = self._button("new_analyst", "&New analyst")
        self.save_analyst = self._button("save_analyst", "&Save analyst")
        self.delete_analyst = self._button("delete_analyst", "De&lete analyst")
        self.message = QLabel(self)
        self.message.setObjectName("partition_settings_message")
        self.message.setWordWrap(True)
        self._build()
        self._connect()
        self.reload()

    # ----- building

    def _button(self, name: str, text: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        return button

    def _line(self, name: str, accessible: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        return edit

    def _build(self) -> None:
        partitions = QGroupBox("Partitions", self)
        p_layout = QVBoxLayout(partitions)
        p_layout.addWidget(self.partition_list, 1)
        p_buttons = QHBoxLayout()
        for button in (self.add_partition, self.rename_partition, self.delete_partition):
            p_buttons.addWidget(button)
        p_layout.addLayout(p_buttons)

        analysts = QGroupBox("Analysts", self)
        a_layout = QHBoxLayout(analysts)
        left = QVBoxLayout()
        left.addWidget(self.analyst_list, 1)
        left.addWidget(self.new_analyst)
        a_layout.addLayout(left, 1)
        fields = QFormLayout()
        for text, edit in (("Lo&gin name", self.login), ("Displa&y name", self.display_name)):
            fields.addRow(text, edit)
        fields.addRow("E&mail address", self.email)
        fields.addRow("May &access", self.access)
        fields.addRow("", self.unpartitioned)
        fields.addRow(self.analyst_message)
        a_buttons = QHBoxLayout()
        a_buttons.addStretch(1)
        a_buttons.addWidget(self.save_analyst)
        a_buttons.addWidget(self.delete_analyst)
        fields.addRow(a_buttons)
        a_layout.addLayout(fields, 2)

        body = QHBoxLayout()
        body.addWidget(partitions, 2)
        body.addWidget(analysts, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(860, 480)

    def _connect(self) -> None:
        self.enabled.toggled.connect(self._on_enabled)
        self.partition_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.add_partition.clicked.connect(self._add_partition)
        self.rename_partition.clicked.connect(self._rename_partition)
        self.delete_partition.clicked.connect(self._delete_partition)
        self.analyst_list.currentRowChanged.connect(self._on_analyst_selected)
        self.new_analyst.clicked.connect(self._start_new_analyst)
        self.save_analyst.clicked.connect(self._save_analyst)
        self.delete_analyst.clicked.connect(self._delete_analyst)
        for edit in (self.login, self.display_name, self.email):
            edit.textEdited.connect(self._analyst_typed)
            edit.textChanged.connect(self._check_analyst)

    # ----- reading

    def reload(self, *, select_partition: str = "", select_analyst: str | None = None) -> None:
        """Read everything from the store again; keep (or move) the selections."""
        current_partition = select_partition or self.selected_partition_name()
        current_analyst = select_analyst if select_analyst is not None else self._selected_login()
        self._partitions = self._admin.partitions()
        self._analysts = self._admin.analysts()
        self.enabled.blockSignals(True)
        self.enabled.setChecked(self._repo.partitioning_enabled())
        self.enabled.blockSignals(False)
        self.partition_list.clear()
        for info in self._partitions:
            uses = f"{_count(len(info.servers), 'server')}, {_count(len(info.analysts), 'analyst')}"
            item = QListWidgetItem(f"{info.name}  ({uses})")
            item.setData(_DATA, info.name)
            item.setToolTip("Servers: " + (", ".join(info.servers) or "none"))
            self.partition_list.addItem(item)
            if same_name(info.name, current_partition):
                self.partition_list.setCurrentItem(item)
        self.analyst_list.blockSignals(True)
        self.analyst_list.clear()
        for analyst in self._analysts:
            item = QListWidgetItem(analyst.label)
            item.setData(_DATA, analyst.login)
            self.analyst_list.addItem(item)
        self.analyst_list.blockSignals(False)
        chosen = find_analyst(current_analyst or "", self._analysts)
        if chosen is not None:
            self.analyst_list.setCurrentRow(self._analysts.index(chosen))
        else:
            self._show_analyst(None)
        self._update_buttons()

    def selected_partition(self) -> PartitionInfo | None:
        row = self.partition_list.currentRow()
        return self._partitions[row] if 0 <= row < len(self._partitions) else None

    def selected_partition_name(self) -> str:
        info = self.selected_partition()
        return info.name if info else ""

    def _selected_login(self) -> str:
        return self._editing.login if self._editing else ""

    def _update_buttons(self) -> None:
        chosen = self.selected_partition() is not None
        self.rename_partition.setEnabled(chosen)
        self.delete_partition.setEnabled(chosen)
        self.delete_analyst.setEnabled(self._editing is not None)
        # New analyst starts a new one; while the fields already are a new one, Add analyst saves it.
        self.new_analyst.setEnabled(self._editing is not None)
        self.new_analyst.setToolTip(
            "Clear the fields to add another analyst"
            if self._editing is not None
            else "New analyst is off: the fields are for a new analyst already; fill them in and press Add analyst."
        )

    def _tell(self, text: str, severity: Severity = Severity.NOTICE) -> None:
        prefix = {Severity.ERROR: "Error: ", Severity.WARNING: "Warning: ", Severity.NOTICE: ""}[severity]
        self.message.setText(prefix + text)

    # ----- partitions

    def _on_enabled(self, checked: bool) -> None:
        if self._write(lambda: self._repo.set_partitioning_enabled(checked)):
            state = "partitioned: servers show the Partition field" if checked else "not partitioned"
            self._tell(f"Email IDs are now {state}.")

    def _add_partition(self) -> None:
        name = PartitionNameDialog.ask(self, "Add partition", "", [p.name for p in self._partitions])
        if name is None:
            return
        if self._write(lambda: self._admin.add(name)):
            self.reload(select_partition=name)
            self._tell(f"Partition {name!r} added.")

    def _rename_partition(self) -> None:
        info = self.selected_partition()
        if info is None:
            return
        name = PartitionNameDialog.ask(self, "Rename partition", info.name, [p.name for p in self._partitions])
        if name is None:
            return
        if self._write(lambda: self._admin.rename(info.name, name, info.revision)):
            self.reload(select_partition=name)
            moved = f" Its {_count(len(info.servers), 'server')} and analysts follow." if info.servers else ""
            self._tell(f"Partition {info.name!r} renamed to {name!r}.{moved}")

    def _delete_partition(self) -> None:
        info = self.selected_partition()
        if info is None:
            return
        if info.servers:
            targets = [p.name for p in self._partitions if p.name != info.name]
            where = ReassignServersDialog.ask(self, info.name, info.servers, targets)
            if where is None:
                self._tell(
                    f"Partition {info.name!r} was not deleted: {_count(len(info.servers), 'server')} "
                    f"({', '.join(info.servers)}) still use it. Choose where they go to delete it.",
                    Severity.WARNING,
                )
                return
            target = where.partition
            done = self._write(lambda: self._admin.delete(info.name, info.revision, move_servers_to=target))
            result = f"; its servers now use {target!r}" if target else "; its servers now have no partition"
        else:
            question = f"Delete partition {info.name!r}?"
            if info.analysts:
                question += f" {_count(len(info.analysts), 'analyst')} lose access to it."
            if not ConfirmDialog.ask(self, "confirm_delete_partition", "Delete partition", question, "Delete"):
                return
            done = self._write(lambda: self._admin.delete(info.name, info.revision))
            result = ""
        if done:
            self.reload()
            self._tell(f"Partition {info.name!r} deleted{result}.")

    # ----- analysts

    def _on_analyst_selected(self, row: int) -> None:
        self._show_analyst(self._analysts[row] if 0 <= row < len(self._analysts) else None)

    def _start_new_analyst(self) -> None:
        self.analyst_list.blockSignals(True)
        self.analyst_list.clearSelection()
        self.analyst_list.setCurrentRow(-1)
        self.analyst_list.blockSignals(False)
        self._show_analyst(None)
        self.login.setFocus()

    def _analyst_typed(self, _text: str) -> None:
        self._typed = True
        self._check_analyst()

    def _show_analyst(self, analyst: Analyst | None) -> None:
        self._editing = analyst
        self._typed = analyst is not None  # a saved analyst's problems show at once; a new one's once typed
        for edit, value in (
            (self.login, analyst.login if analyst else ""),
            (self.display_name, analyst.display_name if analyst else ""),
            (self.email, analyst.email if analyst else ""),
        ):
            edit.blockSignals(True)
            edit.setText(value)
            edit.blockSignals(False)
        granted = analyst.partitions if analyst else frozenset()
        self.unpartitioned.setChecked(analyst.unpartitioned if analyst else False)
        self.access.clear()
        for info in self._partitions:
            item = QListWidgetItem(info.name)
            item.setData(_DATA, info.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = find_partition(info.name, granted) is not None
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.access.addItem(item)
        self.save_analyst.setText("&Save analyst" if analyst else "&Add analyst")
        self._check_analyst()
        self._update_buttons()

    def analyst_in_fields(self) -> Analyst:
        granted = frozenset(
            str(self.access.item(i).data(_DATA))
            for i in range(self.access.count())
            if self.access.item(i).checkState() == Qt.CheckState.Checked
        )
        revision = self._editing.revision if self._editing else 0
        unpartitioned = self.unpartitioned.isChecked()
        return Analyst(self.login.text(), self.display_name.text(), self.email.text(), granted, revision, unpartitioned)

    def _check_analyst(self) -> None:
        others = [a for a in self._analysts if self._editing is None or a.login != self._editing.login]
        issues = analyst_issues(self.analyst_in_fields(), others)
        first = next((i.message for i in issues if i.blocks_saving), "")
        self.save_analyst.setEnabled(not first)
        self.save_analyst.setToolTip(f"{self.save_analyst.text().replace('&', '')} is off: {first}" if first else "")
        words = {Severity.ERROR: "Error", Severity.WARNING: "Warning", Severity.NOTICE: "Note"}
        shown = issues if self._typed else []  # a new analyst: nothing to say before anything is typed
        self.analyst_message.setText("\n".join(f"{words[i.severity]}: {i.message}" for i in shown))

    def _save_analyst(self) -> None:
        analyst = self.analyst_in_fields()
        original = self._editing.login if self._editing else None
        saved: list[Analyst] = []

        def write() -> None:
            saved.append(self._admin.save_analyst(analyst, original_login=original))

        if self._write(write, reload_on_error=False):
            self.reload(select_analyst=saved[0].login)
            self._tell(f"Analyst {saved[0].login!r} saved.")

    def _delete_analyst(self) -> None:
        analyst = self._editing
        if analyst is None:
            return
        question = f"Delete analyst {analyst.label}? They will have no access to any partition."
        if not ConfirmDialog.ask(self, "confirm_delete_analyst", "Delete analyst", question, "Delete"):
            return
        if self._write(lambda: self._admin.delete_analyst(analyst.login, analyst.revision)):
            self.reload(select_analyst="")
            self._tell(f"Analyst {analyst.login!r} deleted.")

    # ----- writing

    def _write(self, action: Callable[[], object], *, reload_on_error: bool = True) -> bool:
        """Run one store call; show its error instead of raising. True when it worked."""
        try:
            action()
        except StoreError as exc:
            if reload_on_error:
                self.reload()
            self._tell(exc.message, Severity.ERROR)
            return False
        self.changed.emit()
        return True
