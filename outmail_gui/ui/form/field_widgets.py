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
    """Unique Alt+key mnemonics for all the texts of one form, given at once.

    The letters of the main window's menu bar (File, Server, View, Test) are never used, so
    Alt+F stays the File menu. A text prefers the first letter of a word, then another of its
    letters, then one of its digits; the keys are handed out as a least-cost assignment, so an
    early text does not take the only key a later one could have. A text left without any (a
    form has more checkboxes than free letters) gets a free digit in brackets: "MSN (&1)".
    """

    RESERVED = frozenset("fsvt")
    KEYS = tuple("abcdeghijklmnopqruwxyz0123456789")  # a-z and digits without RESERVED
    _FALLBACK = 1000.0  # a digit in brackets: only when no key of the text's own is left
    _NEVER = 1e9

    @classmethod
    def assign(cls, texts: Sequence[str]) -> list[str]:
        # Earlier texts (the field labels come first) weigh more: they keep their best key.
        weights = [len(texts) - i for i in range(len(texts))]
        costs = [[cls._cost(text, key) * w for key in cls.KEYS] for text, w in zip(texts, weights, strict=True)]
        chosen = _least_cost_assignment(costs)
        out: list[str] = []
        for row, (text, column) in enumerate(zip(texts, chosen, strict=True)):
            usable = column is not None and costs[row][column] < cls._NEVER * weights[row]
            key = cls.KEYS[column] if usable and column is not None else None
            if "&" in text:
                out.append(text.replace("&", "&&"))
            elif key is None:
                out.append(text)
            elif (index := cls._position(text, key)) is not None:
                out.append(text[:index] + "&" + text[index:])
            else:
                out.append(f"{text} (&{key})")
        return out

    @classmethod
    def _position(cls, text: str, key: str) -> int | None:
        """Where ``key`` is best underlined in ``text`` (a word's first letter if it can be)."""
        places = [i for i, ch in enumerate(text) if ch.isascii() and ch.casefold() == key]
        starts = [i for i in places if i == 0 or not text[i - 1].isalnum()]
        best = starts or places
        return best[0] if best else None

    @classmethod
    def _cost(cls, text: str, key: str) -> float:
        if "&" in text:
            return cls._NEVER
        index = cls._position(text, key)
        if index is None:
            return cls._FALLBACK + int(key) if key.isdigit() and key != "0" else cls._NEVER
        if key.isdigit():
            return 3.0
        word_start = index == 0 or not text[index - 1].isalnum()
        return (0.0 if word_start else 1.0) + index / 1000


def _least_cost_assignment(costs: Sequence[Sequence[float]]) -> list[int | None]:
    """Rows to distinct columns at the least total cost (Hungarian method); rows <= columns."""
    rows = len(costs)
    if rows == 0:
        return []
    columns = len(costs[0])
    if rows > columns:
        raise ValueError("more texts than keys")
    inf = float("inf")
    u = [0.0] * (rows + 1)
    v = [0.0] * (columns + 1)
    match = [0] * (columns + 1)  # column -> row (1-based; 0: free)
    way = [0] * (columns + 1)
    for row in range(1, rows + 1):
        match[0] = row
        column0 = 0
        least = [inf] * (columns + 1)
        used = [False] * (columns + 1)
        while True:
            used[column0] = True
            row0, delta, column1 = match[column0], inf, 0
            for column in range(1, columns + 1):
                if not used[column]:
                    current = costs[row0 - 1][column - 1] - u[row0] - v[column]
                    if current < least[column]:
                        least[column], way[column] = current, column0
                    if least[column] < delta:
                        delta, column1 = least[column], column
            for column in range(columns + 1):
                if used[column]:
                    u[match[column]] += delta
                    v[column] -= delta
                else:
                    least[column] -= delta
            column0 = column1
            if match[column0] == 0:
                break
        while column0:
            column1 = way[column0]
            match[column0] = match[column1]
            column0 = column1
    result: list[int | None] = [None for _ in range(rows)]
    for column in range(1, columns + 1):
        if match[column]:
            result[match[column] - 1] = column - 1
    return result


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
        editor = SpinEditor(name, *TYPING_RANGE, " s", parent=parent)
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
