"""Runs one OAuth 2.0 authorization on a QThread: the network, the browser wait and the
device-code polling never block the window, and Cancel stops them within a second."""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.oauth import AccessToken, DeviceCodePrompt, OAuthCancelled, OAuthError, TokenManager

WAIT_FOR_STOP_MS = 15_000


class _Worker(QObject):
    device_code = Signal(object)  # DeviceCodePrompt
    succeeded = Signal(object)  # AccessToken
    failed = Signal(str, str)  # message, field ("" when none)
    cancelled = Signal()
    done = Signal()

    def __init__(
        self,
        manager: TokenManager,
        server_id: str,
        settings: OAuthSettings,
        secret: str | None,
        open_browser: Callable[[str], bool],
    ) -> None:
        super().__init__()
        self.cancel = threading.Event()
        self._call = (manager, server_id, settings, secret, open_browser)

    @Slot()
    def run(self) -> None:
        manager, server_id, settings, secret, open_browser = self._call
        try:
            token: AccessToken = manager.authorize(
                server_id,
                settings,
                client_secret=secret,
                on_device_code=self._show_code,
                open_browser=open_browser,
                cancel=self.cancel,
            )
        except OAuthCancelled:
            self.cancelled.emit()
        except OAuthError as exc:
            self.failed.emit(exc.message, exc.field or "")
        else:
            self.succeeded.emit(token)
        finally:
            self.done.emit()

    def _show_code(self, prompt: DeviceCodePrompt) -> None:
        self.device_code.emit(prompt)


class AuthorizeJob(QObject):
    """One authorization attempt; signals arrive on the GUI thread."""

    device_code = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str, str)
    cancelled = Signal()
    finished = Signal()

    def __init__(
        self,
        manager: TokenManager,
        server_id: str,
        settings: OAuthSettings,
        secret: str | None,
        open_browser: Callable[[str], bool] = webbrowser.open,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName("oauth_authorize_thread")
        self._worker = _Worker(manager, server_id, settings, secret, open_browser)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.device_code.connect(self.device_code)
        self._worker.succeeded.connect(self.succeeded)
        self._worker.failed.connect(self.failed)
        self._worker.cancelled.connect(self.cancelled)
        # Direct: quit() is thread-safe, and stop() may be blocking the GUI thread in wait().
        self._worker.done.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread.finished.connect(self.finished)

    def start(self) -> None:
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def cancel(self) -> None:
        self._worker.cancel.set()

    def stop(self) -> None:
        """Cancel and wait for the thread (closing the dialog must not leave it running)."""
        self.cancel()
        if self._thread.isRunning():
            self._thread.wait(WAIT_FOR_STOP_MS)
