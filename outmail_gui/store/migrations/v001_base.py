"""Version 1: app settings, partitions, analysts and servers."""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE app_settings (
        key TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT
    """,
    """
    CREATE TABLE partitions (
        name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> '' AND name = trim(name)),
        revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1)
    ) STRICT
    """,
    """
    CREATE TABLE analysts (
        login TEXT NOT NULL COLLATE NOCASE PRIMARY KEY CHECK (login <> ''),
        display_name TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1)
    ) STRICT
    """,
    """
    CREATE TABLE analyst_partitions (
        login TEXT NOT NULL REFERENCES analysts(login) ON UPDATE CASCADE ON DELETE CASCADE,
        partition TEXT NOT NULL REFERENCES partitions(name) ON UPDATE CASCADE ON DELETE CASCADE,
        PRIMARY KEY (login, partition)
    ) STRICT
    """,
    """
    CREATE TABLE servers (
        id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 32),
        revision INTEGER NOT NULL CHECK (revision >= 1),
        protocol TEXT NOT NULL CHECK (protocol IN ('smtp', 'mapi')),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE CHECK (name_key <> ''),
        server TEXT NOT NULL,
        port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
        login_id TEXT NOT NULL,
        active INTEGER NOT NULL CHECK (active IN (0, 1)),
        use_ssl INTEGER NOT NULL CHECK (use_ssl IN (0, 1)),
        pager_encoding TEXT NOT NULL,
        auth_auto INTEGER NOT NULL CHECK (auth_auto IN (0, 1)),
        auth_methods TEXT NOT NULL,
        use_nt_authentication INTEGER NOT NULL CHECK (use_nt_authentication IN (0, 1)),
        send_receipt INTEGER NOT NULL CHECK (send_receipt IN (0, 1)),
        connection_timeout_s INTEGER NOT NULL,
        chunking INTEGER NOT NULL CHECK (chunking IN (0, 1)),
        outgoing_email_id TEXT NOT NULL,
        is_default INTEGER NOT NULL CHECK (is_default IN (0, 1)),
        sent_from_analyst INTEGER NOT NULL CHECK (sent_from_analyst IN (0, 1)),
        reply_to_forwarding_analyst INTEGER NOT NULL CHECK (reply_to_forwarding_analyst IN (0, 1)),
        partition TEXT REFERENCES partitions(name) ON UPDATE CASCADE ON DELETE RESTRICT,
        trusted_cert_sha256 TEXT NOT NULL
    ) STRICT
    """,
    # At most one default server, whatever the application does.
    "CREATE UNIQUE INDEX servers_one_default ON servers(is_default) WHERE is_default = 1",
    "CREATE INDEX servers_partition ON servers(partition)",
    "CREATE INDEX analyst_partitions_partition ON analyst_partitions(partition)",
)
