"""The server under edit without Qt: the rules' issues, validity, dirtiness, the default's replacement."""

from __future__ import annotations

from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.domain.rules import RuleContext
from outmail_gui.domain.settings import Protocol, ServerSettings, new_server
from outmail_gui.editing.state import EditedServer


def smtp(name: str, **changes: object) -> ServerSettings:
    return new_server(
        Protocol.SMTP, name=name, server="smtp.example.com", outgoing_email_id="desk@example.com", **changes
    )


def test_loaded_values_are_clean_and_an_edit_is_dirty_until_saved() -> None:
    state = EditedServer()
    record = smtp("Relay")
    assert not state.load((record, None, OAuthSettings()), RuleContext()).dirty
    edited = (record.with_changes(port=587), None, OAuthSettings())
    assert state.evaluate(edited).dirty
    assert not state.saved(edited).dirty
    assert state.evaluate((record.with_changes(port=587), "typed", OAuthSettings())).dirty  # a typed password


def test_a_refused_password_stays_an_unsaved_change() -> None:
    state = EditedServer()
    values = (smtp("Relay"), "typed", OAuthSettings())
    state.load((smtp("Relay"), None, OAuthSettings()), RuleContext())
    assert state.saved(values, password_kept=False).dirty
    assert not state.saved(values).dirty


def test_the_rules_decide_validity_and_oauth_findings_go_to_the_oauth_row() -> None:
    state = EditedServer()
    taken = smtp("Relay", revision=1)  # another server (its own id), saved
    verdict = state.load((smtp("relay"), None, OAuthSettings()), RuleContext(others=(taken,)))
    assert not verdict.valid and any(i.field == "name" and i.blocks_saving for i in verdict.issues)
    verdict = state.evaluate((smtp("Backup"), None, OAuthSettings(enabled=True)))
    assert not verdict.valid and {i.field for i in verdict.issues if i.blocks_saving} == {"oauth"}


def test_saving_as_the_default_names_the_server_it_replaces() -> None:
    state = EditedServer()
    current_default = smtp("Main", is_default=True, revision=1)
    verdict = state.load(
        (smtp("Relay", is_default=True), None, OAuthSettings()), RuleContext(others=(current_default,))
    )
    assert verdict.replaces_default == "Main"
    assert state.evaluate((smtp("Relay"), None, OAuthSettings())).replaces_default == ""
