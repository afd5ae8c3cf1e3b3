"""Palettes users run the window in, for the contrast tests: a dark Fusion palette and the two
high-contrast ones (white on black, black on white), set as the application palette."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor, QPalette

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup


def _palette(colours: dict[QPalette.ColorRole, str], disabled: dict[QPalette.ColorRole, str]) -> QPalette:
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role, colour in disabled.items():
        palette.setColor(_Group.Disabled, role, QColor(colour))
    return palette


def dark_fusion() -> QPalette:
    """The dark Fusion palette Qt applications commonly use (as in Qt's own examples and KDE's Breeze Dark)."""
    return _palette(
        {
            _Role.Window: "#353535",
            _Role.WindowText: "#ffffff",
            _Role.Base: "#2a2a2a",
            _Role.AlternateBase: "#424242",
            _Role.ToolTipBase: "#353535",
            _Role.ToolTipText: "#ffffff",
            _Role.PlaceholderText: "#a0a0a0",
            _Role.Text: "#ffffff",
            _Role.Button: "#353535",
            _Role.ButtonText: "#ffffff",
            _Role.BrightText: "#ff0000",
            _Role.Light: "#505050",
            _Role.Midlight: "#454545",
            _Role.Mid: "#2a2a2a",
            _Role.Dark: "#232323",
            _Role.Shadow: "#141414",
            _Role.Link: "#2a82da",
            _Role.Highlight: "#2a82da",
            _Role.HighlightedText: "#ffffff",
        },
        {_Role.WindowText: "#7f7f7f", _Role.Text: "#7f7f7f", _Role.ButtonText: "#7f7f7f"},
    )


def high_contrast_white_on_black() -> QPalette:
    return _palette(
        {
            _Role.Window: "#000000",
            _Role.WindowText: "#ffffff",
            _Role.Base: "#000000",
            _Role.AlternateBase: "#000000",
            _Role.ToolTipBase: "#000000",
            _Role.ToolTipText: "#ffffff",
            _Role.PlaceholderText: "#c0c0c0",
            _Role.Text: "#ffffff",
            _Role.Button: "#000000",
            _Role.ButtonText: "#ffffff",
            _Role.Light: "#ffffff",
            _Role.Midlight: "#c0c0c0",
            _Role.Mid: "#808080",
            _Role.Dark: "#ffffff",
            _Role.Shadow: "#ffffff",
            _Role.Link: "#ffff00",
            _Role.Highlight: "#1aebff",
            _Role.HighlightedText: "#000000",
        },
        {_Role.WindowText: "#3ff23f", _Role.Text: "#3ff23f", _Role.ButtonText: "#3ff23f"},
    )


def high_contrast_black_on_white() -> QPalette:
    return _palette(
        {
            _Role.Window: "#ffffff",
            _Role.WindowText: "#000000",
            _Role.Base: "#ffffff",
            _Role.AlternateBase: "#ffffff",
            _Role.ToolTipBase: "#ffffff",
            _Role.ToolTipText: "#000000",
            _Role.PlaceholderText: "#404040",
            _Role.Text: "#000000",
            _Role.Button: "#ffffff",
            _Role.ButtonText: "#000000",
            _Role.Light: "#000000",
            _Role.Midlight: "#404040",
            _Role.Mid: "#808080",
            _Role.Dark: "#000000",
            _Role.Shadow: "#000000",
            _Role.Link: "#00009f",
            _Role.Highlight: "#37006e",
            _Role.HighlightedText: "#ffffff",
        },
        {_Role.WindowText: "#600000", _Role.Text: "#600000", _Role.ButtonText: "#600000"},
    )


PALETTES: dict[str, Callable[[], QPalette]] = {
    "dark-fusion": dark_fusion,
    "high-contrast-white-on-black": high_contrast_white_on_black,
    "high-contrast-black-on-white": high_contrast_black_on_white,
}


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
