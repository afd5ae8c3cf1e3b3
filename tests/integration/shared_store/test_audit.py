"""The audit trail, written by the database's trigger: the app's changes and a raw ``psql`` change alike."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import psycopg

from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.connection import application_name
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.store.secret_writes import SecretWrites
from tests.integration.shared_store.test_repository_contract import Slots
from tests.support.postgres import BIN, PostgresServer
from tests.unit.cli.cli_run import run_cli
from tests.unit.store.records import smtp


def test_every_change_is_recorded_with_who_where_and_old_to_new(
    postgres_server: PostgresServer, shared_store: SharedStore, shared_database: str, tmp_path: Path
) -> None:
    postgres_server.create_login("outmail_t_audit", "audit-pass", "outmail_admin")
    url = postgres_server.url(shared_database, "outmail_t_audit", "audit-pass")
    slots = Slots()
    with SharedRepository.open(SharedStore(url)) as repo:
        record = smtp("Head office", port=25)
        writes = SecretWrites(slots)
        writes.set(record.id, "Pa55-never-logged")
        with repo.transaction(writes) as tx:
            saved = tx.save(record)
        saved = repo.save(saved.with_changes(port=587, name="Head Office 2"))
        other = repo.save(smtp("Branch", is_default=True))
        repo.set_default(saved.id)  # clears Branch's default: both are recorded
        repo.delete(other.id)
        entries = repo.audit()
    assert slots.entries == {record.id: "Pa55-never-logged"}
    # The entries' shape (actions, fields old -> new) is the contract suite's, on both back ends
    # (test_the_audit_trail_has_one_shape_on_both); here: who and from where, as PostgreSQL knows them.
    assert len(entries) == 6
    first = entries[0]
    assert (first.user, first.application, first.client_addr) == ("outmail_t_audit", application_name(), "127.0.0.1")
    with postgres_server.admin(shared_database) as conn:
        everything = conn.execute("SELECT string_agg(t::text, ' ') FROM outmail.audit_log t").fetchone()
    assert everything is not None and "Pa55-never-logged" not in str(everything[0])

    # The command line: one server by its current or former name, as text and JSON.
    text = run_cli(tmp_path, "--store", url, "audit", "Head office")
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    assert len(lines) == 3
    assert "outmail_t_audit (outmail-gui on " in lines[1]
    assert 'update \'Head Office 2\': name "Head office" -> "Head Office 2", port 25 -> 587' in lines[1]
    assert lines[2].endswith("update 'Head Office 2': is_default false -> true")
    as_json = run_cli(tmp_path, "--store", url, "audit", "branch", "--json").json()
    assert [e["action"] for e in as_json] == ["insert", "update", "delete"]
    assert as_json[1]["changes"] == {"is_default": {"old": True, "new": False}}
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    later = run_cli(tmp_path, "--store", url, "audit", "--since", tomorrow)
    assert (later.code, later.out) == (0, "No changes recorded.\n")
    bad = run_cli(tmp_path, "--store", url, "audit", "--since", "yesterday")
    assert bad.code == 2
    assert "not a date: 'yesterday'" in bad.err


def test_a_change_made_with_psql_is_recorded_too(
    postgres_server: PostgresServer, shared_store: SharedStore, shared_database: str
) -> None:
    postgres_server.create_login("outmail_t_dba", "dba-pass", "outmail_admin")
    with SharedRepository.open(shared_store) as owner:
        saved = owner.save(smtp("Main", port=25))
    env = dict(os.environ, PGPASSWORD="dba-pass", PGAPPNAME="psql")
    done = subprocess.run(
        [str(BIN / "psql"), "-h", "127.0.0.1", "-p", str(postgres_server.port), "-U", "outmail_t_dba",
         "-d", shared_database, "-v", "ON_ERROR_STOP=1", "-c", f"UPDATE outmail.servers SET port = 2525, "
         f"active = false WHERE id = '{saved.id}'"],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with SharedRepository.open(shared_store) as owner:
        last = owner.audit("Main")[-1]
        assert owner.get(saved.id).port == 2525
    assert (last.user, last.application, last.action) == ("outmail_t_dba", "psql", "update")
    assert last.changes == {"port": (25, 2525), "active": (True, False)}


def test_a_committed_change_is_announced_to_listeners(shared_store: SharedStore) -> None:
    """The trigger's NOTIFY, the ground for live refresh: sent at commit, naming the server and the login."""
    with psycopg.connect(shared_store.target, autocommit=True) as listener:
        listener.execute("LISTEN outmail_changes")
        with SharedRepository.open(shared_store) as repo:
            saved = repo.save(smtp("Announced"))
        received = list(listener.notifies(timeout=5, stop_after=1))
    assert len(received) == 1
    assert received[0].channel == "outmail_changes"
    assert f'"server_id" : "{saved.id}"' in received[0].payload
    assert '"action" : "insert"' in received[0].payload
