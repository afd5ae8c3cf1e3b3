"""``outmail-gui store init|migrate``: set up and upgrade a shared PostgreSQL store (for its administrator).

``init`` creates the schema and, when the login may create roles, the group roles
``outmail_admin``, ``outmail_helpdesk`` and ``outmail_analyst`` with their grants and
row-level security; run again, it changes nothing but re-applies the grants. ``migrate``
upgrades an older schema; ordinary commands never do.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from outmail_gui.cli.common import ArgumentParser, add_json_option
from outmail_gui.cli.errors import EXIT_OK, EXIT_USAGE, CommandError
from outmail_gui.cli.output import print_json
from outmail_gui.cli.store_access import store_errors
from outmail_gui.paths import database_path
from outmail_gui.store.location import SharedStore, StoreLocationError, store_location, without_password

if TYPE_CHECKING:
    from outmail_gui.store import copying
    from outmail_gui.store.interface import SettingsRepository


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "store", help="set up or upgrade a shared PostgreSQL store (with --store URL or OUTMAIL_STORE)"
    )
    sub = parser.add_subparsers(dest="store_command", metavar="ACTION", required=True, parser_class=ArgumentParser)
    init = sub.add_parser(
        "init",
        help="create the shared schema, and the group roles when this login may",
        description="Creates the Outmail schema in the database --store names, and the group roles outmail_admin, "
        "outmail_helpdesk and outmail_analyst with their grants and row-level security. Safe to run again.",
    )
    init.set_defaults(func=cmd_init)
    migrate = sub.add_parser("migrate", help="upgrade the shared schema to this Outmail's version")
    migrate.set_defaults(func=cmd_migrate)
    status = sub.add_parser("status", help="which shared store, as which login, and what it may do")
    add_json_option(status)
    status.set_defaults(func=cmd_status)
    copy = sub.add_parser(
        "copy",
        help="copy settings, partitions, analysts and test history between stores (never secrets)",
        description="Merges everything of --from into --to in one transaction on --to: rows already there count as "
        "unchanged, nothing is deleted, running it again changes nothing. Passwords stay in each workstation's "
        "keyring (the copy keeps the servers' ids, which key them).",
    )
    copy.add_argument("--from", dest="source", required=True, metavar="URL", help="postgresql://… or sqlite:///FOLDER")
    copy.add_argument("--to", dest="target", required=True, metavar="URL", help="postgresql://… or sqlite:///FOLDER")
    copy.add_argument("--dry-run", action="store_true", help="count what would change; change nothing")
    copy.set_defaults(func=cmd_copy)


def shared_store_of(args: argparse.Namespace) -> SharedStore:
    """The shared store the command needs (``--store`` / ``OUTMAIL_STORE``), or a usage error."""
    store: SharedStore | None = getattr(args, "shared_store", None)
    if store is None:
        raise CommandError(
            f"{args.command} needs a shared store: --store postgresql://USER@HOST/DATABASE (or OUTMAIL_STORE)",
            EXIT_USAGE,
        )
    return store


def cmd_init(args: argparse.Namespace) -> int:
    from outmail_gui.store.postgres.installing import initialise

    return _on_schema(args, initialise)


def cmd_migrate(args: argparse.Namespace) -> int:
    from outmail_gui.store.postgres.installing import migrate

    return _on_schema(args, lambda conn, store: [migrate(conn, store)])


def _on_schema(args: argparse.Namespace, action: Callable[[Any, SharedStore], list[str]]) -> int:
    """Run a schema action on a connection of its own; print what it did, one line each."""
    from outmail_gui.store.postgres.connection import connect

    store = shared_store_of(args)
    with store_errors():
        conn = connect(store)
        try:
            done = action(conn, store)
        finally:
            conn.close()
    for line in done:
        print(f"{store.shown}: {line}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from outmail_gui.store.postgres.repository import SharedRepository

    store = shared_store_of(args)
    with store_errors(), SharedRepository.open(store) as repo:
        status = repo.status()
    if args.json:
        print_json(
            {
                "store": store.shown, "database": status.database, "host": status.host, "login": status.login,
                "schema_version": status.schema_version, "roles": list(status.roles),
                "partitions": list(status.partitions), "rights": status.rights,
            }
        )  # fmt: skip
        return EXIT_OK
    print(status.headline)
    print(f"Schema version {status.schema_version}; roles: {', '.join(status.roles) or 'none'}")
    print(f"{status.login} {status.rights}.")
    return EXIT_OK


class _DryRun(Exception):
    """Raised inside the target's transaction to roll a dry run back."""


def cmd_copy(args: argparse.Namespace) -> int:
    from outmail_gui.store import copying

    counts: dict[str, copying.Counts] = {}
    with store_errors(), _opened(args.source, "--from") as source, _opened(args.target, "--to") as target:
        with source[0].transaction():
            rows = copying.snapshot(source[1])
        try:
            with target[0].transaction():
                counts = copying.copy_rows(rows, target[1])
                if args.dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    for line in copying.summary(counts):
        print(line)
    done = f"Copied into {without_password(args.target)} in one transaction."
    print("Dry run: nothing was changed." if args.dry_run else done)
    return EXIT_OK


@contextlib.contextmanager
def _opened(text: str, option: str) -> Iterator[tuple[SettingsRepository, copying.Side]]:
    """The store ``text`` names, open, with the copy's view of its connection."""
    from outmail_gui.store import copying

    try:
        location = store_location(text)
    except StoreLocationError as exc:
        raise CommandError(f"{option}: {exc}", EXIT_USAGE) from None
    if isinstance(location, SharedStore):
        from outmail_gui.store.postgres.repository import SharedRepository

        with SharedRepository.open(location) as shared:
            yield shared, copying.Side(shared.connection(), native_booleans=True)
        return
    if location is None:
        raise CommandError(f"{option} needs a store: postgresql://… or sqlite:///FOLDER", EXIT_USAGE)
    if option == "--from" and not database_path(location).exists():
        raise CommandError(f"--from: there is no Outmail settings database in {location}")
    from outmail_gui.store.repository import ServerRepository

    with ServerRepository.open(location) as local:
        yield local, copying.Side(local.connection(), native_booleans=False)
