"""partitions, analysts, oauth, import/export, test, check and history on the shared store, through the
same repository interface and the same rules as on the local store (a real PostgreSQL, real logins)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import MemoryKeyring
from tests.support.postgres import PostgresServer
from tests.support.smtp_servers import RecordingHandler, TlsMaterial, aiosmtpd_server
from tests.unit.cli.cli_run import Result, run_cli

pytestmark = pytest.mark.integration


@pytest.fixture
def logins(postgres_server: PostgresServer, shared_store: SharedStore, shared_database: str) -> dict[str, str]:
    """An administrator's and a helpdesk agent's URL for the module's database."""
    postgres_server.create_login("outmail_t_chief", "chief-pass", "outmail_admin")
    postgres_server.create_login("outmail_t_agent", "agent-pass", "outmail_helpdesk")
    return {
        "chief": postgres_server.url(shared_database, "outmail_t_chief", "chief-pass"),
        "agent": postgres_server.url(shared_database, "outmail_t_agent", "agent-pass"),
    }


def cli(tmp_path: Path, url: str, *argv: str, stdin: str = "") -> Result:
    result = run_cli(tmp_path / "workstation", "--store", url, *argv, stdin=stdin)
    assert "Traceback" not in result.err
    return result


def test_partitions_analysts_oauth_and_transfer_work_on_the_shared_store(
    logins: dict[str, str], tmp_path: Path, keyring_in_memory: type[MemoryKeyring]
) -> None:
    chief = logins["chief"]
    assert cli(tmp_path, chief, "partitions", "add", "HR").code == 0
    assert cli(tmp_path, chief, "partitions", "add", "Sales").code == 0
    taken = cli(tmp_path, chief, "partitions", "add", " hr ")
    assert (taken.code, len(taken.err.splitlines())) == (2, 1)  # the domain's name rule, on PostgreSQL
    assert cli(tmp_path, chief, "partitions", "enable").code == 0
    added = cli(
        tmp_path, chief, "servers", "add", "--name", "Payroll", "--server", "smtp.corp.example",
        "--login-id", "svc", "--outgoing-email-id", "pay@corp.example", "--partition", "hr",
        "--password-stdin", stdin="Payroll-pw-1\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert cli(tmp_path, chief, "analysts", "add", "ann", "--email", "ann@corp.example", "--partition", "HR").code == 0
    assert cli(tmp_path, chief, "analysts", "grant", "ANN", "Sales", "--unpartitioned").code == 0
    assert cli(tmp_path, chief, "partitions", "rename", "HR", "People").code == 0  # the server and analyst follow
    listed = cli(tmp_path, chief, "partitions", "list", "--json").json()
    assert listed == {
        "partitioning_enabled": True,
        "partitions": [
            {"name": "People", "servers": ["Payroll"], "analysts": ["ann"]},
            {"name": "Sales", "servers": [], "analysts": ["ann"]},
        ],
    }
    assert cli(tmp_path, chief, "analysts", "list", "--json").json() == [
        {
            "login": "ann",
            "display_name": "",
            "email": "ann@corp.example",
            "partitions": ["People", "Sales"],
            "unpartitioned": True,
        }
    ]
    in_use = cli(tmp_path, chief, "partitions", "delete", "People")
    assert in_use.code == 1 and "'Payroll'" in in_use.err

    configured = cli(
        tmp_path, chief, "oauth", "configure", "Payroll", "--tenant", "contoso.onmicrosoft.com",
        "--client-id", "11111111-2222-3333-4444-555555555555", "--grant", "client-credentials",
        "--mailbox", "pay@corp.example", "--client-secret-stdin", "--secret-expires", "2027-06-30",
        stdin="Client-secret-2\n",
    )  # fmt: skip
    assert configured.code == 0, configured.err
    shown = cli(tmp_path, chief, "oauth", "show", "Payroll", "--json").json()
    oauth = shown["oauth"]
    assert (oauth["tenant"], oauth["grant_type"], oauth["client_secret_expires"]) == (
        "contoso.onmicrosoft.com", "client_credentials", "2027-06-30",
    )  # fmt: skip
    assert shown["client_secret_stored"] is True  # in this workstation's keyring

    exported = cli(tmp_path, chief, "servers", "export", "-")
    assert exported.code == 0, exported.err
    assert "Payroll-pw-1" not in exported.out and "Client-secret-2" not in exported.out
    document = json.loads(exported.out)
    document["servers"][0]["password"] = "Imported-pw-3"
    source = tmp_path / "with-password.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    refused = cli(tmp_path, chief, "servers", "import", str(source), "--on-duplicate", "rename")
    assert refused.code == 2 and "password" in refused.err
    imported = cli(
        tmp_path, chief, "servers", "import", str(source), "--on-duplicate", "rename", "--accept-passwords", "--json"
    )
    assert imported.code == 0, imported.err
    assert imported.json()["renamed"] == [{"from": "Payroll", "to": "Payroll (2)"}]
    with SharedRepository.open(SharedStore(chief)) as repo:
        copy = repo.find_by_name("Payroll (2)")
        assert copy is not None and copy.partition == "People"
    assert SecretStore().get_password(copy.id) == "Imported-pw-3"  # this workstation's keyring

    moved = cli(tmp_path, chief, "partitions", "delete", "People", "--move-servers-to", "Sales")
    assert moved.code == 0, moved.err
    assert [s["partition"] for s in cli(tmp_path, chief, "servers", "list", "--json").json()] == ["Sales", "Sales"]


def test_a_helpdesk_login_tests_and_checks_but_changes_nothing(
    logins: dict[str, str], tmp_path: Path, tls: TlsMaterial, keyring_in_memory: type[MemoryKeyring],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_file))
    chief, agent = logins["chief"], logins["agent"]
    with aiosmtpd_server(RecordingHandler({"svc": "Relay-pw-4"}), tls, exclude=("NTLM", "MSN", "XOAUTH2")) as smtp:
        added = cli(
            tmp_path, chief, "servers", "add", "--name", "Relay", "--server", "127.0.0.1",
            "--port", str(smtp.port), "--login-id", "svc", "--outgoing-email-id", "desk@corp.example",
            "--password-stdin", stdin="Relay-pw-4\n",
        )  # fmt: skip
        assert added.code == 0, added.err
        tested = cli(tmp_path, agent, "test", "Relay")
        assert tested.code == 0, tested.out + tested.err
        checked = cli(tmp_path, agent, "check", "--format", "json")
        assert checked.code == 0, checked.err
        assert checked.json()["servers"][0]["test"]["outcome"] == "passed"
        assert cli(tmp_path, chief, "test", "Relay").code == 0

    for argv in (
        ("partitions", "add", "Desk"),
        ("analysts", "add", "bob"),
        (
            "oauth",
            "configure",
            "Relay",
            "--tenant",
            "contoso.onmicrosoft.com",
            "--client-id",
            "c1",
            "--grant",
            "device-code",
            "--mailbox",
            "desk@corp.example",
        ),
        ("servers", "edit", "Relay", "--port", "2525"),
    ):
        refused = cli(tmp_path, agent, *argv)
        assert refused.code == 1, argv
        assert len(refused.err.splitlines()) == 1 and "refused this to your login" in refused.err, refused.err

    history = cli(tmp_path, agent, "history", "Relay", "--json").json()
    assert [(h["outcome"], h["tested_by"], h["workstation"]) for h in history] == [
        ("passed", "outmail_t_chief", socket.gethostname()),
        ("passed", "outmail_t_agent", socket.gethostname()),
        ("passed", "outmail_t_agent", socket.gethostname()),
    ]
    table = cli(tmp_path, chief, "history", "Relay").out.splitlines()
    assert table[0].split()[:7] == ["WHEN", "RESULT", "FAILED", "STEP", "DURATION", "BY", "WORKSTATION"]
    assert "outmail_t_agent" in table[2] and socket.gethostname() in table[2]


def test_the_database_records_who_tested_and_keeps_the_newest_results_for_a_helpdesk_login(
    logins: dict[str, str], shared_store: SharedStore
) -> None:
    import datetime as dt

    from tests.unit.store.records import smtp

    with SharedRepository.open(shared_store) as owner:
        server = owner.save(smtp("Counted"))
    start = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    entries = [
        HistoryEntry(server.id, start + dt.timedelta(minutes=n), Outcome.PASSED, f"run {n}", 10) for n in range(205)
    ]
    with SharedRepository.open(SharedStore(logins["agent"])) as agent:
        assert HistoryStore.of(agent).add_many(entries) == 205
        kept = HistoryStore.of(agent).for_server(server.id, limit=500)
        agent.connection().execute(  # a forged name is replaced by the login's own
            "INSERT INTO test_history (server_id, started_at, outcome, summary, duration_ms, tested_by) "
            "VALUES (%s, '2026-12-02T00:00:00Z', 'failed', 'forged', 5, 'outmail_t_chief')",
            (server.id,),
        )
        newest = HistoryStore.of(agent).latest()[server.id]
    assert len(kept) == 200 and kept[0].summary == "run 204" and kept[-1].summary == "run 5"
    assert (newest.summary, newest.tested_by) == ("forged", "outmail_t_agent")
