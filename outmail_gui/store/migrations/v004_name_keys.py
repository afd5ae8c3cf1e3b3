"""Schema step 4: every name gets the one comparison key, and the database enforces it.

Before this step servers were unique by a trimmed, case-folded key, partitions and analyst
logins by SQLite's ``COLLATE NOCASE`` (ASCII only). The step stores names NFC-normalised and
adds ``partitions.name_key`` and ``analysts.login_key`` with unique indexes; all keys come
from :func:`outmail_gui.domain.names.normalized_name`, so the database refuses exactly what
the rules refuse. Names that now count as the same (``Café`` typed twice with different
accents, ``Mail`` and ``Ma<zero-width space>il``) cannot keep one key: the oldest keeps its name,
the others get `` (2)``, `` (3)``...; names with nothing visible become ``unnamed``. Each
rename is returned as a sentence, so the opening can say what changed.
"""

from __future__ import annotations

import sqlite3

from outmail_gui.domain.names import clean_name, normalized_name, unique_name

_UNNAMED = "unnamed"


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Run the step on ``conn`` (inside the caller's transaction); what was renamed, as sentences."""
    conn.execute("ALTER TABLE partitions ADD COLUMN name_key TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE analysts ADD COLUMN login_key TEXT NOT NULL DEFAULT ''")
    notices: list[str] = []
    notices += _rekey(conn, "partition", "partitions", "name", "name_key")
    notices += _rekey(conn, "analyst", "analysts", "login", "login_key")
    notices += _rekey(conn, "server", "servers", "name", "name_key")
    conn.execute("CREATE UNIQUE INDEX partitions_name_key ON partitions(name_key)")
    conn.execute("CREATE UNIQUE INDEX analysts_login_key ON analysts(login_key)")
    return notices


def _rekey(conn: sqlite3.Connection, kind: str, table: str, column: str, key_column: str) -> list[str]:
    rows = conn.execute(f"SELECT rowid, {column} FROM {table} ORDER BY rowid").fetchall()
    # The names already in their stored form keep them first, then the oldest rows.
    rows.sort(key=lambda r: (clean_name(r[1]) != r[1], r[0]))
    taken: set[str] = set()
    final: dict[int, tuple[str, str]] = {}
    notices: list[str] = []
    kept_by_key: dict[str, str] = {}
    for rowid, name in rows:
        stored = clean_name(name)
        key = normalized_name(stored)
        base = kept_by_key.get(key, stored if key else _UNNAMED)
        new = base if normalized_name(base) not in taken else unique_name(base, taken)
        taken.add(normalized_name(new))
        kept_by_key.setdefault(key, new)
        final[rowid] = (new, normalized_name(new))
        if new != stored:
            why = f"the same name as {kept_by_key[key]!r}" if key else "a name with no visible characters"
            # A name stored decomposed looks like its twin: show its code points (Cafe\u0301).
            before = ascii(name) if clean_name(name) != name.strip() else repr(name)
            notices.append(f"{kind} {before} is now {new!r} (it had {why})")
    # Two passes: a placeholder first, so no row ever takes a name another row still holds.
    changed = [rowid for rowid, name in rows if final[rowid][0] != name]
    placeholder = f"UPDATE {table} SET {column} = ?, {key_column} = ? WHERE rowid = ?"
    conn.executemany(placeholder, ((f"\x01{rowid}", f"\x01{rowid}", rowid) for rowid in changed))
    rename = f"UPDATE {table} SET {column} = ?, {key_column} = ?, revision = revision + 1 WHERE rowid = ?"
    conn.executemany(rename, ((*final[rowid], rowid) for rowid in changed))
    unchanged = [rowid for rowid, name in rows if final[rowid][0] == name]
    conn.executemany(f"UPDATE {table} SET {key_column} = ? WHERE rowid = ?", ((final[r][1], r) for r in unchanged))
    return notices
