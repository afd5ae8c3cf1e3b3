"""Mailbox Authentication Methods: the auto-select box and the explicit SASL methods.

The explicit methods are locked while auto-select is on; their ticks are kept (not cleared)
so that turning auto-select off again gives back what was chosen and the record round-trips.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QGridLayout, QVBoxLayout, QWidget

from outmail_gui.domain.settings import AUTH_METHODS_DISPLAY_ORDER, AuthMethod
from outmail_gui.ui.form.editors import CheckEditor, FieldEditor
from outmail_gui.ui.shared.messages import IssueLabel

_METHOD_COLUMNS = 2
_METHOD_INDENT = 22


class MethodsEditor(FieldEditor):
    """The set of explicitly ticked methods (``auth_methods``); its message is the no-auth notice."""

    def __init__(self, auto_box: QCheckBox, parent: QWidget) -> None:
        container = QWidget(parent)
        super().__init__("auth_methods", container)
        self._auto_box = auto_box
        self._read_only = False
        self._forced: dict[AuthMethod, bool] = {}  # method locked on -> its tick before the lock
        self._tips: dict[AuthMethod, str] = {}
        self.boxes: dict[AuthMethod, QCheckBox] = {}
        grid = QGridLayout(container)
        grid.setContentsMargins(_METHOD_INDENT, 0, 0, 0)
        grid.setVerticalSpacing(2)
        for index, method in enumerate(AUTH_METHODS_DISPLAY_ORDER):
            box = QCheckBox(method.label, container)
            box.setObjectName(method.field_name)
            self.boxes[method] = box
            grid.addWidget(box, index // _METHOD_COLUMNS, index % _METHOD_COLUMNS)
        grid.setColumnStretch(_METHOD_COLUMNS, 1)
        self.message = IssueLabel("no_auth_notice", parent)

    def value(self) -> frozenset[AuthMethod]:
        return frozenset(m for m, box in self.boxes.items() if box.isChecked())

    def set_value(self, value: Any) -> None:
        chosen = frozenset(value)
        self._forced = {m: m in chosen for m in self._forced}  # a lock stays; it gives back the new value
        for method, box in self.boxes.items():
            box.setChecked(method in chosen or method in self._forced)
        self.sync_enabled()

    def force(self, method: AuthMethod, reason: str) -> None:
        """Lock ``method`` ticked, saying why (``reason``); an empty reason unlocks it as it was."""
        box = self.boxes[method]
        if reason and method not in self._forced:
            self._forced[method] = box.isChecked()
            box.setChecked(True)
        elif not reason and method in self._forced:
            box.setChecked(self._forced.pop(method))
        tip = f"{method.label}: {reason}" if reason else self._tips.get(method, "")
        box.setToolTip(tip)
        box.setWhatsThis(tip)
        self.sync_enabled()

    def connect_changed(self, slot: Callable[[], None]) -> None:
        for box in self.boxes.values():
            box.toggled.connect(slot)

    def sync_enabled(self) -> None:
        """Explicit methods can be ticked only while auto-select is off (and the form is editable).

        OAuth 2.0 is one concept in the form, Use OAuth 2.0 Authentication (which sets this method
        and the token up together), so the method's own box shows only for a record that has the
        method ticked without it (imported, or set from the command line), to be unticked.
        """
        enabled = not self._read_only and not self._auto_box.isChecked()
        for method, box in self.boxes.items():
            box.setEnabled(enabled and method not in self._forced)
        oauth = self.boxes[AuthMethod.XOAUTH2]
        oauth.setVisible(oauth.isChecked() and AuthMethod.XOAUTH2 not in self._forced)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.sync_enabled()

    def focus_chain(self) -> list[QWidget]:
        return list(self.boxes.values())

    def describe(self, label: str, help_text: str) -> None:
        self.input.setAccessibleName(label)
        self.input.setToolTip(help_text)
        self.input.setWhatsThis(help_text)
        for method, box in self.boxes.items():
            box.setAccessibleName(method.label)
            text = f"{method.label} (SASL mechanism {method.value}). {help_text}"
            if method is AuthMethod.GSSAPI:
                text += kerberos_note()
            self._tips[method] = text
            box.setToolTip(text)
            box.setWhatsThis(text)


def kerberos_note() -> str:
    """What the GSS (Kerberos) box adds when this workstation cannot use Kerberos (else nothing)."""
    from outmail_gui.probe.auth.gssapi import missing_modules
    from outmail_gui.probe.auth.kerberos_errors import not_installed

    missing = missing_modules()
    if not missing:
        return ""
    return (
        f"\n\nThis workstation cannot use Kerberos: {not_installed(missing)}. "
        "The method can still be ticked and saved for the server, but a connection test from here cannot "
        "use it (automatic selection skips it and says so)."
    )


class AuthSection(QWidget):
    """One form row holding two fields: ``auth_auto`` and ``auth_methods``."""

    def __init__(self, auto_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auth_section")
        self.auto = CheckEditor("auth_auto", auto_text, self)
        self.auto.row = self
        self.methods = MethodsEditor(self.auto.box, self)
        notice = self.methods.message
        assert notice is not None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.auto.box)
        layout.addWidget(self.methods.input)
        layout.addWidget(notice)
        self.auto.box.toggled.connect(self.methods.sync_enabled)
        self.methods.sync_enabled()

    def editors(self) -> list[FieldEditor]:
        return [self.auto, self.methods]
