"""Check boxes, buttons and fields that can be seen in any palette, the dark and the high-contrast ones included.

Fusion draws the frame of a check box, a button, a drop-down, a text or number field and a list in a
shade of the window colour (``window.darker(140)``): on a dark palette, or on a high-contrast one
(white on black), it vanishes against the window, so an unticked box is not seen at all; on black on
white it is a light grey (1.7:1). This proxy style draws a check box's frame again in the palette's
text colour, and the other frames half-way between the text and the window colour: roles of the
user's palette, never colours of ours. WCAG 1.4.11 asks 3:1 of such indicators and boundaries; these
reach it in any palette whose text is readable (4.5:1).

:func:`use_readable_style` makes it the application's style (every window and dialog), when the style
the application would use is Fusion; another desktop style (Breeze, the Windows one) draws its own
frames and is left alone. Importing this module creates Qt's style types in Python (~10 ms): the
window sets the style after its first paint (:func:`outmail_gui.ui.window.launch.readable_style`).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionComplex,
    QStyleOptionSpinBox,
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


def _outline(painter: QPainter, option: QStyleOption, colour: QColor, inset: float) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(QPen(colour, 1))
    painter.setBrush(QBrush())  # no fill
    painter.drawRect(QRectF(option.rect).adjusted(inset, inset, -inset, -inset))
    painter.restore()


def _group(option: QStyleOption) -> QPalette.ColorGroup:
    enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
    return QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled


def _field_frame(option: QStyleOption) -> QColor:
    """The frame of a field or button: the palette's highlight while it has the focus (Fusion's focus
    frame, which must stay seen), else :func:`frame_colour`."""
    if option.state & QStyle.StateFlag.State_HasFocus:
        return option.palette.color(_group(option), QPalette.ColorRole.Highlight)
    return frame_colour(option.palette, _group(option))


class ContrastStyle(QProxyStyle):
    """The application's style, with the frames of check boxes, buttons and fields in the palette's colours."""

    def drawPrimitive(
        self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter, widget: QWidget | None = None
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element in _BOXES:
            _outline(painter, option, option.palette.color(_group(option), QPalette.ColorRole.Text), 1.5)
        elif element in _FRAMES:
            _outline(painter, option, _field_frame(option), 0.5)

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        """A number field's frame (Fusion draws it itself, not as a field frame)."""
        super().drawComplexControl(control, option, painter, widget)
        if control == QStyle.ComplexControl.CC_SpinBox and isinstance(option, QStyleOptionSpinBox) and option.frame:
            _outline(painter, option, _field_frame(option), 0.5)


def use_readable_style(app: QApplication) -> None:
    """Make :class:`ContrastStyle` the application's style if the one it would use is Fusion (the
    style it proxies is the same one: the ``-style`` option or the desktop's)."""
    style = ContrastStyle()
    if style.baseStyle().name().lower() == "fusion":
        app.setStyle(style)
