"""The "Use OAuth 2.0 Authentication" row: the checkbox, Manage Token, and a one-line status.

The settings it holds are edited in the Manage Token dialog and saved with the server; the
client secret and the tokens never pass through the form (keyring and encrypted cache).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.ui.form.editors import FieldEditor
from outmail_gui.ui.shared.messages import IssueLabel

if TYPE_CHECKING:  # MSAL loads only when a token is needed, not at window start
    from outmail_gui.oauth import TokenManager

OAUTH_TEXT = "Use OAuth 2.0 Authentication"
OAUTH_HELP = (
    "Authenticate with an OAuth 2.0 token (XOAUTH2) instead of a password, as Exchange Online requires "
    "once basic authentication is off. Manage Token sets the tenant, app registration, grant type and "
    "mailbox, and authorizes."
)

TOKEN_NOTE = "The token replaces the password (sign-in with the OAuth 2.0 method, XOAUTH2)."


class OAuthEditor(FieldEditor):
    """Not a ServerSettings field: the form keeps these settings beside the record."""

    in_record = False

    def __init__(self, parent: QWidget | None = None) -> None:
        row = QWidget(parent)
        self.box = QCheckBox(OAUTH_TEXT, row)
        super().__init__("oauth", self.box)
        self.row = row
        self.box.setObjectName("oauth_enabled")
        self.manage = QPushButton("Manage Token…", row)
        self.manage.setObjectName("oauth_manage_token")
        self.summary = QLabel(row)
        self.summary.setObjectName("oauth_summary")
        self.summary.setWordWrap(True)
        self.message = IssueLabel("oauth_message", row)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.box)
        line.addWidget(self.manage)
        line.addStretch(1)
        column = QVBoxLayout(row)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        column.addLayout(line)
        column.addWidget(self.summary)
        column.addWidget(self.message)  # below the row, never painted over the checkbox
        self._settings = OAuthSettings()
        self._factory: Callable[[], TokenManager] | None = None
        self._manager: TokenManager | None = None
        self._server: tuple[str, str] = ("", "")
        self._read_only = False
        self._changed: list[Callable[[], None]] = []
        self.box.toggled.connect(self._toggled)
        self.manage.clicked.connect(self._manage)
        self.describe(OAUTH_TEXT, OAUTH_HELP)
        self._sync()

    # -- FieldEditor ----------------------------------------------------------------------

    def value(self) -> OAuthSettings:
        return self._settings

    def set_value(self, value: Any) -> None:
        self._settings = value if isinstance(value, OAuthSettings) else OAuthSettings()
        self.box.blockSignals(True)
        self.box.setChecked(self._settings.enabled)
        self.box.blockSignals(False)
        self._sync()

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self._changed.append(slot)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._sync()

    def focus_chain(self) -> list[QWidget]:
        return [self.box, self.manage]

    # -- OAuth ----------------------------------------------------------------------------

    def configure(self, factory: Callable[[], TokenManager] | None, server_id: str, server_name: str) -> None:
        """Where Manage Token finds the tokens and the keyring for this server (made on first use)."""
        self._factory = factory
        self._server = (server_id, server_name)
        self._sync()

    def _token_manager(self) -> TokenManager | None:
        if self._manager is None and self._factory is not None:
            self._manager = self._factory()
        return self._manager

    def _toggled(self, checked: bool) -> None:
        self._settings = self._settings.with_changes(enabled=checked)
        self._sync()
        self._emit()

    def _emit(self) -> None:
        for slot in self._changed:
            slot()

    def _manage(self) -> None:
        from outmail_gui.ui.oauth.token_dialog import OAuthTokenDialog

        manager = self._token_manager()
        if manager is None:
            return
        server_id, name = self._server
        result = OAuthTokenDialog.ask(self.row.window(), manager, server_id, name, self._settings)
        if result is not None:
            self._settings = result.with_changes(enabled=self.box.isChecked())
            self._emit()
        self._sync()

    def _sync(self) -> None:
        enabled = self.box.isChecked()
        self.box.setEnabled(not self._read_only)
        self.manage.setEnabled(enabled and not self._read_only and self._factory is not None)
        self.summary.setVisible(enabled)
        self.summary.setText(f"{TOKEN_NOTE}\n{self._summary()}" if enabled else "")

    def _summary(self) -> str:
        settings = self._settings
        if not settings.client_id:
            return "Not set up yet: press Manage Token."
        head = f"{settings.grant_type.label}, sending as {settings.mailbox or '?'}"
        from outmail_gui.oauth import OAuthError

        try:
            manager = self._token_manager()
            if manager is None:
                return head
            status = manager.status(self._server[0], settings)
        except (OAuthError, ValueError):
            return head
        if status.problem:
            return f"{head}. {status.problem}"
        if not status.authorized:
            return f"{head}. Not authorized yet: press Manage Token, then Authorize."
        expires = status.expires_at.astimezone().strftime("%Y-%m-%d %H:%M") if status.expires_at else "?"
        who = status.account or "the application"
        return f"{head}. Token for {who}, expires {expires}."
