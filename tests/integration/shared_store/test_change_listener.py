"""The change listener a window runs on the shared store: real notices from a real PostgreSQL.

Changes made by the app, by another login over TCP and by a raw SQL statement all arrive;
the listener tells a window's own changes apart, survives its connection being cut, and stops.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator

import psycopg
import pytest

from outmail_gui.store.change_feed import ChangeNotice
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.listening import NotifyListener, notice_of
from outmail_gui.store.postgres.repository import SharedRepository
from tests.support.postgres import PostgresServer
from tests.unit.store.records import smtp

WAIT_S = 10  # bounded waits: a notice normally arrives in milliseconds


class Received:
    """The notices a listener handed on (from its thread), read by the test."""

    def __init__(self) -> None:
        self.notices: queue.Queue[ChangeNotice] = queue.Queue()

    def __call__(self, notice: ChangeNotice) -> None:
        self.notices.put(notice)

    def next(self) -> ChangeNotice:
        return self.notices.get(timeout=WAIT_S)

    def none_left(self) -> bool:
        return self.notices.empty()


@pytest.fixture
def listening(shared_store: SharedStore) -> Iterator[tuple[NotifyListener, Received]]:
    received = Received()
    listener = NotifyListener(shared_store, received)
    listener.start()
    assert listener.wait_listening(WAIT_S)
    yield listener, received
    listener.stop()


def test_changes_by_the_app_arrive_and_the_window_knows_its_own(
    shared_store: SharedStore, listening: tuple[NotifyListener, Received]
) -> None:
    _listener, received = listening
    with SharedRepository.open(shared_store) as mine, SharedRepository.open(shared_store) as theirs:
        saved = theirs.save(smtp("Head office", is_default=True))
        first = received.next()
        assert (first.server_id, first.action, first.by) == (saved.id, "insert", theirs.login())
        assert theirs.is_own(first) and not mine.is_own(first)

        other = mine.save(smtp("Branch"))
        assert mine.is_own(received.next())
        mine.set_default(other.id)  # clears the other default in the same transaction: two notices
        moved = {received.next().server_id, received.next().server_id}
        assert moved == {saved.id, other.id}

        theirs.delete(saved.id)
        gone = received.next()
        assert (gone.server_id, gone.action) == (saved.id, "delete")
        last = mine.last_change(saved.id)
        assert last is not None and last.action == "delete" and last.user == theirs.login()
        assert mine.last_change("f" * 32) is None
    assert received.none_left()


def test_a_raw_sql_change_by_another_login_arrives(
    postgres_server: PostgresServer,
    shared_store: SharedStore,
    shared_database: str,
    listening: tuple[NotifyListener, Received],
) -> None:
    _listener, received = listening
    with SharedRepository.open(shared_store) as repo:
        saved = repo.save(smtp("Main"))
    assert received.next().server_id == saved.id
    postgres_server.create_login("outmail_t_listen", "listen-pass", "outmail_admin")
    url = postgres_server.url(shared_database, "outmail_t_listen", "listen-pass")
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("UPDATE outmail.servers SET port = 2525 WHERE id = %s", (saved.id,))
        raw.execute("NOTIFY outmail_changes, 'not ours'")  # a hand-made notice: refresh everything
    changed = received.next()
    assert (changed.server_id, changed.action, changed.by) == (saved.id, "update", "outmail_t_listen")
    assert received.next().is_everything


def test_a_cut_connection_is_reopened_and_asks_for_a_full_refresh(
    postgres_server: PostgresServer, shared_store: SharedStore, shared_database: str
) -> None:
    received = Received()
    listener = NotifyListener(shared_store, received)
    listener.start()
    try:
        assert listener.wait_listening(WAIT_S)
        with postgres_server.admin(shared_database) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query = 'LISTEN outmail_changes' AND pid <> pg_backend_pid()"
            )
        assert received.next().is_everything  # whatever was committed meanwhile: read it all again
        assert listener.reconnections == 1
        assert listener.wait_listening(WAIT_S)
        with SharedRepository.open(shared_store) as repo:
            saved = repo.save(smtp("After the cut"))
        assert received.next().server_id == saved.id
    finally:
        listener.stop()
    assert not listener.is_running()


def test_stop_ends_the_thread_while_it_waits() -> None:
    unreachable = SharedStore("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    listener = NotifyListener(unreachable, Received())
    listener.start()
    assert not listener.wait_listening(0.3)  # nothing to connect to: it keeps retrying
    listener.stop()
    assert not listener.is_running()


def test_a_payload_that_is_not_the_triggers_asks_for_a_full_refresh() -> None:
    assert notice_of('{"action": "update", "server_id": "ab", "by": "jdoe"}', 7) == ChangeNotice(
        "ab", "update", "jdoe", 7
    )
    for payload in ("", "null", "[]", '{"server_id": 3}', '{"action": "update"}', "{"):
        assert notice_of(payload, 7).is_everything


def test_changes_to_partitions_analysts_settings_and_oauth_are_announced_too(
    postgres_server: PostgresServer,
    shared_store: SharedStore,
    shared_database: str,
    listening: tuple[NotifyListener, Received],
) -> None:
    """Routing and the form show more than the servers' rows: those changes arrive as well, a
    many-row statement once, an OAuth change as its server's."""
    _listener, received = listening
    with SharedRepository.open(shared_store) as repo:
        saved = repo.save(smtp("Main"))
    assert received.next().server_id == saved.id
    postgres_server.create_login("outmail_t_tables", "tables-pass", "outmail_admin")
    url = postgres_server.url(shared_database, "outmail_t_tables", "tables-pass")
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("INSERT INTO outmail.partitions (name, name_key) VALUES ('HR', 'hr'), ('Sales', 'sales')")
        added = received.next()
        assert added.is_everything and (added.action, added.by) == ("insert", "outmail_t_tables")
        assert received.none_left()  # two rows, one statement: one notice

        raw.execute("INSERT INTO outmail.analysts (login, login_key) VALUES ('jdoe', 'jdoe')")
        raw.execute("INSERT INTO outmail.analyst_partitions (login, partition) VALUES ('jdoe', 'HR')")
        raw.execute("INSERT INTO outmail.app_settings (key, value) VALUES ('outmail_t', '1')")
        assert [received.next().is_everything for _ in range(3)] == [True, True, True]

        raw.execute(
            "INSERT INTO outmail.server_oauth (server_id, enabled, tenant, client_id, grant_type, mailbox) "
            "VALUES (%s, true, 'contoso', 'client', 'client_credentials', 'box@example.com')",
            (saved.id,),
        )
        oauth = received.next()
        assert (oauth.server_id, oauth.by) == (saved.id, "outmail_t_tables")
    assert received.none_left()
