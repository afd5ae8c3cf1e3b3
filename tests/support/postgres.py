"""A real PostgreSQL 15 server for the test session (Debian's ``postgresql-15``), as pytest-postgresql does.

``initdb`` and ``pg_ctl`` refuse to run as root, so as root (CI) they run as the ``postgres``
user the package creates, in a temporary directory that user owns. The server listens on
its Unix socket in that directory and on a free loopback port; local (socket) connections are
trusted (the test's superuser), TCP logins need their password (scram-sha-256), so the
role tests log in as real users. One server per session; a fresh database per test module.

The README's test command installs PostgreSQL: there a missing server is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

BIN = Path("/usr/lib/postgresql/15/bin")
SUPERUSER = "outmail_test_su"
_databases = itertools.count(1)


@dataclasses.dataclass(frozen=True)
class PostgresServer:
    directory: Path
    port: int
    durable: bool = False
    """Flush every commit to disk (PostgreSQL's default), as the benchmarks measure it; tests run without."""

    def conninfo(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        """The trusted superuser over the Unix socket."""
        return f"host={self.directory} port={self.port} dbname={dbname} user={user}"

    def url(self, dbname: str, user: str, password: str) -> str:
        """A login over loopback TCP with a password, as a workstation connects."""
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{dbname}"

    def admin(self, dbname: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.conninfo(dbname), autocommit=True)

    def create_database(self) -> str:
        name = f"outmail_test_{os.getpid()}_{next(_databases)}"
        with self.admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def create_login(self, name: str, password: str, *groups: str) -> None:
        """A login role (re-created if a previous module left it), member of ``groups``."""
        with self.admin() as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), sql.Literal(password))
            )
            for group in groups:
                conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(name)))

    def start(self) -> None:
        options = f"-k {self.directory} -c listen_addresses=127.0.0.1 -p {self.port} -c max_connections=60"
        if not self.durable:
            options += " -c fsync=off"
        log = self.directory / "server.log"
        done = _as_postgres(
            [str(BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-o", options, "-l", str(log), "-w", "start"]
        )
        if done.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()} {tail}")

    def stop(self) -> None:
        _as_postgres([str(BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop"])


def _as_postgres(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a server program, as the ``postgres`` user when we are root (they refuse root)."""
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    """Start a private server; raise RuntimeError with the reason when it cannot start.

    ``durable``: commits are flushed to disk (``fsync=on``, the server's default), for figures
    comparable with the local store's ``synchronous=FULL``; tests leave it off for speed.
    """
    if not (BIN / "initdb").exists():
        raise RuntimeError("PostgreSQL 15 is not installed (scripts/setup.sh test installs postgresql-15)")
    directory = Path(tempfile.mkdtemp(prefix="outmail-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(directory, owner.pw_uid, owner.pw_gid)
    directory.chmod(0o755)  # the socket in it is reached by the tests (root or this user)
    port = _free_port()
    data = directory / "data"
    try:
        done = _as_postgres(
            [str(BIN / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth-local=trust",
             "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        server = PostgresServer(directory, port, durable)
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
