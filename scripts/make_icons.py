"""Write the window's icon files (outmail_gui/ui/shared/icon_files/) from Qt's Fusion standard icons,
and the application icon's PNG sizes (outmail_gui/ui/shared/app_icon/) from its SVG.

    .venv/bin/python scripts/make_icons.py [--check]

The window loads these files instead of asking ``QStyle.standardIcon`` (which creates the
``QStyle`` Python type at start-up, see outmail_gui/ui/shared/icons.py), so it looks as it did. Run
it again after a PySide6 upgrade changes the standard icons; ``--check`` only compares the
files with what Qt draws now (exit 1 when they differ). The images are Qt's own artwork
(Qt, LGPL-3.0).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication, QStyleFactory

    from outmail_gui.ui.shared.icons import ICON_DIR, SIZES, StatusIcon, standard_pixmaps

    standard = standard_pixmaps()
    missing = set(StatusIcon) - set(standard)
    if missing:
        raise SystemExit(f"no standard icon for {sorted(m.name for m in missing)}")
    QApplication([sys.argv[0]])
    style = QStyleFactory.create("Fusion")
    differ: list[str] = []
    ICON_DIR.mkdir(exist_ok=True)
    for kind, pixmap in standard.items():
        source = style.standardIcon(pixmap)
        for size in SIZES:
            image = source.pixmap(size).toImage().convertToFormat(QImage.Format.Format_ARGB32)
            path = kind.path(size)
            if args.check:
                if QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32) != image:
                    differ.append(path.name)
            elif not image.save(str(path)):  # PNG, from the suffix
                raise SystemExit(f"could not write {path}")
    differ += _app_icon(check=args.check)
    if differ:
        print("differ from what Qt draws now:", " ".join(differ))
        return 1
    print("checked" if args.check else "written", len(standard) * len(SIZES), "files in", ICON_DIR.relative_to(ROOT))
    return 0


def _app_icon(*, check: bool) -> list[str]:
    """Render the application icon's SVG to each PNG size (the window and the desktop entry use them)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    from outmail_gui.ui.shared.icons import APP_ICON_DIR, APP_ICON_SIZES, app_icon_path

    renderer = QSvgRenderer(str(APP_ICON_DIR / "outmail.svg"))
    if not renderer.isValid():
        raise SystemExit("the application icon's SVG cannot be read")
    differ = []
    for size in APP_ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        path = app_icon_path(size)
        if check:
            if QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32) != image:
                differ.append(path.name)
        elif not image.save(str(path)):
            raise SystemExit(f"could not write {path}")
    return differ


if __name__ == "__main__":
    raise SystemExit(main())
