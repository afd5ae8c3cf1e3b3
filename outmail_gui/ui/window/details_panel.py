"""The right-hand side of the window: a hint when nothing is displayed, else the details.

The details are a page of tabs, so the form and the test result each get the whole height:
Settings (the form) and Test (the connection test). A test switches to Test; the hint's
field link switches back to Settings and puts the focus in that field.

The form and its buttons are built on first use, in visual order, so the focus chain
(tab order) follows what the user sees: title, tabs, form fields, Save, Close.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.ui.shared.qt_values import Align, set_qt_property

if TYPE_CHECKING:
    from outmail_gui.ui.connection_test.panel import ConnectionTestPanel
    from outmail_gui.ui.form.server_form import ServerFormWidget

SETTINGS_TAB, TEST_TAB = range(2)
PLACEHOLDER_TEXT = (
    "Select a server in the list to see its details, or add one with New SMTP server (Ctrl+N).\n\n"
    "Filter the list with Ctrl+F."
)


class DetailsPanel(QStackedWidget):
    details_shown = Signal()  # a record (maybe another one) or the placeholder was just shown

    def __init__(self, save: QAction, close: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("details_panel")
        self._save_action = save
        self._close_action = close
        placeholder = QLabel(PLACEHOLDER_TEXT)
        placeholder.setObjectName("details_placeholder")
        set_qt_property(placeholder, "alignment", Align.CENTER)  # shown at start: no Qt namespace yet
        placeholder.setWordWrap(True)
        placeholder.setMargin(24)
        self.addWidget(placeholder)
        self._placeholder = placeholder
        self._page: QWidget | None = None
        self._form: ServerFormWidget | None = None
        self._title: QLabel | None = None
        self._test_panel: ConnectionTestPanel | None = None
        self.tabs: QTabWidget | None = None
        self.save_button: QPushButton | None = None
        self.close_button: QPushButton | None = None

    def form(self) -> ServerFormWidget:
        """The details form, built on first call."""
        if self._form is None:
            self._build_page()
        assert self._form is not None
        return self._form

    def test_panel(self) -> ConnectionTestPanel:
        """The connection-test panel under the form, built with it."""
        self.form()
        assert self._test_panel is not None
        return self._test_panel

    def show_test(self) -> None:
        """Switch to the Test tab (a test starts, F5)."""
        self.form()
        assert self.tabs is not None
        self.tabs.setCurrentIndex(TEST_TAB)

    def show_settings(self, field: str = "") -> None:
        """Switch to the Settings tab; with ``field``, put the focus in it (a hint's field link)."""
        form = self.form()
        assert self.tabs is not None
        self.tabs.setCurrentIndex(SETTINGS_TAB)
        if field:
            form.focus_field(field)

    def current_tab(self) -> int:
        return self.tabs.currentIndex() if self.tabs is not None else SETTINGS_TAB

    def has_form(self) -> bool:
        return self._form is not None

    def is_showing_details(self) -> bool:
        return self._page is not None and self.currentWidget() is self._page

    def show_details(self, title: str) -> None:
        self.form()
        assert self._page is not None and self._title is not None
        self._title.setText(title)
        self.setCurrentWidget(self._page)
        self.show_settings()  # a server (re)loaded: its settings first
        self.details_shown.emit()

    def set_title(self, title: str) -> None:
        if self._title is not None:
            self._title.setText(title)

    def title(self) -> str:
        return self._title.text() if self._title is not None else ""

    def show_placeholder(self, note: str = "") -> None:
        """The hint instead of the details; ``note`` first says why the details went (a deleted server)."""
        self._placeholder.setText(f"{note}\n\n{PLACEHOLDER_TEXT}" if note else PLACEHOLDER_TEXT)
        self.setCurrentIndex(0)
        self.details_shown.emit()

    def _build_page(self) -> None:
        from outmail_gui.ui.connection_test.panel import ConnectionTestPanel
        from outmail_gui.ui.form.server_form import ServerFormWidget

        page = QWidget(self)
        page.setObjectName("details_page")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 6)
        title = QLabel(page)
        title.setObjectName("details_title")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        title.setFont(font)
        title.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(title)
        tabs = QTabWidget(page)
        tabs.setObjectName("details_tabs")
        tabs.setDocumentMode(True)
        form = ServerFormWidget(tabs)  # it scrolls its own fields
        test_panel = ConnectionTestPanel(tabs)
        tabs.addTab(form, "Settings")
        tabs.addTab(test_panel, "Test")
        tabs.setTabToolTip(SETTINGS_TAB, "The server's settings (Ctrl+Page Up)")
        tabs.setTabToolTip(TEST_TAB, "The connection test and its result (F5 tests; Ctrl+Page Down shows it)")
        test_panel.field_requested.connect(self.show_settings)
        layout.addWidget(tabs, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        save = QPushButton("Save", page)
        save.setObjectName("save_button")
        save.setDefault(False)
        save.setAutoDefault(False)
        close = QPushButton("Close", page)
        close.setObjectName("close_details_button")
        close.setAutoDefault(False)
        for button, action in ((save, self._save_action), (close, self._close_action)):
            button.setIcon(action.icon())
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            button.setEnabled(action.isEnabled())
            action.changed.connect(lambda b=button, a=action: _follow(b, a))
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.addWidget(page)
        self._page, self._form, self._title = page, form, title
        self._test_panel = test_panel
        self.tabs = tabs
        self.save_button, self.close_button = save, close


def _follow(button: QPushButton, action: QAction) -> None:
    button.setEnabled(action.isEnabled())
    button.setToolTip(action.toolTip())
