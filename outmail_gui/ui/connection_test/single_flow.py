"""One server's connection test: Test connection (F5), Send test message, trust, switch to OAuth.

The request is built on the GUI thread from the form (saved or not), the typed or stored
password and the user's answers (insecure login, recipient); :class:`ProbeRun` runs it off
the GUI thread, and its result is shown in the details' test panel and stored (saved servers).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QCheckBox, QPushButton

from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.errors import StoreError
from outmail_gui.store.history import Outcome
from outmail_gui.store.results import entry_for, outcome_of
from outmail_gui.store.secrets import SecretStoreError

if TYPE_CHECKING:
    from outmail_gui.probe.report import ProbeReport
    from outmail_gui.ui.connection_test.context import TestingContext
    from outmail_gui.ui.connection_test.send_dialog import SendTestChoice
    from outmail_gui.ui.connection_test.worker import Preparation, ProbeRun

_OUTCOME_WORDS = {Outcome.PASSED: "passed", Outcome.FAILED: "failed", Outcome.CANCELLED: "was cancelled"}


@dataclasses.dataclass(slots=True)
class _Running:
    """The single test in progress and what it was started with."""

    run: ProbeRun
    record: ServerSettings
    saved: bool
    unsaved_edits: bool
    started_at: dt.datetime
    oauth: bool = False  # logged in with an OAuth 2.0 token, not a password


class SingleTestFlow(QObject):
    """The displayed server's test, one at a time; the panel shows it, the store keeps it."""

    def __init__(self, testing: TestingContext) -> None:
        super().__init__(testing.widget)
        self._testing = testing
        self._window = testing.host
        self._running: _Running | None = None
        self._recipient = ""
        self._analyst_email = ""
        self.shown_report_id = ""  # the server whose result the panel shows

    def running_server_id(self) -> str | None:
        return self._running.record.id if self._running is not None else None

    def is_running(self) -> bool:
        return self._running is not None

    def _can_start(self) -> bool:
        return self._window.session.is_open() and self._running is None

    def test_current(self, send: SendTestChoice | None = None) -> None:
        if not self._can_start():
            return
        w = self._window
        form = w.details.form()
        record = form.record()
        panel = self._testing.panel()
        oauth = form.oauth_settings() if record.is_smtp else None
        if oauth is not None and not oauth.enabled:
            oauth = None
        password = "" if oauth is not None else self._password_for(record, form.password())
        if password is None:
            return
        from dataclasses import replace

        from outmail_gui.probe.request import ProbeRequest

        request = ProbeRequest.from_settings(
            record,
            password,
            to_address=send.to_address if send else "",
            analyst_email=send.analyst_email if send else "",
        )
        preparation: Preparation | None = None
        if oauth is not None:
            from outmail_gui.ui.connection_test.oauth_step import with_oauth_step

            request, preparation = with_oauth_step(request, record.id, oauth, self._testing.token_managers)
        if record.is_smtp and not request.tls_required and request.wants_auth:
            from outmail_gui.ui.connection_test.insecure_auth_dialog import InsecureAuthDialog

            allow_insecure = InsecureAuthDialog.ask(self._testing.widget, request.host, request.port)
            request = replace(request, allow_insecure_auth=allow_insecure)
        from outmail_gui.ui.connection_test.worker import ProbeRun

        form.clear_highlight()
        self._window.details.show_test()
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
            unsaved_edits=w.session.is_dirty(),
            started_at=dt.datetime.now(dt.UTC),
            oauth=oauth is not None,
        )
        self._testing.update_actions()
        w.show_status(f"{what} {_name_of(record)}… Cancel stops the test.")
        run.start()

    def _password_for(self, record: ServerSettings, typed: str | None) -> str | None:
        """The typed password, else the stored one, else (a shared store) one asked for once;
        None (and a message) when the keyring failed or the user cancelled."""
        if typed is not None:
            return typed
        if record.revision == 0 or not record.login_id.strip():
            return ""
        try:
            stored = self._window.secrets.get_password(record.id)
        except SecretStoreError as exc:
            self._testing.panel().show_problem(
                f"The stored password could not be read; the test did not start. {exc.message}"
            )
            return None
        if stored is not None or self._window.shared is None or not record.is_smtp or record.uses_no_authentication:
            return stored or ""
        return self._ask_password(record)

    def _ask_password(self, record: ServerSettings) -> str | None:
        """A shared store's server with no password on this workstation: asked once, kept only if wanted."""
        from outmail_gui.ui.connection_test.workstation_password_dialog import WorkstationPasswordDialog

        w = self._window
        answer = WorkstationPasswordDialog.ask(self._testing.widget, record.name, record.login_id.strip())
        if answer is None:
            w.show_status(f"The test of {_name_of(record)} did not start: no password was typed.")
            return None
        if answer.remember:
            try:
                w.secrets.set_password(record.id, answer.password)
            except SecretStoreError as exc:
                w.show_status(f"The password is used for this test only; it was not remembered: {exc.message}")
            else:
                w.details.form().show_password_stored()
        return answer.password

    def cancel(self) -> None:
        if self._running is not None:
            self._running.run.cancel()
            self._testing.panel().cancelling()

    def _on_finished(self, report: ProbeReport) -> None:
        running, self._running = self._running, None
        if running is None:
            return
        running.run.deleteLater()
        record = running.record
        panel = self._testing.panel()
        from outmail_gui.ui.connection_test.panel import field_label

        password_test = record.is_smtp and not running.oauth
        offer_oauth = password_test and _failed_at_auth(report) and _explain_password(report)
        panel.show_result(report, field_label(record.protocol, report.hint_field), report.hint_field or "")
        self.shown_report_id = record.id
        if report.hint_field and not report.ok:
            self._window.details.form().highlight_field(report.hint_field, report.hint or "See the connection test.")
        cert = report.tls.certificate
        panel.offer_trust(cert.sha256 if cert is not None and _certificate_problem(report) else "")
        panel.offer_oauth(offer_oauth)
        if running.saved:
            self._testing.results.store(
                [entry_for(record.id, report, running.started_at, unsaved=running.unsaved_edits)]
            )
        self._testing.update_actions()
        self._window.show_status(f"The test of {_name_of(record)} {_OUTCOME_WORDS[outcome_of(report)]}.")
        self._testing.test_done(report)

    def abandon(self) -> None:
        """Stop the test without showing or storing its result (another server shown, quitting)."""
        running, self._running = self._running, None
        if running is not None:
            running.run.abandon()
            running.run.deleteLater()

    def switch_to_oauth(self) -> None:
        """Tick Use OAuth 2.0 Authentication (an unsaved edit) and open Manage Token."""
        if not self._can_start():
            return
        w = self._window
        form = w.details.form()
        box = form.findChild(QCheckBox, "oauth_enabled")
        manage = form.findChild(QPushButton, "oauth_manage_token")
        if box is None or manage is None or not box.isEnabled():
            w.show_status("This server cannot be switched to OAuth 2.0 here.")
            return
        self._testing.panel().offer_oauth(False)
        w.details.show_settings("oauth_enabled")
        form.clear_highlight()
        box.setChecked(True)  # as if ticked by hand: the form now has unsaved changes
        w.show_status("OAuth 2.0 is ticked (not saved yet): set up and authorize the token, then save and test again.")
        if manage.isEnabled():
            manage.click()  # Manage Token

    def send_test_message(self) -> None:
        if not self._can_start():
            return
        w = self._window
        record = w.details.form().record()
        from outmail_gui.ui.connection_test.send_dialog import SendTestDialog

        needed = record.sent_from_analyst or record.reply_to_forwarding_analyst
        from outmail_gui.store.partitions import PartitionAdmin

        analysts = [(a.display_name or a.login, a.email) for a in PartitionAdmin.of(w.repository).analysts()]
        choice = SendTestDialog.ask(
            self._testing.widget, _name_of(record), needed, analysts, self._recipient, self._analyst_email
        )
        if choice is None:
            return
        self._recipient, self._analyst_email = choice.to_address, choice.analyst_email or self._analyst_email
        self.test_current(send=choice)

    def trust_certificate(self) -> None:
        w = self._window
        report = self._testing.panel().report
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
        from outmail_gui.ui.connection_test.trust_dialog import TrustCertificateDialog

        if not TrustCertificateDialog.ask(
            self._testing.widget, current.name, current.server, cert, current.trusted_cert_sha256
        ):
            return
        from outmail_gui.ui.shared.dialogs import ErrorDialog

        try:
            stored = w.repository.get(current.id)
            w.repository.save(stored.with_changes(trusted_cert_sha256=cert.sha256))
        except StoreError as exc:
            ErrorDialog.show(self._testing.widget, "Certificate not trusted", exc.message)
            return
        w.reload_from_store()
        session.store_changed()  # shows the saved record (with its fingerprint) in the form
        w.show_status(f"The certificate {cert.sha256} is now trusted for {current.name}. Testing again…")
        self.test_current()


def _name_of(record: ServerSettings) -> str:
    return record.name.strip() or record.server


def _explain_password(report: ProbeReport) -> bool:
    """A password rejected with 5.7.30 / 5.7.139: the OAuth 2.0 hint, and True (offer to switch)."""
    from outmail_gui.oauth.probe_support import explain_oauth_result, suggests_oauth

    explain_oauth_result(report, None)
    return suggests_oauth(report)


def _failed_at_auth(report: ProbeReport) -> bool:
    failed = report.failed_step
    return failed is not None and failed.name == "auth" and not report.cancelled


def _certificate_problem(report: ProbeReport) -> bool:
    """The test failed at TLS on a certificate this workstation cannot verify (and it was seen)."""
    failed = report.failed_step
    cert = report.tls.certificate
    return failed is not None and failed.name == "tls" and cert is not None and not cert.verified and bool(cert.sha256)
