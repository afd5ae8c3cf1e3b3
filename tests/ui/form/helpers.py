"""Shared helpers: load a record with sensible window arguments, find children, click like a user."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from outmail_gui.domain.rules import RuleContext
from outmail_gui.domain.settings import Protocol, ServerSettings, new_server
from outmail_gui.ui.form import ServerFormWidget

T = TypeVar("T", bound=QObject)


def load(
    form: ServerFormWidget,
    record: ServerSettings,
    context: RuleContext | None = None,
    *,
    partitions_visible: bool = False,
    allowed_partitions: Sequence[str] = (),
    password_stored: bool = False,
    keyring_label: str = "GNOME Keyring",
    read_only_reason: str = "",
) -> None:
    form.load(
        record,
        context or RuleContext(),
        partitions_visible=partitions_visible,
        allowed_partitions=allowed_partitions,
        password_stored=password_stored,
        keyring_label=keyring_label,
        read_only_reason=read_only_reason,
    )


def child(form: QWidget, cls: type[T], name: str) -> T:
    found = form.findChildren(cls, name)
    assert len(found) == 1, f"expected one {cls.__name__} named {name!r}, found {len(found)}"
    return found[0]


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def select_all_and_type(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Replace a field's text the way a user does: Ctrl+A, then type."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def valid_smtp(**changes: Any) -> ServerSettings:
    """A new SMTP record the rules accept, with ``changes`` applied."""
    values: dict[str, Any] = {"name": "Relay", "server": "mail.example.com", "outgoing_email_id": "it@example.com"}
    return new_server(Protocol.SMTP, **{**values, **changes})
