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
from outmail_gui.domain.settings import Protocol
from outmail_gui.ui.form.auth_section import AuthSection
from outmail_gui.ui.form.editors import CheckEditor, ChoiceEditor, DisplayEditor, FieldEditor, SpinEditor, TextEditor
from outmail_gui.ui.form.pager_field import EncodingEditor
from outmail_gui.ui.form.password_field import PasswordEditor

NO_PARTITION_TEXT = "(none)"
# What the spin boxes let a user type: wider than the rules allow, so that a wrong number
# (port 70000, port 0, timeout 0) stays visible and the rules' message says what is wrong.
TYPING_RANGE = (0, 999_999)


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
    """Alt+key mnemonics for the texts of one form, in one greedy pass in visual order.

    A text takes the first letter of one of its words that is still free, else any other free
    letter of its own; when none is left it gets no mnemonic (it is still reached with Tab),
    never an added digit. The main window's menu letters (File, Edit, Server, View, Test,
    Help) are never used, so Alt+F stays the File menu.
    """

    RESERVED = frozenset("fesvth")

    @classmethod
    def assign(cls, texts: Sequence[str]) -> list[str]:
        taken = set(cls.RESERVED)
        out: list[str] = []
        for text in texts:
            if "&" in text:  # a literal ampersand, shown as such
                out.append(text.replace("&", "&&"))
                continue
            index = cls._free_position(text, taken)
            if index is None:
                out.append(text)
                continue
            taken.add(text[index].casefold())
            out.append(text[:index] + "&" + text[index:])
        return out

    @staticmethod
    def _free_position(text: str, taken: set[str]) -> int | None:
        """Where the first free key of ``text`` is: a word's first letter if one is free."""
        letters = [i for i, ch in enumerate(text) if ch.isascii() and ch.isalpha() and ch.casefold() not in taken]
        starts = [i for i in letters if i == 0 or not text[i - 1].isalnum()]
        best = starts or letters
        return best[0] if best else None


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
        editor = SpinEditor(name, *TYPING_RANGE, parent=parent)
    elif kind is FieldKind.TIMEOUT:
        editor = SpinEditor(name, *TYPING_RANGE, parent=parent)  # the label says "(secs)": the unit once
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
