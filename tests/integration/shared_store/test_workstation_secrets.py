"""Secrets stay on workstations: the shared database never holds a password or a client secret, and
``test`` asks for a password this workstation lacks (a real PostgreSQL, a real aiosmtpd, and the real
Secret Service for the keyring-marked tests)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from outmail_gui.paths import database_path
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import MemoryKeyring
from tests.support.postgres import PostgresServer
from tests.support.secret_service import needs_session
from tests.support.smtp_servers import RecordingHandler, RunningSmtpServer, aiosmtpd_server
from tests.unit.cli.cli_run import Result, run_cli

pytestmark = pytest.mark.integration
NO_NTLM = ("NTLM", "MSN", "XOAUTH2")
RELAY_PASSWORD = "Relay-pässword-7"


def cli(tmp_path: Path, url: str, *argv: str, stdin: str = "") -> Result:
    result = run_cli(tmp_path / "workstation", "--store", url, *argv, stdin=stdin)
    assert "Traceback" not in result.err
    return result


@pytest.fixture
def chief(postgres_server: PostgresServer, shared_store: SharedStore, shared_database: str) -> str:
    postgres_server.create_login("outmail_s_chief", "chief-pass", "outmail_admin")
    return postgres_server.url(shared_database, "outmail_s_chief", "chief-pass")


@pytest.fixture
def relay() -> Iterator[RunningSmtpServer]:
    handler = RecordingHandler({"svc": RELAY_PASSWORD})
    with aiosmtpd_server(handler, None, mode="none", auth_require_tls=False, exclude=NO_NTLM) as server:
        yield server


def add_relay(tmp_path: Path, url: str, port: int, *extra: str, stdin: str = "") -> None:
    added = cli(
        tmp_path, url, "servers", "add", "--name", "Relay", "--server", "127.0.0.1", "--port", str(port),
        "--no-use-ssl", "--login-id", "svc", "--outgoing-email-id", "desk@corp.example", *extra, stdin=stdin,
    )  # fmt: skip
    assert added.code == 0, added.err


def test_test_says_in_one_line_that_this_workstation_has_no_password_and_takes_one_from_stdin(
    chief: str, tmp_path: Path, relay: RunningSmtpServer, keyring_in_memory: type[MemoryKeyring]
) -> None:
    add_relay(tmp_path, chief, relay.port)  # added elsewhere: no password on this workstation
    missing = cli(tmp_path, chief, "test", "Relay", "--allow-insecure-auth")
    assert missing.code == 2 and missing.out == ""
    assert missing.err == (
        "outmail-gui: No password stored on this workstation for 'Relay' (login 'svc'): run the test on a "
        "terminal to type it, or pass --password-stdin (add --remember to keep it here)\n"
    )
    checked = cli(tmp_path, chief, "check", "Relay", "--format", "json")  # unattended: never asks
    assert checked.code == 1
    assert checked.json()["servers"][0]["test"]["failed_step"] == "keyring"
    (kept,) = cli(tmp_path, chief, "history", "Relay", "--json").json()
    assert kept["summary"].startswith("No password stored on this workstation: store it with outmail-gui servers")
    once = cli(tmp_path, chief, "test", "Relay", "--allow-insecure-auth", "--password-stdin", stdin=RELAY_PASSWORD)
    assert once.code == 0, once.out + once.err
    with SharedRepository.open(SharedStore(chief)) as repo:
        found = repo.find_by_name("Relay")
    assert found is not None
    server_id = found.id
    assert SecretStore().get_password(server_id) is None  # not remembered unless asked
    remembered = cli(
        tmp_path, chief, "test", "Relay", "--allow-insecure-auth", "--password-stdin", "--remember",
        stdin=RELAY_PASSWORD,
    )  # fmt: skip
    assert remembered.code == 0, remembered.err
    assert SecretStore().get_password(server_id) == RELAY_PASSWORD
    assert cli(tmp_path, chief, "test", "Relay", "--allow-insecure-auth").code == 0  # from the keyring now
    again = cli(tmp_path, chief, "test", "Relay", "--remember")
    assert again.code == 2 and "no new password for 'Relay' is stored on this workstation already" in again.err


@pytest.mark.keyring
@needs_session
def test_test_asks_on_a_terminal_and_remembers_in_the_real_keyring(
    chief: str, tmp_path: Path, relay: RunningSmtpServer
) -> None:
    add_relay(tmp_path, chief, relay.port)
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env["OUTMAIL_DATA_DIR"] = str(tmp_path / "workstation")
    command = [sys.executable, "-m", "outmail_gui", "--store", chief, "test", "Relay", "--allow-insecure-auth"]
    master, terminal = pty.openpty()
    process = subprocess.Popen(  # a session of its own: getpass reads the terminal it is given, never ours
        [*command, "--remember"], stdin=terminal, stdout=terminal, stderr=terminal, env=env, start_new_session=True
    )
    os.close(terminal)
    try:
        shown = _read_until(master, b"(not shown): ")
        assert b"No password stored on this workstation for 'Relay'" in shown
        os.write(master, RELAY_PASSWORD.encode() + b"\n")
        assert process.wait(timeout=60) == 0, _drain(master)
        rest = _drain(master)
        assert RELAY_PASSWORD.encode() not in shown + rest  # never echoed
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    with SharedRepository.open(SharedStore(chief)) as repo:
        found = repo.find_by_name("Relay")
    assert found is not None
    try:
        assert SecretStore().get_password(found.id) == RELAY_PASSWORD
        second = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60)
        assert second.returncode == 0, second.stderr  # remembered: no terminal needed now
    finally:
        SecretStore().delete_password(found.id)


@pytest.mark.keyring
@needs_session
def test_no_password_or_client_secret_reaches_any_table_of_the_shared_database(
    chief: str, tmp_path: Path, relay: RunningSmtpServer, postgres_server: PostgresServer, shared_database: str
) -> None:
    secrets = {"relay": RELAY_PASSWORD, "client": "Client-sëcret-8", "imported": "Imported-pw-9", "typed": "Typed-10"}
    add_relay(tmp_path, chief, relay.port, "--password-stdin", stdin=secrets["relay"])
    assert cli(tmp_path, chief, "partitions", "add", "HR").code == 0
    assert cli(tmp_path, chief, "analysts", "add", "ann", "--partition", "HR", "--unpartitioned").code == 0
    added = cli(
        tmp_path, chief, "servers", "add", "--name", "Cloud", "--server", "smtp.office365.com", "--port", "587",
        "--login-id", "desk@corp.example", "--outgoing-email-id", "desk@corp.example", "--partition", "HR",
    )  # fmt: skip
    assert added.code == 0, added.err
    configured = cli(
        tmp_path, chief, "oauth", "configure", "Cloud", "--tenant", "contoso.onmicrosoft.com", "--client-id", "c1",
        "--grant", "client-credentials", "--mailbox", "desk@corp.example", "--client-secret-stdin",
        stdin=secrets["client"],
    )  # fmt: skip
    assert configured.code == 0, configured.err
    document = json.loads(cli(tmp_path, chief, "servers", "export", "-").out)
    for entry in document["servers"]:
        entry["password"] = secrets["imported"]
    source = tmp_path / "import.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    imported = cli(tmp_path, chief, "servers", "import", str(source), "--on-duplicate", "rename", "--accept-passwords")
    assert imported.code == 0, imported.err
    tested = cli(tmp_path, chief, "test", "Relay", "--allow-insecure-auth", "--password-stdin", stdin=secrets["typed"])
    assert tested.code == 1  # a wrong password, refused by the server: its result is in the history
    assert cli(tmp_path, chief, "test", "Relay", "--allow-insecure-auth").code == 0
    checked = cli(tmp_path, chief, "check", "Relay", "--format", "json")  # never sends a password unencrypted
    assert checked.code == 1 and checked.json()["servers"][0]["test"]["failed_step"] == "auth"
    local = tmp_path / "local-copy"
    assert run_cli(tmp_path, "store", "copy", "--from", chief, "--to", f"sqlite://{local}").code == 0

    with SharedRepository.open(SharedStore(chief)) as repo:
        ids = [s.id for s in repo.list_servers()]
    try:
        with postgres_server.admin(shared_database) as conn:
            tables = [
                str(r[0])
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'outmail' ORDER BY 1"
                )
            ]
            assert {"servers", "server_oauth", "test_history", "audit_log", "analysts"} <= set(tables)
            dumped = {t: [str(r[0]) for r in conn.execute(f"SELECT t::text FROM outmail.{t} t")] for t in tables}
        assert sum(len(rows) for rows in dumped.values()) > 10 and dumped["test_history"]
        for table, rows in dumped.items():
            for name, secret in secrets.items():
                assert not any(secret in row for row in rows), f"the {name} secret is in table {table}"
        copied = database_path(local).read_bytes()
        assert all(secret.encode() not in copied for secret in secrets.values())
        stored = [SecretStore().get_password(i) for i in ids]
        assert secrets["relay"] in stored and secrets["imported"] in stored  # on this workstation only
    finally:
        for server_id in ids:
            SecretStore().delete_password(server_id)


def _read_until(fd: int, marker: bytes, timeout: float = 30) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no prompt within {timeout} s: {seen!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 4096)
            assert chunk, f"the terminal closed before the prompt: {seen!r}"
            seen += chunk
    return seen


def _drain(fd: int) -> bytes:
    seen = b""
    while select.select([fd], [], [], 0.2)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other side closed (Linux reports EIO)
            break
        if not chunk:
            break
        seen += chunk
    return seen
