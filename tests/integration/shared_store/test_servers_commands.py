"""``servers`` commands on the shared store: the database's rules, and passwords kept on the workstation."""

from __future__ import annotations

from pathlib import Path

from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import MemoryKeyring
from tests.support.postgres import PostgresServer
from tests.unit.cli.cli_run import Result, run_cli


def servers(tmp_path: Path, store: str, *argv: str, stdin: str = "") -> Result:
    return run_cli(tmp_path, "--store", store, "servers", *argv, stdin=stdin)


def test_servers_commands_work_on_the_shared_store_with_the_password_on_the_workstation(
    postgres_server: PostgresServer,
    shared_store: SharedStore,
    shared_database: str,
    tmp_path: Path,
    keyring_in_memory: type[MemoryKeyring],
) -> None:
    postgres_server.create_login("outmail_t_admin2", "admin2-pass", "outmail_admin")
    url = postgres_server.url(shared_database, "outmail_t_admin2", "admin2-pass")
    added = servers(
        tmp_path, url, "add", "--protocol", "smtp", "--name", "Head office", "--server", "smtp.corp.example",
        "--port", "587", "--login-id", "svc", "--password-stdin", "--outgoing-email-id", "desk@corp.example",
        "--default", stdin="Keyring-only-pw\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    second = servers(
        tmp_path, url, "add", "--protocol", "smtp", "--name", "Branch", "--server", "smtp2.corp.example",
        "--outgoing-email-id", "desk@corp.example",
    )  # fmt: skip
    assert second.code == 0, second.err
    taken = servers(
        tmp_path, url, "add", "--protocol", "smtp", "--name", " HEAD OFFICE ", "--server", "x.corp.example",
        "--outgoing-email-id", "desk@corp.example",
    )  # fmt: skip
    assert taken.code == 2
    assert "must be unique" in taken.err
    assert servers(tmp_path, url, "edit", "Branch", "--port", "2525").code == 0
    assert servers(tmp_path, url, "set-default", "branch").code == 0
    listed = servers(tmp_path, url, "list", "--json").json()
    assert [(s["name"], s["port"], s["is_default"]) for s in listed] == [
        ("Branch", 2525, True),
        ("Head office", 587, False),
    ]
    with SharedRepository.open(shared_store) as repo:
        head = repo.find_by_name("Head office")
        assert head is not None
        audit_users = {e.user for e in repo.audit()}
        everything = repo.connection().execute("SELECT string_agg(t::text, ' ') FROM audit_log t").fetchone()
    assert audit_users == {"outmail_t_admin2"}
    assert SecretStore().get_password(head.id) == "Keyring-only-pw"  # the workstation's keyring, by server id
    assert everything is not None and "Keyring-only-pw" not in str(everything[0])
    shown = servers(tmp_path, url, "show", "Head office")
    assert shown.code == 0 and "Keyring-only-pw" not in shown.out
    deleted = servers(tmp_path, url, "delete", "Head office")
    assert deleted.code == 0, deleted.err
    assert SecretStore().get_password(head.id) is None  # its password left the keyring with it
    assert [s["name"] for s in servers(tmp_path, url, "list", "--json").json()] == ["Branch"]


def test_a_helpdesk_login_is_told_plainly_that_it_may_not_edit(
    postgres_server: PostgresServer, shared_store: SharedStore, shared_database: str, tmp_path: Path
) -> None:
    postgres_server.create_login("outmail_t_desk2", "desk2-pass", "outmail_helpdesk")
    owner = shared_store.target
    assert servers(
        tmp_path, owner, "add", "--protocol", "smtp", "--name", "Main", "--server", "smtp.corp.example",
        "--outgoing-email-id", "desk@corp.example",
    ).code == 0  # fmt: skip
    url = postgres_server.url(shared_database, "outmail_t_desk2", "desk2-pass")
    assert servers(tmp_path, url, "list").code == 0
    refused = servers(tmp_path, url, "edit", "Main", "--port", "2525")
    assert refused.code == 1
    assert refused.err.startswith("outmail-gui: The shared settings database postgresql://outmail_t_desk2@127.0.0.1:")
    assert "refused this to your login: permission denied for table servers" in refused.err
    assert refused.err.count("\n") == 1 and "desk2-pass" not in refused.err
