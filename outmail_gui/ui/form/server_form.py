"""The details form of one outgoing server (the contract is in .notes/ui-contract.md).

Rows are built from ``fields_for(protocol)`` and ``FIELD_KINDS``. The form is a view of an
:class:`~outmail_gui.editing.model.EditingModel`: it forwards every edit to the model and shows
what the model decides (the rules' issues and which of them show yet, dirtiness, validity).
The form never decides a rule, nor when an error shows (see :mod:`outmail_gui.editing.model`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.domain.addresses import is_exchange_365
from outmail_gui.domain.fields import GROUP_TITLES, field_info
from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.domain.rules import EXCHANGE_NEEDS_SSL, Issue, RuleContext, Severity
from outmail_gui.domain.settings import AuthMethod, Protocol, ServerSettings, fields_for
from outmail_gui.domain.tls_mode import tls_mode_text
from outmail_gui.editing.model import EditingModel, Values
from outmail_gui.ui.form.auth_section import MethodsEditor
from outmail_gui.ui.form.banners import Banner
from outmail_gui.ui.form.editors import FieldEditor
from outmail_gui.ui.form.field_widgets import FieldRow, Mnemonics, PartitionEditor, build_row
from outmail_gui.ui.form.oauth_field import OAuthEditor
from outmail_gui.ui.form.password_field import PasswordEditor
from outmail_gui.ui.shared.messages import IssueLabel

if TYPE_CHECKING:  # MSAL loads only when a token is needed, not at window start
    from outmail_gui.oauth import TokenManager

GROUP_ORDER: tuple[str, ...] = ("connection", "authentication", "sending", "routing")
CONVERT_TEXT = "Convert to SMTP"
DISCOVER_TEXT = "Discover Settings…"
LOAD_SAVED_TEXT = "Load Saved Version…"
DISCOVER_OFFER = (
    "New SMTP server: Discover Settings finds the server, port, security and sign-in methods from an "
    "email address or host, and tests them."
)
DISCOVERED_NOTE = "Filled in by Discover Settings (not saved yet)."
OAUTH_METHOD_REASON = (
    "Used because Use OAuth 2.0 Authentication is ticked: the OAuth 2.0 token replaces the password. "
    "Untick Use OAuth 2.0 Authentication to choose the methods yourself."
)


class ServerFormWidget(QWidget):
    """Shows and edits one ServerSettings record; the window owns saving and the list."""

    dirty_changed = Signal(bool)
    validity_changed = Signal(bool)
    convert_to_smtp_requested = Signal()
    default_replacement_changed = Signal(str)
    discover_requested = Signal()
    load_saved_requested = Signal()  # the changed-elsewhere banner's button

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("server_form")
        self.setAccessibleName("Server details")
        self.read_only_banner = Banner("read_only_banner", QStyle.StandardPixmap.SP_MessageBoxInformation, self)
        # Another workstation changed (or deleted) the server while it was being edited here.
        self.changed_banner = Banner("changed_elsewhere_banner", QStyle.StandardPixmap.SP_MessageBoxWarning, self)
        self.load_saved_button = self.changed_banner.add_button("load_saved_version", LOAD_SAVED_TEXT)
        self.load_saved_button.clicked.connect(self.load_saved_requested)
        self.mapi_banner = Banner("mapi_banner", QStyle.StandardPixmap.SP_MessageBoxWarning, self)
        self.convert_button = self.mapi_banner.add_button("convert_to_smtp", CONVERT_TEXT)
        self.convert_button.clicked.connect(self.convert_to_smtp_requested)
        self.discover_banner = Banner("discover_banner", QStyle.StandardPixmap.SP_MessageBoxInformation, self)
        self.discover_banner.add_button("discover_offer", DISCOVER_TEXT).clicked.connect(self.discover_requested)
        self.discover_button: QPushButton | None = None  # beside Server (SMTP)
        self.general_message = IssueLabel("form_message", self)
        self._scroll = QScrollArea(self)
        self._scroll.setObjectName("server_form_scroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields; they scroll into view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.changed_banner)
        layout.addWidget(self.read_only_banner)
        layout.addWidget(self.mapi_banner)
        layout.addWidget(self.discover_banner)
        layout.addWidget(self.general_message)
        layout.addWidget(self._scroll, 1)

        self._protocol: Protocol | None = None
        self._building: Protocol | None = None
        self._editors: dict[str, FieldEditor] = {}  # in visual order
        self._tls_mode: QLabel | None = None  # beside Use SSL: the TLS mode the port gets
        self._messages: dict[str, IssueLabel] = {}
        self._partition_row: tuple[QFormLayout, QWidget] | None = None
        self._password_row: tuple[QFormLayout, QWidget] | None = None
        self._options: dict[str, Any] = {}  # load()'s keyword arguments, for a reload
        self._highlights: dict[str, str] = {}
        self._discovered: set[str] = set()  # fields Discover Settings filled in since the load or save
        self._loading = False  # the form writes its editors: their change signals are not edits
        self._forwarding = False  # the model takes the editors' values: nothing to write back to them
        self._announce = False  # the next state shown is a new record's: say validity and dirtiness
        self._shown_saved: ServerSettings | None = None  # the model's saved record the form last showed
        self._valid = False
        self._dirty = False
        self._replacement = ""
        self.model = EditingModel()
        self.model.listen(self._follow_model)

    def bind(self, model: EditingModel) -> None:
        """Show and edit ``model`` (the window's editing session owns it) instead of the form's own."""
        self.model = model
        model.listen(self._follow_model)

    # -- building ------------------------------------------------------------------------

    def _build(self, protocol: Protocol) -> None:
        """(Re)create the rows for ``protocol``; the old ones leave the widget tree at once."""
        old = self._scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self._editors, self._messages, self._partition_row, self._password_row = {}, {}, None, None
        self._tls_mode = None
        self.discover_button = None
        content = QWidget()
        content.setObjectName("server_form_content")
        column = QVBoxLayout(content)
        labels: list[QLabel] = []
        self._building = protocol
        names = fields_for(protocol)
        for group in GROUP_ORDER:
            members = [n for n in names if field_info(protocol, n).group == group]
            if not members:
                continue
            box = QGroupBox(GROUP_TITLES[group], content)
            box.setObjectName(f"group_{group}")
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            for name in members:
                row = build_row(protocol, name, box)
                if row is not None:
                    labels.append(self._add_row(form, row, box))
            if group == "authentication" and protocol is Protocol.SMTP:
                oauth = OAuthEditor(box)
                labels.append(self._add_row(form, FieldRow(None, oauth.row, [oauth]), box))
            column.addWidget(box)
        column.addStretch(1)
        width = max(label.sizeHint().width() for label in labels if not label.wordWrap())
        for label in labels:
            label.setMinimumWidth(width)
        self._scroll.setWidget(content)
        self._protocol = protocol
        self._set_mnemonics(labels)
        self._set_tab_order()
        for name, editor in self._editors.items():
            editor.connect_changed(self._edit_slot(name))

    def _add_row(self, form: QFormLayout, row: FieldRow, parent: QWidget) -> QLabel:
        cell = QWidget(parent)
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(3)
        if self._building is Protocol.SMTP and any(e.name == "server" for e in row.editors):
            line = QHBoxLayout()
            line.addWidget(row.widget, 1)
            self.discover_button = QPushButton(DISCOVER_TEXT, cell)
            self.discover_button.setObjectName("discover_settings")
            self.discover_button.setToolTip(DISCOVER_OFFER.split(": ", 1)[1])
            self.discover_button.clicked.connect(self.discover_requested)
            line.addWidget(self.discover_button)
            cell_layout.addLayout(line)
        elif any(e.name == "use_ssl" for e in row.editors):
            cell_layout.addLayout(self._beside_use_ssl(row.widget, parent))
        else:
            cell_layout.addWidget(row.widget)
        for editor in row.editors:
            self._editors[editor.name] = editor
            if editor.message is None:
                editor.message = IssueLabel(f"{editor.name}_message", cell)
                cell_layout.addWidget(editor.message)
            self._messages[editor.name] = editor.message
        label = row.label or QLabel(parent)
        form.addRow(label, cell)
        if any(isinstance(e, PartitionEditor) for e in row.editors):
            self._partition_row = (form, cell)
        if any(isinstance(e, PasswordEditor) for e in row.editors):
            self._password_row = (form, cell)
        return label

    def _beside_use_ssl(self, box: QWidget, parent: QWidget) -> QHBoxLayout:
        """Use SSL with the TLS mode it means on the current port, in the engine's words."""
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(box)
        mode = QLabel(parent)
        mode.setObjectName("tls_mode")
        mode.setWordWrap(True)
        mode.setEnabled(False)  # drawn as a quiet note, not as a control
        line.addWidget(mode, 1)
        self._tls_mode = mode
        return line

    def _show_tls_mode(self, current: ServerSettings) -> None:
        mode = self._tls_mode
        if mode is not None:
            shown = current.is_smtp and current.use_ssl
            mode.setText(tls_mode_text(current.port) if shown else "")
            mode.setVisible(shown)

    def _set_mnemonics(self, labels: list[QLabel]) -> None:
        """Keys for the banner button (MAPI), the field labels, Discover settings, then the checkboxes.

        Labels come before checkboxes: Alt+key is how a text field is reached directly, while a
        checkbox left without a key is still ticked with Tab and Space. A label whose field is
        out of the Tab chain (Protocol: nothing to edit) gets none.
        """
        widgets: list[QLabel | QAbstractButton] = []
        self.convert_button.setText(CONVERT_TEXT)
        if self._protocol is Protocol.MAPI:
            widgets.append(self.convert_button)
        for label in labels:
            buddy = label.buddy()
            if buddy is not None and buddy.focusPolicy() & Qt.FocusPolicy.TabFocus:
                widgets.append(label)
        if self.discover_button is not None:
            self.discover_button.setText(DISCOVER_TEXT)
            widgets.append(self.discover_button)
        for editor in self._editors.values():
            widgets += [w for w in editor.focus_chain() if isinstance(w, QCheckBox)]
        for widget, text in zip(widgets, Mnemonics.assign([w.text() for w in widgets]), strict=True):
            widget.setText(text)

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [self.convert_button]
        for editor in self._editors.values():
            chain += editor.focus_chain()
            if editor.name == "server" and self.discover_button is not None:
                chain.append(self.discover_button)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- contract --------------------------------------------------------------------------

    def load(
        self,
        record: ServerSettings,
        context: RuleContext,
        *,
        partitions_visible: bool,
        allowed_partitions: Sequence[str],
        password_stored: bool,
        keyring_label: str,
        password_per_workstation: bool = False,
        read_only_reason: str = "",
        oauth: OAuthSettings | None = None,
        token_manager: Callable[[], TokenManager] | None = None,
        converted: bool = False,
    ) -> None:
        """Show a record (new or saved); resets dirty state. Only the fields of record.protocol are visible.

        ``oauth``: the server's OAuth 2.0 settings; ``token_manager`` makes the manager of its
        tokens (called only when OAuth 2.0 is used); ``converted``: a MAPI record converted to
        SMTP, an unsaved change; ``password_per_workstation``: a shared store, whose passwords
        stay in each workstation's keyring.
        """
        if record.protocol is not self._protocol:
            self._build(record.protocol)
        self._options = {
            "partitions_visible": partitions_visible,
            "allowed_partitions": tuple(allowed_partitions),
            "password_stored": password_stored,
            "keyring_label": keyring_label,
            "password_per_workstation": password_per_workstation,
            "read_only_reason": read_only_reason,
            "oauth": oauth,
            "token_manager": token_manager,
        }
        self._highlights.clear()
        self._loading = True
        try:
            for name, editor in self._editors.items():
                if isinstance(editor, PartitionEditor):
                    editor.set_allowed(allowed_partitions)
                if isinstance(editor, PasswordEditor):
                    editor.reset(
                        stored=password_stored, keyring_label=keyring_label, per_workstation=password_per_workstation
                    )
                elif isinstance(editor, OAuthEditor):
                    editor.configure(token_manager, record.id, record.name.strip())
                    editor.set_value(oauth or OAuthSettings())
                elif name == "protocol":
                    editor.set_value(record.protocol.label)
                else:
                    editor.set_value(getattr(record, name))
                editor.set_read_only(bool(read_only_reason))
            self._sync_oauth_method()
        finally:
            self._loading = False
        if self._partition_row is not None:
            form, cell = self._partition_row
            form.setRowVisible(cell, partitions_visible)
        self.changed_banner.hide_banner()
        if read_only_reason:
            self.read_only_banner.show_text(read_only_reason)
        else:
            self.read_only_banner.hide_banner()
        self.convert_button.setEnabled(not read_only_reason)
        if self.discover_button is not None:
            self.discover_button.setEnabled(not read_only_reason)
        self._announce = True
        self._forward(lambda: self.model.load(self._shown_values(record), context, converted=converted))
        if record.is_smtp and record.revision == 0 and not read_only_reason:
            self.discover_banner.show_text(DISCOVER_OFFER)
        else:
            self.discover_banner.hide_banner()
        self._scroll.verticalScrollBar().setValue(0)

    def show_changed_elsewhere(self, text: str, *, deleted: bool) -> None:
        """The banner over edits that another workstation's change made stale (until the next load)."""
        self.load_saved_button.setVisible(not deleted)
        self.changed_banner.show_text(text)

    def set_context(self, context: RuleContext) -> None:
        """Other servers changed: re-run the rules (and show the errors that brings, e.g. a taken name)."""
        self.model.set_context(context)

    def record(self) -> ServerSettings:
        """The current values (same id and revision as loaded or last saved)."""
        return self.model.record

    def password(self) -> str | None:
        """The typed password, or None if the field was not touched (or was emptied again)."""
        return self.model.password if self.model.is_loaded() else None

    def oauth_settings(self) -> OAuthSettings:
        """The OAuth 2.0 settings shown (the defaults, OAuth off, for MAPI)."""
        return self.model.oauth if self.model.is_loaded() else OAuthSettings()

    def is_dirty(self) -> bool:
        return self.model.is_dirty()

    def is_valid(self) -> bool:
        return self.model.is_valid()

    def issues(self) -> list[Issue]:
        return list(self.model.issues())

    def focus_first_invalid(self) -> bool:
        """A save attempt: show every error, focus the first field with one (visual order); False if none."""
        if self.model.is_loaded():
            self.model.reveal_all()
        wrong = {i.field for i in self.model.issues() if i.blocks_saving}
        for name, editor in self._editors.items():
            if name in wrong and editor.input.isVisibleTo(self) and editor.focus_chain():
                target = editor.focus_chain()[0]
                self._scroll.ensureWidgetVisible(target)
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def mark_saved(self, record: ServerSettings, *, password_kept: bool = True) -> None:
        """After a save: take the new revision (and any value the store normalised), clear dirty.

        ``password_kept=False``: the keyring refused the typed password; it stays in the field as
        an unsaved change (the form stays dirty), so Save again retries storing it.
        """
        self.model.mark_saved(record, password_kept=password_kept)

    def apply_discovered(self, values: dict[str, Any]) -> list[str]:
        """Fill in what Discover Settings found (an edit like any other: unsaved, Save still needed);
        the fields that changed are marked until the record is saved or reloaded. Returns them."""
        if not self.model.is_loaded():
            return []
        changed = [
            name for name, value in values.items() if name in self._editors and self._editors[name].value() != value
        ]
        for name in changed:
            self._editors[name].set_value(values[name])  # each an edit, forwarded to the model
        self._mark_discovered(self._discovered | set(changed))
        self.discover_banner.hide_banner()
        self.model.reveal(set(changed))
        return changed

    def discovered_fields(self) -> set[str]:
        return set(self._discovered)

    def _mark_discovered(self, names: set[str]) -> None:
        self._discovered = names
        for name, editor in self._editors.items():
            editor.input.setProperty("discovered", name in names)

    def show_password_stored(self) -> None:
        """A password was kept in the keyring outside a save (a test asked for it): say so, if none is typed."""
        editor = self._editors.get("password")
        if not isinstance(editor, PasswordEditor) or editor.value() is not None:
            return
        self._options["password_stored"] = True
        self._loading = True
        try:
            editor.reset(
                stored=True,
                keyring_label=self._options["keyring_label"],
                per_workstation=self._options["password_per_workstation"],
            )
        finally:
            self._loading = False

    def show_keyring_message(self, message: str, *, error: bool) -> None:
        """E.g. the keyring failed: the message shows, the typed password stays in the field."""
        editor = self._editors.get("password")
        if isinstance(editor, PasswordEditor):
            editor.show_keyring_message(message, error=error)
        else:
            self.general_message.show_message(Severity.ERROR if error else Severity.NOTICE, message)

    def highlight_field(self, field: str, message: str) -> None:
        """Point a later finding (e.g. of a connection test) at a field."""
        self._highlights[field] = message
        if self.model.is_loaded():
            self._show_issues(self.model.record)

    def focus_field(self, name: str) -> None:
        """Put the focus in field ``name`` (scrolled into view), if the form has it."""
        editor = self._editors.get(name)
        chain = editor.focus_chain() if editor is not None else []
        target = chain[0] if chain else self.findChild(QWidget, name)
        if target is not None:
            self._scroll.ensureWidgetVisible(target)
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_highlight(self) -> None:
        self._highlights.clear()
        if self.model.is_loaded():
            self._show_issues(self.model.record)

    # -- reacting --------------------------------------------------------------------------

    def _edit_slot(self, name: str) -> Callable[[], None]:
        def edited() -> None:
            self._on_edit(name)

        return edited

    def _on_edit(self, name: str) -> None:
        if self._loading or not self.model.is_loaded():
            return
        if name == "oauth":
            self._loading = True
            try:
                self._sync_oauth_method()
            finally:
                self._loading = False
        self._forward(lambda: self.model.edit(self._shown_values(self.model.record), name))

    def _forward(self, change: Callable[[], None]) -> None:
        self._forwarding = True
        try:
            change()
        finally:
            self._forwarding = False

    def _shown_values(self, base: ServerSettings) -> Values:
        """What the editors show, on ``base`` (its id and revision): the values forwarded to the model."""
        record = base.with_changes(**{name: e.value() for name, e in self._editors.items() if e.in_record})
        password, oauth = self._editors.get("password"), self._editors.get("oauth")
        return (
            record,
            password.value() if isinstance(password, PasswordEditor) else None,
            oauth.value() if isinstance(oauth, OAuthEditor) else OAuthSettings(),
        )

    def _sync_oauth_method(self) -> None:
        """Use OAuth 2.0 Authentication ticks and locks the OAuth 2.0 (XOAUTH2) method.

        The token replaces the password, so the record says so in ``auth_methods`` too (and the
        rules never report "no authentication" for an OAuth server). Unticking gives the method
        box back as it was.
        """
        methods = self._editors.get("auth_methods")
        oauth = self._editors.get("oauth")
        if isinstance(methods, MethodsEditor) and isinstance(oauth, OAuthEditor):
            methods.force(AuthMethod.XOAUTH2, OAUTH_METHOD_REASON if oauth.value().enabled else "")

    def _follow_model(self) -> None:
        """The model changed: show its values (e.g. as the store normalised them) and its verdict."""
        model = self.model
        if self._loading or not model.is_loaded():
            return
        current = model.record
        if current.protocol is not self._protocol:  # e.g. saved as converted: show it afresh
            self.load(current, model.context, **self._options)
            return
        if model.saved_record is not self._shown_saved:  # loaded or saved: Discover's marks are done
            self._shown_saved = model.saved_record
            self._mark_discovered(set())
            self.discover_banner.hide_banner()
        if not self._forwarding and self._shown_values(current)[0] != current:
            self._loading = True
            try:
                for name, editor in self._editors.items():
                    if editor.in_record and editor.value() != getattr(current, name):
                        editor.set_value(getattr(current, name))
            finally:
                self._loading = False
        self._show_state()

    def _show_state(self) -> None:
        model = self.model
        current = model.record
        if self._password_row is not None:
            self._password_row[0].setRowVisible(self._password_row[1], not model.oauth.enabled)
        self._show_issues(current)
        announce, self._announce = self._announce, False
        valid, dirty, replacement = model.is_valid(), model.is_dirty(), model.verdict.replaces_default
        if announce or valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)
        if announce or dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        if replacement != self._replacement:
            self._replacement = replacement
            self.default_replacement_changed.emit(replacement)

    def _show_issues(self, current: ServerSettings) -> None:
        shown: dict[str, list[tuple[Severity, str]]] = {name: [] for name in self._messages}
        unrouted: list[tuple[Severity, str]] = []
        legacy: list[str] = []
        for issue in self.model.shown_issues():
            if issue.field == "protocol" and issue.severity is Severity.WARNING:
                legacy.append(issue.message)
            else:
                shown.get(issue.field, unrouted).append((issue.severity, issue.message))
        if "use_ssl" in shown and not shown["use_ssl"] and current.use_ssl and is_exchange_365(current.server):
            shown["use_ssl"].append((Severity.NOTICE, EXCHANGE_NEEDS_SSL.format(host=current.server.strip())))
        self._show_tls_mode(current)
        for field, message in self._highlights.items():
            shown.get(field, unrouted).append((Severity.WARNING, message))
        for field in self._discovered:
            shown.get(field, unrouted).append((Severity.NOTICE, DISCOVERED_NOTE))
        for name, label in self._messages.items():
            label.show_items(shown[name])
        self.general_message.show_items(unrouted)
        if legacy:
            self.mapi_banner.show_text("\n".join(legacy))
        else:
            self.mapi_banner.hide_banner()
