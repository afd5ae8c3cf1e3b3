"""Connection tests in the window: Test connection (F5), Send test message, trust, Test all, history.

The window owns one :class:`WindowTesting`. It builds each test's request on the GUI
thread (form values, typed or stored password, the user's answers), runs it off the GUI
thread (:class:`ProbeRun`, :class:`ProbeBatch`) and, back on the GUI thread, shows the
result and writes it to the store (history, trusted fingerprint), one transaction each.

A server with "Use OAuth 2.0 Authentication" ticked logs in with XOAUTH2 as its mailbox. Its
token is fetched (and silently refreshed) on the worker thread, as the test's first step
("oauth"); it goes into the request only, never into a report, the history or the clipboard.
The OAuth modules (and MSAL) load on first use, never at window start.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QCheckBox, QProgressBar, QPushButton, QSplitter, QStyle, QToolBar

from outmail_gui.domain.oauth import GrantType, OAuthSettings, validate_oauth
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.errors import StoreError
from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.secrets import SecretStore, SecretStoreError
from outmail_gui.ui.icons import StatusIcon
from outmail_gui.ui.test_summary import entry_for, last_test_text, outcome_of

if TYPE_CHECKING:
    from outmail_gui.oauth.errors import OAuthError
    from outmail_gui.oauth.manager import TokenManager
    from outmail_gui.probe.report import ProbeReport
    from outmail_gui.probe.request import ProbeRequest
    from outmail_gui.ui.history_view import HistoryDialog
    from outmail_gui.ui.main_window import MainWindow
    from outmail_gui.ui.send_test_dialog import SendTestChoice
    from outmail_gui.ui.test_all import ProbeBatch
    from outmail_gui.ui.test_panel import ConnectionTestPanel
    from outmail_gui.ui.test_worker import Preparation, ProbeRun

TEST_ALL_TIMEOUT_CAP_S = 30
PANEL_HEIGHT = 340  # px the test panel gets while a test is shown
OUTCOME_ICONS = {
    Outcome.PASSED: StatusIcon.YES,
    Outcome.FAILED: StatusIcon.ERROR,
    Outcome.CANCELLED: StatusIcon.WARNING,
}


@dataclasses.dataclass(slots=True)
class _Running:
    """The single test in progress and what it was started with."""

    run: ProbeRun
    record: ServerSettings
    saved: bool
    unsaved_edits: bool
    started_at: dt.datetime
    oauth: bool = False  # logged in with an OAuth 2.0 token, not a password


class TokenManagers:
    """The window's OAuth 2.0 token manager, made on first use by whichever thread needs it
    (MSAL loads then: never at window start, never on the GUI thread for a test)."""

    def __init__(self, data_dir: Path, secrets: SecretStore) -> None:
        self._data_dir = data_dir
        self._secrets = secrets
        self._lock = threading.Lock()
        self._manager: TokenManager | None = None

    def __call__(self) -> TokenManager:
        with self._lock:
            if self._manager is None:
                from outmail_gui.oauth.manager import TokenManager

                self._manager = TokenManager.for_data_dir(self._data_dir, self._secrets)
            return self._manager


class WindowTesting(QObject):
    test_finished = Signal(object)  # ProbeReport, after it is shown and stored
    batch_finished = Signal(bool)  # Test all ended (True: cancelled), after the results are stored

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("window_testing")
        self._window = window
        self.history = HistoryStore.of(window.repository)
        self._running: _Running | None = None
        self._batch: ProbeBatch | None = None
        self._batch_entries: list[HistoryEntry] = []
        self._batch_started = 0.0
        self._panel: ConnectionTestPanel | None = None
        self._history_dialog: HistoryDialog | None = None
        self._recipient = ""
        self._analyst_email = ""
        self._shown_report_id = ""  # the server whose result the panel shows
        self.token_managers = TokenManagers(window.repository.data_dir, window.secrets)
        self._build_actions()
        window.details.details_shown.connect(self._on_details_shown)

    # ----- actions, menu, toolbar, status bar

    def _action(
        self, name: str, text: str, tip: str, shortcut: str = "", pixmap: QStyle.StandardPixmap | None = None
    ) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if pixmap is not None:
            action.setIcon(self._window.style().standardIcon(pixmap))
        self._window.addAction(action)
        return action

    def _build_actions(self) -> None:
        w = self._window
        self.test_action = self._action(
            "test_connection",
            "&Test connection",
            "Test the displayed server's form values, saved or not (F5)",
            "F5",
            QStyle.StandardPixmap.SP_MediaPlay,
        )
        self.send_action = self._action(
            "send_test_message", "Send test &message…", "Send a real test message through the displayed server"
        )
        self.test_all_action = self._action(
            "test_all",
            "Test &all active servers",
            "Test every active server at once (Shift+F5)",
            "Shift+F5",
            QStyle.StandardPixmap.SP_MediaSeekForward,
        )
        self.cancel_all_action = self._action(
            "cancel_all_tests", "&Cancel all tests", "Stop Test all", "", QStyle.StandardPixmap.SP_MediaStop
        )
        self.history_action = self._action(
            "test_history", "Test &history…", "Earlier test results of the displayed server", "Ctrl+H"
        )
        self.test_action.triggered.connect(lambda: self.test_current())
        self.send_action.triggered.connect(self.send_test_message)
        self.test_all_action.triggered.connect(self.test_all)
        self.cancel_all_action.triggered.connect(self.cancel_all)
        self.history_action.triggered.connect(self.show_history)
        menu = w.menuBar().addMenu("&Test")
        menu.setObjectName("test_menu")
        for action in (self.test_action, self.send_action, self.history_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.test_all_action)
        menu.addAction(self.cancel_all_action)
        toolbar = w.findChild(QToolBar, "main_toolbar")
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(self.test_all_action)
            button = toolbar.widgetForAction(self.test_all_action)
            if button is not None:
                button.setObjectName("toolbar_test_all")
        self.progress = QProgressBar()
        self.progress.setObjectName("test_all_progress")
        self.progress.setAccessibleName("Test all progress")
        self.progress.setFormat("Testing %v of %m")
        self.progress.setMaximumWidth(260)
        self.cancel_all_button = QPushButton("Cancel all")
        self.cancel_all_button.setObjectName("cancel_all_tests_button")
        self.cancel_all_button.clicked.connect(self.cancel_all)
        w.statusBar().addPermanentWidget(self.progress)
        w.statusBar().addPermanentWidget(self.cancel_all_button)
        self.progress.hide()
        self.cancel_all_button.hide()
        self._update_actions()

    def _update_actions(self) -> None:
        w = self._window
        open_ = w.session.is_open()
        record = w.session.current() if open_ else None
        single = self._running is not None
        self.test_action.setEnabled(open_ and not single)
        self.send_action.setEnabled(open_ and not single and record is not None and record.is_smtp)
        self.history_action.setEnabled(open_ and record is not None and record.revision > 0)
        batch = self._batch is not None
        self.test_all_action.setEnabled(not batch)
        self.cancel_all_action.setEnabled(batch)
        if self._panel is not None:
            reason = "" if record is None or record.is_smtp else "A MAPI server can only be tested for reachability."
            self._panel.set_can_test(open_ and not single, bool(self.send_action.isEnabled()), reason)
            self._panel.history_button.setEnabled(self.history_action.isEnabled())

    # ----- state

    def is_busy(self) -> bool:
        """A test or Test all is running (its threads may still be ending)."""
        return self._running is not None or (self._batch is not None and self._batch.is_running())

    def panel(self) -> ConnectionTestPanel:
        """The details' test panel, connected on first use."""
        if self._panel is None:
            panel = self._window.details.test_panel()
            panel.test_requested.connect(lambda: self.test_current())
            panel.send_requested.connect(self.send_test_message)
            panel.cancel_requested.connect(self.cancel)
            panel.trust_requested.connect(self.trust_certificate)
            panel.oauth_requested.connect(self.switch_to_oauth)
            panel.history_requested.connect(self.show_history)
            # Saving a new server makes its history available (the form turns clean on save).
            self._window.details.form().dirty_changed.connect(lambda _dirty: self._update_actions())
            self._panel = panel
            self._update_actions()
        return self._panel

    def _on_details_shown(self) -> None:
        """Another server (or none) is displayed: a test of the previous one is cancelled."""
        session = self._window.session
        shown = session.current() if session.is_open() else None
        running = self._running
        if running is not None and (shown is None or shown.id != running.record.id):
            self._abandon_single()
            self.panel().clear()
        elif (
            running is None
            and self._panel is not None
            and self._panel.report is not None
            and (shown is None or shown.id != self._shown_report_id)
        ):
            self._panel.clear()
        if shown is not None:
            self.panel()
        self._update_actions()

    # ----- a single test

    def test_current(self, send: SendTestChoice | None = None) -> None:
        w = self._window
        session = w.session
        if not session.is_open() or self._running is not None:
            return
        form = w.details.form()
        record = form.record()
        panel = self.panel()
        oauth = form.oauth_settings() if record.is_smtp else None
        if oauth is not None and not oauth.enabled:
            oauth = None
        password = "" if oauth is not None else self._password_for(record, form.password())
        if password is None:
            return
        allow_insecure = False
        from outmail_gui.probe.request import ProbeRequest

        request = ProbeRequest.from_settings(
            record,
            password,
            to_address=send.to_address if send else "",
            analyst_email=send.analyst_email if send else "",
        )
        preparation: Preparation | None = None
        if oauth is not None:
            from outmail_gui.oauth.probe_support import with_oauth

            request = with_oauth(request, oauth, "")  # XOAUTH2 as the mailbox; the token is added off this thread
            preparation = oauth_preparation(record.id, oauth, self.token_managers)
        if record.is_smtp and not request.tls_required and request.wants_auth:
            from outmail_gui.ui.insecure_auth_dialog import InsecureAuthDialog

            allow_insecure = InsecureAuthDialog.ask(w, request.host, request.port)
            request = dataclasses.replace(request, allow_insecure_auth=allow_insecure)
        from outmail_gui.ui.test_worker import ProbeRun

        form.clear_highlight()
        self._make_room(panel)
        what = "Sending a test message through" if send else "Testing"
        panel.start(f"{what} {record.server.strip() or '(no server)'} port {record.port}")
        run = ProbeRun(request, self, preparation)
        run.step_started.connect(panel.step_started)
        run.step_finished.connect(panel.step_finished)
        run.finished.connect(self._on_finished)
        self._running = _Running(
            run=run,
            record=record,
            saved=record.revision > 0,
            unsaved_edits=session.is_dirty(),
            started_at=dt.datetime.now(dt.UTC),
            oauth=oauth is not None,
        )
        self._update_actions()
        w.show_status(f"{what} {record.name.strip() or record.server}… Cancel stops the test.")
        run.start()

    def _make_room(self, panel: ConnectionTestPanel) -> None:
        """Give the steps enough height to be read, taking it from the form above."""
        splitter = self._window.details.findChild(QSplitter, "details_splitter")
        if splitter is None or panel.height() >= PANEL_HEIGHT:
            return
        total = sum(splitter.sizes())
        if total > 2 * PANEL_HEIGHT:
            splitter.setSizes([total - PANEL_HEIGHT, PANEL_HEIGHT])

    def _password_for(self, record: ServerSettings, typed: str | None) -> str | None:
        """The typed password, else the stored one; None (and a message) when the keyring failed."""
        if typed is not None:
            return typed
        if record.revision == 0 or not record.login_id.strip():
            return ""
        try:
            return self._window.secrets.get_password(record.id) or ""
        except SecretStoreError as exc:
            self.panel().show_problem(f"The stored password could not be read; the test did not start. {exc.message}")
            return None

    def cancel(self) -> None:
        if self._running is not None:
            self._running.run.cancel()
            self.panel().cancelling()

    def _on_finished(self, report: ProbeReport) -> None:
        running, self._running = self._running, None
        if running is None:
            return
        run = running.run
        run.deleteLater()
        record = running.record
        panel = self.panel()
        from outmail_gui.ui.test_panel import field_label

        password_test = record.is_smtp and not running.oauth
        offer_oauth = password_test and _failed_at_auth(report) and self._explain_password(report)
        panel.show_result(report, field_label(record.protocol, report.hint_field))
        self._shown_report_id = record.id
        if report.hint_field and not report.ok:
            self._window.details.form().highlight_field(report.hint_field, report.hint or "See the connection test.")
        panel.offer_trust(_certificate_problem(report))
        panel.offer_oauth(offer_oauth)
        if running.saved:
            self._store_results([entry_for(record.id, report, running.started_at, unsaved=running.unsaved_edits)])
        self._update_actions()
        word = {Outcome.PASSED: "passed", Outcome.FAILED: "failed", Outcome.CANCELLED: "was cancelled"}
        self._window.show_status(f"The test of {record.name.strip() or record.server} {word[outcome_of(report)]}.")
        self.test_finished.emit(report)

    @staticmethod
    def _explain_password(report: ProbeReport) -> bool:
        """A password rejected with 5.7.30 / 5.7.139: the OAuth 2.0 hint, and True (offer to switch)."""
        from outmail_gui.oauth.probe_support import explain_oauth_result, suggests_oauth

        explain_oauth_result(report, None)
        return suggests_oauth(report)

    def switch_to_oauth(self) -> None:
        """Tick Use OAuth 2.0 Authentication (an unsaved edit) and open Manage Token."""
        w = self._window
        if not w.session.is_open() or self._running is not None:
            return
        form = w.details.form()
        box = form.findChild(QCheckBox, "oauth_enabled")
        manage = form.findChild(QPushButton, "oauth_manage_token")
        if box is None or manage is None or not box.isEnabled():
            w.show_status("This server cannot be switched to OAuth 2.0 here.")
            return
        self.panel().offer_oauth(False)
        form.clear_highlight()
        box.setChecked(True)  # as if ticked by hand: the form now has unsaved changes
        w.show_status("OAuth 2.0 is ticked (not saved yet): set up and authorize the token, then save and test again.")
        if manage.isEnabled():
            manage.click()  # Manage Token

    def _abandon_single(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            running.run.abandon()
            running.run.deleteLater()

    # ----- send test message, trust

    def send_test_message(self) -> None:
        w = self._window
        if not w.session.is_open() or self._running is not None:
            return
        record = w.details.form().record()
        from outmail_gui.ui.send_test_dialog import SendTestDialog

        needed = record.sent_from_analyst or record.reply_to_forwarding_analyst
        analysts = [(a.display_name or a.login, a.email) for a in w.repository.list_analysts()]
        choice = SendTestDialog.ask(
            w, record.name.strip() or record.server, needed, analysts, self._recipient, self._analyst_email
        )
        if choice is None:
            return
        self._recipient, self._analyst_email = choice.to_address, choice.analyst_email or self._analyst_email
        self.test_current(send=choice)

    def trust_certificate(self) -> None:
        w = self._window
        panel = self.panel()
        report = panel.report
        cert = report.tls.certificate if report is not None else None
        if cert is None or not cert.sha256 or self._running is not None:
            return
        session = w.session
        if not session.confirm_leave("trusting the certificate", revert_on_discard=True):
            return
        current = session.current()
        if current is None or not session.current_is_saved():
            w.show_status("Save the server first: a trusted certificate is saved with the server.")
            return
        from outmail_gui.ui.trust_dialog import TrustCertificateDialog

        if not TrustCertificateDialog.ask(w, current.name, current.server, cert, current.trusted_cert_sha256):
            return
        from outmail_gui.ui.dialogs import ErrorDialog

        try:
            stored = w.repository.get(current.id)
            w.repository.save(stored.with_changes(trusted_cert_sha256=cert.sha256))
        except StoreError as exc:
            ErrorDialog.show(w, "Certificate not trusted", exc.message)
            return
        w.reload_from_store()
        session.store_changed()  # shows the saved record (with its fingerprint) in the form
        w.show_status(f"The certificate {cert.sha256} is now trusted for {current.name}. Testing again…")
        self.test_current()

    # ----- test all

    def test_all(self) -> None:
        w = self._window
        if self._batch is not None:
            return
        records = [r for r in w.model.records() if r.active]
        if not records:
            w.show_status("There is no active server to test.")
            return
        from outmail_gui.probe.request import ProbeRequest
        from outmail_gui.ui.test_all import BatchItem, ProbeBatch

        secrets = w.secrets
        oauth_of = self._oauth_settings_of(records)
        items = []
        for record in records:
            timeout = min(record.connection_timeout_s, TEST_ALL_TIMEOUT_CAP_S)
            request = ProbeRequest.from_settings(record, "", timeout_s=timeout)
            oauth = oauth_of.get(record.id)
            if oauth is not None:
                from outmail_gui.oauth.probe_support import with_oauth

                # The token is fetched (refreshed) on the batch's helper thread, just before the test.
                request = with_oauth(request, oauth, "")
                preparation = oauth_preparation(record.id, oauth, self.token_managers)
                items.append(BatchItem(record.id, request, None, preparation))
            else:
                lookup = (lambda sid=record.id: secrets.get_password(sid)) if record.login_id.strip() else None
                items.append(BatchItem(record.id, request, lookup))
            w.model.set_last_test(record.id, "Queued…", StatusIcon.INFO)
        items.sort(key=lambda item: item.preparation is not None)  # token requests never hold up the others
        batch = ProbeBatch(items, parent=self)
        batch.item_started.connect(self._on_item_started)
        batch.item_finished.connect(self._on_item_finished)
        batch.progress.connect(self._on_progress)
        batch.finished.connect(self._on_batch_finished)
        self._batch = batch
        self._batch_entries = []
        self._batch_started = time.monotonic()
        self.progress.setRange(0, len(items))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_all_button.setEnabled(True)
        self.cancel_all_button.show()
        self._update_actions()
        w.show_status(f"Testing {len(items)} active server(s)…")
        QTimer.singleShot(0, batch.start)  # after the list has shown "Queued…": two short stalls, not one long

    def _oauth_settings_of(self, records: list[ServerSettings]) -> dict[str, OAuthSettings]:
        """The enabled OAuth 2.0 settings of these SMTP servers (one read, GUI thread)."""
        try:
            stored = OAuthSettingsStore.of(self._window.repository).all()
        except StoreError:
            return {}
        smtp = {r.id for r in records if r.is_smtp}
        return {sid: settings for sid, settings in stored.items() if settings.enabled and sid in smtp}

    def cancel_all(self) -> None:
        if self._batch is not None:
            self._batch.cancel()
            self.cancel_all_button.setEnabled(False)
            self._window.show_status("Cancelling all tests…")

    def _on_item_started(self, server_id: str) -> None:
        self._window.model.set_last_test(server_id, "Testing…", StatusIcon.INFO)

    def _on_item_finished(self, server_id: str, entry: HistoryEntry | None) -> None:
        if entry is None:
            self._window.model.set_last_test(server_id, "Not tested (cancelled)", StatusIcon.WARNING)
            return
        self._batch_entries.append(entry)
        self._window.model.set_last_test(server_id, last_test_text(entry), OUTCOME_ICONS[entry.outcome])

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setValue(done)

    def _on_batch_finished(self, cancelled: bool) -> None:
        batch, self._batch = self._batch, None
        problem = batch.error if batch is not None else ""
        if batch is not None:
            batch.deleteLater()
        entries, self._batch_entries = self._batch_entries, []
        self._store_results(entries, update_model=False)
        self.progress.hide()
        self.cancel_all_button.hide()
        self._update_actions()
        counts = {o: sum(1 for e in entries if e.outcome is o) for o in Outcome}
        seconds = time.monotonic() - self._batch_started
        text = (
            f"Tested {len(entries)} server(s) in {seconds:.1f} s: {counts[Outcome.PASSED]} passed, "
            f"{counts[Outcome.FAILED]} failed"
        )
        if cancelled:
            text = "Test all was cancelled. " + text + f", {counts[Outcome.CANCELLED]} cancelled"
        self._window.show_status(f"{problem} {text}." if problem else text + ".")
        self.batch_finished.emit(cancelled)

    # ----- history

    def _store_results(self, entries: list[HistoryEntry], *, update_model: bool = True) -> None:
        """One transaction for the results (GUI thread); the Last test column and the history view follow."""
        if not entries:
            return
        try:
            self.history.add_many(entries)
        except StoreError as exc:
            self._window.show_status(f"The test result was not stored: {exc.message}")
        if update_model:
            for entry in entries:
                self._window.model.set_last_test(entry.server_id, last_test_text(entry), OUTCOME_ICONS[entry.outcome])
        dialog = self._history_dialog
        if dialog is not None and dialog.isVisible() and any(e.server_id == dialog.server_id for e in entries):
            self._fill_history(dialog.server_id)

    def refresh_last_tests(self) -> None:
        """The Last test column from the store (start-up, after another instance wrote)."""
        try:
            latest = self.history.latest()
        except StoreError:
            return
        for server_id, entry in latest.items():
            self._window.model.set_last_test(server_id, last_test_text(entry), OUTCOME_ICONS[entry.outcome])

    def show_history(self) -> None:
        w = self._window
        record = w.session.current() if w.session.is_open() else None
        if record is None or record.revision == 0:
            return
        from outmail_gui.ui.history_view import HistoryDialog

        if self._history_dialog is None:
            self._history_dialog = HistoryDialog(w)
            self._history_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self._fill_history(record.id)
        if self._history_dialog.isVisible():
            self._history_dialog.raise_()  # already open behind the window: bring it forward
            self._history_dialog.activateWindow()
        else:
            self._history_dialog.show()

    def _fill_history(self, server_id: str) -> None:
        dialog = self._history_dialog
        if dialog is None:
            return
        record = self._window.model.find(server_id)
        name = record.name if record is not None else "this server"
        try:
            entries = self.history.for_server(server_id)
        except StoreError as exc:
            self._window.show_status(f"The test history could not be read: {exc.message}")
            entries = []
        dialog.show_entries(server_id, name, entries)

    # ----- quitting

    def shut_down(self) -> None:
        """Cancel every test and wait for the threads, before the store closes."""
        self._abandon_single()
        batch, self._batch = self._batch, None
        if batch is not None:
            batch.shut_down()
            batch.deleteLater()
        if self._panel is not None:
            self._panel.clear()
        if self._history_dialog is not None:
            self._history_dialog.close()


OAUTH_STEP = "oauth"
_SET_UP = "Press Manage Token…, enter the missing settings, then Authorize; then test again."
_AUTHORIZE = "Press Manage Token…, then Authorize, to get a token for this server; then test again."
_SECRET = "Press Manage Token…, enter the client secret's value, then Authorize; then test again."


def oauth_preparation(server_id: str, oauth: OAuthSettings, managers: Callable[[], TokenManager]) -> Preparation:
    """The test's first step for an OAuth 2.0 server: a valid token (refreshed when needed),
    and afterwards what a rejected token means. Both run off the GUI thread."""
    from outmail_gui.ui.test_worker import Preparation, PreparationFailed

    def prepare(request: ProbeRequest) -> tuple[ProbeRequest, str]:
        from outmail_gui.oauth.errors import OAuthError
        from outmail_gui.oauth.probe_support import oauth_request

        missing = [i.message for i in validate_oauth(oauth) if i.blocks_saving]
        if missing:
            raise PreparationFailed("OAuth 2.0 is not set up: " + " ".join(missing), _SET_UP, "oauth")
        try:
            prepared = oauth_request(request, server_id, oauth, managers())
        except OAuthError as exc:
            raise PreparationFailed(exc.message, _token_hint(exc), "oauth") from None
        except ValueError as exc:  # e.g. a server id the token cache cannot use
            raise PreparationFailed(f"The OAuth 2.0 token could not be read: {exc}", _AUTHORIZE, "oauth") from None
        who = "the application" if oauth.grant_type is GrantType.CLIENT_CREDENTIALS else oauth.mailbox.strip()
        return prepared, f"Token for {who} ready ({oauth.grant_type.label}); XOAUTH2 as {oauth.mailbox.strip()}."

    def explain(report: ProbeReport) -> None:
        from outmail_gui.oauth.probe_support import explain_oauth_result

        explain_oauth_result(report, oauth)

    return Preparation(OAUTH_STEP, "Getting the OAuth 2.0 token (refreshed when needed)…", prepare, explain)


def _token_hint(exc: OAuthError) -> str:
    if exc.code in ("no_secret", "invalid_client") or exc.field == "oauth_client_secret":
        return _SECRET
    if exc.code == "keyring":
        return "Unlock or set up the system keyring, then test again."
    if exc.code in ("no_token", "invalid_grant", "cache_unreadable"):
        return _AUTHORIZE
    return "Check the settings in Manage Token…, then Authorize; then test again."


def _failed_at_auth(report: ProbeReport) -> bool:
    failed = report.failed_step
    return failed is not None and failed.name == "auth" and not report.cancelled


def _certificate_problem(report: ProbeReport) -> bool:
    """The test failed at TLS on a certificate this workstation cannot verify (and it was seen)."""
    failed = report.failed_step
    cert = report.tls.certificate
    return failed is not None and failed.name == "tls" and cert is not None and not cert.verified and bool(cert.sha256)
