"""The form is a view of an editing model: edits go to the model, and the model's changes show."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from outmail_gui.domain.rules import RuleContext
from outmail_gui.editing.model import EditingModel
from outmail_gui.ui.form import ServerFormWidget
from outmail_gui.ui.shared.messages import IssueLabel
from tests.ui.form.helpers import child, load, valid_smtp


def test_typing_is_forwarded_to_the_bound_model(form: ServerFormWidget, qtbot: QtBot) -> None:
    model = EditingModel()
    form.bind(model)
    load(form, valid_smtp())
    qtbot.keyClicks(child(form, QLineEdit, "server"), "x")
    qtbot.keyClicks(child(form, QLineEdit, "password"), "s3cret")
    assert model.record.server == "mail.example.comx" and model.password == "s3cret"
    assert model.dirty_fields() == {"server", "password"} and form.is_dirty()


def test_what_the_model_decides_shows_in_the_form(form: ServerFormWidget, qtbot: QtBot) -> None:
    model = EditingModel()
    form.bind(model)
    load(form, valid_smtp())
    name_message = child(form, IssueLabel, "name_message")
    assert name_message.isHidden() and form.is_valid()

    with qtbot.waitSignal(form.validity_changed) as blocker:  # another server took the name
        model.set_context(RuleContext(others=(valid_smtp(name="relay", revision=1),)))
    assert blocker.args == [False]
    assert name_message.isVisible() and "unique" in name_message.text()

    saved = model.record.with_changes(name="Relay 2", server="smtp.example.org", revision=1)
    model.mark_saved(saved)  # e.g. the store normalised values while saving
    assert child(form, QLineEdit, "server").text() == "smtp.example.org" and form.record() == saved
    assert child(form, QLineEdit, "name").text() == "Relay 2" and not form.is_dirty() and name_message.isHidden()
