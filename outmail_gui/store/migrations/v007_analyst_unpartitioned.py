"""Version 7: an analyst may be granted the servers without a partition (``analysts grant LOGIN
--unpartitioned``); the shared store's row-level security enforces it for the analyst's login,
and ``store copy`` carries it between the back ends."""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE analysts ADD COLUMN unpartitioned INTEGER NOT NULL DEFAULT 0 CHECK (unpartitioned IN (0, 1))",
)
