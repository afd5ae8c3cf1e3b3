"""Version 3: connection-test history, deleted with its server (see store.history)."""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE test_history (
        id INTEGER PRIMARY KEY,
        server_id TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('passed', 'failed', 'cancelled')),
        failed_step TEXT,
        summary TEXT NOT NULL,
        duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0)
    ) STRICT
    """,
    "CREATE INDEX test_history_server ON test_history(server_id, started_at, id)",
)
