"""Contrast in a dark Fusion palette and in both high-contrast palettes, measured on rendered pixels.

The main window's server form, the Partition Settings dialog and the glyph buttons are rendered to
images under each palette, with the application's style, and the WCAG 2 contrast ratio is computed
between what is drawn and what it is drawn on: text at least 4.5:1; check box frames (an unticked
box must be seen), the frames of fields, drop-downs and buttons, and one-colour glyphs at least 3:1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.oauth import KeyringBlob, TokenManager
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.connection_test.panel import ConnectionTestPanel
from outmail_gui.ui.discovery.dialog import DiscoveryDialog
from outmail_gui.ui.oauth.token_dialog import OAuthTokenDialog
from outmail_gui.ui.partitions.settings_dialog import PartitionSettingsDialog
from outmail_gui.ui.shared.icons import clear_cache
from outmail_gui.ui.window.main_window import MainWindow
from outmail_gui.ui.window.mapi_mail_server_dialog import MapiMailServerDialog
from outmail_gui.ui.window.shared_settings_dialog import SharedSettingsDialog
from outmail_gui.ui.window.window_state import WindowStateStore
from tests.ui.conftest import WindowFactory, smtp
from tests.ui.helpers import click_row
from tests.ui.palettes import PALETTES, contrast

TEXT, INDICATOR = 4.5, 3.0
_Role = QPalette.ColorRole


@pytest.fixture(params=list(PALETTES))
def palette(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[QPalette]:
    """The application palette for one test (restored afterwards, icons drawn again for it)."""
    before = qapp.palette()
    chosen: QPalette = PALETTES[request.param]()
    qapp.setPalette(chosen)
    clear_cache()
    yield chosen
    qapp.setPalette(before)
    clear_cache()


@pytest.fixture
def dialog(qtbot: QtBot, repo: ServerRepository, palette: QPalette) -> PartitionSettingsDialog:
    admin = PartitionAdmin.of(repo)
    for name in ("Finance", "HR", "Sales"):
        admin.add(name)
    admin.save_analyst(Analyst("ann", "Ann Lee", "ann@example.com", frozenset({"Sales"})))
    widget = PartitionSettingsDialog(repo, admin)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.analyst_list.setCurrentRow(0)  # her access list: two unticked boxes and a ticked one
    return widget


def strongest(image: QImage, area: QRect, background: QColor) -> float:
    """The highest contrast against ``background`` in ``area``: the text colour where glyphs are drawn."""
    area = area.intersected(image.rect())
    return max(
        contrast(image.pixelColor(x, y), background)
        for x in range(area.left(), area.right() + 1)
        for y in range(area.top(), area.bottom() + 1)
    )


def frame_contrast(image: QImage, box: QRect, background: QColor) -> float:
    """How well each side of a check box stands out: along the middle of every side, the strongest
    pixel across the side's first three pixels; the weakest of all those (an unseen stretch fails)."""
    weakest = 21.0
    span = range(box.top() + box.height() // 4, box.bottom() - box.height() // 4 + 1)
    across = range(3)
    for y in span:
        weakest = min(weakest, max(contrast(image.pixelColor(box.left() + i, y), background) for i in across))
        weakest = min(weakest, max(contrast(image.pixelColor(box.right() - i, y), background) for i in across))
    span = range(box.left() + box.width() // 4, box.right() - box.width() // 4 + 1)
    for x in span:
        weakest = min(weakest, max(contrast(image.pixelColor(x, box.top() + i), background) for i in across))
        weakest = min(weakest, max(contrast(image.pixelColor(x, box.bottom() - i), background) for i in across))
    return weakest


def grab(widget: QWidget) -> QImage:
    image = widget.grab().toImage()
    assert image.devicePixelRatio() == 1  # widget and image coordinates agree
    return image


def check_box_contrast(switch: QCheckBox, ticked: bool, background: QColor) -> tuple[float, float]:
    """The box's frame and the strongest of its words against ``background``, drawn ticked or not
    (only its look: signals are blocked, so nothing is written; its state is put back)."""
    was = switch.isChecked()
    switch.blockSignals(True)
    switch.setChecked(ticked)
    image = grab(switch)
    switch.setChecked(was)
    switch.blockSignals(False)
    option = QStyleOptionButton()
    switch.initStyleOption(option)
    style = switch.style()
    box = style.subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, switch)
    words = style.subElementRect(QStyle.SubElement.SE_CheckBoxContents, option, switch)
    return frame_contrast(image, box, background), strongest(image, words, background)


def test_each_check_box_and_its_words_stand_out(dialog: PartitionSettingsDialog, palette: QPalette) -> None:
    boxes = [b for b in dialog.findChildren(QCheckBox) if b.isVisible()]
    assert dialog.enabled in boxes and dialog.unpartitioned in boxes
    window = palette.color(_Role.Window)
    for switch in boxes:
        for ticked in (True, False):
            frame, words = check_box_contrast(switch, ticked, window)
            assert frame >= INDICATOR, (switch.text(), ticked, round(frame, 2))
            if switch.isEnabled():  # WCAG leaves the words of a disabled control out
                assert words >= TEXT, switch.text()


def test_each_access_box_is_seen_ticked_or_not(dialog: PartitionSettingsDialog, palette: QPalette) -> None:
    access = dialog.access
    states = [access.item(row).checkState() for row in range(access.count())]
    assert Qt.CheckState.Unchecked in states and Qt.CheckState.Checked in states
    image = grab(access.viewport())
    base = palette.color(_Role.Base)
    style = access.style()
    for row in range(access.count()):
        item = access.item(row)
        option = QStyleOptionViewItem()
        access.initViewItemOption(option)
        option.rect = access.visualItemRect(item)
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        box = style.subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, access)
        assert frame_contrast(image, box, base) >= INDICATOR, item.text()
        words = QRect(box.right() + 2, option.rect.top(), option.rect.right() - box.right() - 2, option.rect.height())
        assert strongest(image, words, base) >= TEXT, item.text()


def test_labels_and_buttons_read_clearly(dialog: PartitionSettingsDialog, palette: QPalette) -> None:
    labels = [w for w in dialog.findChildren(QLabel) if w.isVisible() and w.text()]
    assert {label.text() for label in labels} >= {"Lo&gin name", "Displa&y name", "E&mail address", "May &access"}
    for label in labels:
        assert strongest(grab(label), label.contentsRect(), palette.color(_Role.Window)) >= TEXT, label.text()
    buttons = [b for b in dialog.findChildren(QPushButton) if b.isVisible() and b.isEnabled()]
    assert len(buttons) >= 4
    for button in buttons:
        image = grab(button)
        inside = button.rect().adjusted(4, 4, -4, -4)  # the label, inside the frame
        assert strongest(image, inside, palette.color(_Role.Button)) >= TEXT, button.text()


GLYPH_BUTTONS: dict[str, Callable[[ConnectionTestPanel], QPushButton]] = {
    "Test connection ▶": lambda panel: panel.test_button,
    "Send test message ▶": lambda panel: panel.send_button,
    "Cancel ■": lambda panel: panel.cancel_button,
}


@pytest.mark.parametrize("name", list(GLYPH_BUTTONS))
def test_one_colour_glyphs_on_buttons_stand_out(qtbot: QtBot, palette: QPalette, name: str) -> None:
    panel = ConnectionTestPanel()
    qtbot.addWidget(panel)
    button = GLYPH_BUTTONS[name](panel)
    glyph = button.icon().pixmap(button.iconSize()).toImage()
    drawn = [
        glyph.pixelColor(x, y)
        for x in range(glyph.width())
        for y in range(glyph.height())
        if glyph.pixelColor(x, y).alpha() > 200
    ]
    assert drawn
    ratios = sorted(contrast(colour, palette.color(_Role.Button)) for colour in drawn)
    assert ratios[len(ratios) // 10] >= INDICATOR  # all but the outline's few half-covered pixels


@pytest.fixture
def window(qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, palette: QPalette) -> MainWindow:
    """The main window showing a server's form (login and TLS switches, fields, drop-downs, buttons)."""
    repo.save(smtp("Relay", port=587, login_id="relay-user", use_ssl=True))
    shown = make_window()
    shown.resize(1366, 768)
    click_row(qtbot, shown, "Relay")
    return shown


def visible(window: QWidget, kind: type[QWidget] | tuple[type[QWidget], ...]) -> list[QWidget]:
    """The enabled widgets of ``kind`` shown in ``window`` (not the parts of a spin box or drop-down)."""
    return [
        w
        for w in window.findChildren(QWidget)
        if isinstance(w, kind)
        and w.isVisibleTo(window)
        and w.isEnabled()
        and not isinstance(w.parent(), QAbstractSpinBox | QComboBox)
        and not (isinstance(w, QLineEdit) and not w.hasFrame())  # Protocol: a value shown as text, no field
    ]


def test_the_server_forms_check_boxes_are_seen_ticked_or_not(window: MainWindow, palette: QPalette) -> None:
    boxes = [b for b in visible(window.details, QCheckBox) if isinstance(b, QCheckBox)]
    assert len(boxes) >= 2, [b.objectName() for b in boxes]
    background = palette.color(_Role.Window)
    for switch in boxes:
        for ticked in (True, False):
            frame, words = check_box_contrast(switch, ticked, background)
            assert frame >= INDICATOR, (switch.objectName(), ticked, round(frame, 2))
            assert words >= TEXT, (switch.objectName(), round(words, 2))


@pytest.mark.parametrize(
    "kind",
    [QLineEdit, QComboBox, QAbstractSpinBox, QPushButton],
    ids=["line-edits", "drop-downs", "number-fields", "push-buttons"],
)
def test_the_server_forms_fields_and_buttons_have_a_visible_frame(
    window: MainWindow, palette: QPalette, kind: type[QWidget]
) -> None:
    """Every side of a field, drop-down or button stands out from the window behind it (WCAG 1.4.11),
    and the words in it read clearly."""
    widgets = visible(window.details, kind)
    assert widgets, kind.__name__
    framed_and_readable(widgets, palette)


def framed_and_readable(widgets: list[QWidget], palette: QPalette) -> None:
    for widget in widgets:
        image = grab(widget)
        frame = frame_contrast(image, widget.rect(), palette.color(_Role.Window))
        assert frame >= INDICATOR, (widget.objectName(), round(frame, 2))
        if isinstance(widget, QPushButton | QComboBox) and (
            widget.text() if isinstance(widget, QPushButton) else widget.currentText()
        ):
            inside = widget.rect().adjusted(4, 4, -4, -4)
            assert strongest(image, inside, palette.color(_Role.Button)) >= TEXT, widget.objectName()


DIALOGS: dict[str, Callable[[SecretStore, WindowStateStore, Path], QWidget]] = {
    "Open Shared Settings": lambda secrets, state, _: SharedSettingsDialog(None, secrets, state),
    "Discover Settings": lambda *_: DiscoveryDialog(None, "example.com"),
    "Manage Token": lambda secrets, _, folder: OAuthTokenDialog(
        TokenManager(folder / "tokens", KeyringBlob(secrets)), "srv", "Relay", OAuthSettings(enabled=True)
    ),
    "MAPI Mail Server": lambda *_: MapiMailServerDialog(None, "exchange.example.com"),
    "connection test panel": lambda *_: ConnectionTestPanel(),
}


@pytest.mark.parametrize("name", list(DIALOGS))
def test_the_dialogs_fields_boxes_and_buttons_are_seen(
    qtbot: QtBot,
    palette: QPalette,
    secrets: SecretStore,
    state_store: WindowStateStore,
    tmp_path: Path,
    name: str,
) -> None:
    """The other windows a user meets get the same style (the application's): every field, drop-down
    and button has a frame that is seen, every check box is seen ticked or not."""
    dialog = DIALOGS[name](secrets, state_store, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    framed = visible(dialog, (QLineEdit, QComboBox, QAbstractSpinBox, QPushButton))
    assert framed, name
    framed_and_readable(framed, palette)
    background = palette.color(_Role.Window)
    for switch in visible(dialog, QCheckBox):
        assert isinstance(switch, QCheckBox)
        for ticked in (True, False):
            frame, _ = check_box_contrast(switch, ticked, background)
            assert frame >= INDICATOR, (name, switch.objectName(), ticked, round(frame, 2))


def test_a_field_with_the_focus_shows_it_in_the_highlight_colour(
    qtbot: QtBot, window: MainWindow, palette: QPalette
) -> None:
    """The frame drawn for contrast does not hide where the focus is (WCAG 2.4.7)."""
    name = window.details.findChild(QLineEdit, "name")
    assert isinstance(name, QLineEdit)
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    image = grab(name)
    highlight = palette.color(_Role.Highlight)
    middle = name.height() // 2
    assert any(image.pixelColor(x, middle) == highlight for x in range(3))
    assert frame_contrast(image, name.rect(), palette.color(_Role.Window)) >= INDICATOR
