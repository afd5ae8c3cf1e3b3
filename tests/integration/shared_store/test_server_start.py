"""The session's PostgreSQL server: a real server, reached over its socket and over loopback TCP with a password."""

from __future__ import annotations

import psycopg
import pytest

from tests.support.postgres import PostgresServer


def test_a_login_needs_its_password_over_tcp(postgres_server: PostgresServer, shared_database: str) -> None:
    postgres_server.create_login("outmail_t_start", "right-pass")
    url = postgres_server.url(shared_database, "outmail_t_start", "right-pass")
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT session_user, version()").fetchone()
    assert row is not None
    assert row[0] == "outmail_t_start"
    assert "PostgreSQL 15" in str(row[1])
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(postgres_server.url(shared_database, "outmail_t_start", "wrong-pass")).close()
