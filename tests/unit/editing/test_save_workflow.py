"""The save workflow without Qt: rules (checked by the store), the store, then the keyring."""

from __future__ import annotations

from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.domain.settings import Protocol, ServerSettings, new_server
from outmail_gui.editing.save import save_server
from outmail_gui.paths import database_path
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import LockedKeyring

OAUTH = OAuthSettings(
    enabled=True,
    tenant="contoso.onmicrosoft.com",
    client_id="00000000-0000-0000-0000-000000000001",
    grant_type=GrantType.CLIENT_CREDENTIALS,
    mailbox="desk@contoso.com",
)


def smtp(name: str, server: str) -> ServerSettings:
    return new_server(Protocol.SMTP, name=name, server=server, outgoing_email_id="desk@example.com")


def test_the_server_its_oauth_settings_and_password_are_saved_together(
    repo: ServerRepository, secrets: SecretStore
) -> None:
    record = smtp("Relay", "smtp.example.com")
    result = save_server(repo, secrets, record, OAUTH, "pw-123456")
    assert result.saved is not None and result.saved.revision == 1
    assert not (result.keyring_error or result.invalid or result.failed) and result.conflict is None
    assert repo.get(record.id).name == "Relay"
    assert OAuthSettingsStore.of(repo).get(record.id) == OAUTH
    assert secrets.get_password(record.id) == "pw-123456"
    assert result.keyring_note.startswith("Password saved in the")


def test_a_refusing_keyring_leaves_the_server_saved_and_says_why(repo: ServerRepository) -> None:
    record = smtp("Relay", "smtp.example.com")
    result = save_server(repo, SecretStore(LockedKeyring()), record, OAuthSettings(), "pw-123456")
    assert result.saved is not None and repo.get(record.id).revision == 1
    assert result.keyring_error and not result.keyring_note
    files = [p for p in repo.data_dir.iterdir() if p.name.startswith(database_path(repo.data_dir).name)]
    assert files and all(b"pw-123456" not in p.read_bytes() for p in files)  # the database and its journal


def test_a_rule_refuses_and_nothing_is_written(repo: ServerRepository, secrets: SecretStore) -> None:
    save_server(repo, secrets, smtp("Relay", "a.example.com"), OAuthSettings(), None)
    twin = smtp("relay", "b.example.com")  # the same name, as the rules compare
    result = save_server(repo, secrets, twin, OAuthSettings(), "pw-123456")
    assert result.saved is None and "unique" in result.invalid
    assert repo.find(twin.id) is None and secrets.get_password(twin.id) is None


def test_another_instance_saving_first_is_a_conflict(repo: ServerRepository, secrets: SecretStore) -> None:
    first = save_server(repo, secrets, smtp("Relay", "a.example.com"), OAuthSettings(), None)
    assert first.saved is not None
    repo.save(first.saved.with_changes(server="theirs.example.com"))
    mine = first.saved.with_changes(server="mine.example.com")  # edited from the older revision
    result = save_server(repo, secrets, mine, OAuthSettings(), None)
    assert result.conflict is not None and result.saved is None
    assert repo.get(mine.id).server == "theirs.example.com"


def test_an_empty_password_removes_the_stored_one_and_none_keeps_it(
    repo: ServerRepository, secrets: SecretStore
) -> None:
    record = smtp("Relay", "a.example.com")
    saved = save_server(repo, secrets, record, OAuthSettings(), "pw-123456").saved
    assert saved is not None
    kept = save_server(repo, secrets, saved.with_changes(port=587), OAuthSettings(), None).saved
    assert kept is not None and secrets.get_password(record.id) == "pw-123456"
    removed = save_server(repo, secrets, kept.with_changes(port=25), OAuthSettings(), "")
    assert removed.saved is not None and secrets.get_password(record.id) is None and not removed.keyring_note
