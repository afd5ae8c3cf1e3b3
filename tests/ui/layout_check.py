"""Layout checks by walking the widget tree, and a run of the real window on one screen size.

``python -m tests.ui.layout_check WIDTHxHEIGHT [SCALE]`` starts the window on an offscreen
screen of that size (Qt's offscreen platform with a screen configuration; ``SCALE`` sets
QT_SCALE_FACTOR, so 1920x1080 at 2 is a 1080p screen at 200 %), over the README's demo
data with its loopback servers, and prints the problems found as JSON (an empty list: none).
``tests/ui/test_layout_sizes.py`` runs it once per size, each in its own process, since a
QApplication's screens and scale factor are fixed when it starts.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QScrollArea,
    QTreeWidget,
    QWidget,
)

if TYPE_CHECKING:
    from outmail_gui.store.secrets import SecretStore
    from outmail_gui.ui.window.main_window import MainWindow
    from outmail_gui.ui.window.window_state import WindowStateStore

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = 1  # px of overlap that rounding at fractional scales may cause


def _name(widget: QWidget) -> str:
    return f"{type(widget).__name__}({widget.objectName() or '-'})"


def _shown_children(widget: QWidget) -> list[QWidget]:
    return [
        c
        for c in widget.children()
        if isinstance(c, QWidget) and not c.isWindow() and c.isVisible() and c.width() > 0 and c.height() > 0
    ]


def overlaps(root: QWidget) -> list[str]:
    """Visible siblings whose rectangles intersect (more than rounding)."""
    found = []
    for parent in [root, *root.findChildren(QWidget)]:
        if not parent.isVisible():
            continue
        for a, b in itertools.combinations(_shown_children(parent), 2):
            common = a.geometry().intersected(b.geometry())
            if common.width() > TOLERANCE and common.height() > TOLERANCE:
                found.append(f"{_name(a)} overlaps {_name(b)} in {_name(parent)}")
    return found


def clipped_texts(root: QWidget) -> list[str]:
    """Labels and buttons whose text does not fit: cut, elided or wrapped out of sight."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or not _fully_inside(widget, root):
            continue
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                if widget.height() < widget.heightForWidth(widget.width()):
                    found.append(f"{_name(widget)} is cut at the bottom: {widget.text()[:60]!r}")
            elif widget.minimumSizeHint().width() > widget.width() + TOLERANCE and widget.pixmap().isNull():
                found.append(f"{_name(widget)} is cut: {widget.text()[:60]!r}")
        elif (
            isinstance(widget, QAbstractButton)
            and widget.text()
            and widget.sizeHint().width() > widget.width() + TOLERANCE
        ):
            found.append(f"{_name(widget)} text is cut: {widget.text()!r}")
    return found


def _fully_inside(widget: QWidget, root: QWidget) -> bool:
    """Not scrolled out of a scroll area: what the user cannot see without scrolling is not judged."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            top_left = widget.mapTo(parent.viewport(), widget.rect().topLeft())
            if not parent.viewport().rect().contains(QRect(top_left, widget.size())):
                return False
        parent = parent.parentWidget()
    return True


def seen_whole(widget: QWidget, root: QWidget) -> bool:
    """``widget`` is shown and nothing of it is outside ``root`` or scrolled away."""
    if not widget.isVisible():
        return False
    inside = QRect(widget.mapTo(root, widget.rect().topLeft()), widget.size())
    return root.rect().contains(inside) and _fully_inside(widget, root)


def form_scroll_bars(root: QWidget) -> list[str]:
    return [
        f"{_name(area)} has a horizontal scroll bar"
        for area in root.findChildren(QScrollArea, "server_form_scroll")
        if area.isVisible() and area.horizontalScrollBar().isVisible()
    ]


# ----- the run on one screen (a separate process)


def _screen_config(tmp: Path, width: int, height: int) -> str:
    config = tmp / "screen.json"
    screen = {"name": "test", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"windowFrameMargins": False, "screens": [screen]}))
    return f"offscreen:configfile={config}"


def _settle(seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def check_window(width: int, height: int, tmp: Path) -> list[str]:
    """Open the window on a ``width`` x ``height`` screen over the demo data; every problem seen."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import keyring
    from screenshots import demo_data, lab, shots

    from outmail_gui.store.secrets import SecretStore
    from outmail_gui.ui.window.launch import application, build_main_window
    from outmail_gui.ui.window.server_table_model import Column
    from outmail_gui.ui.window.window_state import WindowStateStore

    demo_keyring = demo_data.DemoKeyring(tmp / "keyring.json")
    keyring.set_keyring(demo_keyring)
    secrets = SecretStore(demo_keyring)
    data_dir = tmp / "data"
    data_dir.mkdir()
    problems: list[str] = []
    app = application()
    with lab.loopback_servers(tmp / "smtp-tls") as servers:
        demo_data.seed(
            data_dir, secrets, silent_port=servers.silent_port, smtp_port=servers.smtp_port, smtp_pin=servers.smtp_pin
        )
        window = build_main_window(
            data_dir,
            analyst=demo_data.ANALYST,
            secrets=secrets,
            state_store=WindowStateStore(tmp / "window.ini"),
            daily_backup=False,
        )
        window.show()
        _settle()
        available = window.screen().availableGeometry()
        if not available.contains(window.frameGeometry()):
            problems.append(f"the window ({window.frameGeometry()}) is not within the screen ({available})")
        where = f"{width}x{height}"

        def walk(moment: str) -> None:
            _settle()
            for problem in overlaps(window) + clipped_texts(window) + form_scroll_bars(window):
                problems.append(f"{where}, {moment}: {problem}")

        walk("start")
        hidden = [b for b in window.findChildren(QWidget, "qt_toolbar_ext_button") if b.isVisible()]
        if hidden:  # the toolbar's » menu: some buttons (Test all) would be out of sight
            problems.append(f"{where}: the toolbar hides buttons behind its » menu")
        shots.select(window, "Head office relay")
        walk("a server shown")
        view = window.list_view
        header = view.horizontalHeader()
        if width >= 1366:  # the README demo data's names and servers in full from 1366 px on
            for column in (Column.NAME, Column.SERVER):
                right = header.sectionViewportPosition(column) + header.sectionSize(column)
                if header.sectionSize(column) < view.sizeHintForColumn(column) or right > view.viewport().width():
                    problems.append(f"{where}: the list's {column.title} column is not shown in full")
        shots.select(window, "Exchange Online")  # OAuth 2.0: its row and message in the form
        walk("an OAuth server shown")
        shots.select(window, "Branch office relay")
        window.testing.test_action.trigger()
        shots._wait_for_test(window)
        walk("after a failed test")
        panel = window.details.test_panel()
        for label in (panel.result, panel.hint):
            if not seen_whole(label, window):
                problems.append(f"{where}: after a failed test, {_name(label)} is not seen whole")
        steps: QTreeWidget = panel.steps
        items = [steps.topLevelItem(i) for i in range(steps.topLevelItemCount())]
        failed = [item for item in items if item is not None and item.text(1) == "Failed"]
        if not failed or not steps.viewport().rect().contains(steps.visualItemRect(failed[0])):
            problems.append(f"{where}: after a failed test, the failed step is not in view")
        panel.details_button.click()  # Show full report: a box to read, not four lines
        walk("the full report shown")
        lines = panel.details.height() // max(panel.details.fontMetrics().lineSpacing(), 1)
        if height >= 768 and lines < 12:
            problems.append(f"{where}: the full report shows only {lines} lines")
        problems += check_shared_settings_dialog(window, secrets, WindowStateStore(tmp / "window.ini"), where)
        problems += check_changed_elsewhere(window, data_dir, where)
        window.shut_down()
        window.close()
    del app
    return problems


def check_shared_settings_dialog(
    window: QWidget, secrets: SecretStore, state: WindowStateStore, where: str, png: Path | None = None
) -> list[str]:
    """File › Open Shared Settings… with recent stores and a long one-line answer: nothing cut or overlapping."""
    from outmail_gui.ui.window.shared_settings_dialog import SharedSettingsDialog
    from outmail_gui.ui.window.window_state import RecentStore

    for url in ("service=outmail", "postgresql://db.corp.example:5432/outmail?sslmode=verify-full"):
        state.remember_store(RecentStore(url, "jdoe"))
    dialog = SharedSettingsDialog(window, secrets, state)
    dialog.test_result.setText(
        "The shared settings database dbname=outmail host=db.corp.example port=5432 user=jdoe refused the "
        'connection: password authentication failed for user "jdoe".'
    )
    dialog.show()
    _settle()
    problems = [f"{where}, Open Shared Settings: {p}" for p in overlaps(dialog) + clipped_texts(dialog)]
    available = dialog.screen().availableGeometry()
    if not available.contains(dialog.frameGeometry()):
        problems.append(f"{where}: Open Shared Settings ({dialog.frameGeometry()}) is not within the screen")
    if png is not None:
        dialog.grab().save(str(png))
    dialog.close()
    dialog.deleteLater()
    return problems


def check_changed_elsewhere(window: MainWindow, data_dir: Path, where: str, png: Path | None = None) -> list[str]:
    """The form's "Changed by …" banner over unsaved edits, then Server › Changes… over the trail."""
    from PySide6.QtWidgets import QSpinBox

    from outmail_gui.store.repository import ServerRepository
    from outmail_gui.ui.window.changes_dialog import ChangesDialog

    window.details.show_settings()
    record = window.model.find(window.session.current_saved_id())
    spin = window.details.form().findChild(QSpinBox, "port")
    if record is None or spin is None:
        return [f"{where}: no server shown to edit"]
    spin.setValue(2525 if record.port != 2525 else 2526)  # an unsaved edit
    with ServerRepository.open(data_dir, daily_backup=False) as other:  # another instance saves meanwhile
        other.save(record.with_changes(port=465, server="smtp2.corp.example"))
    window.sync_with_store()
    _settle()
    problems = []
    if not window.details.form().changed_banner.isVisible():
        problems.append(f"{where}: no banner over edits changed elsewhere")
    for problem in overlaps(window) + clipped_texts(window) + form_scroll_bars(window):
        problems.append(f"{where}, the changed-elsewhere banner: {problem}")
    dialog = ChangesDialog(window.repository, window.model.names(), "", window)
    dialog.show()
    _settle()
    problems += [f"{where}, Changes: {p}" for p in overlaps(dialog) + clipped_texts(dialog)]
    if dialog.table.horizontalScrollBar().isVisible():
        problems.append(f"{where}: Changes has a horizontal scroll bar")
    if not dialog.screen().availableGeometry().contains(dialog.frameGeometry()):
        problems.append(f"{where}: Changes ({dialog.frameGeometry()}) is not within the screen")
    if png is not None:
        window.grab().save(str(png.with_name(f"banner-{png.name}")))
        dialog.grab().save(str(png))
    dialog.close()
    dialog.deleteLater()
    return problems


def main() -> int:
    width, height = (int(n) for n in sys.argv[1].split("x"))
    scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    if scale != 1:
        os.environ["QT_SCALE_FACTOR"] = str(scale)
    with tempfile.TemporaryDirectory(prefix="outmail-layout-") as name:
        tmp = Path(name)
        for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            os.environ[variable] = str(tmp / variable.lower())
        os.environ["QT_QPA_PLATFORM"] = _screen_config(tmp, width, height)
        print(json.dumps(check_window(int(width / scale), int(height / scale), tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
