"""Roles enforced by PostgreSQL itself, tested with real logins over loopback TCP with their passwords.

Helpdesk: reads the settings, writes test history, changes nothing else (not even with SQL).
Analyst: changes only servers of the partitions granted to the analyst of the same login.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.connection import StorePermissionError, application_name
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.store.postgres.schema import schema_version
from tests.support.postgres import PostgresServer
from tests.support.postgres_fixtures import seed_partitions_and_logins
from tests.unit.cli.cli_run import run_cli
from tests.unit.store.records import smtp


@pytest.fixture
def world(postgres_server: PostgresServer, shared_store: SharedStore) -> dict[str, ServerSettings]:
    """Partitions HR and Sales, a server in each, and analyst ``outmail_t_ann`` granted HR."""
    return seed_partitions_and_logins(postgres_server, shared_store, "outmail_t_")


@pytest.fixture
def login(postgres_server: PostgresServer, shared_database: str) -> Iterator[dict[str, SharedStore]]:
    yield {
        who: SharedStore(postgres_server.url(shared_database, f"outmail_t_{who}", f"{who}-pass"))
        for who in ("desk", "ann", "boss")
    }


def test_a_helpdesk_login_reads_and_records_tests_but_cannot_change_a_server(
    world: dict[str, ServerSettings], login: dict[str, SharedStore]
) -> None:
    hr = world["hr"]
    with SharedRepository.open(login["desk"]) as desk:
        assert [s.name for s in desk.list_servers()] == ["HR mail", "Sales mail"]
        with pytest.raises(StorePermissionError) as refused:
            desk.save(hr.with_changes(port=2525))
        assert "refused this to your login: permission denied for table servers" in refused.value.message
        with pytest.raises(StorePermissionError):
            desk.set_default(hr.id)
        with pytest.raises(StorePermissionError):
            desk.set_mapi_mail_server("mapi.corp.example")
    with psycopg.connect(login["desk"].target, autocommit=True) as raw:  # as with psql
        raw.execute("SET search_path = outmail")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute("UPDATE servers SET port = 2525")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute("DELETE FROM servers")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute(
                "INSERT INTO audit_log (db_user, application, action, server_id, server_name, changes) "
                "VALUES ('x', 'x', 'delete', 'x', 'x', '{}')"
            )
        raw.execute(
            "INSERT INTO test_history (server_id, started_at, outcome, summary, duration_ms) "
            "VALUES (%s, '2026-12-03T18:00:00Z', 'passed', 'ok', 120)",
            (hr.id,),
        )
        row = raw.execute("SELECT tested_by FROM test_history WHERE server_id = %s", (hr.id,)).fetchone()
    assert row == ("outmail_t_desk",)
    with SharedRepository.open(login["boss"]) as boss:
        assert boss.get(hr.id) == hr  # nothing the helpdesk tried changed it


def test_an_analyst_changes_only_servers_of_granted_partitions(
    world: dict[str, ServerSettings], login: dict[str, SharedStore]
) -> None:
    hr, sales = world["hr"], world["sales"]
    with SharedRepository.open(login["ann"]) as ann:
        assert ann.save(hr.with_changes(port=587)).port == 587
        assert ann.save(smtp("HR relay", partition="HR")).revision == 1
        with pytest.raises(StorePermissionError) as refused:
            ann.save(sales.with_changes(port=587))
        assert "lets your login change only servers of the partitions granted to you" in refused.value.message
        assert "partition 'Sales'" in refused.value.message
        with pytest.raises(StorePermissionError) as moved:
            ann.save(ann.get(hr.id).with_changes(partition="Sales"))  # the new row must stay in HR
        assert "row-level security" in moved.value.message
        with pytest.raises(StorePermissionError):
            ann.save(smtp("Sales relay", partition="Sales"))
        with pytest.raises(StorePermissionError):
            ann.delete(sales.id)
        with pytest.raises(StorePermissionError):
            ann.save(smtp("Nowhere"))  # no partition: for administrators
        assert ann.get(sales.id) == sales
    with psycopg.connect(login["ann"].target, autocommit=True) as raw:
        raw.execute("SET search_path = outmail")
        assert raw.execute("UPDATE servers SET port = 26 WHERE partition = 'Sales'").rowcount == 0
        assert raw.execute("UPDATE servers SET port = 26 WHERE partition = 'HR'").rowcount == 2
    with SharedRepository.open(login["boss"]) as boss:
        assert boss.save(boss.get(sales.id).with_changes(port=465)).port == 465
        assert boss.login() == "outmail_t_boss"
        assert boss.save(smtp("Anywhere")).revision == 1
    assert application_name().startswith("outmail-gui on ")


def test_store_status_says_which_store_as_whom_and_what_the_login_may_do(
    world: dict[str, ServerSettings], login: dict[str, SharedStore], shared_database: str, tmp_path: Path
) -> None:
    shown = {who: run_cli(tmp_path, "--store", store.target, "store", "status") for who, store in login.items()}
    assert all(result.code == 0 for result in shown.values())
    assert shown["desk"].out.splitlines() == [
        f"Shared: {shared_database} on 127.0.0.1 as outmail_t_desk",
        f"Schema version {schema_version()}; roles: outmail_helpdesk",
        "outmail_t_desk may read the settings and record tests.",
    ]
    assert shown["ann"].out.splitlines()[-1] == (
        "outmail_t_ann may read the settings, record tests and change the servers of: HR."
    )
    assert shown["boss"].out.splitlines()[-1] == "outmail_t_boss may change every setting."
    as_json = run_cli(tmp_path, "--store", login["ann"].target, "store", "status", "--json").json()
    assert (as_json["login"], as_json["roles"], as_json["partitions"]) == ("outmail_t_ann", ["outmail_analyst"], ["HR"])
    assert "ann-pass" not in as_json["store"]


def test_each_login_is_told_what_it_may_change_as_the_database_enforces_it(
    world: dict[str, ServerSettings], login: dict[str, SharedStore]
) -> None:
    with SharedRepository.open(login["boss"]) as boss:
        admin = boss.capabilities()
    assert (admin.role, admin.settings_reason(), admin.server_reason("Sales")) == ("admin", "", "")
    with SharedRepository.open(login["desk"]) as desk:
        helpdesk = desk.capabilities()
    assert helpdesk.record_tests and not helpdesk.may_change_servers()
    assert helpdesk.server_reason("HR") == "Your database login (helpdesk) may test servers but not change them."
    assert helpdesk.settings_reason().startswith("Your database login (helpdesk) may not change the shared settings")
    with SharedRepository.open(login["ann"]) as ann:
        analyst = ann.capabilities()
        assert analyst.server_reason("HR") == ""
        sales = analyst.server_reason("Sales")
        assert sales == (
            "Your database login (analyst outmail_t_ann) may change only the servers of the partitions granted "
            "to it (HR); this server has partition 'Sales'."
        )
        with pytest.raises(StorePermissionError):  # what the reason says is what the database does
            ann.save(world["sales"].with_changes(port=2525))
        assert ann.save(world["hr"].with_changes(port=2525)).port == 2525
    assert analyst.settings_reason() != ""


def test_an_analyst_changes_the_oauth_settings_of_its_partitions_servers_only(
    world: dict[str, ServerSettings], login: dict[str, SharedStore]
) -> None:
    from outmail_gui.domain.oauth import OAuthSettings
    from outmail_gui.store.oauth_settings import OAuthSettingsStore

    settings = OAuthSettings(enabled=True, tenant="corp.example", client_id="app-1", mailbox="hr@corp.example")
    with SharedRepository.open(login["ann"]) as ann:
        oauth = OAuthSettingsStore.of(ann)
        oauth.save(world["hr"].id, settings)
        assert oauth.get(world["hr"].id) == settings
        with pytest.raises(StorePermissionError):
            oauth.save(world["sales"].id, settings)
        assert oauth.get(world["sales"].id) == OAuthSettings()


def test_an_analyst_changes_servers_without_a_partition_only_when_granted(
    world: dict[str, ServerSettings], login: dict[str, SharedStore], shared_store: SharedStore, tmp_path: Path
) -> None:
    with SharedRepository.open(shared_store) as owner:
        free = owner.save(smtp("Free relay"))

    def raw_update() -> int:
        with psycopg.connect(login["ann"].target, autocommit=True) as raw:  # as with psql
            raw.execute("SET search_path = outmail")
            return raw.execute("UPDATE servers SET port = port + 1 WHERE partition IS NULL").rowcount

    def grant(action: str) -> None:
        result = run_cli(
            tmp_path, "--store", login["boss"].target, "analysts", action, "OUTMAIL_T_ANN", "--unpartitioned"
        )
        assert result.code == 0, result.err

    assert raw_update() == 0
    with SharedRepository.open(login["ann"]) as ann, pytest.raises(StorePermissionError) as refused:
        ann.save(ann.get(free.id).with_changes(port=2525))
    assert "this one has no partition" in refused.value.message

    grant("grant")
    assert raw_update() == 1
    with SharedRepository.open(login["ann"]) as ann:
        assert ann.save(ann.get(free.id).with_changes(port=2525)).port == 2525
        assert ann.save(smtp("Also free")).revision == 1
        with pytest.raises(StorePermissionError):
            ann.save(ann.get(world["sales"].id).with_changes(port=2525))  # other partitions stay closed
    status = run_cli(tmp_path, "--store", login["ann"].target, "store", "status").out.splitlines()[-1]
    assert status.endswith(
        "may read the settings, record tests and change the servers of: HR and those without a partition."
    )

    grant("revoke")
    assert raw_update() == 0
