"""Unsaved changes are never lost by accident: close, select another, quit, import ask first."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.shared.dialogs import ImportFileDialog, UnsavedChangesDialog, UnsavedChoice
from tests.ui.conftest import DialogAnswers, WindowFactory, smtp
from tests.ui.helpers import click, click_row, click_toolbar, line, replace_text, shortcut


def _edit_relay(qtbot: QtBot, window: object) -> None:
    from outmail_gui.ui.window.main_window import MainWindow

    assert isinstance(window, MainWindow)
    click_row(qtbot, window, "Relay")
    replace_text(qtbot, line(window, "server"), "changed.example.com")
    assert window.session.is_dirty()


@pytest.fixture
def two_servers(repo: ServerRepository) -> ServerRepository:
    repo.save(smtp("Relay"))
    repo.save(smtp("Spare"))
    return repo


@pytest.mark.usefixtures("two_servers")
def test_closing_details_asks_and_cancel_keeps_the_edit(
    qtbot: QtBot, make_window: WindowFactory, answer_dialog: DialogAnswers
) -> None:
    window = make_window()
    _edit_relay(qtbot, window)
    calls = answer_dialog(UnsavedChangesDialog, UnsavedChoice.CANCEL)
    shortcut(qtbot, window, Qt.Key.Key_Escape)
    assert calls == [("Relay", "closing the details")]
    assert window.details.is_showing_details()
    assert line(window, "server").text() == "changed.example.com"


@pytest.mark.usefixtures("two_servers")
def test_closing_details_discard_drops_the_edit(
    qtbot: QtBot, make_window: WindowFactory, answer_dialog: DialogAnswers, repo: ServerRepository
) -> None:
    window = make_window()
    _edit_relay(qtbot, window)
    answer_dialog(UnsavedChangesDialog, UnsavedChoice.DISCARD)
    close = window.details.close_button  # the Close button beside Save
    assert close is not None
    click(qtbot, close)
    assert not window.details.is_showing_details()
    relay = repo.find_by_name("Relay")
    assert relay is not None and relay.server == "relay.example.com"


@pytest.mark.usefixtures("two_servers")
def test_closing_details_save_saves_first(
    qtbot: QtBot, make_window: WindowFactory, answer_dialog: DialogAnswers, repo: ServerRepository
) -> None:
    window = make_window()
    _edit_relay(qtbot, window)
    answer_dialog(UnsavedChangesDialog, UnsavedChoice.SAVE)
    click_toolbar(qtbot, window, "close_details")
    assert not window.details.is_showing_details()
    relay = repo.find_by_name("Relay")
    assert relay is not None and relay.server == "changed.example.com"


@pytest.mark.usefixtures("two_servers")
def test_selecting_another_server_asks_and_cancel_stays(
    qtbot: QtBot, make_window: WindowFactory, answer_dialog: DialogAnswers
) -> None:
    window = make_window()
    _edit_relay(qtbot, window)
    calls = answer_dialog(UnsavedChangesDialog, UnsavedChoice.CANCEL)
    click_row(qtbot, window, "Spare")
    assert calls == [("Relay", "showing another server")]
    assert window.details.form().record().name == "Relay"
    assert line(window, "server").text() == "changed.example.com"
    assert window.selected_id() == window.details.form().record().id


@pytest.mark.usefixtures("two_servers")
def test_selecting_another_server_discard_shows_it(
    qtbot: QtBot, make_window: WindowFactory, answer_dialog: DialogAnswers
) -> None:
    window = make_window()
    _edit_relay(qtbot, window)
    answer_dialog(UnsavedChangesDialog, UnsavedChoice.DISCARD)
    click_row(qtbot, window, "Spare")
    assert window.details.form().record().name == "Spare"
    assert not window.session.is_dirty()


@pytest.mark.usefixtures("two_servers")
def test_quitting_asks_and_cancel_keeps_the_window(
    qtbot: QtBot, make_window: WindowFactory, answer_dialog: DialogAnswers
) -> None:
    window = make_window()
    _edit_relay(qtbot, window)
    calls = answer_dialog(UnsavedChangesDialog, UnsavedChoice.CANCEL, UnsavedChoice.SAVE)
    shortcut(qtbot, window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert calls == [("Relay", "quitting")]
    assert window.isVisible()
    window.close()  # the window manager's close button goes the same way
    assert calls[-1] == ("Relay", "quitting")
    assert not window.isVisible()


@pytest.mark.usefixtures("two_servers")
def test_importing_over_the_current_record_asks(
    qtbot: QtBot, make_window: WindowFactory, answer_dialog: DialogAnswers, tmp_path: Path
) -> None:
    window = make_window()
    _edit_relay(qtbot, window)
    calls = answer_dialog(UnsavedChangesDialog, UnsavedChoice.CANCEL, UnsavedChoice.DISCARD)
    files = answer_dialog(ImportFileDialog, None)
    click_toolbar(qtbot, window, "import")
    assert calls == [("Relay", "importing")]
    assert files == []  # cancelled before the file was asked for
    assert line(window, "server").text() == "changed.example.com"
    click_toolbar(qtbot, window, "import")
    assert len(files) == 1
    # Discarded: the saved version is shown again.
    assert line(window, "server").text() == "relay.example.com"
    assert not window.session.is_dirty()


def test_a_clean_record_closes_without_a_question(
    qtbot: QtBot, make_window: WindowFactory, two_servers: ServerRepository
) -> None:
    window = make_window()
    click_row(qtbot, window, "Relay")
    click_row(qtbot, window, "Spare")
    shortcut(qtbot, window, Qt.Key.Key_Escape)
    assert not window.details.is_showing_details()
