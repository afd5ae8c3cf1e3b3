"""Pager Encoding: the drop-down of PAGER_ENCODINGS and the byte preview."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from outmail_gui.domain.encodings import PAGER_ENCODINGS
from outmail_gui.domain.rules import Severity
from outmail_gui.ui.form import ServerFormWidget
from outmail_gui.ui.form.pager_field import hex_bytes, pager_preview
from outmail_gui.ui.shared.messages import IssueLabel
from tests.ui.form.helpers import child, load, valid_smtp


def test_drop_down_offers_the_pager_encodings(form: ServerFormWidget) -> None:
    load(form, valid_smtp())
    combo = child(form, QComboBox, "pager_encoding")

    assert tuple(combo.itemText(i) for i in range(combo.count())) == PAGER_ENCODINGS


def test_preview_says_how_the_sample_arrives_and_keeps_the_bytes_for_administrators(form: ServerFormWidget) -> None:
    load(form, valid_smtp())
    preview = child(form, IssueLabel, "pager_preview")

    assert preview.isVisible()
    assert preview.text() == "Sent as utf-8: “Call 42: Müller – 5 €” arrives as written (26 bytes)."
    assert preview.severity() is Severity.NOTICE
    # The bytes, in hex, only in the tooltip (for administrators).
    tip = preview.toolTip()
    assert "is 26 bytes: 43 61 6C 6C 20 34 32 3A 20 4D C3 BC 6C 6C 65 72" in tip  # "Call 42: Müller"
    assert tip.endswith("E2 82 AC") and "\\x" not in tip  # the euro sign in UTF-8; no Python byte escapes
    assert "43 61" not in preview.text()


def test_choosing_ascii_names_what_cannot_be_sent(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    combo = child(form, QComboBox, "pager_encoding")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # us-ascii

    preview = child(form, IssueLabel, "pager_preview")
    assert form.record().pager_encoding == "us-ascii"
    assert preview.severity() is Severity.WARNING
    assert preview.text().startswith("Sent as us-ascii: “Call 42: Müller – 5 €” arrives as “Call 42: M?ller ? 5 ?”.")
    assert (
        "us-ascii cannot carry “ü” (latin small letter u with diaeresis), “–” (en dash), “€” (euro sign)"
        in preview.text()
    )
    assert "\\x" not in preview.text() and "4D 3F" in preview.toolTip()  # "M?" in the administrators' bytes


def test_an_unknown_loaded_encoding_is_kept_and_reported(form: ServerFormWidget) -> None:
    load(form, valid_smtp(pager_encoding="klingon-8", revision=2))  # only a stored record can have it

    assert child(form, QComboBox, "pager_encoding").currentText() == "klingon-8 (not offered)"
    assert "Unknown encoding" in child(form, IssueLabel, "pager_encoding_message").text()
    assert "not a known encoding" in child(form, IssueLabel, "pager_preview").text()
    assert not form.is_valid()


def test_hex_bytes_are_grouped_and_long_data_is_cut() -> None:
    assert hex_bytes(b"A\\\x1b\xff ") == "41 5C 1B FF 20"
    assert hex_bytes(bytes(40), limit=4) == "00 00 00 00 … (+36 more)"


def test_a_two_byte_charset_preview_is_cut_with_the_total_shown() -> None:
    _severity, text, in_bytes = pager_preview("utf-16")
    assert text == "Sent as utf-16: “Call 42: Müller – 5 €” arrives as written (44 bytes)."
    assert "is 44 bytes: FF FE 43 00" in in_bytes  # byte order mark, then "C"
    assert in_bytes.endswith("… (+12 more)")


@pytest.mark.parametrize("stored", ["rot13", "base64", "idna"])
def test_a_stored_codec_that_is_not_text_never_raises_and_never_keeps_the_last_preview(
    form: ServerFormWidget, stored: str
) -> None:
    load(form, valid_smtp())  # a good server first: its preview must not stay on screen
    load(form, valid_smtp(pager_encoding=stored, revision=2))
    assert child(form, QComboBox, "pager_encoding").currentText() == f"{stored} (not offered)"
    preview = child(form, IssueLabel, "pager_preview").text()
    assert preview == f"No preview: {stored!r} is not a known encoding." and "43 61 6C 6C" not in preview
    assert child(form, IssueLabel, "pager_preview").toolTip() == ""
    assert child(form, IssueLabel, "pager_encoding_message").text().startswith(f"Unknown encoding {stored!r}")
    assert not form.is_valid()
