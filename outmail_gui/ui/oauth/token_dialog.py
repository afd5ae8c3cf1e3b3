"""Manage Token: the OAuth 2.0 settings of one SMTP server, its token status and authorization.

Settings are checked by :func:`outmail_gui.domain.oauth.validate_oauth` (the dialog never
re-implements a rule). The client secret is typed here and goes to the keyring only; the
token's status (who, expires, last refreshed) is read from the encrypted cache. Authorize
runs on a worker thread; for the device code grant the code and the verification address
are shown with a copy button while it waits, and Cancel stops the wait.
"""

from __future__ import annotations

import datetime as dt
import webbrowser
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QCloseEvent, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.domain.oauth import GrantType, OAuthSettings, validate_oauth
from outmail_gui.domain.rules import Issue, Severity
from outmail_gui.oauth import AccessToken, DeviceCodePrompt, OAuthError, TokenManager, TokenStatus
from outmail_gui.ui.oauth.authorize_worker import AuthorizeJob
from outmail_gui.ui.shared.messages import IssueLabel

_NO_DATE = QDate(2000, 1, 1)


def when(moment: dt.datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


class OAuthTokenDialog(QDialog):
    def __init__(
        self,
        manager: TokenManager,
        server_id: str,
        server_name: str,
        settings: OAuthSettings,
        parent: QWidget | None = None,
        *,
        open_browser: Callable[[str], bool] = webbrowser.open,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("oauth_token_dialog")
        self.setWindowTitle(f"OAuth 2.0 token — {server_name or 'new server'}")
        self.manager = manager
        self.server_id = server_id
        self.open_browser = open_browser
        self._today = today
        self._job: AuthorizeJob | None = None
        self._messages: dict[str, IssueLabel] = {}
        self._failures: dict[str, str] = {}  # the last authorization's error, at its field, until the next try
        # Errors show for fields the user typed in, or all of them once settings were given earlier:
        # a blank set-up does not open with a column of red (notices and warnings always show).
        self._typed: set[str] = set()
        self._reveal_all = bool(settings.tenant or settings.client_id or settings.mailbox)
        self._has_token = False
        self._status_problem = ""
        self._outcome: tuple[Severity, str] | None = None  # the last authorization's result, until the next
        self._build()
        self._load(settings)

    # -- building ----------------------------------------------------------------------------

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        line = QLineEdit(self)
        line.setObjectName(name)
        line.setPlaceholderText(placeholder)
        line.textEdited.connect(lambda _text: self._typed.add(name))
        line.textEdited.connect(self._refresh)
        return line

    def _row(self, form: QFormLayout, label: str, name: str, widget: QWidget) -> None:
        cell = QWidget(self)
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(widget)
        message = IssueLabel(f"{name}_message", cell)
        column.addWidget(message)
        self._messages[name] = message
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        form.addRow(caption, cell)

    def _build(self) -> None:
        self.tenant = self._line("oauth_tenant", "Tenant ID, contoso.onmicrosoft.com, or an https:// authority URL")
        self.client_id = self._line("oauth_client_id", "Application (client) ID")
        self.grant = QComboBox(self)
        self.grant.setObjectName("oauth_grant_type")
        for grant in GrantType:
            self.grant.addItem(grant.label, grant)
        self.grant.currentIndexChanged.connect(self._refresh)
        self.secret = self._line("oauth_client_secret", "")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.textEdited.connect(lambda _text: self._failures.pop("oauth_client_secret", None))
        self.expires = QDateEdit(self)
        self.expires.setObjectName("oauth_client_secret_expires")
        self.expires.setCalendarPopup(True)
        self.expires.setDisplayFormat("yyyy-MM-dd")
        self.expires.setMinimumDate(_NO_DATE)
        self.expires.setSpecialValueText("Not set")
        self.expires.dateChanged.connect(self._refresh)
        self.mailbox = self._line("oauth_mailbox", "The mailbox the token sends as (user@contoso.com)")

        settings_box = QGroupBox("Token settings", self)
        form = QFormLayout(settings_box)
        self._row(form, "&Tenant", "oauth_tenant", self.tenant)
        self._row(form, "&Client ID", "oauth_client_id", self.client_id)
        self._row(form, "&Grant type", "oauth_grant_type", self.grant)
        self._row(form, "Client &secret", "oauth_client_secret", self.secret)
        self._row(form, "Secret &expires", "oauth_client_secret_expires", self.expires)
        self._row(form, "&Mailbox (user)", "oauth_mailbox", self.mailbox)

        status_box = QGroupBox("Token status", self)
        status_box.setObjectName("oauth_status")
        status_form = QFormLayout(status_box)
        self.status_account = QLabel(status_box)
        self.status_account.setObjectName("oauth_status_account")
        self.status_expires = QLabel(status_box)
        self.status_expires.setObjectName("oauth_status_expires")
        self.status_refreshed = QLabel(status_box)
        self.status_refreshed.setObjectName("oauth_status_refreshed")
        status_form.addRow("For", self.status_account)
        status_form.addRow("Expires", self.status_expires)
        status_form.addRow("Last refreshed", self.status_refreshed)
        self.status_message = IssueLabel("oauth_status_message", status_box)
        status_form.addRow(self.status_message)

        self.device_panel = self._device_panel()
        self.authorize_button = QPushButton("&Authorize", self)
        self.authorize_button.setObjectName("oauth_authorize")
        self.authorize_button.clicked.connect(self._authorize)
        self.cancel_wait_button = QPushButton("Cancel &waiting", self)
        self.cancel_wait_button.setObjectName("oauth_cancel_wait")
        self.cancel_wait_button.clicked.connect(self._cancel_wait)
        self.forget_button = QPushButton("&Forget token", self)
        self.forget_button.setObjectName("oauth_forget")
        self.forget_button.clicked.connect(self._forget)
        actions = QHBoxLayout()
        for button in (self.authorize_button, self.cancel_wait_button, self.forget_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("oauth_ok")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("oauth_dialog_cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(settings_box)
        layout.addWidget(status_box)
        layout.addLayout(actions)
        layout.addWidget(self.device_panel)
        layout.addWidget(self.buttons)

    def _device_panel(self) -> QWidget:
        panel = QGroupBox("Sign in on another device", self)
        panel.setObjectName("oauth_device_panel")
        self.device_uri = QLabel(panel)
        self.device_uri.setObjectName("oauth_verification_uri")
        self.device_uri.setTextFormat(Qt.TextFormat.RichText)
        self.device_uri.setOpenExternalLinks(True)
        self.device_uri.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.user_code = QLabel(panel)
        self.user_code.setObjectName("oauth_user_code")
        self.user_code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.user_code.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.user_code.setFont(font)
        self.copy_button = QPushButton("&Copy code", panel)
        self.copy_button.setObjectName("oauth_copy_code")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.user_code.text()))
        self.device_wait = QLabel(panel)
        self.device_wait.setObjectName("oauth_device_wait")
        code_row = QHBoxLayout()
        code_row.addWidget(self.user_code)
        code_row.addWidget(self.copy_button)
        code_row.addStretch(1)
        column = QVBoxLayout(panel)
        column.addWidget(self.device_uri)
        column.addLayout(code_row)
        column.addWidget(self.device_wait)
        panel.setVisible(False)
        return panel

    # -- values --------------------------------------------------------------------------------

    def _load(self, settings: OAuthSettings) -> None:
        self.tenant.setText(settings.tenant)
        self.client_id.setText(settings.client_id)
        self.grant.setCurrentIndex(list(GrantType).index(settings.grant_type))
        expires = settings.client_secret_expires
        self.expires.setDate(QDate(expires.year, expires.month, expires.day) if expires else _NO_DATE)
        self.mailbox.setText(settings.mailbox)
        self._refresh()
        self._show_status()

    def settings(self) -> OAuthSettings:
        """The dialog's current values (always enabled: the dialog is OAuth's)."""
        date = self.expires.date()
        expires = None if date == _NO_DATE else dt.date(date.year(), date.month(), date.day())
        return OAuthSettings(
            enabled=True,
            tenant=self.tenant.text().strip(),
            client_id=self.client_id.text().strip(),
            grant_type=GrantType(self.grant.currentData()),
            mailbox=self.mailbox.text().strip(),
            client_secret_expires=expires,
        )

    def typed_secret(self) -> str | None:
        return self.secret.text() or None

    # -- reacting --------------------------------------------------------------------------------

    def _refresh(self) -> None:
        current = self.settings()
        needs_secret = current.grant_type.needs_client_secret
        self.secret.setEnabled(needs_secret)
        self.expires.setEnabled(needs_secret)
        stored = needs_secret and self._secret_stored()
        self.secret.setPlaceholderText(
            "Stored in the keyring — type to replace" if stored else "The client secret's value (kept in the keyring)"
        )
        issues = validate_oauth(current, self._today)
        if needs_secret and not stored and not self.typed_secret():
            issues.append(_secret_missing())
        for name, label in self._messages.items():
            shown = self._reveal_all or name in self._typed
            items = [(i.severity, i.message) for i in issues if i.field == name and (shown or not i.blocks_saving)]
            if name in self._failures:
                items.append((Severity.ERROR, self._failures[name]))
            label.show_items(items)
        blocked = any(i.blocks_saving for i in issues if i.field != "oauth_client_secret")
        waiting = self._job is not None
        first = next((i.message for i in issues if i.blocks_saving), "")
        self.ok_button.setEnabled(not blocked and not waiting)
        self.ok_button.setToolTip(f"OK is off: {first}" if blocked else "")
        can_authorize = not waiting and not first
        self.authorize_button.setEnabled(can_authorize)
        self.authorize_button.setToolTip(
            "Sign in and get a token" if can_authorize else f"Authorize is off: {first or 'waiting for a sign-in'}"
        )
        self.cancel_wait_button.setVisible(waiting)
        self.forget_button.setEnabled(not waiting and self._has_token)
        self.forget_button.setToolTip(
            "Delete the token kept for this server" if self._has_token else "Forget token is off: there is no token"
        )
        self._say_what_is_next()

    def _secret_stored(self) -> bool:
        try:
            return self.manager.client_secret(self.server_id) is not None
        except OAuthError:
            return False

    def _show_status(self, status: TokenStatus | None = None) -> None:
        status = status or self.manager.status(self.server_id, self.settings())
        if status.grant_type.delegated:
            self.status_account.setText(status.account or "— (not authorized)")
        else:
            who = self.mailbox.text().strip() or "the mailbox"
            self.status_account.setText(f"the application, sending as {who}" if status.authorized else "—")
        expired = status.expired()
        self.status_expires.setText(when(status.expires_at) + (" (expired)" if expired and status.expires_at else ""))
        self.status_refreshed.setText(when(status.refreshed_at))
        self.authorize_button.setText("Re-&authorize" if status.authorized else "&Authorize")
        self._has_token = status.authorized
        self._status_problem = status.problem
        self._refresh()

    def _say_what_is_next(self) -> None:
        """The status line: the token's problem, or the next step (never "press" a disabled button)."""
        if self._job is not None:
            return  # the authorization in progress says what it waits for
        if self._outcome is not None:
            self.status_message.show_message(*self._outcome)
        elif self._status_problem:
            self.status_message.show_message(Severity.ERROR, self._status_problem)
        elif self._has_token:
            self.status_message.clear_message()
        elif self.authorize_button.isEnabled():
            self.status_message.show_message(Severity.NOTICE, "No token yet: press Authorize.")
        else:
            self.status_message.show_message(
                Severity.NOTICE, "No token yet: fill in the token settings above, then press Authorize."
            )

    def _tell(self, severity: Severity, text: str) -> None:
        self._outcome = (severity, text)
        self.status_message.show_message(severity, text)

    def _authorize(self) -> None:
        self._failures.clear()
        self._outcome = None
        settings = self.settings()
        self.status_message.show_message(Severity.NOTICE, _WAITING[settings.grant_type])
        job = AuthorizeJob(self.manager, self.server_id, settings, self.typed_secret(), self.open_browser, self)
        job.device_code.connect(self._show_device_code)
        job.succeeded.connect(self._authorized)
        job.failed.connect(self._authorize_failed)
        job.cancelled.connect(lambda: self._tell(Severity.NOTICE, "Authorization cancelled."))
        job.finished.connect(self._job_finished)
        self._job = job
        self._refresh()
        job.start()

    def _show_device_code(self, prompt: DeviceCodePrompt) -> None:
        uri = prompt.verification_uri
        self.device_uri.setText(f'On any device, open <a href="{uri}">{uri}</a> and enter this code:')
        self.user_code.setText(prompt.user_code)
        self.device_wait.setText(f"Waiting for the sign-in (the code expires at {when(prompt.expires_at)}).")
        self.device_panel.setVisible(True)

    def _authorized(self, token: AccessToken) -> None:
        secret = self.typed_secret()
        if secret and self.settings().grant_type.needs_client_secret:
            self._store_secret(secret)
        self._show_status()
        self._tell(
            Severity.NOTICE,
            f"Authorized: a token for {token.account or 'the application'} until {when(token.expires_at)}.",
        )

    def _authorize_failed(self, message: str, field: str) -> None:
        self._show_status()
        self._tell(Severity.ERROR, message)
        if field in self._messages:
            self._failures[field] = message

    def _job_finished(self) -> None:
        if self._job is not None:
            self._job.deleteLater()
        self._job = None
        self.device_panel.setVisible(False)
        self._refresh()

    def _cancel_wait(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def _forget(self) -> None:
        self.manager.forget(self.server_id)
        self._outcome = None
        self._show_status()

    def _store_secret(self, secret: str) -> bool:
        try:
            self.manager.set_client_secret(self.server_id, secret)
        except OAuthError as exc:
            self._messages["oauth_client_secret"].show_message(Severity.ERROR, exc.message)
            return False
        self.secret.clear()
        return True

    # -- closing -------------------------------------------------------------------------------------

    def accept(self) -> None:
        secret = self.typed_secret()
        if secret and self.settings().grant_type.needs_client_secret and not self._store_secret(secret):
            return
        self._stop_job()
        super().accept()

    def done(self, result: int) -> None:
        self._stop_job()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_job()
        super().closeEvent(event)

    def _stop_job(self) -> None:
        if self._job is not None:
            self._job.stop()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        manager: TokenManager,
        server_id: str,
        server_name: str,
        settings: OAuthSettings,
    ) -> OAuthSettings | None:
        """Run the dialog; the settings to keep, or None when cancelled."""
        dialog = cls(manager, server_id, server_name, settings, parent)
        try:
            return dialog.settings() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


_WAITING = {
    GrantType.CLIENT_CREDENTIALS: "Requesting an app-only token…",
    GrantType.DEVICE_CODE: "Requesting a device code…",
    GrantType.AUTHORIZATION_CODE: "Sign in in the browser window that opened; Outmail waits for it.",
}


def _secret_missing() -> Issue:
    return Issue(
        "oauth_client_secret", Severity.ERROR, "Enter the client secret: the client credentials grant needs it."
    )
