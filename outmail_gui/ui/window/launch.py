"""Start the window: open the store (handling its start-up errors), build the window, show it.

:func:`build_main_window` builds the fully wired window without entering the event loop
(tests and embedding use it); :func:`run_gui` is what ``outmail-gui`` runs without a command,
after :func:`~outmail_gui.ui.window.prestart.prestart` has read the options and started checking the
database while this module loaded Qt.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import outmail_gui.ui.window.core_first  # noqa: F401 - before PySide6 on purpose: see its docstring
from outmail_gui.ui.window.prestart import Prestart, prestart

# isort: split
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from outmail_gui.store.errors import DatabaseCorruptError, SchemaTooNewError, StoreError
from outmail_gui.store.interface import SettingsRepository
from outmail_gui.store.location import SharedStore
from outmail_gui.store.opening import IntegrityCheck
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.partitions.features import resolve_analyst
from outmail_gui.ui.window.main_window import MainWindow
from outmail_gui.ui.window.store_switch import StoreMenu, open_windows
from outmail_gui.ui.window.window_state import WindowStateStore

if TYPE_CHECKING:
    from outmail_gui.store.postgres.opening import SharedOpening
    from outmail_gui.ui.shared.crash_reporting import CrashReporter
    from outmail_gui.ui.shared.dialogs import UnreachableChoice

APPLICATION_NAME = "Outmail"
EXIT_OK = 0
EXIT_FAILED = 1


def application() -> QApplication:
    """The running QApplication, created (with Outmail's names) if there is none."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication([sys.argv[0] if sys.argv else "outmail-gui"])
    app.setApplicationName(APPLICATION_NAME)
    app.setApplicationDisplayName(APPLICATION_NAME)
    app.setOrganizationName(APPLICATION_NAME)
    app.setDesktopFileName("outmail")  # the desktop entry (scripts/install-desktop-entry.sh): its icon and name
    return app


def readable_style() -> None:
    """Give the application the style whose check boxes and frames are seen in dark and high-contrast
    palettes (:mod:`outmail_gui.ui.shared.contrast`). Its Python type creates Qt's style types (~10 ms),
    so the window gets it just after its first paint, start-up messages before they open."""
    from outmail_gui.ui.shared.contrast import use_readable_style

    use_readable_style(application())


def _ready_for_use(window: MainWindow) -> None:
    """Just after the first paint: the window's set-up that needs Qt's namespace
    (:meth:`MainWindow.finish_start`), then the readable style."""
    if not window.is_shut_down():
        window.finish_start()
    readable_style()


def build_main_window(
    data_dir: Path,
    *,
    paint_first: bool = False,
    shared: SharedStore | None = None,
    analyst: str | None = None,
    secrets: SecretStore | None = None,
    state_store: WindowStateStore | None = None,
    daily_backup: bool = True,
    integrity: IntegrityCheck | None = None,
    shared_opening: SharedOpening | None = None,
) -> MainWindow:
    """The fully wired main window, not shown; raises the store's StoreError subclasses.

    The settings are in ``shared`` (a PostgreSQL store) when given, else in the local store in
    ``data_dir``, which stays this workstation's folder either way (its OAuth token caches).
    ``secrets`` defaults to the system keyring (imported on first use); ``state_store`` to the
    window settings under the user's config directory. ``daily_backup=False`` leaves the local
    store's daily backup copy to the caller (:func:`run_gui` makes it just after the first paint);
    ``integrity`` is the local database's integrity check if one was started earlier,
    ``shared_opening`` the shared store's opening (when it is ``shared``'s). ``paint_first``: leave
    :meth:`MainWindow.finish_start` to the caller (:func:`run_gui` runs it just after the first paint).
    """
    application()
    keyring = secrets if secrets is not None else SecretStore()
    if shared_opening is not None and shared_opening.store == shared:
        repository: SettingsRepository = shared_opening.repository()
    else:
        repository = _open_store(Path(data_dir), shared, keyring, daily_backup=daily_backup, integrity=integrity)
    try:
        window = MainWindow(
            repository,
            keyring,
            data_dir=Path(data_dir),
            shared=shared,
            analyst=window_analyst(repository, analyst),
            state_store=state_store,
        )
        window.requested_analyst = analyst
        window.store_menu = StoreMenu(window, window, build_main_window)
        window.restore_state()
        if not paint_first:
            window.finish_start()
    except BaseException:
        repository.close()
        raise
    notices = repository.notices()  # a folder made private, a failed backup: before what the list found
    if notices:
        window.show_status(" ".join([*notices, window.statusBar().currentMessage()]).strip())
    return window


def _open_store(
    data_dir: Path,
    shared: SharedStore | None,
    secrets: SecretStore,
    *,
    daily_backup: bool,
    integrity: IntegrityCheck | None,
) -> SettingsRepository:
    if shared is None:
        return ServerRepository.open(data_dir, daily_backup=daily_backup, integrity=integrity)
    from outmail_gui.store.postgres.repository import SharedRepository  # psycopg loads for a shared store only

    return SharedRepository.open(shared, secrets)


def window_analyst(repository: SettingsRepository, analyst: str | None) -> str | None:
    """Whose partitions the window offers. On the shared store the database login decides (its
    row-level security does): an analyst login its own partitions, any other login every one."""
    allowed = repository.capabilities()
    if allowed.role == "local":
        return resolve_analyst(repository, analyst)
    return allowed.login if allowed.role == "analyst" else None


class _DailyBackupAfterPaint(QObject):
    """Makes the daily backup (when due) just after the first paint, or at the latest on :meth:`run`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._done = False
        window.list_view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self.run)
        return False

    def run(self) -> None:
        if self._done or self._window.is_shut_down():
            return
        self._done = True
        repository = self._window.repository
        warning = repository.daily_backup_if_due() if isinstance(repository, ServerRepository) else None
        if warning:
            self._window.show_status(warning)


class _AfterFirstPaint(QObject):
    """Calls ``then`` from the event loop once the watched widget has been painted."""

    def __init__(self, watched: QWidget, then: Callable[[], object]) -> None:
        super().__init__(watched)
        self._then = then
        self._done = False
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            # Runs after this paint event (and the backing-store flush it belongs to) completes.
            QTimer.singleShot(0, self, self._then)
        return False


def run_gui(argv: Sequence[str], started: Prestart | None = None) -> int:
    """Run the window until it is closed; the process exit status.

    ``started``: what :func:`~outmail_gui.ui.window.prestart.prestart` did with ``argv`` before Qt was
    loaded; without it, that is done now.
    """
    start = started if started is not None else prestart(argv)
    app = application()
    reporter = _report_crashes(app)
    try:
        return _run(app, start)
    finally:
        if reporter is not None:
            reporter.uninstall()


def _run(app: QApplication, start: Prestart) -> int:
    args = start.options
    if start.directory is None:
        gc.enable()  # the message may stay open a while
        _fatal(f"The data directory cannot be used: {start.problem}")
        return EXIT_FAILED
    directory = start.directory
    # Start-up builds long-lived objects (Qt types, modules, the list's rows): no garbage
    # collection passes over them while they are built (outmail_gui.app.main stops it before
    # the imports), and none afterwards - they live as long as the window, so they are frozen
    # out of later collections, the one at exit too.
    gc.disable()
    try:
        window = _open_window(directory, args.shared_store, args.analyst, start.integrity, start.shared_opening)
        if window is not None:
            backup = _DailyBackupAfterPaint(window)  # integrity is checked before; the copy can wait
            # Just after the first paint, what the start left out; --exit-when-shown quits at that point instead.
            after_paint = (lambda: app.exit(EXIT_OK)) if args.exit_when_shown else partial(_ready_for_use, window)
            _AfterFirstPaint(window.list_view.viewport(), after_paint)
            window.show()
    finally:
        gc.freeze()
        gc.enable()
    if window is None:
        return EXIT_FAILED
    status = app.exec()
    backup.run()  # when the window closed before it was painted
    for open_window in open_windows(window):  # File › Open … Settings may have replaced it
        if isinstance(open_window, MainWindow):
            open_window.shut_down()
        open_window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return int(status)


def _open_window(
    directory: Path,
    shared: SharedStore | None,
    analyst: str | None,
    integrity: IntegrityCheck | None,
    shared_opening: SharedOpening | None = None,
) -> MainWindow | None:
    """Build the window, telling the user about an unavailable shared store or a newer or damaged
    local database; None to quit."""
    while True:
        try:
            return build_main_window(
                directory,
                paint_first=True,
                shared=shared,
                analyst=analyst,
                daily_backup=False,
                integrity=integrity,
                shared_opening=shared_opening,
            )
        except StoreError as exc:
            shared_opening = None  # taken: a retry connects again
            if shared is not None:
                from outmail_gui.ui.shared.dialogs import UnreachableChoice

                choice = _ask_about_shared_store(exc)
                if choice is UnreachableChoice.QUIT:
                    return None
                if choice is UnreachableChoice.OPEN_LOCAL:
                    shared = None
                continue
            if not _handle_start_error(exc, directory):
                return None
            integrity = None  # a backup was restored: the check was of the file it replaced


def _ask_about_shared_store(exc: StoreError) -> UnreachableChoice:
    """The shared store could not be opened (unreachable, login refused, no schema): one message
    that names it without its password; Retry, Open Local Settings or Quit."""
    gc.enable()  # the dialog may stay open a while
    readable_style()
    from outmail_gui.ui.shared.dialogs import SharedStoreUnavailableDialog

    return SharedStoreUnavailableDialog.ask(None, exc.message)


def _handle_start_error(exc: StoreError, directory: Path) -> bool:
    """Tell the user; True when a backup was restored and opening should be tried again."""
    gc.enable()  # the dialogs may stay open a while
    readable_style()
    from outmail_gui.ui.shared.dialogs import ErrorDialog, RestoreBackupDialog

    if isinstance(exc, SchemaTooNewError):
        ErrorDialog.show(None, "Newer settings database", exc.message)
        return False
    if not isinstance(exc, DatabaseCorruptError):
        ErrorDialog.show(None, "Settings database unavailable", exc.message)
        return False
    if not exc.backups:
        ErrorDialog.show(None, "Settings database damaged", exc.message)
        return False
    if not RestoreBackupDialog.ask(None, exc.message, exc.backups[0]):
        return False
    try:
        _restore(directory, exc.backups[0])
    except (StoreError, OSError, ValueError) as restore_error:
        ErrorDialog.show(None, "Backup not restored", str(getattr(restore_error, "message", restore_error)))
        return False
    return True


def _restore(directory: Path, backup: Path) -> None:
    from outmail_gui.store import backups

    backups.restore_backup(directory, backup)


def _report_crashes(app: QApplication) -> CrashReporter | None:
    """Unexpected errors go to the log file and a dialog, not to a stderr nobody reads."""
    from outmail_gui.ui.shared.crash_reporting import install_crash_reporting

    try:
        return install_crash_reporting(app)
    except OSError as exc:  # no writable log directory: the window still works, errors go to stderr
        sys.stderr.write(f"outmail-gui: the log file cannot be written: {exc}\n")
        return None


def _fatal(message: str) -> None:
    from outmail_gui.ui.shared.dialogs import ErrorDialog

    sys.stderr.write(f"outmail-gui: {message}\n")
    readable_style()
    ErrorDialog.show(None, "Outmail cannot start", message)
