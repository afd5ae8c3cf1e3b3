"""Each README picture: drive the real window as a user would, then grab it."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QPushButton

from outmail_gui.ui.discovery.dialog import DiscoveryDialog
from outmail_gui.ui.oauth.token_dialog import OAuthTokenDialog
from outmail_gui.ui.partitions.routing_view import RoutingView
from outmail_gui.ui.window.main_window import MainWindow
from screenshots.demo_data import EXCHANGE_ONLINE
from tests.support.discovery_world import World

MAIN_SIZE = (1366, 768)  # a common laptop screen
SIZES = {"small-screen": (1024, 640)}  # the one picture of a small screen


def settle(seconds: float = 0.2) -> None:
    """Let the event loop (and the test workers' signals) run for a while."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def select(window: MainWindow, name: str) -> None:
    """Click ``name`` in the server list (the details follow the click)."""
    record = next(r for r in window.model.records() if r.name == name)
    index = window.proxy.map_from_model(window.model.index(window.model.row_of(record.id), 0))
    view = window.list_view
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    settle()


def grab(window: MainWindow) -> QPixmap:
    settle()
    return window.grab()


def smtp_server(window: MainWindow) -> QPixmap:
    select(window, "Head office relay")
    return grab(window)


def mapi_legacy(window: MainWindow) -> QPixmap:
    select(window, "Legacy Exchange (MAPI)")
    return grab(window)


def validation_error(window: MainWindow) -> QPixmap:
    """A new server typed with mistakes, then Ctrl+S: each message beside its field."""
    window.window_actions.new_smtp_server.trigger()
    settle()
    form = window.details.form()
    for field, text in (("name", "exchange online"), ("server", "smtp.office365.com")):
        edit = form.findChild(QLineEdit, field)
        if edit is None:
            raise SystemExit(f"no field {field!r} in the form")
        edit.setFocus()
        QTest.keyClicks(edit, text)
    use_ssl = form.findChild(QCheckBox, "use_ssl")
    if use_ssl is None:
        raise SystemExit("no Use SSL checkbox in the form")
    use_ssl.click()  # Microsoft 365 without TLS: refused, with the reason beside the field
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return grab(window)


def test_in_progress(window: MainWindow) -> QPixmap:
    """A server that accepts the connection but never greets: the test waits, steps shown."""
    select(window, "Branch relay (test lab)")
    window.testing.test_action.trigger()
    settle(1.5)
    picture = grab(window)
    window.testing.cancel()
    _wait_for_test(window)
    return picture


def test_failed(window: MainWindow) -> QPixmap:
    """An old password: the server answers 535 5.7.8, the hint names the Password field."""
    select(window, "Branch office relay")
    window.testing.test_action.trigger()
    _wait_for_test(window)
    return grab(window)


def _wait_for_test(window: MainWindow, timeout_s: float = 15) -> None:
    end = time.monotonic() + timeout_s
    while window.testing.is_busy():
        if time.monotonic() > end:
            raise SystemExit("the connection test did not finish")
        settle(0.05)


def routing(window: MainWindow) -> QPixmap:
    """The Routing dock with the HR conflict selected (its server opens in the details)."""
    window.resize(*MAIN_SIZE)
    window.partition_features.routing_action.trigger()
    window.resizeDocks([window.partition_features.dock], [300], Qt.Orientation.Vertical)
    settle()
    view = window.findChild(RoutingView, "routing_view")
    if view is None or not view.select_partition("HR"):
        raise SystemExit("no HR row in the Routing view")
    return grab(window)


def oauth_token(window: MainWindow) -> QPixmap:
    """Manage Token on Exchange Online, pressed as a user would; grabbed while the dialog runs."""
    select(window, EXCHANGE_ONLINE)
    button = window.details.form().findChild(QPushButton, "oauth_manage_token")
    if button is None or not button.isEnabled():
        raise SystemExit("Manage Token is not available")
    pictures: list[QPixmap] = []

    def grab_dialog() -> None:
        dialog = window.findChild(OAuthTokenDialog)
        if dialog is None:
            QTimer.singleShot(50, grab_dialog)
            return
        settle()
        pictures.append(dialog.grab())
        dialog.reject()

    QTimer.singleShot(50, grab_dialog)
    button.click()
    if not pictures:
        raise SystemExit("the Manage Token dialog did not open")
    return pictures[0]


# The loopback discovery world (tests/support/discovery_world.py), started by render_screenshots.py.
discovery_world: World | None = None
DISCOVERY_SIZE = (1000, 560)


def discovery(window: MainWindow) -> QPixmap:
    """Discover Settings for an address whose best port has an untrusted certificate: the sources,
    the ranked candidates and the reasons, once discovery has ended."""
    if discovery_world is None:
        raise SystemExit("the discovery world is not running")
    select(window, "Head office relay")
    world = discovery_world
    login_id = window.details.form().record().login_id  # as the window opens it: sign-in check offered
    dialog = DiscoveryDialog(
        window, "helpdesk@untrusted.example", str(world.tls.ca_file), world.dns.spec, login_id=login_id
    )
    try:
        dialog.resize(*DISCOVERY_SIZE)
        dialog.show()
        dialog.start()
        end = time.monotonic() + 30
        while dialog.report is None and time.monotonic() < end:
            settle(0.05)
        if dialog.report is None:
            raise SystemExit("discovery did not end")
        untrusted = dialog.candidates.topLevelItem(1)
        if untrusted is not None:  # select the untrusted one: the dialog says why it cannot be applied
            dialog.candidates.setCurrentItem(untrusted)
        settle()
        return dialog.grab()
    finally:
        dialog.stop()
        dialog.close()
        dialog.deleteLater()


def small_screen(window: MainWindow) -> QPixmap:
    """A 1024x640 screen: the failed test still shows its headline, hint and failed step."""
    return test_failed(window)


SHOTS: dict[str, Callable[[MainWindow], QPixmap]] = {
    "discovery": discovery,
    "smtp-server": smtp_server,
    "mapi-legacy": mapi_legacy,
    "validation-error": validation_error,
    "test-in-progress": test_in_progress,
    "test-failed": test_failed,
    "routing": routing,
    "oauth-token": oauth_token,
    "small-screen": small_screen,
}
