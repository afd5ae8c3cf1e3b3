"""The form's declaration: which widget kind shows each ServerSettings field, and the factory.

Labels and explanations come from ``domain.fields``; the field list and its order from
``domain.settings.fields_for``. Only the widget kind is decided here.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QWidget

from outmail_gui.domain.fields import field_info
from outmail_gui.domain.rules import MAX_TIMEOUT_S
from outmail_gui.domain.settings import Protocol
from outmail_gui.ui.form.auth_section import AuthSection
from outmail_gui.ui.form.editors import CheckEditor, ChoiceEditor, DisplayEditor, FieldEditor, SpinEditor, TextEditor
from outmail_gui.ui.form.pager_field import EncodingEditor
from outmail_gui.ui.form.password_field import PasswordEditor

NO_PARTITION_TEXT = "(none)"


class FieldKind(enum.Enum):
    TEXT = enum.auto()
    DISPLAY = enum.auto()  # read-only text
    PORT = enum.auto()
    TIMEOUT = enum.auto()
    CHECK = enum.auto()
    PASSWORD = enum.auto()
    ENCODING = enum.auto()
    PARTITION = enum.auto()
    AUTH = enum.auto()  # auth_auto + auth_methods, one row
    AUTH_METHODS = enum.auto()  # shown inside the AUTH row


FIELD_KINDS: dict[str, FieldKind] = {
    "name": FieldKind.TEXT,
    "protocol": FieldKind.DISPLAY,
    "server": FieldKind.TEXT,
    "port": FieldKind.PORT,
    "login_id": FieldKind.TEXT,
    "password": FieldKind.PASSWORD,
    "active": FieldKind.CHECK,
    "use_ssl": FieldKind.CHECK,
    "pager_encoding": FieldKind.ENCODING,
    "auth_auto": FieldKind.AUTH,
    "auth_methods": FieldKind.AUTH_METHODS,
    "use_nt_authentication": FieldKind.CHECK,
    "send_receipt": FieldKind.CHECK,
    "connection_timeout_s": FieldKind.TIMEOUT,
    "chunking": FieldKind.CHECK,
    "outgoing_email_id": FieldKind.TEXT,
    "is_default": FieldKind.CHECK,
    "sent_from_analyst": FieldKind.CHECK,
    "reply_to_forwarding_analyst": FieldKind.CHECK,
    "partition": FieldKind.PARTITION,
}


class Mnemonics:
    """Hands out unique Alt+letter mnemonics across one form, first come first served.

    Letters the main window's menus usually take (File, Edit, View, Help) are never used, so
    Alt+F stays the File menu; a text whose letters are all taken keeps no mnemonic (there are
    more fields than letters - Tab still reaches them).
    """

    RESERVED = frozenset("fevh")

    def __init__(self) -> None:
        self._used: set[str] = set()

    def add(self, text: str) -> str:
        if "&" in text:
            return text.replace("&", "&&")
        index = self._pick(text)
        if index is None:
            return text
        self._used.add(text[index].casefold())
        return text[:index] + "&" + text[index:]

    def _pick(self, text: str) -> int | None:
        starts = [i for i, ch in enumerate(text) if ch.isalnum() and (i == 0 or not text[i - 1].isalnum())]
        others = [i for i, ch in enumerate(text) if ch.isalnum() and i not in starts]
        order = starts + others
        free = [i for i in order if text[i].casefold() not in self._used | self.RESERVED]
        return free[0] if free else None


class PartitionEditor(ChoiceEditor):
    """``partition``: "(none)" plus only the partitions this analyst may use."""

    def set_allowed(self, allowed: Sequence[str]) -> None:
        self.set_choices([(NO_PARTITION_TEXT, None), *((p, p) for p in allowed)])

    def unlisted_text(self, value: object) -> str:
        return f"{value} (not available to you)"


@dataclasses.dataclass(slots=True)
class FieldRow:
    """One row of the form: a label (None when a checkbox carries its own text) and its editors."""

    label: QLabel | None
    widget: QWidget
    editors: list[FieldEditor]


def build_row(protocol: Protocol, name: str, parent: QWidget) -> FieldRow | None:
    """The row for field ``name``; None for a field shown inside another field's row."""
    kind = FIELD_KINDS[name]
    info = field_info(protocol, name)
    editor: FieldEditor
    if kind is FieldKind.AUTH_METHODS:
        return None
    if kind is FieldKind.AUTH:
        group = field_info(protocol, "auth_methods")
        label = QLabel(group.label, parent)
        label.setWordWrap(True)  # the longest label: wrapping it leaves the fields room
        section = AuthSection(info.label, parent)
        section.auto.describe(info.label, info.help)
        section.methods.describe(group.label, group.help)
        label.setBuddy(section.auto.input)
        _explain(label, group.help)
        return FieldRow(label, section, section.editors())
    if kind is FieldKind.CHECK:
        editor = CheckEditor(name, info.label, parent)
        editor.describe(info.label, info.help)
        return FieldRow(None, editor.row, [editor])
    label = QLabel(info.label, parent)
    if kind is FieldKind.TEXT:
        editor = TextEditor(name, parent)
    elif kind is FieldKind.DISPLAY:
        editor = DisplayEditor(name, parent)
    elif kind is FieldKind.PORT:
        editor = SpinEditor(name, 1, 65535, parent=parent)
    elif kind is FieldKind.TIMEOUT:
        editor = SpinEditor(name, 1, MAX_TIMEOUT_S, " s", parent=parent)
    elif kind is FieldKind.PASSWORD:
        editor = PasswordEditor(parent)
    elif kind is FieldKind.ENCODING:
        editor = EncodingEditor(parent)
    else:
        editor = PartitionEditor(name, parent)
    editor.describe(info.label, info.help)
    label.setBuddy(editor.input)
    _explain(label, info.help)
    return FieldRow(label, editor.row, [editor])


def _explain(label: QLabel, help_text: str) -> None:
    label.setToolTip(help_text)
    label.setWhatsThis(help_text)
