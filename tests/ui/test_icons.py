"""The window's icons come from the package's files (no QStyle at start-up) and look as the style's did."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication, QStyleFactory

from outmail_gui.ui.shared import icons
from outmail_gui.ui.shared.icons import SIZES, StatusIcon, icon

_STANDARD = icons.standard_pixmaps()  # the standard icon each file was rendered from


@pytest.fixture(autouse=True)
def fresh_icons() -> Iterator[None]:
    icons.clear_cache()
    yield
    icons.clear_cache()


def _argb(image: QImage) -> QImage:
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def test_every_icon_loads_from_its_files_in_every_size(qapp: QApplication) -> None:
    assert set(_STANDARD) == set(StatusIcon)
    for kind in StatusIcon:
        for size in SIZES:
            assert kind.path(size).is_file(), kind.path(size)
        loaded = icon(kind)
        assert not loaded.isNull(), kind
        assert {QSize(size, size) for size in SIZES} <= set(loaded.availableSizes()), kind


@pytest.mark.parametrize("kind", list(StatusIcon), ids=lambda kind: kind.name)
def test_the_files_are_the_fusion_style_standard_icons(qapp: QApplication, kind: StatusIcon) -> None:
    """The window looks as it did with ``QStyle.standardIcon``; after a PySide6 upgrade that changes
    those icons, run scripts/make_icons.py again."""
    standard = QStyleFactory.create("Fusion").standardIcon(_STANDARD[kind])
    for size in (*SIZES, 24):  # 24: the toolbar's size, scaled from the 32 px file as from the style's
        assert _argb(icon(kind).pixmap(size).toImage()) == _argb(standard.pixmap(size).toImage()), (kind, size)


def test_an_icon_of_the_desktop_theme_comes_first(qapp: QApplication, tmp_path: Path) -> None:
    """As with the style's standard icons: a desktop icon theme (here one with only a red
    ``dialog-warning``) provides the icon under the name Qt uses; the file is the fallback."""
    theme = tmp_path / "icons" / "red"
    (theme / "16").mkdir(parents=True)
    (theme / "index.theme").write_text("[Icon Theme]\nName=red\nDirectories=16\n[16]\nSize=16\nType=Fixed\n")
    red = QPixmap(16, 16)
    red.fill(QColor("red"))
    assert red.save(str(theme / "16" / "dialog-warning.png"))
    paths, name = QIcon.themeSearchPaths(), QIcon.themeName()
    QIcon.setThemeSearchPaths([str(tmp_path / "icons")])
    QIcon.setThemeName("red")
    try:
        assert icon(StatusIcon.WARNING).pixmap(16).toImage().pixelColor(8, 8) == QColor("red")
        # Compared as the window shows it (a QIcon of the files): a QImage read straight from the
        # file is not premultiplied, and Qt 6.11.3 premultiplies a theme lookup's fallback.
        shipped = QIcon()
        for size in SIZES:
            shipped.addFile(str(StatusIcon.ERROR.path(size)))
        expected = _argb(shipped.pixmap(16).toImage())
        assert _argb(icon(StatusIcon.ERROR).pixmap(16).toImage()) == expected  # not in the theme
    finally:
        QIcon.setThemeSearchPaths(paths)
        QIcon.setThemeName(name)


def test_one_colour_glyphs_take_a_dark_palettes_text_colour(qapp: QApplication) -> None:
    """▶, ▶▶, ■ and ✕ are black in the files: on a dark palette they are drawn in its text colour."""
    from PySide6.QtGui import QPalette

    from outmail_gui.ui.shared.icons import GLYPHS, clear_cache

    light = qapp.palette()
    dark = QPalette(light)
    dark.setColor(QPalette.ColorRole.Window, QColor(40, 40, 40))
    dark.setColor(QPalette.ColorRole.ButtonText, QColor(235, 235, 235))
    qapp.setPalette(dark)
    clear_cache()
    try:
        for kind in GLYPHS:
            image = icon(kind).pixmap(16).toImage()
            drawn = [
                image.pixelColor(x, y) for x in range(16) for y in range(16) if image.pixelColor(x, y).alpha() > 128
            ]
            assert drawn and all(c.lightness() > 200 for c in drawn), kind
        assert icon(StatusIcon.YES).pixmap(16).toImage() == QImage(str(StatusIcon.YES.path(16))).convertToFormat(
            icon(StatusIcon.YES).pixmap(16).toImage().format()
        )  # coloured icons stay as they are
    finally:
        qapp.setPalette(light)
        clear_cache()
