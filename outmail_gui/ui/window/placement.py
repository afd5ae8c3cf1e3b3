"""Where the window opens: its default size where the screen has room, never beyond the screen.

The screen's *available* geometry is what panels and docks leave free. A restored size from
another (larger) screen is shrunk to fit, and moved back onto the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

DEFAULT_SIZE = QSize(1400, 820)
FRAME_ALLOWANCE = QSize(16, 48)  # the window manager's frame and title bar, not part of the size


def available(window: QWidget) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def place_on_screen(window: QWidget) -> None:
    """The default size, or the whole available area when that is smaller; centred."""
    area = available(window)
    room = area.size() - FRAME_ALLOWANCE
    size = DEFAULT_SIZE.boundedTo(room).expandedTo(window.minimumSizeHint().boundedTo(room))
    window.resize(size)
    frame = QRect(area.topLeft(), size + FRAME_ALLOWANCE)
    frame.moveCenter(area.center())
    window.move(frame.topLeft())


def fit_into_screen(window: QWidget) -> None:
    """Shrink and move the window so that its frame lies within the available area."""
    area = available(window)
    room = area.size() - FRAME_ALLOWANCE
    if window.width() > room.width() or window.height() > room.height():
        window.resize(window.size().boundedTo(room))
    frame = QRect(window.pos(), window.size() + FRAME_ALLOWANCE)
    if not area.contains(frame):
        frame.moveLeft(min(max(frame.left(), area.left()), area.right() - frame.width() + 1))
        frame.moveTop(min(max(frame.top(), area.top()), area.bottom() - frame.height() + 1))
        window.move(frame.topLeft())
