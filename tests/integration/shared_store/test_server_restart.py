"""PostgreSQL stopped in the middle of a session and started again: one clear error, nothing lost, reconnected.

Uses a server of its own (the session's is shared by the other tests).
"""

from __future__ import annotations

import pytest

from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.connection import StoreUnreachableError, connect
from outmail_gui.store.postgres.installing import initialise
from outmail_gui.store.postgres.repository import SharedRepository
from tests.support.postgres import running_server
from tests.unit.store.records import smtp


def test_a_lost_server_fails_the_action_in_one_line_and_the_next_one_reconnects() -> None:
    with running_server() as server:
        name = server.create_database()
        store = SharedStore(server.conninfo(name))
        conn = connect(store)
        initialise(conn, store)
        conn.close()
        with SharedRepository.open(store) as repo:
            kept = repo.save(smtp("Saved before"))
            server.stop()
            with pytest.raises(StoreUnreachableError) as lost:
                repo.save(smtp("During the outage"))
            assert lost.value.message.startswith(f"Cannot reach the shared settings database {store.shown}: ")
            assert "\n" not in lost.value.message
            with pytest.raises(StoreUnreachableError):
                repo.list_servers()  # still down: said again, never a traceback
            server.start()
            assert repo.list_servers() == [kept]  # reconnected by itself; what was reported saved is there
            again = repo.save(smtp("After the restart"))
            assert [s.name for s in repo.list_servers()] == ["After the restart", "Saved before"]
            assert repo.get(again.id) == again
