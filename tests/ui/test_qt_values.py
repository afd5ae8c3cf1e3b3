"""The plain numbers the window's start uses instead of Qt's namespace are Qt's own values."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QToolBar

from outmail_gui.ui.shared.qt_values import (
    Align,
    ContextMenuPolicy,
    DockArea,
    Role,
    ShortcutContext,
    ToolButtonStyle,
    set_qt_property,
    set_shortcut,
)

QT_VALUES = [
    (Role.DISPLAY, Qt.ItemDataRole.DisplayRole),
    (Role.DECORATION, Qt.ItemDataRole.DecorationRole),
    (Role.TOOLTIP, Qt.ItemDataRole.ToolTipRole),
    (Role.TEXT_ALIGNMENT, Qt.ItemDataRole.TextAlignmentRole),
    (Role.ACCESSIBLE_TEXT, Qt.ItemDataRole.AccessibleTextRole),
    (Role.USER, Qt.ItemDataRole.UserRole),
    (Align.RIGHT, Qt.AlignmentFlag.AlignRight),
    (Align.H_CENTER, Qt.AlignmentFlag.AlignHCenter),
    (Align.V_CENTER, Qt.AlignmentFlag.AlignVCenter),
    (Align.CENTER, Qt.AlignmentFlag.AlignCenter),
    (ContextMenuPolicy.ACTIONS, Qt.ContextMenuPolicy.ActionsContextMenu),
    (ContextMenuPolicy.CUSTOM, Qt.ContextMenuPolicy.CustomContextMenu),
    (ToolButtonStyle.ICON_ONLY, Qt.ToolButtonStyle.ToolButtonIconOnly),
    (ToolButtonStyle.TEXT_BESIDE_ICON, Qt.ToolButtonStyle.ToolButtonTextBesideIcon),
    (ShortcutContext.WIDGET_WITH_CHILDREN, Qt.ShortcutContext.WidgetWithChildrenShortcut),
    (DockArea.TOP, Qt.DockWidgetArea.TopDockWidgetArea),
    (DockArea.BOTTOM, Qt.DockWidgetArea.BottomDockWidgetArea),
]


@pytest.mark.parametrize(("ours", "qt"), QT_VALUES, ids=[ours.name or str(ours) for ours, _ in QT_VALUES])
def test_each_value_is_qts_own(ours: int, qt: Qt.ItemDataRole) -> None:
    assert int(ours) == qt.value


def test_set_qt_property_writes_the_enum_property(qapp: QApplication) -> None:
    label, toolbar = QLabel(), QToolBar()
    set_qt_property(label, "alignment", Align.RIGHT | Align.V_CENTER)
    set_qt_property(toolbar, "toolButtonStyle", ToolButtonStyle.TEXT_BESIDE_ICON)
    assert label.alignment() == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert toolbar.toolButtonStyle() is Qt.ToolButtonStyle.ToolButtonTextBesideIcon


def test_set_qt_property_refuses_a_name_qt_does_not_have(qapp: QApplication) -> None:
    label = QLabel()
    with pytest.raises(ValueError, match="QLabel has no writable property 'alignmnet'"):
        set_qt_property(label, "alignmnet", Align.CENTER)
    assert label.dynamicPropertyNames() == []


@pytest.mark.parametrize("keys", ["Ctrl+R", QKeySequence.StandardKey.Delete, ""], ids=["text", "standard", "none"])
def test_set_shortcut_is_set_shortcut(qapp: QApplication, keys: str | QKeySequence.StandardKey) -> None:
    sequence = QKeySequence(keys)
    ours, qts = QAction("ours"), QAction("Qt's")
    set_shortcut(ours, sequence)
    qts.setShortcut(sequence)
    assert ours.shortcuts() == qts.shortcuts() and ours.shortcut() == qts.shortcut()
