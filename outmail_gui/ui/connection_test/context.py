"""What the two test flows (single test, Test all) need of the controller.

A protocol, so the flows never import :mod:`~outmail_gui.ui.connection_test.controller`,
which makes them on first use: no import cycle (an import contract keeps it so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from outmail_gui.probe.report import ProbeReport
    from outmail_gui.ui.connection_test.actions import ConnectionTestActions
    from outmail_gui.ui.connection_test.host import TestingHost
    from outmail_gui.ui.connection_test.oauth_step import TokenManagers
    from outmail_gui.ui.connection_test.panel import ConnectionTestPanel
    from outmail_gui.ui.connection_test.results import ResultHistory


class TestingContext(Protocol):
    """The controller as its flows see it (:class:`~outmail_gui.ui.connection_test.controller.WindowTesting`)."""

    @property
    def host(self) -> TestingHost: ...
    @property
    def widget(self) -> QMainWindow: ...
    @property
    def results(self) -> ResultHistory: ...
    @property
    def actions(self) -> ConnectionTestActions: ...
    @property
    def token_managers(self) -> TokenManagers: ...
    def panel(self) -> ConnectionTestPanel: ...
    def update_actions(self) -> None: ...
    def test_done(self, report: ProbeReport) -> None: ...
    def batch_done(self, cancelled: bool) -> None: ...
