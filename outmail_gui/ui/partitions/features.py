"""Partitions in the main window: the Partition Settings action, the Routing dock, the analyst.

Installed by the window with one call, so the window stays about servers. It also decides
which servers open read-only: those in a partition the current analyst may not access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6 import QtCore
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu

from outmail_gui.store.workstation import os_login
from outmail_gui.ui.shared.qt_values import DockArea, set_qt_property, set_shortcut

if TYPE_CHECKING:
    from outmail_gui.domain.settings import ServerSettings
    from outmail_gui.store.interface import SettingsRepository
    from outmail_gui.store.partitions import PartitionAdmin
    from outmail_gui.store.routing_inputs import RoutingInputs
    from outmail_gui.ui.partitions.routing_view import RoutingView


class PartitionHost(Protocol):
    """The window as the partition features see it (not the whole ``MainWindow``: no import cycle)."""

    analyst: str | None  # the login whose partitions are offered; None offers every partition
    requested_analyst: str | None  # --analyst as given

    @property
    def repository(self) -> SettingsRepository: ...
    def allowed_partitions(self) -> list[str]: ...
    def is_shut_down(self) -> bool: ...
    def open_server(self, server_id: str) -> None: ...
    def store_written(self) -> None: ...


def resolve_analyst(repository: SettingsRepository, analyst: str | None) -> str | None:
    """The login whose partitions the window offers; ``None`` offers every partition.

    ``--analyst`` is always honoured. Without it the operating-system login is used when it
    is a known analyst, or when analysts are set up at all (then an unknown login may use no
    partition); with no analysts set up there is no access control and every partition is offered.
    """
    if analyst:
        return analyst.strip()
    if not repository.has_analysts():
        return None
    return os_login()


class PartitionFeatures(QObject):
    """Owns the routing dock, the Partition Settings action and the analyst's status label.

    Start-up stays lean: the routing view (and the routing computation over every server)
    is built the first time the dock is shown, the partition store on first use.
    """

    def __init__(self, window: QMainWindow, host: PartitionHost) -> None:
        """``window``: where the action, dock and label go; ``host``: what is read and asked of it.

        The window connects its list model's changes to :meth:`schedule_refresh`.
        """
        super().__init__(window)
        self.setObjectName("partition_features")
        self._main = window
        self._window = host
        self._admin: PartitionAdmin | None = None
        self._view: RoutingView | None = None
        self._pending = False

        self.settings_action = QAction("&Partition Settings…", window)
        self.settings_action.setObjectName("partition_settings")
        self.settings_action.setStatusTip("Partitioning, partitions and the analysts who may use them")
        self.settings_action.triggered.connect(self.open_settings)
        window.addAction(self.settings_action)

        self.dock = QDockWidget("Routing: who sends for each partition", window)
        self.dock.setObjectName("routing_dock")
        set_qt_property(self.dock, "allowedAreas", DockArea.BOTTOM | DockArea.TOP)
        self.dock.hide()  # put in its place by place_dock(), once the window may use Qt's namespace
        self.routing_action = self.dock.toggleViewAction()
        self.routing_action.setObjectName("show_routing")
        self.routing_action.setText("&Routing")
        set_shortcut(self.routing_action, QKeySequence("Ctrl+R"))
        self.routing_action.setStatusTip("Show which server sends for each partition, and with which From/Reply-To")
        self.dock.visibilityChanged.connect(self._on_dock_visibility)

        self.analyst_label = QLabel()
        self.analyst_label.setObjectName("analyst_label")
        self.analyst_label.setContentsMargins(16, 0, 4, 0)  # apart from the server count beside it
        window.statusBar().addPermanentWidget(self.analyst_label)
        self._add_to_menus()
        self.refresh()

    def place_dock(self) -> None:
        """The Routing dock at the bottom of the window (hidden until Routing is chosen).

        Not at construction: ``addDockWidget`` takes a ``Qt.DockWidgetArea``, and the window's
        start creates no Qt namespace before its first paint (:mod:`~outmail_gui.ui.shared.qt_values`)."""
        self._main.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()

    @property
    def admin(self) -> PartitionAdmin:
        if self._admin is None:
            from outmail_gui.store.partitions import PartitionAdmin

            self._admin = PartitionAdmin.of(self._window.repository)
        return self._admin

    @property
    def view(self) -> RoutingView:
        """The routing view, built (and put in the dock) on first use."""
        return self._view if self._view is not None else self._build_view()

    def _build_view(self) -> RoutingView:
        from outmail_gui.ui.partitions.routing_view import RoutingView

        view = RoutingView(self._inputs, self._window.analyst or os_login())
        view.server_chosen.connect(self.open_server)
        self._view = view
        self.dock.setWidget(view)
        return view

    def _add_to_menus(self) -> None:
        bar = self._main.menuBar()
        file_menu = bar.findChild(QMenu, "file_menu")
        view_menu = bar.findChild(QMenu, "view_menu")
        if file_menu is not None:
            quit_action = self._main.findChild(QAction, "quit")
            if quit_action is not None:
                file_menu.insertAction(quit_action, self.settings_action)
                file_menu.insertSeparator(quit_action)
            else:
                file_menu.addAction(self.settings_action)
        if view_menu is not None:
            view_menu.addAction(self.routing_action)

    # ----- the analyst

    def analyst_text(self) -> str:
        """Who the window acts as, and - for an unknown analyst - why no partition is offered."""
        window = self._window
        login = window.analyst
        if login is None:
            return "No analysts set up: every partition is available."
        analyst = self.admin.find_analyst(login) if login else None
        if analyst is None:
            who = repr(login) if login else "The operating-system login"
            return (
                f"Analyst {who} is not set up in Partition Settings, so no partition is available "
                "(use --analyst NAME to act as another analyst)."
            )
        count = len(analyst.partitions)
        return f"Analyst {analyst.label}: {count} partition{'' if count == 1 else 's'}"

    def read_only_reason(self, record: ServerSettings) -> str:
        """Why ``record`` opens read-only ("" when it can be edited)."""
        window = self._window
        if window.analyst is None or record.partition is None or record.revision == 0:
            return ""
        if not window.repository.partitioning_enabled():
            return ""
        from outmail_gui.domain.partitions import find_partition

        if find_partition(record.partition, window.allowed_partitions()) is not None:
            return ""
        who = f"analyst {window.analyst!r}" if window.analyst else "the current analyst"
        known = bool(window.analyst) and self.admin.find_analyst(window.analyst) is not None
        if known:
            why = f"{who} may not access it (see Partition Settings)"
        else:
            why = f"{who} is not set up in Partition Settings and may access no partition"
        return f"Read-only: this server belongs to partition {record.partition!r}, and {why}."

    def presentation(self, record: ServerSettings) -> tuple[str, bool, tuple[str, ...]]:
        """What decides how ``record`` is shown: read-only reason, Partition field shown, partitions offered.

        When Partition Settings change any of these, the displayed server is shown again.
        """
        window = self._window
        return (
            self.read_only_reason(record),
            window.repository.partitioning_enabled(),
            tuple(window.allowed_partitions()),
        )

    # ----- refreshing

    def _inputs(self) -> RoutingInputs:
        from outmail_gui.store.routing_inputs import read_routing_inputs

        return read_routing_inputs(self._window.repository)

    def _on_dock_visibility(self, visible: bool) -> None:
        if visible:
            self.refresh()

    def schedule_refresh(self, *_args: object) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self.refresh)

    def refresh(self) -> None:
        """Recompute the routing table (when shown) and the analyst's label."""
        self._pending = False
        if self._window.is_shut_down():
            return  # the database is closed
        # Who the window acts as matters only while Email IDs are partitioned.
        partitioned = self._window.repository.partitioning_enabled()
        self.analyst_label.setText(self.analyst_text() if partitioned else "")
        self.analyst_label.setVisible(partitioned)
        if self.dock.isVisible():
            if self._view is None:
                self._build_view()  # computes the table as it is built
            else:
                self._view.refresh()

    # ----- actions

    def open_server(self, server_id: str) -> None:
        """A routing row was selected: show its server in the details (asking about unsaved edits)."""
        self._window.open_server(server_id)

    def open_settings(self) -> None:
        from outmail_gui.ui.partitions.settings_dialog import PartitionSettingsDialog

        window = self._window
        dialog = PartitionSettingsDialog(window.repository, self.admin, self._main)
        dialog.changed.connect(self.after_settings_changed)
        dialog.exec()
        dialog.deleteLater()

    def after_settings_changed(self) -> None:
        """The dialog wrote: the list, the displayed server's rules and the routing follow."""
        window = self._window
        # The first analysts set up (or the last removed) switch access control on (off) at once.
        window.analyst = resolve_analyst(window.repository, window.requested_analyst)
        window.store_written()
        self.refresh()
