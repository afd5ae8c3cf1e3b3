"""The editing model without Qt: the record under edit, dirtiness, visible issues, revert and saving.

Saving goes to a real SQLite file store; the keyring is a backend chosen for the test (one that
keeps passwords, one that is locked).
"""

from __future__ import annotations

from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.domain.rules import RuleContext
from outmail_gui.domain.settings import Protocol, ServerSettings, convert_to_smtp, new_server
from outmail_gui.editing.model import EditingModel
from outmail_gui.paths import database_path
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import LockedKeyring, MemoryKeyring


def smtp(name: str, **changes: object) -> ServerSettings:
    values: dict[str, object] = {"server": "smtp.example.com", "outgoing_email_id": "desk@example.com"}
    return new_server(Protocol.SMTP, name=name, **{**values, **changes})


def loaded(record: ServerSettings, context: RuleContext | None = None) -> EditingModel:
    model = EditingModel()
    model.load((record, None, OAuthSettings()), context or RuleContext())
    return model


def test_edits_are_dirty_field_by_field_and_undoing_them_is_clean() -> None:
    model = loaded(smtp("Relay"))
    clean = model.record
    assert not model.is_dirty() and model.dirty_fields() == frozenset()
    model.edit((clean.with_changes(port=587), "pw", OAuthSettings()), "port")
    assert model.is_dirty() and model.dirty_fields() == {"port", "password"}
    model.edit((clean, None, OAuthSettings()), "port")
    assert not model.is_dirty() and model.dirty_fields() == frozenset()


def test_a_new_records_errors_show_once_the_user_reached_them_or_tried_to_save() -> None:
    blank = new_server(Protocol.SMTP)
    model = loaded(blank)
    errors = {i.field for i in model.issues() if i.blocks_saving}
    assert {"name", "server"} <= errors and not model.is_valid()
    assert {i.field for i in model.hidden_errors()} == errors  # nothing typed yet: no error greets the user
    model.edit((blank.with_changes(name=" "), None, OAuthSettings()), "name")
    assert "name" in {i.field for i in model.shown_issues()} and "server" in {i.field for i in model.hidden_errors()}
    model.reveal_all()  # a save attempt
    assert model.hidden_errors() == [] and not model.can_save()


def test_a_stored_records_errors_show_at_once_and_so_do_errors_an_edit_brings() -> None:
    stored = smtp("", revision=3)  # e.g. an imported record without a name
    assert {i.field for i in loaded(stored).shown_issues() if i.blocks_saving} == {"name"}
    model = loaded(smtp("Relay", sent_from_analyst=True, outgoing_email_id=""))
    assert model.is_valid()
    model.edit((model.record.with_changes(sent_from_analyst=False), None, OAuthSettings()), "sent_from_analyst")
    assert "outgoing_email_id" in {i.field for i in model.shown_issues() if i.blocks_saving}


def test_other_servers_changing_reveal_the_errors_they_bring() -> None:
    model = loaded(smtp("Relay"))
    model.set_context(RuleContext(others=(smtp("relay", revision=1),)))  # another server took the name
    assert not model.is_valid() and "unique" in model.not_saved_reason()
    assert model.hidden_errors() == []


def test_listeners_hear_every_change() -> None:
    model = EditingModel()
    heard: list[bool] = []
    model.listen(lambda: heard.append(model.is_dirty()))
    model.load((smtp("Relay"), None, OAuthSettings()), RuleContext())
    model.edit((smtp("Relay 2"), None, OAuthSettings()), "name")
    model.close()
    assert heard == [False, True, False] and not model.is_loaded()


def test_a_conversion_is_unsaved_until_saved(repo: ServerRepository, secrets: SecretStore) -> None:
    repo.set_mapi_mail_server("mapi.example.com")
    mapi = repo.save(new_server(Protocol.MAPI, name="Old", outgoing_email_id="it@example.com"))
    model = EditingModel()
    model.load((convert_to_smtp(mapi), None, OAuthSettings()), repo.rule_context(None), converted=True)
    assert model.is_dirty() and model.dirty_fields() == frozenset() and model.can_save()
    result = model.save(repo, secrets, lambda: repo.rule_context(None))
    assert result.saved is not None and result.saved.is_smtp and not model.is_dirty()
    assert repo.get(mapi.id).is_smtp


def test_saving_stores_the_record_and_password_and_leaves_it_clean(
    repo: ServerRepository, secrets: SecretStore
) -> None:
    model = loaded(smtp("Relay"), repo.rule_context(None))
    model.edit((model.record.with_changes(name="  Relay  "), "pw-123456", OAuthSettings()), "password")
    result = model.save(repo, secrets, lambda: repo.rule_context(None))
    assert result.saved is not None and result.keyring_note.startswith("Password saved in the")
    assert model.record == repo.get(model.record.id) and model.record.name == "Relay"  # as the store keeps it
    assert model.saved_record == model.record and model.record.revision == 1
    assert not model.is_dirty() and not model.can_save()
    assert secrets.get_password(model.record.id) == "pw-123456"
    again = model.save(repo, secrets, lambda: repo.rule_context(None))
    assert again.unchanged and repo.get(model.record.id).revision == 1  # nothing to save, nothing written


def test_a_refusing_keyring_keeps_the_password_unsaved_and_save_retries_it(repo: ServerRepository) -> None:
    model = loaded(smtp("Relay"), repo.rule_context(None))
    model.edit((model.record, "pw-123456", OAuthSettings()), "password")
    refused = model.save(repo, SecretStore(LockedKeyring()), lambda: repo.rule_context(None))
    assert refused.saved is not None and refused.keyring_error
    assert repo.get(model.record.id).revision == 1  # the server is kept …
    assert model.is_dirty() and model.dirty_fields() == {"password"} and model.can_save()  # … the password is not
    files = [p for p in repo.data_dir.iterdir() if p.name.startswith(database_path(repo.data_dir).name)]
    assert files and all(b"pw-123456" not in p.read_bytes() for p in files)
    MemoryKeyring.reset()
    working = SecretStore(MemoryKeyring())
    retried = model.save(repo, working, lambda: repo.rule_context(None))
    assert retried.saved is not None and not retried.keyring_error
    assert working.get_password(model.record.id) == "pw-123456" and not model.is_dirty()
    MemoryKeyring.reset()


def test_a_rule_refusal_writes_nothing_and_shows_every_error(repo: ServerRepository, secrets: SecretStore) -> None:
    model = loaded(new_server(Protocol.SMTP, name="Relay"), repo.rule_context(None))
    result = model.save(repo, secrets, lambda: repo.rule_context(None))
    assert result.saved is None and result.invalid == model.not_saved_reason()
    assert model.hidden_errors() == [] and repo.find(model.record.id) is None


def test_a_name_taken_meanwhile_is_refused_with_the_stores_servers(
    repo: ServerRepository, secrets: SecretStore
) -> None:
    model = loaded(smtp("Relay"), repo.rule_context(None))  # judged before the other server existed
    repo.save(smtp("relay", server="other.example.com"))
    result = model.save(repo, secrets, lambda: repo.rule_context(None))
    assert result.saved is None and "unique" in result.invalid
    assert model.is_dirty() is False and not model.is_valid()  # the edits stay; the rules now say why
    assert repo.find(model.record.id) is None


def test_a_stale_revision_is_a_conflict_and_the_edits_stay(repo: ServerRepository, secrets: SecretStore) -> None:
    stored = repo.save(smtp("Relay"))
    model = loaded(stored, repo.rule_context(None))
    repo.save(stored.with_changes(server="theirs.example.com"))  # another instance saved first
    model.edit((stored.with_changes(server="mine.example.com"), None, OAuthSettings()), "server")
    result = model.save(repo, secrets, lambda: repo.rule_context(None))
    assert result.conflict is not None and result.conflict.current is not None and result.saved is None
    assert model.is_dirty() and model.record.server == "mine.example.com" and model.saved_record == stored
    assert repo.get(stored.id).server == "theirs.example.com"


def test_revert_gives_back_the_version_the_store_keeps_now(repo: ServerRepository) -> None:
    stored = repo.save(smtp("Relay"))
    model = loaded(stored)
    model.edit((stored.with_changes(port=2525), "typed", OAuthSettings()), "port")
    theirs = repo.save(stored.with_changes(server="theirs.example.com"))  # changed elsewhere meanwhile
    assert model.revert(repo) == theirs
    fresh = loaded(smtp("New"))
    assert fresh.revert(repo) is None and not fresh.is_loaded() and not fresh.is_dirty()  # nothing saved


def test_the_oauth_rules_findings_go_to_the_oauth_row() -> None:
    model = loaded(smtp("Backup"))
    model.edit((model.record, None, OAuthSettings(enabled=True)), "oauth")  # no tenant, client or mailbox yet
    assert not model.is_valid() and {i.field for i in model.issues() if i.blocks_saving} == {"oauth"}
    assert model.dirty_fields() == {"oauth"}


def test_saving_as_the_default_names_the_server_it_replaces() -> None:
    current_default = smtp("Main", is_default=True, revision=1)
    model = loaded(smtp("Relay", is_default=True), RuleContext(others=(current_default,)))
    assert model.verdict.replaces_default == "Main"
    model.edit((model.record.with_changes(is_default=False), None, OAuthSettings()), "is_default")
    assert model.verdict.replaces_default == ""
