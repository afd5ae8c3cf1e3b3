"""Drive the real window like a user: clicks, keys, typing; find children by object name."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from outmail_gui.ui.window.main_window import MainWindow
from outmail_gui.ui.window.server_table_model import Column

T = TypeVar("T", bound=QObject)


def child(parent: QObject, cls: type[T], name: str) -> T:
    found = parent.findChildren(cls, name)
    assert len(found) == 1, f"expected one {cls.__name__} named {name!r}, found {len(found)}"
    return found[0]


def tree_item(tree: QTreeWidget, row: int) -> QTreeWidgetItem:
    item = tree.topLevelItem(row)
    assert item is not None, f"{tree.objectName()} has no row {row}"
    return item


def table_item(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None, f"{table.objectName()} has no item at ({row}, {column})"
    return item


def action(window: MainWindow, name: str) -> QAction:
    return child(window, QAction, name)


def field(window: MainWindow, name: str) -> QWidget:
    return child(window.details.form(), QWidget, name)


def line(window: MainWindow, name: str) -> QLineEdit:
    return child(window.details.form(), QLineEdit, name)


def checkbox(window: MainWindow, name: str) -> QCheckBox:
    return child(window.details.form(), QCheckBox, name)


def spin(window: MainWindow, name: str) -> QSpinBox:
    return child(window.details.form(), QSpinBox, name)


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    """Click where a user would: a checkbox's indicator, else the button's centre."""
    assert button.isVisible(), f"{button.objectName()} is not visible"
    if isinstance(button, QCheckBox):
        option = QStyleOptionButton()
        button.initStyleOption(option)
        rect = button.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, button)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=rect.center())
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def toolbar_button(window: MainWindow, name: str) -> QAbstractButton:
    return child(window, QAbstractButton, f"toolbar_{name}")


def click_toolbar(qtbot: QtBot, window: MainWindow, name: str) -> None:
    click(qtbot, toolbar_button(window, name))


def replace_text(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Focus the field, select all and type ``text`` (an empty text deletes the content)."""
    edit.setFocus(Qt.FocusReason.MouseFocusReason)
    edit.selectAll()
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)


def replace_spin(qtbot: QtBot, box: QSpinBox, value: int) -> None:
    box.setFocus(Qt.FocusReason.MouseFocusReason)
    box.selectAll()
    qtbot.keyClicks(box, str(value))


def shortcut(
    qtbot: QtBot, window: MainWindow, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Press a key where the focus is (the window when nothing has focus)."""
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def row_of(window: MainWindow, name: str) -> int:
    """The visible (proxy) row that shows ``name``, or -1."""
    proxy = window.proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, Column.NAME).data() == name:
            return row
    return -1


def click_row(qtbot: QtBot, window: MainWindow, name: str) -> None:
    row = row_of(window, name)
    assert row >= 0, f"{name!r} is not in the list"
    view = window.list_view
    index = window.proxy.index(row, Column.NAME)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())


def cell(window: MainWindow, name: str, column: Column, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
    row = row_of(window, name)
    assert row >= 0, f"{name!r} is not in the list"
    return window.proxy.index(row, column).data(role)


def status_text(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def plain_text(label: QLabel) -> str:
    """What a (rich-text) label reads as, without its markup and invisible break points."""
    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText().replace("\u200b", "")
