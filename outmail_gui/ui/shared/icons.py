"""Icons for list status and actions: the package's PNG files, or the desktop's icon theme.

Status is never told by colour alone: every icon here is shown next to a word.

The files (``icon_files/<name>-<size>.png``) are the Fusion style's standard icons, written by
``scripts/make_icons.py``; like ``QStyle.standardIcon`` on Linux, an icon of the desktop's
theme (under the name Qt gives that standard icon) comes first. Nothing here touches the
style object from Python: that would create the ``QStyle`` Python type with all its enums,
≈ 7 ms of every start-up, before the first paint.
"""

from __future__ import annotations

import enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyle

ICON_DIR = Path(__file__).with_name("icon_files")
SIZES = (16, 32, 128)  # px, as the style's own icons come: the list, toolbars, high-DPI screens
APP_ICON_DIR = Path(__file__).with_name("app_icon")  # outmail.svg and its PNG renderings
APP_ICON_SIZES = (16, 32, 48, 64, 128, 256)
APP_ICON_NAME = "outmail"  # in the desktop's icon theme (installed by scripts/setup.sh app)


class StatusIcon(enum.Enum):
    """Each icon: its file name and its icon-theme name ("" where Qt uses none)."""

    YES = ("yes", "dialog-ok-apply")
    NO = ("no", "dialog-cancel")
    DEFAULT = ("default", "dialog-ok")
    WARNING = ("warning", "dialog-warning")
    INFO = ("info", "dialog-information")
    ERROR = ("error", "dialog-error")
    NEW = ("new", "text-x-generic")
    SAVE = ("save", "document-save")
    CLOSE = ("close", "window-close")
    DELETE = ("delete", "user-trash")
    DUPLICATE = ("duplicate", "folder-new")
    IMPORT = ("import", "folder-open")
    EXPORT = ("export", "")
    TEST = ("test", "media-playback-start")
    TEST_ALL = ("test-all", "media-seek-forward")
    CANCEL_ALL = ("cancel-all", "media-playback-stop")

    @property
    def file_name(self) -> str:
        return str(self.value[0])

    @property
    def theme_name(self) -> str:
        return str(self.value[1])

    def path(self, size: int) -> Path:
        return ICON_DIR / f"{self.file_name}-{size}.png"


@cache
def icon(kind: StatusIcon) -> QIcon:
    """The icon for ``kind`` (a QApplication must exist)."""
    shipped = QIcon()
    for size in SIZES:
        shipped.addFile(str(kind.path(size)))
    found = QIcon.fromTheme(kind.theme_name, shipped) if kind.theme_name else shipped
    return readable(found) if kind in GLYPHS else found


# Black one-colour glyphs (▶, ▶▶, ■, ✕): unreadable on a dark palette unless drawn in its text colour.
GLYPHS = frozenset({StatusIcon.TEST, StatusIcon.TEST_ALL, StatusIcon.CANCEL_ALL, StatusIcon.CLOSE})


def readable(source: QIcon) -> QIcon:
    """``source`` (a one-colour glyph) in the palette's button-text colour when the palette is dark
    (a dark Fusion palette, a high-contrast theme); unchanged on a light one."""
    from PySide6.QtGui import QGuiApplication, QPainter, QPalette

    palette = QGuiApplication.palette()
    if palette.color(QPalette.ColorRole.Window).lightness() >= 128:
        return source
    colour = palette.color(QPalette.ColorRole.ButtonText)
    tinted = QIcon()
    for size in (*SIZES, 24):
        pixmap = source.pixmap(size)
        painter = QPainter(pixmap)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(pixmap.rect(), colour)
        painter.end()
        tinted.addPixmap(pixmap)
    return tinted


def app_icon_path(size: int) -> Path:
    return APP_ICON_DIR / f"{APP_ICON_NAME}-{size}.png"


@cache
def app_icon() -> QIcon:
    """Outmail's application icon (window, dialogs); the PNGs load when first drawn."""
    shipped = QIcon()
    for size in APP_ICON_SIZES:
        shipped.addFile(str(app_icon_path(size)))
    return shipped


def clear_cache() -> None:
    """Forget the icons (after the QApplication is replaced, e.g. between test sessions)."""
    icon.cache_clear()
    app_icon.cache_clear()


def standard_pixmaps() -> dict[StatusIcon, QStyle.StandardPixmap]:
    """The style's standard icon each file is rendered from (``scripts/make_icons.py`` and its test).

    It creates the ``QStyle`` type, so nothing on the start-up path calls it.
    """
    from PySide6.QtWidgets import QStyle

    sp = QStyle.StandardPixmap
    return {
        StatusIcon.YES: sp.SP_DialogApplyButton,
        StatusIcon.NO: sp.SP_DialogCancelButton,
        StatusIcon.DEFAULT: sp.SP_DialogYesButton,
        StatusIcon.WARNING: sp.SP_MessageBoxWarning,
        StatusIcon.INFO: sp.SP_MessageBoxInformation,
        StatusIcon.ERROR: sp.SP_MessageBoxCritical,
        StatusIcon.NEW: sp.SP_FileIcon,
        StatusIcon.SAVE: sp.SP_DialogSaveButton,
        StatusIcon.CLOSE: sp.SP_DialogCloseButton,
        StatusIcon.DELETE: sp.SP_TrashIcon,
        StatusIcon.DUPLICATE: sp.SP_FileDialogNewFolder,
        StatusIcon.IMPORT: sp.SP_DialogOpenButton,
        StatusIcon.EXPORT: sp.SP_DriveFDIcon,
        StatusIcon.TEST: sp.SP_MediaPlay,
        StatusIcon.TEST_ALL: sp.SP_MediaSeekForward,
        StatusIcon.CANCEL_ALL: sp.SP_MediaStop,
    }
