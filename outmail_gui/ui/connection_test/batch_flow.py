"""Test all: every active server tested at once, off the GUI thread (:class:`ProbeBatch`).

Requests are built on the GUI thread (no passwords: those are read, and OAuth tokens fetched,
on the batch's helper thread, just before each test); the Last test column shows each server's
progress; the results are stored in one transaction when the batch ends.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.errors import StoreError
from outmail_gui.store.history import HistoryEntry, Outcome
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.secrets import NOT_ON_THIS_WORKSTATION
from outmail_gui.ui.shared.icons import StatusIcon

if TYPE_CHECKING:
    from outmail_gui.store.secrets import SecretStore
    from outmail_gui.ui.connection_test.batch import PasswordLookup, ProbeBatch
    from outmail_gui.ui.connection_test.context import TestingContext


class TestAllFlow(QObject):
    """The one Test all run at a time: its progress, Cancel all and the Last test column."""

    __test__ = False  # a Qt object, not a pytest test class

    def __init__(self, testing: TestingContext) -> None:
        super().__init__(testing.widget)
        self._testing = testing
        self._window = testing.host
        self._actions = testing.actions
        self._batch: ProbeBatch | None = None
        self._entries: list[HistoryEntry] = []
        self._started = 0.0

    def is_active(self) -> bool:
        """Test all was started and has not reported its end yet."""
        return self._batch is not None

    def is_running(self) -> bool:
        """Its threads or worker process may still be running."""
        return self._batch is not None and self._batch.is_running()

    def start(self) -> None:
        w = self._window
        if self._batch is not None:
            return
        records = [r for r in w.model.records() if r.active]
        if not records:
            w.show_status("There is no active server to test.")
            return
        from outmail_gui.probe.batch import batch_timeout
        from outmail_gui.probe.request import ProbeRequest
        from outmail_gui.ui.connection_test.batch import BatchItem, ProbeBatch

        secrets = w.secrets
        oauth_of = self._oauth_settings_of(records)
        items = []
        for record in records:
            request = ProbeRequest.from_settings(record, "", timeout_s=batch_timeout(record.connection_timeout_s))
            oauth = oauth_of.get(record.id)
            if oauth is not None:
                from outmail_gui.ui.connection_test.oauth_step import with_oauth_step

                # The token is fetched (refreshed) on the batch's helper thread, just before the test.
                request, preparation = with_oauth_step(request, record.id, oauth, self._testing.token_managers)
                items.append(BatchItem(record.id, request, None, preparation))
            else:
                lookup = (
                    _password_lookup(secrets, record, shared=w.shared is not None) if record.login_id.strip() else None
                )
                items.append(BatchItem(record.id, request, lookup))
            w.model.set_last_test(record.id, "Queued…", StatusIcon.INFO)
        items.sort(key=lambda item: item.preparation is not None)  # token requests never hold up the others
        batch = ProbeBatch(items, parent=self)
        batch.item_started.connect(self._on_item_started)
        batch.item_finished.connect(self._on_item_finished)
        batch.progress.connect(self._on_progress)
        batch.finished.connect(self._on_finished)
        self._batch = batch
        self._entries = []
        self._started = time.monotonic()
        self._actions.show_progress(len(items))
        self._testing.update_actions()
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

    def cancel(self) -> None:
        if self._batch is not None:
            self._batch.cancel()
            self._actions.cancel_all_button.setEnabled(False)
            self._window.show_status("Cancelling all tests…")

    def shut_down(self) -> None:
        """Cancel the batch and wait for it, without storing or reporting anything."""
        batch, self._batch = self._batch, None
        if batch is not None:
            batch.shut_down()
            batch.deleteLater()

    def _on_item_started(self, server_id: str) -> None:
        self._window.model.set_last_test(server_id, "Testing…", StatusIcon.INFO)

    def _on_item_finished(self, server_id: str, entry: HistoryEntry | None) -> None:
        if entry is None:
            self._window.model.set_last_test(server_id, "Not tested (cancelled)", StatusIcon.WARNING)
            return
        self._entries.append(entry)
        self._testing.results.show_last_test(entry)

    def _on_progress(self, done: int, total: int) -> None:
        self._actions.progress.setValue(done)

    def _on_finished(self, cancelled: bool) -> None:
        batch, self._batch = self._batch, None
        problem = batch.error if batch is not None else ""
        if batch is not None:
            batch.deleteLater()
        entries, self._entries = self._entries, []
        self._testing.results.store(entries, update_model=False)
        self._actions.hide_progress()
        self._testing.update_actions()
        counts = {o: sum(1 for e in entries if e.outcome is o) for o in Outcome}
        seconds = time.monotonic() - self._started
        text = (
            f"Tested {len(entries)} server(s) in {seconds:.1f} s: {counts[Outcome.PASSED]} passed, "
            f"{counts[Outcome.FAILED]} failed"
        )
        if cancelled:
            text = "Test all was cancelled. " + text + f", {counts[Outcome.CANCELLED]} cancelled"
        self._window.show_status(f"{problem} {text}." if problem else text + ".")
        self._testing.batch_done(cancelled)


def _password_lookup(secrets: SecretStore, record: ServerSettings, *, shared: bool) -> PasswordLookup:
    """The stored password, read on the batch's helper thread; on a shared store a missing one is said,
    not tested as none (the single test asks for it)."""

    def lookup() -> str | None:
        from outmail_gui.ui.connection_test.batch import PasswordMissing  # loaded with the batch

        password = secrets.get_password(record.id)
        if password is None and shared and record.is_smtp:
            raise PasswordMissing(
                f"{NOT_ON_THIS_WORKSTATION}: test this server on its own to type it "
                "(Remember on this workstation keeps it)."
            )
        return password

    return lookup
