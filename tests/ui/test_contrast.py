"""Contrast in a dark Fusion palette and in both high-contrast palettes, measured on rendered pixels.

The Partition Settings dialog and the glyph buttons are rendered to images under each palette, and
the WCAG 2 contrast ratio is computed between what is drawn and what it is drawn on: text at least
4.5:1, check box frames (an unticked box must be seen) and one-colour glyphs at least 3:1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from outmail_gui.domain.analysts import Analyst
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.connection_test.panel import ConnectionTestPanel
from outmail_gui.ui.partitions.settings_dialog import PartitionSettingsDialog
from outmail_gui.ui.shared.icons import clear_cache
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


def test_each_check_box_and_its_words_stand_out(dialog: PartitionSettingsDialog, palette: QPalette) -> None:
    boxes = [b for b in dialog.findChildren(QCheckBox) if b.isVisible()]
    assert dialog.enabled in boxes and dialog.unpartitioned in boxes
    window = palette.color(_Role.Window)
    for switch in boxes:
        for ticked in (True, False):
            switch.blockSignals(True)  # only its look: nothing is written
            switch.setChecked(ticked)
            switch.blockSignals(False)
            image = grab(switch)
            option = QStyleOptionButton()
            switch.initStyleOption(option)
            style = switch.style()
            box = style.subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, switch)
            words = style.subElementRect(QStyle.SubElement.SE_CheckBoxContents, option, switch)
            assert frame_contrast(image, box, window) >= INDICATOR, (switch.text(), ticked)
            if switch.isEnabled():  # WCAG leaves the words of a disabled control out
                assert strongest(image, words, window) >= TEXT, switch.text()


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
