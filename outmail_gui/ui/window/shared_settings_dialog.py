"""File › Open Shared Settings…: which PostgreSQL store to work on, as which login, tested before it is opened.

The URL is any libpq URL or conninfo (``postgresql://db.corp.example/outmail``,
``service=outmail``, ``host=a,b dbname=outmail target_session_attrs=read-write``); the login may
be given apart. A typed password is kept only in the workstation's keyring (keyed by login,
hosts, port and database), never in a file and never shown again; without one, libpq finds it
as it always does (``.pgpass``, ``PGPASSWORD``, Kerberos). The connection test runs off the GUI
thread and answers in one line. Recent stores are remembered without their passwords.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.store.location import SharedStore, StoreLocationError, store_location, without_password
from outmail_gui.store.secrets import SecretStore, SecretStoreError
from outmail_gui.ui.shared.worker_run import WorkerRun
from outmail_gui.ui.window.store_connection import start_check
from outmail_gui.ui.window.window_state import RecentStore, WindowStateStore

EXPLANATION = (
    "Work on settings a team shares in a PostgreSQL database. A password you type is kept in this "
    "workstation's keyring only; leave it empty to log in as libpq does (.pgpass, Kerberos)."
)
_STORE = Qt.ItemDataRole.UserRole


class SharedSettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None, secrets: SecretStore, state: WindowStateStore) -> None:
        super().__init__(parent)
        self.setObjectName("shared_settings_dialog")
        self.setWindowTitle("Open Shared Settings")
        self._secrets = secrets
        self._state = state
        recent = state.recent_stores()
        self._check: WorkerRun | None = None
        self.chosen: SharedStore | None = None

        explanation = QLabel(EXPLANATION, self)
        explanation.setWordWrap(True)
        self.url = QLineEdit(self)
        self.url.setObjectName("store_url")
        self.url.setAccessibleName("Database URL")
        self.url.setPlaceholderText("postgresql://db.corp.example/outmail or service=outmail")
        self.user = QLineEdit(self)
        self.user.setObjectName("store_user")
        self.user.setAccessibleName("Database login")
        self.user.setPlaceholderText("as in the URL, else your login")
        self.password = QLineEdit(self)
        self.password.setObjectName("store_password")
        self.password.setAccessibleName("Database password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.test_button = QPushButton("&Test connection", self)
        self.test_button.setObjectName("test_store_connection")
        self.test_result = QLabel(self)
        self.test_result.setObjectName("store_test_result")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.recent = QListWidget(self)
        self.recent.setObjectName("recent_stores")
        self.recent.setAccessibleName("Recent shared settings")
        for store in recent:
            item = QListWidgetItem(store.label, self.recent)
            item.setData(_STORE, store)
        rows = max(3, min(len(recent), 8))  # the list as tall as the stores remembered (at most 8)
        self.recent.setFixedHeight(rows * self.recent.fontMetrics().lineSpacing() + 2 * self.recent.frameWidth() + 6)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.open_button = self.buttons.addButton("&Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setObjectName("open_shared_settings")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Database &URL", self.url)
        form.addRow("&Login", self.user)
        form.addRow("&Password", self.password)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.test_result, 1)
        recent_label = QLabel("&Recent shared settings", self)
        recent_label.setBuddy(self.recent)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addLayout(test_row)
        layout.addWidget(recent_label)
        layout.addWidget(self.recent)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.test_button.clicked.connect(self.test_connection)
        self.open_button.clicked.connect(self.open_store)
        self.buttons.rejected.connect(self.reject)
        self.recent.currentItemChanged.connect(self._recent_chosen)
        self.recent.itemActivated.connect(lambda _item: self.open_store())
        for edit in (self.url, self.user):
            edit.textEdited.connect(self.test_result.clear)  # an answer about what was typed before
            edit.editingFinished.connect(self._target_edited)
        self.finished.connect(self._stop_check)
        if recent:
            self.recent.setCurrentRow(0)
        self._target_edited()
        self.resize(560, self.sizeHint().height())

    # ----- what was typed

    def target(self) -> SharedStore:
        """The store as typed, with the login given apart; StoreLocationError when it names no shared store."""
        text = self.url.text().strip()
        if not text:
            raise StoreLocationError("Type the database's URL or conninfo first.")
        location = store_location(text)
        if not isinstance(location, SharedStore):
            raise StoreLocationError(
                f"{text!r} is a local folder; use File › Open Local Settings for this workstation's own settings."
            )
        from outmail_gui.store.postgres.database_passwords import with_user

        return SharedStore(with_user(location.target, self.user.text()))

    def typed_password(self) -> str | None:
        return self.password.text() or None

    def _recent_chosen(self, item: QListWidgetItem | None) -> None:
        store = item.data(_STORE) if item is not None else None
        if isinstance(store, RecentStore):
            self.url.setText(store.url)
            self.user.setText(store.user)
            self.password.clear()
            self._target_edited()

    def _target_edited(self) -> None:
        """Say whether the keyring holds a password for this login (never what it is)."""
        stored = False
        try:
            from outmail_gui.store.postgres.database_passwords import password_key

            stored = self._secrets.get_password(password_key(self.target().target)) is not None
        except (StoreLocationError, SecretStoreError):
            pass
        self.password.setPlaceholderText("kept in the keyring; type to replace it" if stored else "")

    # ----- testing and opening

    def test_connection(self) -> None:
        """Connect, check the schema and say as whom and with which role, off the GUI thread."""
        try:
            target = self.target()
        except StoreLocationError as exc:
            self.test_result.setText(str(exc))
            return
        self._stop_check()
        self.test_result.setText(f"Connecting to {target.shown}…")
        self.test_button.setEnabled(False)
        self._check = start_check(SharedStore(target.target, password=self.typed_password()), self._secrets, self)
        self._check.finished.connect(self._tested)

    def _tested(self, result: object) -> None:
        self._check = None
        self.test_button.setEnabled(True)
        self.test_result.setText(str(getattr(result, "line", "")))

    def is_testing(self) -> bool:
        return self._check is not None

    def _stop_check(self) -> None:
        check, self._check = self._check, None
        if check is not None:
            check.abandon()
        self.test_button.setEnabled(True)

    def open_store(self) -> None:
        """Keep the typed password in the keyring and accept; a problem is said in the dialog."""
        try:
            target = self.target()
        except StoreLocationError as exc:
            self.test_result.setText(str(exc))
            return
        from outmail_gui.store.postgres.database_passwords import remember_password, url_password

        store = target
        password = self.typed_password() or url_password(target.target)
        if password:
            store = SharedStore(without_password(target.target))
            try:
                remember_password(store.target, password, self._secrets)
            except SecretStoreError as exc:
                self.test_result.setText(f"The password was not kept: {exc.message} Nothing was opened.")
                return
        self.chosen = store
        self._state.remember_store(RecentStore(self.url.text().strip(), self.user.text()))
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, secrets: SecretStore, state: WindowStateStore) -> SharedStore | None:
        """The shared store to open (its password, if typed, now in the keyring; it is first among
        the recent stores), or None when cancelled."""
        dialog = cls(parent, secrets, state)
        try:
            return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
