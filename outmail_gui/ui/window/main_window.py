"""The main window: the filtered server list beside the details of one server.

Layout, selection, action states and window state live here; what Save, Delete, Import...
do step by step lives in :mod:`outmail_gui.ui.window.editing` and :mod:`outmail_gui.ui.window.transfer_flow`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWhatsThis,
    QWidget,
)

from outmail_gui.domain.rules import mapi_addition_problem
from outmail_gui.domain.settings import Protocol, ServerSettings
from outmail_gui.store.errors import DamagedRecordError, StoreError
from outmail_gui.ui.shared.icons import app_icon
from outmail_gui.ui.shared.qt_values import ToolButtonStyle, set_qt_property
from outmail_gui.ui.window.actions import build_help_menu, build_menus, build_toolbar, create_actions
from outmail_gui.ui.window.details_panel import DetailsPanel
from outmail_gui.ui.window.editing import EditSession, close_first_message
from outmail_gui.ui.window.placement import fit_into_screen, place_on_screen
from outmail_gui.ui.window.server_filter_proxy import ServerFilterProxy
from outmail_gui.ui.window.server_list_view import ServerListView
from outmail_gui.ui.window.server_table_model import ID_ROLE, Column, ServerTableModel
from outmail_gui.ui.window.window_state import WindowState, WindowStateStore
from outmail_gui.ui.window.window_store import WindowStore

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtCore import QItemSelection
    from PySide6.QtGui import QAction, QCloseEvent, QResizeEvent

    from outmail_gui.store.capabilities import Capabilities
    from outmail_gui.store.interface import SettingsRepository
    from outmail_gui.store.location import SharedStore
    from outmail_gui.store.secrets import SecretStore

WINDOW_TITLE = "Outmail — Outgoing email servers"
MAPI_LEGACY_NOTE = "MAPI is no longer supported from version 10.5."
DUPLICATE_TIP = "Add a copy of the selected server (Ctrl+D)"
DETAILS_MIN_WIDTH = 560  # px: the form's fields and messages without a horizontal scroll bar
FEW_CHANGES = 20  # changed servers read one by one; more reload the list (one query)
EXPORT_TIP = "Export the servers to an Outmail JSON file"


class MainWindow(QMainWindow):
    def __init__(
        self,
        repository: SettingsRepository,
        secrets: SecretStore,
        *,
        data_dir: Path,
        shared: SharedStore | None = None,
        analyst: str | None = None,
        state_store: WindowStateStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowTitle(WINDOW_TITLE + "[*]")  # [*]: unsaved changes (windowModified)
        self.setWindowIcon(app_icon())
        self.repository = repository
        self.secrets = secrets
        self.data_dir = data_dir  # this workstation's folder (token caches), whichever store holds the settings
        self.shared = shared  # the shared store the settings are in; None: the local store
        self._plain_tips: dict[QAction, str] = {}  # actions' own tips, shown again when no reason turns them off
        self.analyst = analyst
        self.requested_analyst: str | None = None  # --analyst as given; see partition_features.resolve_analyst
        self._state_store = state_store or WindowStateStore()
        self._selecting = False
        self._kept_selection = ""  # the selected server while the list's rows are reset
        self._shut_down = False

        self.window_actions = create_actions(self)
        build_menus(self.menuBar(), self.window_actions)
        toolbar = QToolBar("Main toolbar", self)
        build_toolbar(toolbar, self.window_actions)
        self.addToolBar(toolbar)
        self._toolbar = toolbar
        self._toolbar_words = True  # words beside the icons (build_toolbar's style), else icons alone
        self._toolbar_text_width = 0  # the toolbar's width with its words; measured once built
        self._started = False  # finish_start() has run

        self.model = ServerTableModel(self)
        # The list reads only its columns; a row's full record is read when it is first needed.
        self.model.set_loader(self._readable, repository.list_servers)
        self.proxy = ServerFilterProxy(self)
        self.filter_edit = QLineEdit()
        self.list_view = ServerListView()
        self.details = DetailsPanel(self.window_actions.save, self.window_actions.close_details)
        self.splitter = QSplitter()  # horizontal
        self._build_central()
        self.proxy.setSourceModel(self.model)  # after the list took the proxy: see ServerListView.setModel
        self._count_label = QLabel()
        self._count_label.setObjectName("server_count")
        self._count_label.setContentsMargins(16, 0, 4, 0)  # apart from a long message beside it
        self.statusBar().setObjectName("status_bar")
        self.statusBar().addPermanentWidget(self._count_label)
        self.store = WindowStore(self.statusBar(), self, repository, secrets, data_dir, shared)  # label, rights, faults

        self.session = EditSession(self, self)
        self._connect()
        from outmail_gui.ui.connection_test.controller import WindowTesting

        self.testing = WindowTesting(self, self)  # Test connection (F5), Test all, history
        self.details.details_shown.connect(self.testing.on_details_shown)
        a = self.window_actions
        # The list's context menu (the selected server is the displayed one).
        for action in (self.testing.test_action, a.duplicate, a.delete, a.set_default, a.copy_address):
            self.list_view.addAction(action)
        self._fallback_new = QShortcut(QKeySequence("Ctrl+N"), self)
        self._fallback_new.activated.connect(self._explain_new_disabled)
        self._fallback_save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self._fallback_save.activated.connect(self.session.save)
        self._mapi_mail_server = ""
        self._partitioned = False  # Email IDs partitioned, as last read
        self._data_version = -1
        self.reload_from_store()
        from outmail_gui.ui.partitions.features import PartitionFeatures

        self.partition_features = PartitionFeatures(self, self)  # Partition Settings, Routing dock, analyst
        model = self.model
        for signal in (model.modelReset, model.dataChanged, model.rowsInserted, model.rowsRemoved):
            signal.connect(self.partition_features.schedule_refresh)
        self.store_menu: QObject | None = None  # File › Open Shared Settings… (installed by build_main_window)
        build_help_menu(self.menuBar(), self.window_actions)
        self.update_actions()
        from outmail_gui.ui.window.live_refresh import LiveRefresh

        self.live_refresh = LiveRefresh(self, self)  # other workstations' changes (shared store)

    # ----- building

    def _build_central(self) -> None:
        self.filter_edit.setObjectName("filter")
        self.filter_edit.setPlaceholderText("Filter by name, server or Outgoing Email ID (Ctrl+F)")
        self.filter_edit.setAccessibleName("Filter servers")
        self.filter_edit.setClearButtonEnabled(True)
        view = self.list_view
        view.setModel(self.proxy)
        # Delete works from the list only: in text fields the Delete key deletes characters.
        self.removeAction(self.window_actions.delete)
        a = self.window_actions
        view.set_welcome([a.new_smtp_server, a.import_servers])

        left = QWidget()
        left.setObjectName("list_panel")
        layout = QVBoxLayout(left)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.filter_edit)
        layout.addWidget(view, 1)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.details)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 0)  # the list keeps its width; the details get the rest
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)

    def _connect(self) -> None:
        a = self.window_actions
        a.new_smtp_server.triggered.connect(lambda: self.session.new_server(Protocol.SMTP))
        a.new_mapi_server.triggered.connect(lambda: self.session.new_server(Protocol.MAPI))
        a.save.triggered.connect(self.session.save)
        a.close_details.triggered.connect(self.session.close_details)
        a.delete.triggered.connect(self.session.delete)
        a.duplicate.triggered.connect(self.session.duplicate)
        a.import_servers.triggered.connect(self._import)
        a.export_servers.triggered.connect(self._export)
        a.find.triggered.connect(self.focus_filter)
        a.set_default.triggered.connect(self.session.set_default)
        a.copy_address.triggered.connect(self._copy_address)
        a.revert.triggered.connect(self.session.revert_changes)
        a.mapi_mail_server.triggered.connect(self._set_mapi_mail_server)
        a.changes.triggered.connect(self._show_changes)
        a.field_help.triggered.connect(self._field_help)
        a.about.triggered.connect(self._about)
        a.quit.triggered.connect(self.close)
        self.filter_edit.textChanged.connect(self.proxy.set_filter_text)
        self.filter_edit.textChanged.connect(self._update_count)
        selection = self.list_view.selectionModel()
        selection.selectionChanged.connect(self._on_selection_changed)
        self.proxy.modelAboutToBeReset.connect(self._on_proxy_about_to_reset)
        self.proxy.modelReset.connect(self._on_proxy_reset)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)

    # ----- store

    def reload_from_store(self) -> None:
        """Read everything again (start-up, after import, after another instance wrote)."""
        try:
            self._reload()
        except StoreError as exc:
            if not self.store_unavailable(exc):
                raise

    def _reload(self) -> None:
        self._data_version = self.repository.data_version()
        records = self.repository.list_server_rows()
        if self.repository.damaged_in_list:
            damaged = self.repository.damaged_in_list
            more = f" ({len(damaged) - 1} more server(s) are damaged too.)" if len(damaged) > 1 else ""
            self.show_status(damaged[0].message + more)
        if self.model.rowCount() == 0:
            self.model.set_servers(records, in_name_order=True)
        else:
            with self._rows_changing():
                self.model.refresh(records)
        self._mapi_mail_server = self.repository.mapi_mail_server()
        self.testing.refresh_last_tests()  # and the expiry marks, from the same history
        self._partitioned = self.repository.partitioning_enabled()
        self.list_view.follow_partitioning(self._partitioned)
        self._update_count()

    def _readable(self, server_id: str) -> ServerSettings | None:
        """The full record of ``server_id``; a damaged one is named in the status bar, the rest stay usable."""
        try:
            return self.repository.find(server_id)
        except DamagedRecordError as exc:
            self.show_status(exc.message)
            return None
        except StoreError as exc:
            if not self.store_unavailable(exc):
                raise
            return None

    def sync_with_store(self) -> bool:
        """Pick up other instances' writes; True when something had changed."""
        if self._shut_down:
            return False
        try:
            version = self.repository.data_version()
        except StoreError as exc:
            if not self.store_unavailable(exc):
                raise
            return False
        if version == self._data_version:
            return False
        self.store_written()
        return True

    def store_written(self) -> None:
        """The store was written (here or by another instance): the list, the details and the actions follow."""
        self.reload_from_store()
        self.session.store_changed()
        self.update_actions()

    # ----- the shared store: its connection and what this login may do (see window_store)

    @property
    def capabilities(self) -> Capabilities:
        return self.store.capabilities

    def store_unavailable(self, exc: StoreError) -> bool:
        """True when ``exc`` was the shared database unreachable or refusing this login, and was told."""
        return self.store.unavailable(exc)

    def refresh_capabilities(self) -> None:
        self.store.refresh()

    def read_only_reason(self, record: ServerSettings) -> str:
        """Why ``record`` opens read-only: the database login's rights, then the analyst's partitions
        ("" when it can be edited)."""
        return self.store.read_only_reason(record) or self.partition_features.read_only_reason(record)

    def apply_changes(self, server_ids: set[str] | None) -> None:
        """Other workstations changed ``server_ids`` (None: anything): the list, the routing view, the default
        marker and the details follow. A few servers are read one by one; more reload the whole list."""
        if server_ids is None or len(server_ids) > FEW_CHANGES:
            self.store_written()
            return
        try:
            version = self.repository.data_version()  # read first: a later change still counts as new
            found = {server_id: self.repository.find(server_id) for server_id in server_ids}
        except DamagedRecordError:
            self.store_written()  # the list leaves it out and names it
            return
        self._data_version = version  # activating the window need not read everything again
        with self._rows_changing():
            self.model.update_servers(found)
        self.session.store_changed(server_ids)
        self.update_actions()

    @contextlib.contextmanager
    def _rows_changing(self) -> Iterator[None]:
        """Rows come and go under the selection: that is not the user picking another server.

        The selection is put back on the displayed server, or cleared when its row went away."""
        self._selecting = True
        try:
            yield
        finally:
            self._selecting = False
        shown = self.session.current_saved_id()
        if shown and self.model.row_of(shown) >= 0:
            if self.selected_id() != shown:
                self.select_server(shown, scroll=False)
        elif shown:
            self.clear_selection()  # deleted elsewhere: the form says so; no other server is picked for the user

    def open_server(self, server_id: str) -> None:
        """Select ``server_id`` and show it in the details (asking about unsaved edits)."""
        record = self.model.find(server_id)
        if record is not None:
            self.select_server(server_id)
            self.session.show_server(record)

    def mapi_mail_server(self) -> str:
        return self._mapi_mail_server

    def rule_analyst(self) -> str | None:
        """The analyst whose partitions the rules allow; None allows every partition."""
        return self.analyst

    def allowed_partitions(self) -> list[str]:
        if self.analyst is None:
            return self.repository.list_partitions()
        return self.repository.partitions_for_analyst(self.analyst)

    # ----- selection

    def selected_id(self) -> str:
        rows = self.list_view.selectionModel().selectedRows()
        if not rows:
            return ""
        return str(self.proxy.data(rows[0], ID_ROLE) or "")

    def select_server(self, server_id: str, *, scroll: bool = True) -> bool:
        """Select ``server_id`` in the list without going through the unsaved-changes question."""
        row = self.model.row_of(server_id)
        selection = self.list_view.selectionModel()
        self._selecting = True
        try:
            if row < 0:
                selection.clearSelection()
                return False
            index = self.proxy.map_from_model(self.model.index(row, 0))
            if not index.isValid():
                selection.clearSelection()
                return False
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            selection.setCurrentIndex(index, flags)
            if scroll:
                self.list_view.scrollTo(index)
            return True
        finally:
            self._selecting = False

    def clear_selection(self) -> None:
        self._selecting = True
        try:
            self.list_view.selectionModel().clearSelection()
        finally:
            self._selecting = False

    def _on_proxy_about_to_reset(self) -> None:
        self._kept_selection = self.selected_id()

    def _on_proxy_reset(self) -> None:
        """The list's rows were reset, all still there (the first filter text puts a filtering proxy
        under the list's, see :mod:`~outmail_gui.ui.window.server_filter_proxy`): the selection is put back."""
        kept, self._kept_selection = self._kept_selection, ""
        if kept:
            self.select_server(kept, scroll=False)

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._selecting:
            return
        server_id = self.selected_id()
        if not server_id:
            return  # filtered away or cleared: the details stay as they are
        record = self.model.find(server_id)
        if record is not None:
            try:
                self.session.show_server(record)
            except StoreError as exc:
                if not self.store_unavailable(exc):
                    raise

    # ----- actions' state

    def update_actions(self) -> None:
        a = self.window_actions
        displayed = self.details.is_showing_details()
        name = self.session.display_name()
        reason = close_first_message(name) if displayed else ""
        self.setWindowModified(self.session.is_dirty())
        a.revert.setEnabled(self.session.is_dirty())
        has_servers = self.model.rowCount() > 0
        a.export_servers.setEnabled(has_servers)
        _set_tip(a.export_servers, EXPORT_TIP if has_servers else "Export is off: there is no server to export yet.")
        allowed = self.capabilities
        servers_closed, settings_closed = allowed.new_server_reason(self._partitioned), allowed.settings_reason()
        a.new_smtp_server.setEnabled(not displayed and not servers_closed)
        _set_tip(a.new_smtp_server, servers_closed or reason or "Add an SMTP outgoing email server (Ctrl+N)")
        mapi_problem = mapi_addition_problem(bool(self._mapi_mail_server))
        mapi_reason = (
            servers_closed
            or reason
            or (f"{mapi_problem} (Server › MAPI Mail Server…) {MAPI_LEGACY_NOTE}" if mapi_problem else "")
        )
        a.new_mapi_server.setEnabled(not mapi_reason)
        _set_tip(a.new_mapi_server, mapi_reason or f"Add a MAPI outgoing email server. {MAPI_LEGACY_NOTE}")
        can_save = self.session.can_save()
        a.save.setEnabled(can_save)
        if displayed and not can_save and not self.session.is_valid():
            _set_tip(a.save, "Fix the fields marked as invalid before saving (Ctrl+S shows the first one).")
        else:
            _set_tip(a.save, "Save the displayed server (Ctrl+S)")
        a.close_details.setEnabled(displayed)
        saved = self.session.current_is_saved()
        a.delete.setEnabled(saved and not self.session.read_only_reason())
        # Duplicate would copy a server of a partition this analyst may not use: off, saying why.
        # Test connection stays on for such a server: testing changes none of its settings.
        read_only = self.session.read_only_reason()
        a.duplicate.setEnabled(saved and not read_only)
        _set_tip(a.duplicate, f"Duplicate is off. {read_only}" if saved and read_only else DUPLICATE_TIP)
        saved_and_editable = saved and not read_only
        a.set_default.setEnabled(saved_and_editable and not settings_closed and not self.session.is_current_default())
        self._explain(a.set_default, (read_only if saved else "") or settings_closed)
        self._explain(a.delete, read_only if saved else "")
        self._explain(a.import_servers, settings_closed, enable=True)
        self._explain(a.mapi_mail_server, settings_closed, enable=True)
        features = getattr(self, "partition_features", None)
        if features is not None:
            self._explain(features.settings_action, settings_closed, enable=True)
        a.copy_address.setEnabled(saved)
        self._fallback_new.setEnabled(displayed or bool(servers_closed))  # Ctrl+N then says why not
        self._fallback_save.setEnabled(displayed and not can_save)
        self.testing.update_actions()

    def _explain(self, action: QAction, reason: str, *, enable: bool = False) -> None:
        """``action``'s tooltip and status tip: why it is off (``reason``), else its own words; ``enable``:
        on exactly when there is no reason."""
        plain = self._plain_tips.setdefault(action, action.toolTip())
        _set_tip(action, reason or plain)
        if enable:
            action.setEnabled(not reason)

    def _explain_new_disabled(self) -> None:
        reason = self.capabilities.new_server_reason(self._partitioned) or close_first_message(
            self.session.display_name()
        )
        self.statusBar().showMessage(reason)

    def show_status(self, message: str, timeout_ms: int = 0) -> None:
        self.statusBar().showMessage(message, timeout_ms)

    def focus_list(self) -> None:
        self.list_view.setFocus()

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _update_count(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        text = f"{total} server(s)" if shown == total else f"{shown} of {total} server(s) shown"
        self._count_label.setText(text)
        self.list_view.update_welcome(total == 0)

    # ----- the list's context menu, help

    def _copy_address(self) -> None:
        record = self.session.current() if self.session.current_is_saved() else None
        if record is not None:
            QGuiApplication.clipboard().setText(record.server.strip())
            self.show_status(f"Copied {record.server.strip()} to the clipboard.", 5000)

    def _set_mapi_mail_server(self) -> None:
        """Server › MAPI Mail Server…: what New MAPI server needs, with the CLI's rule."""
        from outmail_gui.store.errors import StoreError
        from outmail_gui.ui.shared.dialogs import ErrorDialog
        from outmail_gui.ui.window.mapi_mail_server_dialog import MapiMailServerDialog

        host = MapiMailServerDialog.ask(self, self._mapi_mail_server)
        if host is None:
            return
        try:
            self.repository.set_mapi_mail_server(host)
        except StoreError as exc:
            ErrorDialog.show(self, "MAPI Mail Server not set", exc.message)
            return
        self.store_written()
        self.show_status(f"MAPI Mail Server set to {host}." if host else "MAPI Mail Server cleared.", 5000)

    def _show_changes(self) -> None:
        """Server › Changes…: the audit trail, of the displayed server (or all when none is displayed)."""
        from outmail_gui.ui.window.changes_dialog import ChangesDialog

        shown = self.session.current() if self.session.current_is_saved() else None
        ChangesDialog.ask(self, self.repository, self.model.names(), shown.name if shown is not None else "")

    def _field_help(self) -> None:
        """F1: the What's This? text of the field with the focus (or of what holds it)."""
        widget = QApplication.focusWidget()
        while widget is not None and not widget.whatsThis():
            widget = widget.parentWidget()
        if widget is None:
            self.show_status("Click a field after Shift+F1 (What's This?) to read what it means.", 5000)
            return
        QWhatsThis.showText(widget.mapToGlobal(widget.rect().bottomLeft()), widget.whatsThis(), widget)

    def _about(self) -> None:
        from outmail_gui.ui.shared.about import AboutDialog

        AboutDialog.ask(self)

    # ----- import / export

    def _import(self) -> None:
        from outmail_gui.ui.window.transfer_flow import import_servers

        import_servers(self, self)

    def _export(self) -> None:
        from outmail_gui.ui.window.transfer_flow import export_servers

        export_servers(self, self)

    # ----- window state and events

    def restore_state(self) -> None:
        """The size, split, columns and selection of the last run; else defaults that fit the screen."""
        state = self._state_store.load()
        if state.geometry is None or not self.restoreGeometry(state.geometry):
            place_on_screen(self)
        fit_into_screen(self)
        header = self.list_view.horizontalHeader()
        if state.header is not None and header.restoreState(state.header):
            if state.sort is not None:  # the header shows it; the rows follow before the first paint
                column, descending = state.sort
                self.model.sort_by(column, descending=descending)
            self.list_view.follow_partitioning(self.repository.partitioning_enabled())
        else:
            self.list_view.fit_to(self._list_room())
        if state.splitter is None or not self.splitter.restoreState(state.splitter):
            self.split_for_the_list()
        if (
            state.selected_id
            and self.model.find(state.selected_id) is not None
            and self.select_server(state.selected_id)
        ):
            record = self.model.find(state.selected_id)
            assert record is not None
            self.session.show_server(record)

    def finish_start(self) -> None:
        """The window's set-up that uses Qt's namespace, which its start leaves out up to the first paint
        (:mod:`~outmail_gui.ui.shared.qt_values`): the list's sorting by its header (Name ascending on a first
        start), and the Routing dock's place. Runs once:
        :func:`~outmail_gui.ui.window.launch.build_main_window` runs it, unless asked to leave it to
        :func:`~outmail_gui.ui.window.launch.run_gui`, which runs it just after the first paint."""
        if self._started:
            return
        self._started = True
        header = self.list_view.horizontalHeader()
        if not header.isSortIndicatorShown():  # no header restored: a first start
            header.setSortIndicator(Column.NAME, QtCore.Qt.SortOrder.AscendingOrder)
        self.list_view.setSortingEnabled(True)  # sorts the rows as the header shows (a restored sort: again)
        self.partition_features.place_dock()

    def _list_room(self) -> int:
        """The most the list may take: the details keep room for the form without a scroll bar."""
        return max(self.width() // 3, self.width() - DETAILS_MIN_WIDTH)

    def split_for_the_list(self) -> None:
        """The list as wide as its columns need (up to :meth:`_list_room`), the details the rest."""
        total = max(self.width(), 400)
        left = max(total // 3, min(self.list_view.wanted_width() + 6, self._list_room()))
        self.splitter.setSizes([left, total - left])

    def save_state(self) -> None:
        header = self.list_view.horizontalHeader()
        descending = header.sortIndicatorOrder() is QtCore.Qt.SortOrder.DescendingOrder
        self._state_store.save(
            WindowState(
                geometry=self.saveGeometry(),
                splitter=self.splitter.saveState(),
                header=header.saveState(),
                sort=(header.sortIndicatorSection(), descending),
                selected_id=self.session.current_saved_id(),
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_toolbar()

    def _fit_toolbar(self) -> None:
        """Words beside the icons when they fit; icons alone (words in tooltips) rather than hiding
        buttons behind the toolbar's » menu on a narrow window."""
        bar = self._toolbar
        if not self._toolbar_text_width:
            if not self._toolbar_words:
                return
            self._toolbar_text_width = bar.sizeHint().width()
        fits = self.width() >= self._toolbar_text_width
        if fits != self._toolbar_words:
            self._toolbar_words = fits
            style = ToolButtonStyle.TEXT_BESIDE_ICON if fits else ToolButtonStyle.ICON_ONLY
            set_qt_property(bar, "toolButtonStyle", style)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.sync_with_store()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._shut_down:
            event.accept()
            return
        if not self.session.confirm_leave("quitting"):
            event.ignore()
            return
        self.save_state()
        self.shut_down()
        event.accept()

    @property
    def state_store(self) -> WindowStateStore:
        """Where the window's size, layout and recent shared stores are kept (never in the settings)."""
        return self._state_store

    def is_shut_down(self) -> bool:
        return self._shut_down

    def shut_down(self) -> None:
        """Close the database; the window is not usable afterwards."""
        if not self._shut_down:
            self._shut_down = True
            self.live_refresh.shut_down()  # its thread ends before the store is closed
            self.testing.shut_down()  # cancels tests and waits for their threads
            self.store.shut_down()
            self.repository.close()


def _set_tip(action: QAction, text: str) -> None:
    action.setToolTip(text)
    action.setStatusTip(text)
