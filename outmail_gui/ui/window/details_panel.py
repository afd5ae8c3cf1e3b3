"""The right-hand side of the window: a hint when nothing is displayed, else the details form.

The form and its buttons are built on first use, in visual order, so the focus chain
(tab order) follows what the user sees: title, form fields, Save, Close.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from outmail_gui.ui.connection_test.panel import ConnectionTestPanel
    from outmail_gui.ui.form.server_form import ServerFormWidget

TEST_PANEL_HEIGHT = 340  # px the test panel gets while a test is shown
IDLE_FORM_HEIGHT = 10_000  # px asked for the form at first; the splitter scales it to what there is
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
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setWordWrap(True)
        placeholder.setMargin(24)
        self.addWidget(placeholder)
        self._page: QWidget | None = None
        self._form: ServerFormWidget | None = None
        self._title: QLabel | None = None
        self._test_panel: ConnectionTestPanel | None = None
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
        """Give the test's steps enough height to be read, taking it from the form above."""
        splitter = self.findChild(QSplitter, "details_splitter")
        panel = self.test_panel()
        if splitter is None or panel.height() >= TEST_PANEL_HEIGHT:
            return
        total = sum(splitter.sizes())
        if total > 2 * TEST_PANEL_HEIGHT:
            splitter.setSizes([total - TEST_PANEL_HEIGHT, TEST_PANEL_HEIGHT])

    def has_form(self) -> bool:
        return self._form is not None

    def is_showing_details(self) -> bool:
        return self._page is not None and self.currentWidget() is self._page

    def show_details(self, title: str) -> None:
        self.form()
        assert self._page is not None and self._title is not None
        self._title.setText(title)
        self.setCurrentWidget(self._page)
        self.details_shown.emit()

    def set_title(self, title: str) -> None:
        if self._title is not None:
            self._title.setText(title)

    def title(self) -> str:
        return self._title.text() if self._title is not None else ""

    def show_placeholder(self) -> None:
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
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(title)
        splitter = QSplitter(Qt.Orientation.Vertical, page)  # the form above, the connection test below
        splitter.setObjectName("details_splitter")
        splitter.setChildrenCollapsible(False)
        form = ServerFormWidget(splitter)  # it scrolls its own fields
        test_panel = ConnectionTestPanel(splitter)
        # The form gets the height until a test runs (the test controller then makes room for
        # the steps); idle, the panel needs only its buttons and one line.
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([IDLE_FORM_HEIGHT, test_panel.minimumSizeHint().height()])
        layout.addWidget(splitter, 1)
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
        self.save_button, self.close_button = save, close


def _follow(button: QPushButton, action: QAction) -> None:
    button.setEnabled(action.isEnabled())
    button.setToolTip(action.toolTip())
