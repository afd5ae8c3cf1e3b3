"""Adapters between one ServerSettings field and its input widget.

The form reads, writes, watches and locks every field through this one small interface,
so adding a field is a line in the kind table, not new form code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QLineEdit, QSpinBox, QWidget

from outmail_gui.ui.shared.messages import IssueLabel

_QLINEEDIT_MAX_LENGTH = 32767  # Qt's default; raised when a loaded value is longer, so nothing is cut


READ_ONLY_PROPERTY = "readOnlyLook"


def show_read_only(widget: QWidget, read_only: bool) -> None:
    """Make a read-only text input look read-only: the window's background instead of the
    white "type here" base, so it never invites typing (the text stays selectable).

    The widget's dynamic property ``readOnlyLook`` says which look it has (tests, style sheets).
    """
    if bool(widget.property(READ_ONLY_PROPERTY)) == read_only:
        return
    widget.setProperty(READ_ONLY_PROPERTY, read_only)
    if read_only:
        palette = QPalette(widget.palette())
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
            palette.setColor(group, QPalette.ColorRole.Base, palette.color(group, QPalette.ColorRole.Window))
        widget.setPalette(palette)
    else:
        widget.setPalette(QPalette())  # back to the inherited palette
        widget.setAttribute(Qt.WidgetAttribute.WA_SetPalette, False)


class FieldEditor:
    """One field: ``input`` is the widget named after the field (focus target)."""

    in_record = True  # False for fields shown but not part of ServerSettings values (protocol, password)

    def __init__(self, name: str, input_widget: QWidget) -> None:
        self.name = name
        self.input = input_widget
        self.row: QWidget = input_widget  # what the form places in its layout
        self.message: IssueLabel | None = None  # set when the editor places its own message label
        input_widget.setObjectName(name)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def connect_changed(self, slot: Callable[[], None]) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.input.setEnabled(not read_only)

    def focus_chain(self) -> list[QWidget]:
        """Widgets that take keyboard focus, in visual order."""
        return [self.input]

    def describe(self, label: str, help_text: str) -> None:
        """Accessible name, tooltip and what's-this (the spec's explanation) for the inputs."""
        self.input.setAccessibleName(label)
        self.input.setToolTip(help_text)
        self.input.setWhatsThis(help_text)


class TextEditor(FieldEditor):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        self.line = QLineEdit(parent)
        super().__init__(name, self.line)
        self.line.setClearButtonEnabled(False)

    def value(self) -> str:
        return self.line.text()

    def set_value(self, value: Any) -> None:
        text = str(value)
        self.line.setMaxLength(max(_QLINEEDIT_MAX_LENGTH, len(text)))
        self.line.setText(text)

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.line.textChanged.connect(slot)

    def set_read_only(self, read_only: bool) -> None:
        self.line.setReadOnly(read_only)
        show_read_only(self.line, read_only)


class DisplayEditor(TextEditor):
    """A read-only text (Protocol): shown like a label, selectable by mouse, never written back.

    It is out of the Tab chain (nothing to edit there), but keeps its accessible name and its
    label, so a screen reader still reads "Protocol: SMTP".
    """

    in_record = False

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, parent)
        self.line.setReadOnly(True)
        self.line.setFrame(False)
        self.line.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        show_read_only(self.line, True)

    def set_read_only(self, read_only: bool) -> None:
        self.line.setReadOnly(True)

    def focus_chain(self) -> list[QWidget]:
        return []


class SpinEditor(FieldEditor):
    """A whole number within ``minimum``..``maximum``; a loaded value outside stays visible.

    The range only bounds typing, and is wider than what the rules accept (e.g. port 70000
    can be typed): a wrong number stays as typed and the rules module reports it inline,
    instead of the spin box silently cutting or restoring it.
    """

    def __init__(self, name: str, minimum: int, maximum: int, suffix: str = "", parent: QWidget | None = None) -> None:
        self.spin = QSpinBox(parent)
        super().__init__(name, self.spin)
        self._range = (minimum, maximum)
        self.spin.setRange(minimum, maximum)
        self.spin.setSuffix(suffix)

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, value: Any) -> None:
        number = int(value)
        low, high = self._range
        self.spin.setRange(min(low, number), max(high, number))
        self.spin.setValue(number)

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.spin.valueChanged.connect(slot)

    def set_read_only(self, read_only: bool) -> None:
        self.spin.setReadOnly(read_only)
        self.spin.setButtonSymbols(
            QAbstractSpinBox.ButtonSymbols.NoButtons if read_only else QAbstractSpinBox.ButtonSymbols.UpDownArrows
        )
        show_read_only(self.spin, read_only)


class CheckEditor(FieldEditor):
    def __init__(self, name: str, text: str, parent: QWidget | None = None) -> None:
        self.box = QCheckBox(text, parent)
        super().__init__(name, self.box)

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.box.toggled.connect(slot)


class ChoiceEditor(FieldEditor):
    """A drop-down whose items carry the field value; an unlisted loaded value is added, not lost."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        self.combo = QComboBox(parent)
        super().__init__(name, self.combo)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)

    def set_choices(self, choices: Sequence[tuple[str, Any]]) -> None:
        blocked = self.combo.blockSignals(True)
        self.combo.clear()
        for text, data in choices:
            self.combo.addItem(text, data)
        self.combo.blockSignals(blocked)

    def values(self) -> list[Any]:
        return [self.combo.itemData(i) for i in range(self.combo.count())]

    def value(self) -> Any:
        return self.combo.itemData(self.combo.currentIndex()) if self.combo.currentIndex() >= 0 else None

    def set_value(self, value: Any) -> None:
        values = self.values()
        if value not in values:
            self.combo.addItem(self.unlisted_text(value), value)
            values.append(value)
        self.combo.setCurrentIndex(values.index(value))

    def unlisted_text(self, value: Any) -> str:
        """Item text for a loaded value that is not among the offered choices."""
        return f"{value} (not in the list)"

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.combo.currentIndexChanged.connect(slot)
