"""``oauth configure`` and ``oauth show``: Manage Token's settings from a shell; the secret only in the keyring."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from outmail_gui.domain.oauth import GrantType
from outmail_gui.domain.settings import new_server
from outmail_gui.oauth.manager import TokenManager
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import MemoryKeyring
from tests.unit.cli.cli_run import Result, run_cli

CLIENT_ID = "00000000-0000-0000-0000-00000000abcd"
SECRET = "very-secret-value~1"


@pytest.fixture
def data(tmp_path: Path, memory_keyring: type[MemoryKeyring]) -> Path:
    with ServerRepository.open(tmp_path) as repo:
        repo.set_mapi_mail_server("mapi.example.com")
        repo.save(
            new_server("smtp", name="EXO", server="smtp.office365.com", port=587, outgoing_email_id="desk@contoso.com")
        )
        repo.save(new_server("mapi", name="Legacy", server="mapi.example.com", outgoing_email_id="d@contoso.com"))
    return tmp_path


def _configure(data: Path, *extra: str, stdin: str = "") -> Result:
    return run_cli(
        data,
        "oauth",
        "configure",
        "EXO",
        "--tenant",
        "contoso.onmicrosoft.com",
        "--client-id",
        CLIENT_ID,
        "--grant",
        "client-credentials",
        "--mailbox",
        "desk@contoso.com",
        *extra,
        stdin=stdin,
    )


def test_configure_saves_the_settings_and_the_secret_goes_to_the_keyring_only(
    data: Path, memory_keyring: type[MemoryKeyring]
) -> None:
    expires = (dt.date.today() + dt.timedelta(days=200)).isoformat()
    result = _configure(data, "--client-secret-stdin", "--secret-expires", expires, stdin=SECRET + "\n")
    assert result.code == EXIT_OK, result.err
    assert result.out == (
        "OAuth 2.0 settings of 'EXO' saved (Client credentials (app-only)); client secret stored in the keyring.\n"
    )
    with ServerRepository.open(data) as repo:
        server = repo.find_by_name("EXO")
        assert server is not None
        stored = OAuthSettingsStore.of(repo).get(server.id)
    assert stored.enabled and stored.tenant == "contoso.onmicrosoft.com" and stored.client_id == CLIENT_ID
    assert stored.grant_type is GrantType.CLIENT_CREDENTIALS
    assert stored.client_secret_expires == dt.date.fromisoformat(expires)
    assert TokenManager.for_data_dir(data, SecretStore()).client_secret(server.id) == SECRET
    for path in data.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path

    shown = run_cli(data, "oauth", "show", "EXO", "--json")
    assert shown.code == EXIT_OK
    document = shown.json()
    assert document["client_secret_stored"] is True
    assert document["oauth"]["client_secret_expires"] == expires
    assert document["client_secret_expiry"] == {"state": "ok", "days_left": 200}
    text = run_cli(data, "oauth", "show", "EXO").out
    assert "client secret: stored in the keyring" in text and f"client secret expires: {expires}" in text
    assert SECRET not in shown.out + text


def test_configure_changes_only_what_is_given_and_can_turn_oauth_off(data: Path) -> None:
    assert _configure(data).code == EXIT_OK
    changed = run_cli(data, "oauth", "configure", "EXO", "--grant", "device-code", "--json")
    assert changed.code == EXIT_OK, changed.err
    assert changed.json()["oauth"]["grant_type"] == "device_code"
    assert changed.json()["oauth"]["tenant"] == "contoso.onmicrosoft.com"
    assert changed.err == ""  # a delegated grant needs no secret: no warning about one
    off = run_cli(data, "oauth", "configure", "EXO", "--disable")
    assert off.out.startswith("OAuth 2.0 settings of 'EXO' saved, with OAuth 2.0 turned off")
    assert run_cli(data, "oauth", "show", "EXO").out.startswith("EXO: OAuth 2.0 is off")
    assert run_cli(data, "oauth", "status", "EXO").code == EXIT_USAGE


def test_configure_warns_when_the_client_credentials_grant_has_no_secret_yet(data: Path) -> None:
    result = _configure(data, "--secret-expires", (dt.date.today() + dt.timedelta(days=3)).isoformat())
    assert result.code == EXIT_OK
    lines = result.err.splitlines()
    assert any(line.startswith("outmail-gui: warning: The client secret expires in 3 days") for line in lines)
    assert any("no client secret is stored" in line for line in lines)


@pytest.mark.parametrize(
    ("argv", "stdin", "code", "message"),
    [
        (("--tenant", "common"), "", EXIT_USAGE, "App-only tokens need your own tenant"),
        (("--client-id", "has space"), "", EXIT_USAGE, "client ID cannot contain spaces"),
        (("--mailbox", "nobody"), "", EXIT_USAGE, "Mailbox:"),
        (("--secret-expires", "2026-02-30"), "", EXIT_USAGE, "is not a date"),
        (("--grant", "password"), "", EXIT_USAGE, "invalid choice"),
        (("--client-secret-stdin",), "\n", EXIT_USAGE, "no client secret on stdin"),
        (("--grant", "auth-code", "--client-secret-stdin"), "x\n", EXIT_USAGE, "auth-code grant uses no client"),
    ],
)
def test_configure_refuses_bad_values_before_saving_anything(
    data: Path, memory_keyring: type[MemoryKeyring], argv: tuple[str, ...], stdin: str, code: int, message: str
) -> None:
    result = _configure(data, *argv, stdin=stdin)
    assert result.code == code
    assert message in result.err and len(result.err.splitlines()) == 1
    with ServerRepository.open(data) as repo:
        assert OAuthSettingsStore.of(repo).all() == {}
    assert memory_keyring.passwords == {}


def test_configure_refuses_mapi_and_unknown_servers(data: Path) -> None:
    mapi = run_cli(data, "oauth", "configure", "Legacy", "--tenant", "contoso.onmicrosoft.com")
    assert (mapi.code, mapi.err) == (
        EXIT_USAGE,
        "outmail-gui: 'Legacy' is a MAPI server: OAuth 2.0 applies to SMTP servers only\n",
    )
    for action in ("configure", "show"):
        missing = run_cli(data, "oauth", action, "Nope")
        assert (missing.code, missing.err) == (
            EXIT_FAILED,
            "outmail-gui: there is no server named 'Nope' (see: outmail-gui servers list)\n",
        )


def test_a_refused_save_never_writes_the_client_secret(
    data: Path, memory_keyring: type[MemoryKeyring], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server is deleted by another command between reading it and saving: the keyring is not touched."""
    original_transaction = ServerRepository.transaction

    def deleted_meanwhile(self: ServerRepository, secrets: object = None) -> object:
        with ServerRepository.open(self.data_dir) as other:
            gone = other.find_by_name("EXO")
            assert gone is not None
            other.delete(gone.id)
        return original_transaction(self, secrets)  # type: ignore[arg-type]

    def no_removal(self: MemoryKeyring, service: str, username: str) -> None:
        raise AssertionError("nothing was written, so nothing is put back")

    monkeypatch.setattr(ServerRepository, "transaction", deleted_meanwhile)
    monkeypatch.setattr(MemoryKeyring, "delete_password", no_removal)
    result = _configure(data, "--client-secret-stdin", stdin=SECRET + "\n")
    assert result.code == EXIT_FAILED and "no longer exists" in result.err
    assert memory_keyring.passwords == {}
