"""Check boxes, buttons and fields that can be seen in any palette, the dark and the high-contrast ones included.

Fusion draws the frame of a check box, a button and a text field or list in a shade of the window colour
(``window.darker(140)``): on a dark palette, or on a high-contrast one (white on black), it vanishes
against the field, so an unticked box is not seen at all; on black on white it is a light grey (2:1).
This proxy style draws a check box's frame again in the palette's text colour, and a field's frame
half-way between the text and the window colour: roles of the user's palette, never colours of
ours. WCAG 1.4.11 asks 3:1 of such indicators and boundaries; these reach it in any palette whose
text is readable (4.5:1).

Qt styles are per widget and are not inherited by children: :func:`readable_controls` gives the
style to each check box, button, text field and item view (whose check marks its delegate draws) under a widget.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QLineEdit,
    QProxyStyle,
    QPushButton,
    QStyle,
    QStyleOption,
    QWidget,
)

_PE = QStyle.PrimitiveElement
_BOXES = frozenset({_PE.PE_IndicatorCheckBox, _PE.PE_IndicatorItemViewItemCheck})
_FRAMES = frozenset({_PE.PE_FrameLineEdit, _PE.PE_Frame, _PE.PE_PanelButtonCommand})


def frame_colour(palette: QPalette, group: QPalette.ColorGroup = QPalette.ColorGroup.Normal) -> QColor:
    """Half-way between the text and the window colour: a boundary that is seen, lighter than text."""
    text, window = palette.color(group, QPalette.ColorRole.Text), palette.color(group, QPalette.ColorRole.Window)
    return QColor(
        (text.red() + window.red()) // 2, (text.green() + window.green()) // 2, (text.blue() + window.blue()) // 2
    )


class ContrastStyle(QProxyStyle):
    """The application's style, with the frames of check boxes, buttons and fields in the palette's colours."""

    def drawPrimitive(
        self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter, widget: QWidget | None = None
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in _BOXES and element not in _FRAMES:
            return
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        palette: QPalette = option.palette
        rect = QRectF(option.rect)
        if element in _BOXES:
            colour, rect = palette.color(group, QPalette.ColorRole.Text), rect.adjusted(1.5, 1.5, -1.5, -1.5)
        else:
            colour, rect = frame_colour(palette, group), rect.adjusted(0.5, 0.5, -0.5, -0.5)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(QPen(colour, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
        painter.restore()


def readable_controls(root: QWidget) -> ContrastStyle:
    """Give the check boxes, buttons, text fields and item views under ``root`` a :class:`ContrastStyle`
    (owned by ``root``)."""
    style = ContrastStyle()
    style.setParent(root)
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QCheckBox | QLineEdit | QPushButton | QAbstractItemView):
            widget.setStyle(style)
    return style
