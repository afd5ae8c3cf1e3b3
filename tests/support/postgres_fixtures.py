"""PostgreSQL fixtures (a plugin of tests/conftest.py, for the shared-store and window tests): one real server
per test session; a fresh database, with the Outmail schema, per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.connection import connect
from outmail_gui.store.postgres.installing import initialise
from outmail_gui.store.postgres.repository import SharedRepository
from tests.support.postgres import PostgresServer, running_server
from tests.unit.store.records import smtp


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        with running_server() as server:
            yield server
    except RuntimeError as exc:  # never a skip: the README's test command installs PostgreSQL
        pytest.fail(f"the test PostgreSQL server could not start: {exc}")


@pytest.fixture(scope="module")
def shared_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A database of its own for the module, with the schema and group roles of ``store init``."""
    name = postgres_server.create_database()
    store = SharedStore(postgres_server.conninfo(name))
    conn = connect(store)
    try:
        initialise(conn, store)
    finally:
        conn.close()
    yield name
    postgres_server.drop_database(name)


@pytest.fixture
def shared_store(postgres_server: PostgresServer, shared_database: str) -> SharedStore:
    """The module's database as its owner (the superuser), emptied before each test."""
    with postgres_server.admin(shared_database) as conn:
        conn.execute(
            "TRUNCATE outmail.servers, outmail.partitions, outmail.analysts, outmail.analyst_partitions, "
            "outmail.app_settings, outmail.audit_log CASCADE"
        )
    return SharedStore(postgres_server.conninfo(shared_database))


def seed_partitions_and_logins(server: PostgresServer, store: SharedStore, prefix: str) -> dict[str, ServerSettings]:
    """Partitions HR and Sales with a server each ("HR mail", "Sales mail"), and the logins
    ``{prefix}desk`` (helpdesk), ``{prefix}ann`` (analyst granted HR) and ``{prefix}boss`` (admin),
    each with the password ``desk-pass``, ``ann-pass``, ``boss-pass``."""
    server.create_login(f"{prefix}desk", "desk-pass", "outmail_helpdesk")
    server.create_login(f"{prefix}ann", "ann-pass", "outmail_analyst")
    server.create_login(f"{prefix}boss", "boss-pass", "outmail_admin")
    with SharedRepository.open(store) as owner:
        owner.set_partitioning_enabled(True)
        owner.add_partition("HR")
        owner.add_partition("Sales")
        ann = f"{prefix}ann"
        owner.connection().execute("INSERT INTO analysts (login, login_key) VALUES (%s, %s)", (ann, ann))
        owner.connection().execute("INSERT INTO analyst_partitions (login, partition) VALUES (%s, 'HR')", (ann,))
        return {
            "hr": owner.save(smtp("HR mail", partition="HR")),
            "sales": owner.save(smtp("Sales mail", partition="Sales")),
        }
