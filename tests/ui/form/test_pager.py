"""Pager Encoding: the drop-down of PAGER_ENCODINGS and the byte preview."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from outmail_gui.domain.encodings import PAGER_ENCODINGS
from outmail_gui.domain.rules import Severity
from outmail_gui.ui.form import ServerFormWidget
from outmail_gui.ui.form.messages import IssueLabel
from outmail_gui.ui.form.pager_field import escape_bytes
from tests.ui.form.helpers import child, load, valid_smtp


def test_drop_down_offers_the_pager_encodings(form: ServerFormWidget) -> None:
    load(form, valid_smtp())
    combo = child(form, QComboBox, "pager_encoding")

    assert tuple(combo.itemText(i) for i in range(combo.count())) == PAGER_ENCODINGS


def test_preview_shows_the_bytes_of_the_sample(form: ServerFormWidget) -> None:
    load(form, valid_smtp())
    preview = child(form, IssueLabel, "pager_preview")

    assert preview.isVisible()
    assert "M\\xc3\\xbcller" in preview.text()
    assert "\\xe2\\x82\\xac" in preview.text()  # the euro sign in UTF-8
    assert preview.severity() is Severity.NOTICE


def test_choosing_ascii_names_what_cannot_be_sent(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    combo = child(form, QComboBox, "pager_encoding")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # us-ascii

    preview = child(form, IssueLabel, "pager_preview")
    assert form.record().pager_encoding == "us-ascii"
    assert preview.severity() is Severity.WARNING
    assert "Cannot be carried by us-ascii" in preview.text()
    assert "ü – €" in preview.text()
    assert "M?ller" in preview.text()


def test_an_unknown_loaded_encoding_is_kept_and_reported(form: ServerFormWidget) -> None:
    load(form, valid_smtp(pager_encoding="klingon-8"))

    assert child(form, QComboBox, "pager_encoding").currentText() == "klingon-8 (not offered)"
    assert "Unknown encoding" in child(form, IssueLabel, "pager_encoding_message").text()
    assert "not a known encoding" in child(form, IssueLabel, "pager_preview").text()
    assert not form.is_valid()


def test_escape_bytes_shows_control_and_high_bytes() -> None:
    assert escape_bytes(b"A\\\x1b\xff ") == "A\\\\\\x1b\\xff "
