"""Start-up: the builder, --exit-when-shown, store errors at start, and window state between runs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from outmail_gui.paths import database_path
from outmail_gui.store import backups
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.shared.dialogs import ErrorDialog, RestoreBackupDialog
from outmail_gui.ui.window import launch
from outmail_gui.ui.window.main_window import MainWindow
from outmail_gui.ui.window.server_table_model import Column
from outmail_gui.ui.window.window_state import WindowStateStore
from tests.ui.conftest import DialogAnswers, WindowFactory, smtp
from tests.ui.helpers import click_row

ROOT = Path(__file__).resolve().parents[2]


def test_app_exposes_the_window_builder_lazily() -> None:
    code = (
        "import sys, outmail_gui.app as app; assert 'PySide6' not in sys.modules; "
        "from outmail_gui.app import build_main_window; assert 'PySide6' in sys.modules; "
        "print(build_main_window.__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "outmail_gui.ui.window.launch"


def test_builder_returns_a_wired_window_without_an_event_loop(
    make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Relay"))
    window = make_window(show=False)
    assert isinstance(window, MainWindow)
    assert not window.isVisible()
    assert window.model.rowCount() == 1


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "main.py"],
        [sys.executable, "-m", "outmail_gui"],
        [str(Path(sys.executable).with_name("outmail-gui"))],
    ],
    ids=["main.py", "-m outmail_gui", "outmail-gui"],
)
def test_exit_when_shown_exits_zero_after_painting(tmp_path: Path, data_dir: Path, command: list[str]) -> None:
    if not Path(command[0]).exists():
        pytest.skip("outmail-gui is not installed in this environment")
    with ServerRepository.open(data_dir) as repo:
        repo.save(smtp("Relay"))
    done = subprocess.run(
        [*command, "--data-dir", str(data_dir), "--exit-when-shown"],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


_LOADED_AT_START = """
import sys
from outmail_gui.ui.window.launch import run_gui
status = run_gui(sys.argv[1:])
import PySide6.QtWidgets
# PySide6 creates a class's Python type (with all its enums) on first use: QStyle's is ~7 ms.
made = " ".join(name for name in ("QStyle", "QCommonStyle") if name in vars(PySide6.QtWidgets))
print(status, made or "-", " ".join(sorted(sys.modules)))
"""


def _run_script(script: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh interpreter (as ``outmail-gui`` starts), its output captured."""
    return subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=60
    )


def test_start_up_leaves_the_test_engine_keyring_and_oauth_for_later(tmp_path: Path, data_dir: Path) -> None:
    """What the first paint does not need stays unimported, and QStyle's Python type uncreated (issue 3)."""
    with ServerRepository.open(data_dir) as repo:
        repo.save(smtp("Relay"))
    done = _run_script(_LOADED_AT_START, tmp_path, "--data-dir", str(data_dir), "--exit-when-shown")
    status, styles, modules = done.stdout.split(" ", 2)
    assert status == "0", done.stderr
    loaded = set(modules.split())
    deferred = (
        "outmail_gui.probe",
        "outmail_gui.oauth",
        "msal",
        "keyring",
        "outmail_gui.store.transfer",
        "outmail_gui.store.partitions",  # the routing table's: the list needs only the expiry flags
        "outmail_gui.domain.analysts",
        "outmail_gui.ui.connection_test.single_flow",
        "outmail_gui.ui.connection_test.batch_flow",
        "outmail_gui.ui.connection_test.oauth_step",
    )
    assert not sorted(m for m in loaded if m.startswith(deferred))
    assert "outmail_gui.ui.window.main_window" in loaded
    assert styles == "-", "the list's and toolbar's icons come from files, not from the QStyle object"


_STYLE_AFTER_PAINT = """
import sys
import PySide6.QtWidgets
from outmail_gui.ui.window import launch
set_style = launch.readable_style
def style_then_quit():
    made_before = "QStyle" in vars(PySide6.QtWidgets)
    set_style()
    app = launch.application()
    print(made_before, type(app.style()).__name__, app.style().baseStyle().name())
    app.exit(0)
launch.readable_style = style_then_quit
sys.exit(launch.run_gui(sys.argv[1:]))
"""


def test_the_window_gets_the_contrast_style_after_its_first_paint(tmp_path: Path, data_dir: Path) -> None:
    """The style that keeps frames and check boxes seen in dark and high-contrast palettes is the
    running window's, set once the list was painted (its Python type is not made before)."""
    done = _run_script(_STYLE_AFTER_PAINT, tmp_path, "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "ContrastStyle", "fusion"]


_QT_NAMESPACE_AT_FIRST_PAINT = """
import sys
import PySide6.QtCore
from PySide6.QtCore import QEvent, QObject
from outmail_gui.ui.window.launch import application, run_gui
from outmail_gui.ui.window.main_window import MainWindow

seen = []

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if not seen and event.type() == QEvent.Type.Paint and watched.objectName() == "server_list_viewport":
            seen.append("Qt" in vars(PySide6.QtCore))
            window = next(w for w in application().topLevelWidgets() if isinstance(w, MainWindow))
            seen.append([window.proxy.index(row, 0).data() for row in range(window.proxy.rowCount())])
        return False

spy = FirstPaint()
application().installEventFilter(spy)
status = run_gui(sys.argv[1:])
print(status, repr(seen))
"""


@pytest.mark.parametrize("restored_sort", [False, True], ids=["first start", "sort restored"])
def test_start_up_creates_no_qt_namespace_before_the_first_paint(
    tmp_path: Path, data_dir: Path, restored_sort: bool
) -> None:
    """PySide6 creates Qt's whole namespace (≈ 25-30 ms) at its first touch; the window's start up to
    the first paint touches none (ui.shared.qt_values), yet shows the rows in the kept sort order."""
    with ServerRepository.open(data_dir) as repo:
        for name, port in (("Alpha", 25), ("Bravo", 587), ("Charlie", 465)):
            repo.save(smtp(name, port=port))
    if restored_sort:  # a window of an earlier run, closed sorted by Port, descending
        from outmail_gui.ui.window.window_state import STATE_FILE

        config = _run_script("from outmail_gui.paths import config_dir; print(config_dir())", tmp_path)
        earlier = launch.build_main_window(
            data_dir, state_store=WindowStateStore(Path(config.stdout.strip()) / STATE_FILE)
        )
        earlier.list_view.sortByColumn(Column.PORT, Qt.SortOrder.DescendingOrder)
        earlier.close()
        assert earlier.is_shut_down()
    done = _run_script(_QT_NAMESPACE_AT_FIRST_PAINT, tmp_path, "--data-dir", str(data_dir), "--exit-when-shown")
    status, seen = done.stdout.split(" ", 1)
    assert status == "0", done.stderr
    assert seen.strip() == repr(
        [False, ["Bravo", "Charlie", "Alpha"] if restored_sort else ["Alpha", "Bravo", "Charlie"]]
    )


def test_finish_start_sorts_by_name_on_a_first_start_and_places_the_routing_dock(
    qtbot: QtBot, data_dir: Path, state_store: WindowStateStore, repo: ServerRepository
) -> None:
    """What run_gui leaves until just after the first paint (build_main_window's ``paint_first``)."""
    repo.save(smtp("Bravo"))
    repo.save(smtp("alpha"))
    window = launch.build_main_window(data_dir, paint_first=True, state_store=state_store)
    qtbot.addWidget(window)
    header = window.list_view.horizontalHeader()
    assert not header.isSortIndicatorShown()
    assert window.dockWidgetArea(window.partition_features.dock) is Qt.DockWidgetArea.NoDockWidgetArea
    window.finish_start()
    assert header.isSortIndicatorShown()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (Column.NAME, Qt.SortOrder.AscendingOrder)
    assert [window.proxy.index(row, 0).data() for row in range(2)] == ["alpha", "Bravo"]
    assert window.dockWidgetArea(window.partition_features.dock) is Qt.DockWidgetArea.BottomDockWidgetArea
    assert not window.partition_features.dock.isVisible()


class _PaintSpy(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched.objectName() == "server_list_viewport":
            self.painted.append(watched.objectName())
        return False


def test_run_gui_in_process_exits_zero_only_after_the_list_was_painted(
    qapp: QApplication, data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    spy = _PaintSpy()
    qapp.installEventFilter(spy)
    try:
        status = launch.run_gui(["--data-dir", str(data_dir), "--exit-when-shown"])
    finally:
        qapp.removeEventFilter(spy)
    assert status == 0
    assert spy.painted


def test_schema_too_new_is_told_and_exits_1(data_dir: Path, answer_dialog: DialogAnswers, tmp_path: Path) -> None:
    with sqlite3.connect(database_path(data_dir)) as conn:
        conn.execute("PRAGMA user_version = 999")
    shown = answer_dialog(ErrorDialog, None, method="show")
    assert launch.run_gui(["--data-dir", str(data_dir), "--exit-when-shown"]) == 1
    assert shown[0][0] == "Newer settings database"
    assert "newer version of Outmail" in shown[0][1]


def _saved_with_backup(data_dir: Path) -> None:
    with ServerRepository.open(data_dir) as repo:
        repo.save(smtp("Relay"))
    conn = sqlite3.connect(database_path(data_dir))
    try:
        backups.make_backup(conn, data_dir, "test")  # the store's own backup of this state
    finally:
        conn.close()


def test_corrupt_database_offers_the_latest_backup(data_dir: Path, answer_dialog: DialogAnswers) -> None:
    _saved_with_backup(data_dir)
    database_path(data_dir).write_bytes(b"this is not a database" * 100)
    asked = answer_dialog(RestoreBackupDialog, True)
    assert launch.run_gui(["--data-dir", str(data_dir), "--exit-when-shown"]) == 0
    assert len(asked) == 1
    with ServerRepository.open(data_dir) as repo:
        assert repo.find_by_name("Relay") is not None


def test_corrupt_database_refused_restore_exits_1(data_dir: Path, answer_dialog: DialogAnswers) -> None:
    _saved_with_backup(data_dir)
    database_path(data_dir).write_bytes(b"this is not a database" * 100)
    answer_dialog(RestoreBackupDialog, False)
    assert launch.run_gui(["--data-dir", str(data_dir)]) == 1


def test_geometry_splitter_and_selection_are_restored(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Relay"))
    repo.save(smtp("Spare"))
    first = make_window()
    first.resize(760, 560)
    first.splitter.setSizes([420, 340])
    sizes = first.splitter.sizes()
    click_row(qtbot, first, "Spare")
    first.close()
    assert not first.isVisible()

    second = make_window()
    assert second.size().width() == 760 and second.size().height() == 560
    assert second.splitter.sizes() == sizes
    assert second.details.is_showing_details()
    assert second.details.form().record().name == "Spare"
    assert second.selected_id() == second.details.form().record().id
