"""Palettes users run the window in, for the contrast tests: a dark Fusion palette and the two
high-contrast ones (white on black, black on white), set as the application palette."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtGui import QColor, QPalette

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup
NAMES = ("dark-fusion", "high-contrast-white-on-black", "high-contrast-black-on-white")
# Each role's colour in the three palettes, in the order of NAMES. The dark one is the dark Fusion
# palette Qt applications commonly use (Qt's own examples); the others are the desktops' high-contrast themes.
_COLOURS: dict[QPalette.ColorRole, tuple[str, str, str]] = {
    _Role.Window: ("#353535", "#000000", "#ffffff"),
    _Role.WindowText: ("#ffffff", "#ffffff", "#000000"),
    _Role.Base: ("#2a2a2a", "#000000", "#ffffff"),
    _Role.AlternateBase: ("#424242", "#000000", "#ffffff"),
    _Role.ToolTipBase: ("#353535", "#000000", "#ffffff"),
    _Role.ToolTipText: ("#ffffff", "#ffffff", "#000000"),
    _Role.PlaceholderText: ("#a0a0a0", "#c0c0c0", "#404040"),
    _Role.Text: ("#ffffff", "#ffffff", "#000000"),
    _Role.Button: ("#353535", "#000000", "#ffffff"),
    _Role.ButtonText: ("#ffffff", "#ffffff", "#000000"),
    _Role.BrightText: ("#ff0000", "#ffff00", "#ff0000"),
    _Role.Light: ("#505050", "#ffffff", "#000000"),
    _Role.Midlight: ("#454545", "#c0c0c0", "#404040"),
    _Role.Mid: ("#2a2a2a", "#808080", "#808080"),
    _Role.Dark: ("#232323", "#ffffff", "#000000"),
    _Role.Shadow: ("#141414", "#ffffff", "#000000"),
    _Role.Link: ("#2a82da", "#ffff00", "#00009f"),
    _Role.Highlight: ("#2a82da", "#1aebff", "#37006e"),
    _Role.HighlightedText: ("#ffffff", "#000000", "#ffffff"),
}
_DISABLED = ("#7f7f7f", "#3ff23f", "#600000")  # text of disabled controls


def _palette(column: int) -> QPalette:
    palette = QPalette()
    for role, colours in _COLOURS.items():
        palette.setColor(role, QColor(colours[column]))
    for role in (_Role.WindowText, _Role.Text, _Role.ButtonText):
        palette.setColor(_Group.Disabled, role, QColor(_DISABLED[column]))
    return palette


PALETTES: dict[str, Callable[[], QPalette]] = {name: partial(_palette, column) for column, name in enumerate(NAMES)}


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + 0.0722 * channel(colour.blue())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
