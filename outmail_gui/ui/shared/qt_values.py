"""The few values of Qt's ``Qt`` namespace the window needs before its first paint, as plain numbers.

PySide6 creates the whole ``QtCore.Qt`` namespace (about 100 Python enums, 25-30 ms of a
≈ 300 ms start) at the first read of ``Qt`` or the first conversion of one of its values,
and a bare PySide6 window never pays for it. So the window's start path up to the first paint
reads no ``Qt`` (``tests/ui/test_launch_and_state.py`` checks it): the numbers below go in as
the values of Qt properties (:func:`set_qt_property`, which Qt converts to its enum types) or
as item-model roles, which Qt passes as ints. Each is Qt's own value, checked against the enum
by ``tests/ui/test_qt_values.py``. Code that runs later uses ``QtCore.Qt`` as usual.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence


class Role(enum.IntEnum):
    """``Qt.ItemDataRole``: what a model's ``data()`` is asked for."""

    DISPLAY = 0
    DECORATION = 1
    TOOLTIP = 3
    TEXT_ALIGNMENT = 7
    ACCESSIBLE_TEXT = 11
    USER = 256  # the first role for an application's own data


class Align(enum.IntFlag):
    """``Qt.AlignmentFlag``."""

    RIGHT = 0x2
    H_CENTER = 0x4
    V_CENTER = 0x80
    CENTER = H_CENTER | V_CENTER


class ContextMenuPolicy(enum.IntEnum):
    """``Qt.ContextMenuPolicy``."""

    ACTIONS = 2  # the widget's actions
    CUSTOM = 3  # the widget's customContextMenuRequested signal


class ToolButtonStyle(enum.IntEnum):
    """``Qt.ToolButtonStyle``."""

    ICON_ONLY = 0
    TEXT_BESIDE_ICON = 2


class ShortcutContext(enum.IntEnum):
    """``Qt.ShortcutContext``."""

    WIDGET_WITH_CHILDREN = 3


class DockArea(enum.IntFlag):
    """``Qt.DockWidgetArea``."""

    TOP = 0x4
    BOTTOM = 0x8


def set_qt_property(target: QObject, name: str, value: int) -> None:
    """Write Qt property ``name`` of ``target`` (Qt converts ``value`` to the property's enum type).

    Raises when ``target`` has no such property: a misspelt name would otherwise set a dynamic
    property that nothing reads."""
    if target.metaObject().indexOfProperty(name) < 0 or not target.setProperty(name, int(value)):
        raise ValueError(f"{type(target).__name__} has no writable property {name!r}")


def set_shortcut(action: QAction, shortcut: QKeySequence) -> None:
    """``action.setShortcut(shortcut)``, whose overload resolution creates Qt's namespace (the list
    form does not)."""
    action.setShortcuts([] if shortcut.isEmpty() else [shortcut])
