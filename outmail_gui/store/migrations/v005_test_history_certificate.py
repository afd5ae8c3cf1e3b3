"""Version 5: each connection test keeps when the server's certificate expires (see store.results),
so the window and ``outmail-gui check`` can warn before it does."""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = ("ALTER TABLE test_history ADD COLUMN certificate_not_after TEXT",)
