"""The details form of one outgoing email server (see .notes/ui-contract.md)."""

from outmail_gui.ui.form.server_form import ServerFormWidget

__all__ = ["ServerFormWidget"]
