"""OAuth settings in SQLite (own table, cascade on delete) and in export/import, never secrets."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.domain.settings import ServerSettings, new_server
from outmail_gui.store import transfer
from outmail_gui.store.errors import NotFoundError, ValidationFailed
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.repository import ServerRepository

OAUTH = OAuthSettings(
    enabled=True,
    tenant="contoso.onmicrosoft.com",
    client_id="0b5b8f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
    grant_type=GrantType.CLIENT_CREDENTIALS,
    mailbox="alerts@contoso.com",
    client_secret_expires=dt.date(2027, 3, 1),
)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[ServerRepository]:
    with ServerRepository.open(tmp_path / "data") as repository:
        yield repository


def saved_server(repo: ServerRepository, name: str = "Exchange Online") -> ServerSettings:
    return repo.save(
        new_server("smtp", name=name, server="smtp.office365.com", port=587, outgoing_email_id="alerts@contoso.com")
    )


def test_save_get_and_cascade(repo: ServerRepository) -> None:
    server = saved_server(repo)
    store = OAuthSettingsStore.of(repo)
    assert store.get(server.id) == OAuthSettings()
    store.save(server.id, OAUTH)
    assert store.get(server.id) == OAUTH
    store.save(server.id, OAUTH.with_changes(grant_type=GrantType.DEVICE_CODE, client_secret_expires=None))
    assert store.all() == {server.id: OAUTH.with_changes(grant_type=GrantType.DEVICE_CODE, client_secret_expires=None)}
    repo.delete(server.id, server.revision)
    assert store.all() == {}


def test_refuses_invalid_settings_and_unknown_servers(repo: ServerRepository) -> None:
    server = saved_server(repo)
    store = OAuthSettingsStore.of(repo)
    with pytest.raises(ValidationFailed, match="Mailbox"):
        store.save(server.id, OAUTH.with_changes(mailbox="nobody"))
    with pytest.raises(NotFoundError):
        store.save("f" * 32, OAUTH)
    store.delete(server.id)  # nothing saved: no error


def test_no_column_can_hold_a_secret_or_token(repo: ServerRepository) -> None:
    columns = [r[1] for r in repo.connection().execute("PRAGMA table_info(server_oauth)")]
    assert not [c for c in columns if "secret" in c or "token" in c or "pass" in c]


def test_export_and_import_carry_oauth_without_secrets(repo: ServerRepository, tmp_path: Path) -> None:
    server = saved_server(repo)
    saved_server(repo, "Plain relay")
    OAuthSettingsStore.of(repo).save(server.id, OAUTH)
    path = tmp_path / "export.json"
    transfer.write_export(repo, path)
    document = json.loads(path.read_text())
    entries = {s["name"]: s for s in document["servers"]}
    assert entries["Exchange Online"]["oauth"] == OAUTH.to_dict()
    assert "oauth" not in entries["Plain relay"]
    assert 'secret"' not in path.read_text() and "token" not in path.read_text()

    with ServerRepository.open(tmp_path / "other") as other:
        plan = transfer.read_import(path)
        transfer.apply_import(other, plan, "skip", None)
        imported = other.find_by_name("Exchange Online")
        assert imported is not None and OAuthSettingsStore.of(other).get(imported.id) == OAUTH


@pytest.mark.parametrize(
    ("oauth", "message"),
    [
        ({**OAUTH.to_dict(), "client_secret": "leaked"}, "secrets and tokens are never imported"),
        ({**OAUTH.to_dict(), "grant_type": "password"}, "grant_type"),
        ({**OAUTH.to_dict(), "mailbox": ""}, "oauth_mailbox"),
        ("yes", "oauth must be an object"),
    ],
)
def test_import_refuses_bad_oauth(repo: ServerRepository, tmp_path: Path, oauth: object, message: str) -> None:
    server = saved_server(repo)
    document = transfer.export_servers(repo)
    document["servers"][0]["oauth"] = oauth
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(transfer.ImportRefused, match=message):
        transfer.read_import(path)
    assert repo.get(server.id) == server
