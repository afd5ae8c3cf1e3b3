"""The shared store's versioned schema, in the database schema ``outmail``.

``STEPS[n]`` takes a database from version n to n+1; a step, once released, never changes.
The tables mirror the local store's (same columns, the same names' keys); PostgreSQL itself
enforces what SQLite enforces there: unique name keys, at most one default server (a partial
unique index), revisions >= 1. Booleans are ``boolean``; the repository reads them as 0/1 so
both back ends share one row mapping (:mod:`outmail_gui.store.rows`).

Every change to a server is written to ``audit_log`` by a trigger in the same transaction,
whoever makes it (the app, ``psql``): time, database login, ``application_name`` (the app
sets "outmail-gui on HOST"), client address, action, server, each changed field old -> new.
No secret is ever in the database, so none can be in the log. The trigger also sends a
``NOTIFY outmail_changes`` (committed with the change) for windows that listen; a change to
the other settings tables is announced too (see version 3).
"""

from __future__ import annotations

from outmail_gui.store.history import KEEP_PER_SERVER

SCHEMA = "outmail"
CHANGES_CHANNEL = "outmail_changes"
"""The channel the triggers notify (payload: JSON ``action``, ``by`` and ``server_id`` for a server's
change, ``table`` for another settings table's)."""

_V1: tuple[str, ...] = (
    f"CREATE SCHEMA {SCHEMA}",
    """
    CREATE TABLE schema_version (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        version integer NOT NULL CHECK (version >= 1)
    )
    """,
    "CREATE TABLE app_settings (key text PRIMARY KEY, value text NOT NULL)",
    """
    CREATE TABLE partitions (
        name text NOT NULL UNIQUE CHECK (name <> '' AND name = btrim(name)),
        name_key text NOT NULL UNIQUE CHECK (name_key <> ''),
        revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1)
    )
    """,
    """
    CREATE TABLE analysts (
        login text PRIMARY KEY CHECK (login <> ''),
        login_key text NOT NULL UNIQUE CHECK (login_key <> ''),
        display_name text NOT NULL DEFAULT '',
        email text NOT NULL DEFAULT '',
        revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1)
    )
    """,
    """
    CREATE TABLE analyst_partitions (
        login text NOT NULL REFERENCES analysts(login) ON UPDATE CASCADE ON DELETE CASCADE,
        partition text NOT NULL REFERENCES partitions(name) ON UPDATE CASCADE ON DELETE CASCADE,
        PRIMARY KEY (login, partition)
    )
    """,
    """
    CREATE TABLE servers (
        id text PRIMARY KEY CHECK (length(id) = 32),
        revision integer NOT NULL CHECK (revision >= 1),
        protocol text NOT NULL CHECK (protocol IN ('smtp', 'mapi')),
        name text NOT NULL,
        name_key text NOT NULL UNIQUE CHECK (name_key <> ''),
        server text NOT NULL,
        port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
        login_id text NOT NULL,
        active boolean NOT NULL,
        use_ssl boolean NOT NULL,
        pager_encoding text NOT NULL,
        auth_auto boolean NOT NULL,
        auth_methods text NOT NULL CHECK (auth_methods ~ '^([A-Z0-9_-]+(,[A-Z0-9_-]+)*)?$'),
        use_nt_authentication boolean NOT NULL,
        send_receipt boolean NOT NULL,
        connection_timeout_s integer NOT NULL,
        chunking boolean NOT NULL,
        outgoing_email_id text NOT NULL,
        is_default boolean NOT NULL,
        sent_from_analyst boolean NOT NULL,
        reply_to_forwarding_analyst boolean NOT NULL,
        partition text REFERENCES partitions(name) ON UPDATE CASCADE ON DELETE RESTRICT,
        trusted_cert_sha256 text NOT NULL
    )
    """,
    "CREATE UNIQUE INDEX servers_one_default ON servers (is_default) WHERE is_default",
    "CREATE INDEX servers_partition ON servers (partition)",
    """
    CREATE TABLE server_oauth (
        server_id text PRIMARY KEY REFERENCES servers(id) ON DELETE CASCADE,
        enabled boolean NOT NULL,
        tenant text NOT NULL,
        client_id text NOT NULL,
        grant_type text NOT NULL CHECK (grant_type IN ('client_credentials', 'device_code', 'authorization_code')),
        mailbox text NOT NULL,
        credential_expires_on date
    )
    """,
    """
    CREATE TABLE test_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        server_id text NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
        started_at text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('passed', 'failed', 'cancelled')),
        failed_step text,
        summary text NOT NULL,
        duration_ms integer NOT NULL CHECK (duration_ms >= 0),
        certificate_not_after text,
        tested_by text NOT NULL DEFAULT session_user,
        workstation text NOT NULL DEFAULT current_setting('application_name')
    )
    """,
    "CREATE INDEX test_history_server ON test_history (server_id, started_at, id)",
    """
    CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        db_user text NOT NULL,
        application text NOT NULL,
        client_addr inet,
        action text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
        server_id text NOT NULL,
        server_name text NOT NULL,
        changes jsonb NOT NULL
    )
    """,
    "CREATE INDEX audit_log_server ON audit_log (server_id, at)",
    "CREATE INDEX audit_log_at ON audit_log (at)",
    # SECURITY DEFINER: the log is written for logins that may only read it; session_user is
    # still the login that made the change.
    f"""
    CREATE FUNCTION audit_server_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SCHEMA}, pg_catalog AS $$
    DECLARE
        before jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
        after jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
        changed jsonb := '{{}}';
        field text;
    BEGIN
        FOR field IN SELECT jsonb_object_keys(coalesce(after, before)) LOOP
            CONTINUE WHEN field IN ('revision', 'name_key');
            IF (before -> field) IS DISTINCT FROM (after -> field) THEN
                changed := changed || jsonb_build_object(field, jsonb_build_array(before -> field, after -> field));
            END IF;
        END LOOP;
        IF TG_OP = 'UPDATE' AND changed = '{{}}' THEN
            RETURN NULL;
        END IF;
        INSERT INTO audit_log (db_user, application, client_addr, action, server_id, server_name, changes)
        VALUES (session_user, current_setting('application_name'), inet_client_addr(), lower(TG_OP),
                coalesce(after ->> 'id', before ->> 'id'), coalesce(after ->> 'name', before ->> 'name'), changed);
        PERFORM pg_notify('outmail_changes', json_build_object(
            'action', lower(TG_OP), 'server_id', coalesce(after ->> 'id', before ->> 'id'), 'by', session_user)::text);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER servers_audit AFTER INSERT OR UPDATE OR DELETE ON servers
    FOR EACH ROW EXECUTE FUNCTION audit_server_change()
    """,
    # The partitions an analyst's login may change (row-level security below); the login's
    # name is compared as the app compares analyst logins (case-insensitive).
    f"""
    CREATE FUNCTION may_change_partition(wanted text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {SCHEMA}, pg_catalog AS $$
        SELECT wanted IS NOT NULL AND EXISTS (
            SELECT 1 FROM analyst_partitions ap JOIN analysts a ON a.login = ap.login
            WHERE a.login_key = lower(session_user) AND ap.partition = wanted)
    $$
    """,
)

# Version 2: shared test history with who (set here, so nobody can write another login's name)
# and where, pruned by the database (a helpdesk login may add results, never delete them);
# an analyst may be granted the servers without a partition.
_V2: tuple[str, ...] = (
    "ALTER TABLE analysts ADD COLUMN unpartitioned boolean NOT NULL DEFAULT false",
    f"""
    CREATE OR REPLACE FUNCTION may_change_partition(wanted text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {SCHEMA}, pg_catalog AS $$
        SELECT CASE WHEN wanted IS NULL THEN EXISTS (
            SELECT 1 FROM analysts a WHERE a.login_key = lower(session_user) AND a.unpartitioned)
        ELSE EXISTS (
            SELECT 1 FROM analyst_partitions ap JOIN analysts a ON a.login = ap.login
            WHERE a.login_key = lower(session_user) AND ap.partition = wanted) END
    $$
    """,
    f"""
    CREATE FUNCTION test_history_tested_by() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {SCHEMA}, pg_catalog AS $$
    BEGIN
        NEW.tested_by := session_user;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER test_history_tested_by BEFORE INSERT ON test_history
    FOR EACH ROW EXECUTE FUNCTION test_history_tested_by()
    """,
    # SECURITY DEFINER: the logins that may only add results still keep the newest ones only.
    f"""
    CREATE FUNCTION test_history_prune() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SCHEMA}, pg_catalog AS $$
    BEGIN
        DELETE FROM test_history WHERE server_id = NEW.server_id AND id NOT IN (
            SELECT id FROM test_history WHERE server_id = NEW.server_id
            ORDER BY started_at DESC, id DESC LIMIT {KEEP_PER_SERVER});
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER test_history_prune AFTER INSERT ON test_history
    FOR EACH ROW EXECUTE FUNCTION test_history_prune()
    """,
)

# Version 3: changes to what routing and the form show besides the servers' own rows are
# announced too. A server's OAuth settings name the server (the same payload as the audit
# trigger's, so a save that changes both arrives once); partitions, analysts, their grants and
# the application settings name their table, and open windows refresh everything on them.
# PostgreSQL delivers identical payloads of one transaction once, so a statement that changes
# many rows is one notice.
_V3: tuple[str, ...] = (
    f"""
    CREATE FUNCTION announce_settings_change() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {SCHEMA}, pg_catalog AS $$
    BEGIN
        IF TG_TABLE_NAME = 'server_oauth' THEN
            PERFORM pg_notify('outmail_changes', json_build_object(
                'action', 'update', 'server_id', coalesce(NEW.server_id, OLD.server_id), 'by', session_user)::text);
        ELSE
            PERFORM pg_notify('outmail_changes', json_build_object(
                'action', lower(TG_OP), 'table', TG_TABLE_NAME, 'by', session_user)::text);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    *(
        f"""
        CREATE TRIGGER {table}_announce AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION announce_settings_change()
        """
        for table in ("partitions", "analysts", "analyst_partitions", "app_settings", "server_oauth")
    ),
)

STEPS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3)
"""``STEPS[n]`` takes the shared schema from version n to n+1."""


def schema_version() -> int:
    """The version this build writes."""
    return len(STEPS)


GROUP_ROLES = ("outmail_admin", "outmail_helpdesk", "outmail_analyst")
"""``outmail_admin``: everything; ``outmail_helpdesk``: read the settings, write test history;
``outmail_analyst``: like helpdesk, and change the servers (with their OAuth settings) of the
partitions granted to the analyst of the same name, and those without a partition if granted
(row-level security)."""

_SETTINGS_TABLES = "servers, partitions, analysts, analyst_partitions, app_settings, server_oauth"

GRANTS: tuple[str, ...] = (
    f"GRANT USAGE ON SCHEMA {SCHEMA} TO outmail_admin, outmail_helpdesk, outmail_analyst",
    f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO outmail_admin, outmail_helpdesk, outmail_analyst",
    f"GRANT INSERT, UPDATE, DELETE ON {_SETTINGS_TABLES}, test_history TO outmail_admin",
    "GRANT INSERT ON test_history TO outmail_helpdesk, outmail_analyst",
    "GRANT INSERT, UPDATE, DELETE ON servers, server_oauth TO outmail_analyst",
    "ALTER TABLE servers ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS servers_read ON servers",
    "CREATE POLICY servers_read ON servers FOR SELECT USING (true)",
    "DROP POLICY IF EXISTS servers_admin ON servers",
    "CREATE POLICY servers_admin ON servers TO outmail_admin USING (true) WITH CHECK (true)",
    "DROP POLICY IF EXISTS servers_analyst ON servers",
    """
    CREATE POLICY servers_analyst ON servers TO outmail_analyst
    USING (may_change_partition(partition)) WITH CHECK (may_change_partition(partition))
    """,
    # A server's OAuth settings follow its server's rights (the window saves them with it).
    "ALTER TABLE server_oauth ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS server_oauth_read ON server_oauth",
    "CREATE POLICY server_oauth_read ON server_oauth FOR SELECT USING (true)",
    "DROP POLICY IF EXISTS server_oauth_admin ON server_oauth",
    "CREATE POLICY server_oauth_admin ON server_oauth TO outmail_admin USING (true) WITH CHECK (true)",
    "DROP POLICY IF EXISTS server_oauth_analyst ON server_oauth",
    """
    CREATE POLICY server_oauth_analyst ON server_oauth TO outmail_analyst
    USING (may_change_partition((SELECT s.partition FROM servers s WHERE s.id = server_id)))
    WITH CHECK (may_change_partition((SELECT s.partition FROM servers s WHERE s.id = server_id)))
    """,
)
"""Applied by ``store init`` after the schema (again on each run: they are idempotent)."""
