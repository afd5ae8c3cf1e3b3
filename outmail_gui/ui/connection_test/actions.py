"""The Test menu, its actions (F5, Ctrl+M, Shift+Esc, Shift+F5, Ctrl+H), the toolbar's Test all button and the
status bar's Test all progress: built at window start, so only Qt widgets, no test engine."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QProgressBar, QPushButton, QToolBar

from outmail_gui.ui.shared.icons import StatusIcon, icon
from outmail_gui.ui.shared.qt_values import set_shortcut


class ConnectionTestActions:
    """What the user starts connection tests with; the controller connects and enables them."""

    def __init__(self, window: QMainWindow) -> None:
        self._window = window
        self.test = self._action(
            "test_connection",
            "&Test connection",
            "Test the displayed server's form values, saved or not (F5)",
            "F5",
            StatusIcon.TEST,
        )
        self.send = self._action(
            "send_test_message",
            "Send test &message…",
            "Send a real test message through the displayed server (Ctrl+M)",
            "Ctrl+M",
        )
        self.cancel = self._action("cancel_test", "Ca&ncel test", "Stop the running test (Shift+Esc)", "Shift+Esc")
        self.test_all = self._action(
            "test_all",
            "Test &all active servers",
            "Test every active server at once (Shift+F5)",
            "Shift+F5",
            StatusIcon.TEST_ALL,
        )
        self.cancel_all = self._action(
            "cancel_all_tests", "&Cancel all tests", "Stop Test all", "", StatusIcon.CANCEL_ALL
        )
        self.history = self._action(
            "test_history", "Test &history…", "Earlier test results of the displayed server", "Ctrl+H"
        )
        menu = window.menuBar().addMenu("&Test")
        menu.setObjectName("test_menu")
        for action in (self.test, self.send, self.cancel, self.history):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.test_all)
        menu.addAction(self.cancel_all)
        toolbar = window.findChild(QToolBar, "main_toolbar")
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(self.test_all)
            button = toolbar.widgetForAction(self.test_all)
            if button is not None:
                button.setObjectName("toolbar_test_all")
        self.progress = QProgressBar()
        self.progress.setObjectName("test_all_progress")
        self.progress.setAccessibleName("Test all progress")
        self.progress.setFormat("Testing %v of %m")
        self.progress.setMaximumWidth(260)
        self.cancel_all_button = QPushButton("Cancel all")
        self.cancel_all_button.setObjectName("cancel_all_tests_button")
        window.statusBar().addPermanentWidget(self.progress)
        window.statusBar().addPermanentWidget(self.cancel_all_button)
        self.progress.hide()
        self.cancel_all_button.hide()

    def _action(
        self, name: str, text: str, tip: str, shortcut: str = "", status_icon: StatusIcon | None = None
    ) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut:
            set_shortcut(action, QKeySequence(shortcut))
        if status_icon is not None:
            action.setIcon(icon(status_icon))
        self._window.addAction(action)
        return action

    def show_progress(self, total: int) -> None:
        """Test all started: the progress bar and Cancel all appear in the status bar."""
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_all_button.setEnabled(True)
        self.cancel_all_button.show()

    def hide_progress(self) -> None:
        self.progress.hide()
        self.cancel_all_button.hide()
