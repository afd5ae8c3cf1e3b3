"""Connection tests in the window: what ties the Test menu, the test panel and the two flows.

The window owns one :class:`WindowTesting`, made at start-up: it builds the actions
(:mod:`~outmail_gui.ui.connection_test.actions`) and routes them to the single test
(:mod:`~outmail_gui.ui.connection_test.single_flow`) and Test all (:mod:`~outmail_gui.ui.connection_test.batch_flow`);
results go to :mod:`~outmail_gui.ui.connection_test.results`. The probe engine, the test panel, the two
flows and the OAuth modules load on first use, never at window start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from outmail_gui.domain.settings import ServerSettings
from outmail_gui.ui.connection_test.actions import ConnectionTestActions
from outmail_gui.ui.connection_test.results import ResultHistory

if TYPE_CHECKING:
    from outmail_gui.probe.report import ProbeReport
    from outmail_gui.ui.connection_test.batch_flow import TestAllFlow
    from outmail_gui.ui.connection_test.host import TestingHost
    from outmail_gui.ui.connection_test.oauth_step import TokenManagers
    from outmail_gui.ui.connection_test.panel import ConnectionTestPanel
    from outmail_gui.ui.connection_test.single_flow import SingleTestFlow


TEST_ALL_TIP = "Test every active server at once (Shift+F5)"


class WindowTesting(QObject):
    """The window's connection tests: one single test and one Test all at most, enabled to match."""

    test_finished = Signal(object)  # ProbeReport, after it is shown and stored
    batch_finished = Signal(bool)  # Test all ended (True: cancelled), after the results are stored

    def __init__(self, widget: QMainWindow, host: TestingHost) -> None:
        """``widget``: the window (parent of the actions and dialogs); ``host``: what is read of it."""
        super().__init__(widget)
        self.setObjectName("window_testing")
        self._widget = widget
        self._host = host
        self._results = ResultHistory(host, widget)
        self.history = self._results.history
        self._actions = ConnectionTestActions(widget)
        self._token_managers: TokenManagers | None = None
        self._single: SingleTestFlow | None = None
        self._batch: TestAllFlow | None = None
        self._panel: ConnectionTestPanel | None = None
        a = self._actions
        self.test_action, self.send_action, self.history_action = a.test, a.send, a.history
        self.test_all_action, self.cancel_all_action = a.test_all, a.cancel_all
        self.progress, self.cancel_all_button = a.progress, a.cancel_all_button
        a.test.triggered.connect(lambda: self.test_current())
        a.send.triggered.connect(lambda: self.single.send_test_message())
        a.cancel.triggered.connect(self.cancel)
        a.test_all.triggered.connect(self.test_all)
        a.cancel_all.triggered.connect(self.cancel_all)
        a.cancel_all_button.clicked.connect(self.cancel_all)
        a.history.triggered.connect(self.show_history)
        self.update_actions()

    # ----- what the flows read (see connection_test.host.TestingContext)

    @property
    def host(self) -> TestingHost:
        return self._host

    @property
    def widget(self) -> QMainWindow:
        return self._widget

    @property
    def results(self) -> ResultHistory:
        return self._results

    @property
    def actions(self) -> ConnectionTestActions:
        return self._actions

    def test_done(self, report: ProbeReport) -> None:
        self.test_finished.emit(report)

    def batch_done(self, cancelled: bool) -> None:
        self.batch_finished.emit(cancelled)

    # ----- the flows, made on first use (their modules are not needed for the first paint)

    @property
    def token_managers(self) -> TokenManagers:
        if self._token_managers is None:
            from outmail_gui.ui.connection_test.oauth_step import TokenManagers

            self._token_managers = TokenManagers(self._host.data_dir, self._host.secrets)
        return self._token_managers

    @property
    def single(self) -> SingleTestFlow:
        if self._single is None:
            from outmail_gui.ui.connection_test.single_flow import SingleTestFlow

            self._single = SingleTestFlow(self)
        return self._single

    @property
    def batch(self) -> TestAllFlow:
        if self._batch is None:
            from outmail_gui.ui.connection_test.batch_flow import TestAllFlow

            self._batch = TestAllFlow(self)
        return self._batch

    # ----- what the window and its tests use

    def test_current(self) -> None:
        """Test the displayed server's form values (F5)."""
        self.single.test_current()

    def cancel(self) -> None:
        if self._single is not None:
            self._single.cancel()

    def test_all(self) -> None:
        self.batch.start()

    def cancel_all(self) -> None:
        self.batch.cancel()

    def refresh_last_tests(self) -> None:
        """The Last test column from the store (start-up, after another instance wrote)."""
        self.results.refresh_last_tests()

    def show_history(self) -> None:
        record = self._shown()
        if record is not None and record.revision > 0:
            self.results.show_history(record.id)

    def is_busy(self) -> bool:
        """A test or Test all is running (its threads may still be ending)."""
        return (self._single is not None and self._single.is_running()) or (
            self._batch is not None and self._batch.is_running()
        )

    def panel(self) -> ConnectionTestPanel:
        """The details' test panel, connected on first use."""
        if self._panel is None:
            panel = self._host.details.test_panel()
            panel.test_requested.connect(lambda: self.test_current())
            panel.send_requested.connect(self.single.send_test_message)
            panel.cancel_requested.connect(self.cancel)
            panel.trust_requested.connect(self.single.trust_certificate)
            panel.oauth_requested.connect(self.single.switch_to_oauth)
            panel.history_requested.connect(self.show_history)
            # Saving a new server makes its history available (the form turns clean on save).
            self._host.details.form().dirty_changed.connect(lambda _dirty: self.update_actions())
            self._panel = panel
            self.update_actions()
        return self._panel

    def update_actions(self) -> None:
        open_ = self._host.session.is_open()
        record = self._shown()
        single = self._single is not None and self._single.is_running()
        a = self.actions
        a.test.setEnabled(open_ and not single)
        a.cancel.setEnabled(single)
        a.send.setEnabled(open_ and not single and record is not None and record.is_smtp)
        a.history.setEnabled(open_ and record is not None and record.revision > 0)
        batch = self._batch is not None and self._batch.is_active()
        active = self._host.model.active_count()
        a.test_all.setEnabled(not batch and active > 0)
        a.test_all.setToolTip(TEST_ALL_TIP if active or batch else "Test all is off: there is no active server yet.")
        a.cancel_all.setEnabled(batch)
        if self._panel is not None:
            reason = "" if record is None or record.is_smtp else "A MAPI server can only be tested for reachability."
            self._panel.set_can_test(open_ and not single, bool(a.send.isEnabled()), reason)
            self._panel.history_button.setEnabled(a.history.isEnabled())

    def shut_down(self) -> None:
        """Cancel every test and wait for the threads, before the store closes."""
        if self._single is not None:
            self._single.abandon()
        if self._batch is not None:
            self._batch.shut_down()
        if self._panel is not None:
            self._panel.clear()
        self.results.close()

    # ----- internals

    def _shown(self) -> ServerSettings | None:
        session = self._host.session
        return session.current() if session.is_open() else None

    def on_details_shown(self) -> None:
        """Another server (or none) is displayed: a test of the previous one is cancelled."""
        shown = self._shown()
        running_id = self._single.running_server_id() if self._single is not None else None
        if running_id is not None and (shown is None or shown.id != running_id):
            self.single.abandon()
            self.panel().clear()
        elif (
            running_id is None
            and self._panel is not None
            and self._panel.report is not None
            and (shown is None or shown.id != self.single.shown_report_id)
        ):
            self._panel.clear()
        if shown is not None:
            self.panel()
        self.update_actions()
