"""Desktop conventions: Help menu, the unsaved marker, Revert changes, the list's context menu,
test shortcuts, the application icon, keys without digits."""

from __future__ import annotations

from importlib import metadata

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu, QWhatsThis
from pytestqt.qtbot import QtBot

from outmail_gui.domain.fields import field_info
from outmail_gui.domain.settings import Protocol
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.shared.about import AboutDialog, about_text
from outmail_gui.ui.shared.dialogs import UnsavedChangesDialog, UnsavedChoice
from tests.ui.conftest import DialogAnswers, WindowFactory, smtp
from tests.ui.helpers import action, child, click_row, line, shortcut


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # the offscreen What's This popup
def test_help_menu_offers_field_help_whats_this_and_about(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, answer_dialog: DialogAnswers
) -> None:
    repo.save(smtp("Relay"))
    window = make_window()
    menu = child(window.menuBar(), QMenu, "help_menu")
    assert [a.objectName() for a in menu.actions() if not a.isSeparator()] == ["field_help", "whats_this", "about"]
    assert action(window, "field_help").shortcut().toString() == "F1"
    assert action(window, "whats_this").shortcut().toString() == "Shift+F1"
    click_row(qtbot, window, "Relay")
    server = line(window, "server")
    server.setFocus()
    qtbot.waitUntil(server.hasFocus)
    shortcut(qtbot, window, Qt.Key.Key_F1)  # the field's own documentation text
    assert server.whatsThis() == field_info(Protocol.SMTP, "server").help
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    QWhatsThis.hideText()
    calls = answer_dialog(AboutDialog, None)
    action(window, "about").trigger()
    assert len(calls) == 1  # its content: tests/ui/test_about.py
    text = about_text()
    assert metadata.version("outmail-gui") in text and "Licence:" in text and "Qt " in text


def test_the_title_marks_unsaved_changes_and_revert_puts_back_the_saved_values(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, answer_dialog: DialogAnswers
) -> None:
    repo.save(smtp("Relay", server="relay.example.com"))
    window = make_window()
    assert window.windowTitle().endswith("[*]") and not window.isWindowModified()
    click_row(qtbot, window, "Relay")
    revert = action(window, "revert")
    assert not revert.isEnabled()
    server = line(window, "server")
    server.setFocus()
    server.selectAll()
    qtbot.keyClicks(server, "other.example.com")
    assert window.isWindowModified() and revert.isEnabled()
    server.undo()  # the field's own undo
    assert server.text() == "relay.example.com"
    server.end(False)
    qtbot.keyClicks(server, ".invalid")
    asked = answer_dialog(UnsavedChangesDialog, UnsavedChoice.CANCEL, UnsavedChoice.DISCARD)
    revert.trigger()  # Cancel: the edit stays
    assert server.text() == "relay.example.com.invalid" and window.isWindowModified()
    revert.trigger()  # Discard: the saved values are back
    assert line(window, "server").text() == "relay.example.com"
    assert not window.isWindowModified() and len(asked) == 2


def test_the_list_context_menu_tests_copies_and_sets_the_default(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Relay", server="relay.example.com", is_default=True))
    repo.save(smtp("Spare", server="spare.example.com"))
    window = make_window()
    names = [a.objectName() for a in window.list_view.actions()]
    assert names == ["test_connection", "duplicate", "delete", "set_default", "copy_address"]
    assert window.list_view.contextMenuPolicy() is Qt.ContextMenuPolicy.ActionsContextMenu
    click_row(qtbot, window, "Spare")
    action(window, "copy_address").trigger()
    assert QGuiApplication.clipboard().text() == "spare.example.com"
    set_default = action(window, "set_default")
    assert set_default.isEnabled()
    set_default.trigger()
    by_name = {r.name: r for r in repo.list_servers()}
    assert by_name["Spare"].is_default and not by_name["Relay"].is_default
    assert not set_default.isEnabled()  # it is the default now


def test_test_actions_have_shortcuts_and_the_window_an_icon(make_window: WindowFactory) -> None:
    window = make_window()
    assert action(window, "send_test_message").shortcut().toString() == "Ctrl+M"
    assert action(window, "cancel_test").shortcut().toString() == "Shift+Esc"
    assert not action(window, "cancel_test").isEnabled()  # nothing runs
    sizes = {(s.width(), s.height()) for s in window.windowIcon().availableSizes()}
    assert {(16, 16), (32, 32), (256, 256)} <= sizes
