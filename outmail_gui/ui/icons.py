"""Icons for list status and actions: the style's standard icons, created on first use.

Status is never told by colour alone: every icon here is shown next to a word.
"""

from __future__ import annotations

import enum
from functools import cache

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

_SP = QStyle.StandardPixmap


class StatusIcon(enum.Enum):
    YES = _SP.SP_DialogApplyButton
    NO = _SP.SP_DialogCancelButton
    DEFAULT = _SP.SP_DialogYesButton
    WARNING = _SP.SP_MessageBoxWarning
    INFO = _SP.SP_MessageBoxInformation
    ERROR = _SP.SP_MessageBoxCritical
    NEW = _SP.SP_FileIcon
    SAVE = _SP.SP_DialogSaveButton
    CLOSE = _SP.SP_DialogCloseButton
    DELETE = _SP.SP_TrashIcon
    DUPLICATE = _SP.SP_FileDialogNewFolder
    IMPORT = _SP.SP_DialogOpenButton
    EXPORT = _SP.SP_DriveFDIcon


@cache
def icon(kind: StatusIcon) -> QIcon:
    """The icon for ``kind`` (a QApplication must exist)."""
    style = QApplication.style()
    return style.standardIcon(kind.value)


def clear_cache() -> None:
    """Forget the icons (after the QApplication is replaced, e.g. between test sessions)."""
    icon.cache_clear()
