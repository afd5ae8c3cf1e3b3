"""What the window does with the displayed server: show, add, save, close, delete, duplicate, convert.

One :class:`EditSession` per window. The record under edit, its dirtiness, issues and the save
workflow are the session's :class:`~outmail_gui.editing.model.EditingModel` (Qt-free), which the
details form shows; the session asks the user (Save / Discard / Cancel, conflicts) and says
what happened. Every write is one store call (one transaction) on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING
from typing import Protocol as Interface

from outmail_gui.domain.names import normalized_name
from outmail_gui.domain.rules import RuleContext, mapi_addition_problem
from outmail_gui.domain.settings import Protocol, ServerSettings, convert_to_smtp, new_id, new_server
from outmail_gui.editing.model import EditingModel
from outmail_gui.store.errors import NotFoundError, RevisionConflictError, StoreError
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.secrets import SecretStoreError
from outmail_gui.ui.shared.host import WindowHost

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar, QWidget

    from outmail_gui.oauth import TokenManager
    from outmail_gui.store.capabilities import Capabilities
    from outmail_gui.ui.form.server_form import ServerFormWidget
    from outmail_gui.ui.partitions.features import PartitionFeatures
    from outmail_gui.ui.window.details_panel import DetailsPanel
    from outmail_gui.ui.window.server_table_model import ServerTableModel


RETRY_PASSWORD = "The password is still in the field: Save again (Ctrl+S) to retry."


class EditingHost(WindowHost, Interface):
    """The window as the editing session sees it (not the whole ``MainWindow``: no import cycle)."""

    @property
    def details(self) -> DetailsPanel: ...
    @property
    def model(self) -> ServerTableModel: ...
    @property
    def partition_features(self) -> PartitionFeatures: ...
    def allowed_partitions(self) -> list[str]: ...
    def rule_analyst(self) -> str | None: ...
    def read_only_reason(self, record: ServerSettings) -> str: ...
    def refresh_capabilities(self) -> None: ...
    @property
    def capabilities(self) -> Capabilities: ...
    def mapi_mail_server(self) -> str: ...
    def select_server(self, server_id: str, *, scroll: bool = True) -> bool: ...
    def clear_selection(self) -> None: ...
    def focus_list(self) -> None: ...
    def sync_with_store(self) -> bool: ...
    def update_actions(self) -> None: ...
    def statusBar(self) -> QStatusBar: ...


class EditSession:
    def __init__(self, parent: QWidget, window: EditingHost) -> None:
        """``parent``: of the session's dialogs; ``window``: what the session reads and asks of the window."""
        self._parent = parent
        self._window = window
        self.model = EditingModel()  # the record under edit; the details form binds to it
        self._read_only = ""  # why the displayed record cannot be edited ("" when it can)
        self._presented: tuple[object, ...] = ()  # partition access and visibility it was shown with
        self._connected = False
        self._not_saved_status = ""  # the "Not saved: …" line of the last failed save, while it shows

    # ----- state

    @property
    def _loaded(self) -> ServerSettings | None:
        """The displayed record as loaded or last saved."""
        return self.model.saved_record

    def is_open(self) -> bool:
        return self.model.is_loaded() and self._window.details.is_showing_details()

    def current(self) -> ServerSettings | None:
        return self._loaded

    def current_is_saved(self) -> bool:
        return self.is_open() and self._loaded is not None and self._loaded.revision > 0

    def current_saved_id(self) -> str:
        return self._loaded.id if self.current_is_saved() and self._loaded is not None else ""

    def is_dirty(self) -> bool:
        return self.is_open() and self.model.is_dirty()

    def is_valid(self) -> bool:
        return self.is_open() and self.model.is_valid()

    def can_save(self) -> bool:
        return self.is_open() and self.model.can_save()

    def display_name(self) -> str:
        """How the displayed server is called in messages: its saved name, or "the new ... server"."""
        loaded = self._loaded
        if loaded is None:
            return "the server"
        name = loaded.name.strip()
        if name and loaded.revision > 0:
            return name
        return f"the new {loaded.protocol.label} server"

    # ----- showing

    def show_server(self, record: ServerSettings) -> None:
        """The user picked ``record`` in the list: show it, after asking about unsaved edits."""
        if self.is_open() and self._loaded is not None and self._loaded.id == record.id:
            return
        if not self.confirm_leave("showing another server"):
            self._reselect_current()
            return
        self._load(record)

    def new_server(self, protocol: Protocol) -> None:
        w = self._window
        if self.is_open():
            w.show_status(close_first_message(self.display_name()))
            return
        if protocol is Protocol.MAPI and mapi_addition_problem(bool(w.mapi_mail_server())):
            return  # the action is disabled and says why
        w.clear_selection()
        self._load(new_server(protocol))
        self._form().focus_field("name")

    def close_details(self) -> bool:
        """Close the details (asking about unsaved edits); True when they are closed."""
        w = self._window
        if not w.details.is_showing_details():
            return True
        if not self.confirm_leave("closing the details"):
            return False
        self.model.close()
        w.details.show_placeholder()
        w.clear_selection()
        w.focus_list()
        w.update_actions()
        w.show_status("Details closed. You can add a new server now.", 5000)
        return True

    def confirm_leave(self, reason: str, *, revert_on_discard: bool = False) -> bool:
        """Before unsaved edits would be lost: Save / Discard / Cancel. True means go ahead.

        With ``revert_on_discard`` a discarded edit is replaced by the saved version at once
        (for actions that keep the details open, such as import).
        """
        if not self.is_dirty():
            return True
        from outmail_gui.ui.shared.dialogs import UnsavedChangesDialog, UnsavedChoice

        choice = UnsavedChangesDialog.ask(self._parent, self.display_name(), reason)
        if choice is UnsavedChoice.SAVE:
            return self.save()
        if choice is UnsavedChoice.DISCARD and revert_on_discard:
            self._revert()
        return choice is UnsavedChoice.DISCARD

    def _revert(self) -> None:
        """Drop the edits: show the saved version again, or close an unsaved new record."""
        w = self._window
        if not self.model.is_loaded():
            return
        saved = self.model.revert(w.repository)
        if saved is not None:
            self._load(saved)
            return
        w.details.show_placeholder()
        w.update_actions()

    # ----- saving

    def save(self) -> bool:
        """Save (the model's workflow: rules, store, keyring) and say what became of it."""
        w = self._window
        if not self.is_open():
            return False
        form = self._form()
        w.sync_with_store()
        result = self.model.save(w.repository, w.secrets, self._context)
        if result.unchanged:
            return True
        if result.conflict is not None:
            self._on_conflict(result.conflict)
            return False
        if result.invalid:
            form.focus_first_invalid()
            self._show_not_saved(f"Not saved: {result.invalid}")
            return False
        if result.saved is None:
            from outmail_gui.ui.shared.dialogs import ErrorDialog

            ErrorDialog.show(self._parent, "Not saved", result.failed)
            w.refresh_capabilities()  # a refusal by the shared database: the window shows what the login may do now
            return False
        saved, keyring_error = result.saved, result.keyring_error
        if result.keyring_note:
            form.show_keyring_message(result.keyring_note, error=False)
        w.reload_from_store()
        w.select_server(saved.id)
        w.details.set_title(_title(saved, dirty=self.is_dirty()))  # a refused password is still unsaved
        if keyring_error:  # the server is saved; the password waits in the field for Save again
            form.show_keyring_message(f"{keyring_error} {RETRY_PASSWORD}", error=True)
            w.show_status(f"Saved {saved.name}, but the password was not stored: {keyring_error} {RETRY_PASSWORD}")
        else:
            w.show_status(f"Saved {saved.name}.", 5000)
        w.update_actions()
        return True

    def _on_conflict(self, exc: RevisionConflictError) -> None:
        from outmail_gui.ui.shared.dialogs import ConflictChoice, RevisionConflictDialog

        w = self._window
        w.reload_from_store()
        choice = RevisionConflictDialog.ask(self._parent, exc.message, can_reload=exc.current is not None)
        if choice is ConflictChoice.RELOAD and exc.current is not None:
            self._load(exc.current)
            w.select_server(exc.current.id)
            w.show_status(f"Reloaded {exc.current.name} as saved elsewhere; your edits were dropped.")
        else:
            self.model.set_context(self._context())
            w.show_status("Not saved: the server was changed elsewhere. Your edits are still in the form.")
        w.update_actions()

    def revert_changes(self) -> None:
        """Edit › Revert changes: back to the saved values, asking first (Save / Discard / Cancel)."""
        if self.is_dirty():
            self.confirm_leave("reverting to the saved values", revert_on_discard=True)

    def is_current_default(self) -> bool:
        return self._loaded is not None and self._loaded.is_default

    def set_default(self) -> None:
        """Make the displayed (saved) server the Default Outgoing Email Server, as the store's rules allow."""
        w = self._window
        record = self._loaded if self.current_is_saved() else None
        if record is None or self._read_only or record.is_default:
            return
        if not self.confirm_leave("making it the default", revert_on_discard=True):
            return
        from outmail_gui.ui.shared.dialogs import ErrorDialog

        try:
            saved = w.repository.set_default(record.id)  # the previous default is cleared with it
        except StoreError as exc:
            w.reload_from_store()
            ErrorDialog.show(self._parent, "Not made the default", exc.message)
            return
        w.reload_from_store()
        self._load(saved)
        w.select_server(saved.id)
        w.show_status(f"{saved.name} is now the Default Outgoing Email Server.", 5000)

    # ----- delete, duplicate, convert

    def delete(self) -> None:
        from outmail_gui.ui.shared.dialogs import ConfirmDeleteDialog, ErrorDialog

        w = self._window
        record = self._loaded if self.current_is_saved() else None
        if record is None or self._read_only:
            return
        if not ConfirmDeleteDialog.ask(self._parent, record.name):
            return
        try:
            w.repository.delete(record.id, expected_revision=record.revision)
        except (RevisionConflictError, NotFoundError) as exc:
            w.reload_from_store()
            ErrorDialog.show(self._parent, "Not deleted", exc.message)
            return
        except StoreError as exc:
            ErrorDialog.show(self._parent, "Not deleted", exc.message)
            return
        from outmail_gui.oauth.server_secrets import remove_server_secrets

        problem = remove_server_secrets(w.data_dir, w.secrets, record)
        message = f"Deleted {record.name}, but {problem}" if problem else f"Deleted {record.name}."
        self.model.close()
        w.details.show_placeholder()
        w.reload_from_store()
        w.clear_selection()
        w.update_actions()
        w.show_status(message)

    def duplicate(self) -> None:
        w = self._window
        if not self.current_is_saved() or not self.confirm_leave("duplicating it", revert_on_discard=True):
            return
        source = self._loaded
        assert source is not None
        taken = {normalized_name(name) for name in w.model.names()}
        copy = replace(source, id=new_id(), revision=0, name=_copy_name(source.name, taken), is_default=False)
        self.model.close()
        w.clear_selection()
        self._load(copy)
        self._form().focus_field("name")
        w.show_status(f"Copy of {source.name}: not saved yet. The password is not copied; type it if needed.")

    def convert_current(self) -> None:
        """The MAPI banner's Convert to SMTP: the converted record is an unsaved edit of the same id."""
        if not self.is_open():
            return
        current = self.model.record
        if not current.is_mapi:
            return
        self._load(convert_to_smtp(current), converted=True)
        self._window.show_status("Converted to SMTP: check the port and security settings, then save.")

    def discover_settings(self) -> None:
        """Discover Settings… (beside Server, and offered on a new SMTP server): what the dialog's Apply
        chose fills Server, Port Number, Use SSL and the methods, unsaved, the changed fields marked."""
        if not self.is_open() or self._read_only:
            return
        from outmail_gui.ui.discovery.dialog import DiscoveryDialog  # loads dnspython on first use only

        current = self.model.record
        start = current.outgoing_email_id.strip() or current.server.strip()
        values = DiscoveryDialog.ask(self._parent, start, login_id=current.login_id, password=self.model.password or "")
        if values is None:
            return
        changed = self._form().apply_discovered(values)
        if changed:
            self._window.show_status("Discovered settings filled in: check the marked fields, then save.")
        else:
            self._window.show_status("The discovered settings are those already in the form.")

    # ----- other instances

    def store_changed(self, changed: Collection[str] | None = None) -> None:
        """Another instance or workstation wrote (``changed``: these servers; None: anything).

        The displayed record reloads when it is not being edited; edits are never overwritten:
        the form says who changed (or deleted) the server and when, and Save meets the conflict.
        """
        w = self._window
        loaded = self._loaded
        if not self.is_open() or loaded is None:
            return
        if loaded.revision > 0 and (changed is None or loaded.id in changed):
            fresh = w.repository.find(loaded.id)
            if self.is_dirty():
                if fresh is None or fresh.revision != loaded.revision:
                    self._form().show_changed_elsewhere(self._changed_elsewhere(loaded, fresh), deleted=fresh is None)
            elif fresh is None:
                self.model.close()
                text = f"{loaded.name} was {self._by_whom(loaded.id, 'deleted')}."
                w.details.show_placeholder(note=text)
                w.update_actions()
                w.show_status(text)
                return
            elif fresh != loaded:
                self._load(fresh)
                w.show_status(f"{fresh.name} was {self._by_whom(loaded.id, 'changed')}; showing the current version.")
                return
            elif self._presented != w.partition_features.presentation(fresh):
                self._load(fresh)  # partitioning or the analyst's access changed (Partition Settings)
                return
        self.model.set_context(self._context())

    def _by_whom(self, server_id: str, done: str) -> str:
        """``changed by jdoe at 14:02 (outmail-gui on ws7)`` from the audit trail, else ``… in another window``."""
        entry = self._window.repository.last_change(server_id)
        return f"{done} by {entry.by_whom_when()}" if entry is not None else f"{done} in another window"

    def _changed_elsewhere(self, loaded: ServerSettings, fresh: ServerSettings | None) -> str:
        if fresh is None:
            return (
                f"{self._by_whom(loaded.id, 'Deleted')} while you were editing it. Your edits are still here, "
                "but they cannot be saved to a deleted server."
            )
        return (
            f"{self._by_whom(loaded.id, 'Changed')} while you were editing it. Your edits are kept: Save asks "
            "whether to reload the saved version, or Load Saved Version shows it now."
        )

    # ----- internals

    def _form(self) -> ServerFormWidget:
        form = self._window.details.form()
        if not self._connected:
            self._connected = True
            form.bind(self.model)
            form.dirty_changed.connect(self._on_form_changed)
            form.validity_changed.connect(self._on_form_changed)
            form.convert_to_smtp_requested.connect(self.convert_current)
            form.discover_requested.connect(self.discover_settings)
            form.load_saved_requested.connect(self.revert_changes)
            form.default_replacement_changed.connect(self._on_default_replacement)
        return form

    def _load(self, record: ServerSettings, *, converted: bool = False) -> None:
        w = self._window
        form = self._form()
        stored, label, keyring_error = self._password_state(record)
        self._presented = w.partition_features.presentation(record)
        self._read_only = w.read_only_reason(record)
        form.load(
            record,
            self._context(),
            partitions_visible=w.repository.partitioning_enabled(),
            allowed_partitions=w.allowed_partitions(),
            password_stored=stored,
            keyring_label=label,
            password_per_workstation=w.shared is not None,
            read_only_reason=self._read_only,
            oauth=OAuthSettingsStore.of(w.repository).get(record.id) if record.is_smtp else None,
            token_manager=self._token_manager,
            converted=converted,
        )
        if keyring_error:
            form.show_keyring_message(keyring_error, error=True)
        w.details.show_details(_title(record, converted=converted))
        w.update_actions()

    def _token_manager(self) -> TokenManager:
        from outmail_gui.oauth import TokenManager  # MSAL loads on first use, not at window start

        w = self._window
        return TokenManager.for_data_dir(w.data_dir, w.secrets)

    def _password_state(self, record: ServerSettings) -> tuple[bool, str, str]:
        secrets = self._window.secrets
        label = str(secrets.backend_info())
        if record.revision == 0:
            return False, label, ""
        try:
            return secrets.get_password(record.id) is not None, label, ""
        except SecretStoreError as exc:
            return False, label, exc.message

    def _context(self) -> RuleContext:
        w = self._window
        # A read-only record is judged against every partition: its own is not offered, but exists.
        context = w.repository.rule_context(None if self._read_only else w.rule_analyst())
        return replace(context, unpartitioned_allowed=w.capabilities.may_save_unpartitioned())

    def read_only_reason(self) -> str:
        """Why the displayed server cannot be changed or deleted ("" when it can)."""
        return self._read_only if self.is_open() else ""

    def _on_form_changed(self, _value: bool) -> None:
        w = self._window
        loaded = self._loaded
        if self.is_open() and loaded is not None:
            w.details.set_title(_title(loaded, dirty=self.is_dirty(), converted=self.model.converted))
            self._follow_not_saved()
        w.update_actions()

    def _show_not_saved(self, text: str) -> None:
        self._not_saved_status = text
        self._window.show_status(text)

    def _follow_not_saved(self) -> None:
        """A failed save's status line follows the fixes: the next problem, or that Save works now."""
        shown = self._not_saved_status
        if not shown:
            return
        if self._window.statusBar().currentMessage() != shown:
            self._not_saved_status = ""  # something else was said since
            return
        if self.model.is_valid():
            self._not_saved_status = ""
            self._window.show_status("Fixed: the server can be saved now (Ctrl+S).", 5000)
        elif (text := f"Not saved: {self.model.not_saved_reason()}") != shown:
            self._show_not_saved(text)

    def _on_default_replacement(self, name: str) -> None:
        if name:
            self._window.show_status(f"Saving makes this the default outgoing server instead of {name}.")

    def _reselect_current(self) -> None:
        w = self._window
        if self._loaded is not None and self._loaded.revision > 0:
            w.select_server(self._loaded.id)
        else:
            w.clear_selection()


def close_first_message(name: str) -> str:
    return f"Close the details of {name} before adding a new server (Esc)."


def _title(record: ServerSettings, *, dirty: bool = False, converted: bool = False) -> str:
    kind = f"{record.protocol.label} server" + (" (legacy)" if record.is_mapi else "")
    name = record.name.strip()
    if converted:
        return f"SMTP server: {name} — converted from MAPI, not saved"
    if record.revision == 0:
        return f"New {kind}: {name} — not saved" if name else f"New {kind} — not saved"
    return f"{kind}: {name}" + (" — unsaved changes" if dirty else "")


def _copy_name(name: str, taken: set[str]) -> str:
    base = f"Copy of {name.strip()}"
    candidate, number = base, 2
    while normalized_name(candidate) in taken:
        candidate = f"{base} ({number})"
        number += 1
    return candidate
