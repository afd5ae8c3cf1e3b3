"""Discover Settings…: the dialog against the real discovery world (dnsmasq, HTTPS, aiosmtpd on
127.x.y.z), Cancel, and Apply filling the form unsaved with the changed fields marked."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QPushButton, QTreeWidget, QWidget
from pytestqt.qtbot import QtBot

from outmail_gui.discovery.model import Source
from outmail_gui.domain.methods import AuthMethod
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.discovery.dialog import DiscoveryDialog
from outmail_gui.ui.form.server_form import DISCOVERED_NOTE
from outmail_gui.ui.shared.messages import IssueLabel
from tests.support.discovery_world import PASSWORD, USER, World
from tests.ui.conftest import DialogAnswers, WindowFactory, smtp
from tests.ui.helpers import (
    checkbox,
    child,
    click,
    click_row,
    click_toolbar,
    line,
    replace_text,
    spin,
    status_text,
    tree_item,
)

pytestmark = pytest.mark.integration


def dialog_for(qtbot: QtBot, world: World, target: str) -> DiscoveryDialog:
    dialog = DiscoveryDialog(None, target, str(world.tls.ca_file), world.dns.spec)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.stop())
    dialog.show()
    return dialog


def column(tree: QTreeWidget, index: int) -> list[str]:
    return [tree_item(tree, row).text(index) for row in range(tree.topLevelItemCount())]


def test_steps_and_candidates_appear_live_then_ranked(qtbot: QtBot, discovery_world: World) -> None:
    dialog = dialog_for(qtbot, discovery_world, "x@untrusted.example")
    seen_steps: list[str] = []
    seen_results: list[str] = []
    dialog.steps.itemChanged.connect(lambda item, _col: seen_steps.append(item.text(1)))
    dialog.candidates.itemChanged.connect(lambda item, _col: seen_results.append(item.text(6)))
    click(qtbot, dialog.discover_button)
    assert not dialog.discover_button.isEnabled() and dialog.target.isReadOnly()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    assert "asking…" in seen_steps  # each source showed as running before its result
    assert "testing…" in seen_results  # and each candidate while its test ran
    assert column(dialog.steps, 0) == [s.label for s in Source]
    assert column(dialog.candidates, 1) == ["587", "465", "25"]  # ranked: verified STARTTLS before untrusted 465
    assert column(dialog.candidates, 6)[0] == "Recommended"
    assert "not trusted" in column(dialog.candidates, 6)[1]
    assert dialog.apply_button.isEnabled()
    # The untrusted candidate can be selected and read, never applied.
    dialog.candidates.setCurrentItem(tree_item(dialog.candidates, 1))
    assert not dialog.apply_button.isEnabled()
    assert "certificate could not be verified" in dialog.details.text()
    dialog.candidates.setCurrentItem(tree_item(dialog.candidates, 0))
    settings = dialog.chosen_settings()
    assert settings is not None and (settings["server"], settings["port"], settings["use_ssl"]) == (
        "smtp.untrusted.example",
        587,
        True,
    )


def test_sign_in_check_tries_one_auth_with_the_forms_login_id(qtbot: QtBot, discovery_world: World) -> None:
    handler = discovery_world.handler
    before = len(handler.auth_commands)
    world = discovery_world
    ca_file, dns = str(world.tls.ca_file), world.dns.spec
    dialog = DiscoveryDialog(None, "alice@ac.example", ca_file, dns, login_id=USER, password=PASSWORD)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.stop())
    dialog.show()
    assert dialog.sign_in.isChecked() and USER in dialog.sign_in.text()  # a typed password: checked by default
    click(qtbot, dialog.discover_button)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    assert f"Sign-in as {USER}: accepted" in dialog.status.text()
    assert len(handler.auth_commands) == before + 1
    assert PASSWORD not in dialog.status.text()

    replace_text(qtbot, dialog.password, "wrong")
    dialog.report = None
    click(qtbot, dialog.discover_button)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    assert f"Sign-in as {USER}: failed" in dialog.status.text() and "535" in dialog.status.text()
    assert len(handler.auth_commands) == before + 2  # one AUTH, no retry after 535

    dialog.password.clear()
    click(qtbot, dialog.discover_button)
    assert dialog.run is None and "Type the password" in dialog.status.text()  # asked, nothing started


def test_sign_in_check_needs_a_login_id(qtbot: QtBot, discovery_world: World) -> None:
    dialog = dialog_for(qtbot, discovery_world, "alice@ac.example")
    assert not dialog.sign_in.isEnabled() and not dialog.sign_in.isChecked()
    assert "Login ID" in dialog.sign_in.toolTip()


def test_cancel_stops_within_a_second(qtbot: QtBot, discovery_world: World) -> None:
    dialog = dialog_for(qtbot, discovery_world, "eve@silent.example")  # every host silent: 20 s otherwise
    dialog.start()
    qtbot.waitUntil(lambda: dialog.candidates.topLevelItemCount() >= 1, timeout=10000)
    started = time.monotonic()
    click(qtbot, dialog.cancel_button)
    assert dialog.status.text() == "Cancelling…"
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=1500)
    assert time.monotonic() - started < 1.0
    assert dialog.report is not None and dialog.report.cancelled
    assert "Cancelled" in dialog.status.text() and not dialog.apply_button.isEnabled()
    assert dialog.isVisible()  # Cancel while running stops discovery; the next Cancel closes
    click(qtbot, dialog.cancel_button)
    assert not dialog.isVisible()


def test_invalid_input_is_said_in_the_dialog(qtbot: QtBot, discovery_world: World) -> None:
    dialog = dialog_for(qtbot, discovery_world, "two words")
    click(qtbot, dialog.discover_button)
    assert dialog.run is None and dialog.status.text() == "A host name cannot contain spaces."


def test_discover_button_beside_server_and_apply_fills_the_form_unsaved(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    monkeypatch: pytest.MonkeyPatch,
    discovery_world: World,
) -> None:
    repo.save(smtp("Relay", server="old.example.com", port=25, outgoing_email_id="alice@ac.example"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    form = window.details.form()
    button = child(form, QPushButton, "discover_settings")
    server = line(window, "server")
    # Beside Server: the same row (cell), on its right, vertically centred with it.
    assert button.isVisible() and button.parentWidget() is server.parentWidget()
    assert button.geometry().left() >= server.geometry().right()
    assert abs(button.geometry().center().y() - server.geometry().center().y()) < 8
    # The real dialog, driven as a user would: discover, keep the recommended candidate, Apply.
    found: list[dict[str, object]] = []

    handed: list[dict[str, str]] = []

    def real_dialog(parent: object, target: str, **sign_in: str) -> dict[str, object] | None:
        handed.append(sign_in)
        dialog = dialog_for(qtbot, discovery_world, target)
        dialog.start()
        qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
        chosen = dialog.chosen_settings()
        dialog.close()
        assert chosen is not None
        found.append(chosen)
        return chosen

    monkeypatch.setattr(
        DiscoveryDialog, "ask", classmethod(lambda cls, parent, target, **kw: real_dialog(parent, target, **kw))
    )
    replace_text(qtbot, line(window, "login_id"), "svc-relay")
    click(qtbot, button)
    assert found  # the dialog started from the Outgoing Email ID
    assert handed == [{"login_id": "svc-relay", "password": ""}]  # the form's Login ID, for the sign-in check
    assert line(window, "server").text() == "smtp-out.ac.example"
    assert spin(window, "port").value() == 587 and checkbox(window, "use_ssl").isChecked()
    assert not checkbox(window, "auth_auto").isChecked()  # the autoconfig file's password-cleartext
    assert form.record().auth_methods == frozenset({AuthMethod.LOGIN, AuthMethod.PLAIN})
    assert form.discovered_fields() == {"server", "port", "auth_auto", "auth_methods"}
    assert line(window, "server").property("discovered") is True
    assert form.is_dirty() and "check the marked fields" in status_text(window)
    note = child(form, IssueLabel, "server_message")
    assert DISCOVERED_NOTE in note.text()
    assert repo.get(form.record().id).server == "old.example.com"  # nothing saved without Save


def test_new_smtp_server_offers_discovery(
    qtbot: QtBot, make_window: WindowFactory, answer_dialog: DialogAnswers
) -> None:
    window = make_window()
    click_toolbar(qtbot, window, "new_smtp_server")
    form = window.details.form()
    assert form.discover_banner.isVisible()
    replace_text(qtbot, line(window, "outgoing_email_id"), "bob@m365.example")
    asked = answer_dialog(
        DiscoveryDialog,
        {
            "server": "smtp.office365.com",
            "port": 587,
            "use_ssl": True,
            "auth_auto": False,
            "auth_methods": frozenset({AuthMethod.XOAUTH2}),
        },
    )
    click(qtbot, child(form.discover_banner, QPushButton, "discover_offer"))
    assert asked == [("bob@m365.example",)]  # the dialog starts from the Outgoing Email ID
    assert line(window, "server").text() == "smtp.office365.com" and spin(window, "port").value() == 587
    assert not form.discover_banner.isVisible()
    assert "not saved" in window.details.title()


@pytest.mark.parametrize("size", [(1024, 640), (1366, 768), (1920, 1080)])
def test_dialog_fits_the_screen_sizes_nothing_clipped(
    qtbot: QtBot, discovery_world: World, size: tuple[int, int]
) -> None:
    dialog = dialog_for(qtbot, discovery_world, "x@untrusted.example")
    dialog.start()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    width, height = size
    dialog.resize(min(dialog.sizeHint().width(), width), min(dialog.sizeHint().height(), height - 60))
    qtbot.wait(20)
    assert dialog.width() <= width and dialog.height() <= height
    inside = dialog.rect()
    for widget in dialog.findChildren(QWidget):
        if widget.isVisible() and widget.isWindow() is False and widget.parentWidget() is dialog:
            assert inside.contains(widget.geometry()), widget.objectName()
    for name in ("discovery_target", "discovery_start", "discovery_apply", "discovery_cancel", "discovery_candidates"):
        child_widget = child(dialog, QWidget, name)
        top_left = child_widget.mapTo(dialog, child_widget.rect().topLeft())
        bottom_right = child_widget.mapTo(dialog, child_widget.rect().bottomRight())
        assert inside.contains(top_left) and inside.contains(bottom_right), name
    assert dialog.candidates.horizontalScrollBar().maximum() == 0  # every column shown without scrolling
