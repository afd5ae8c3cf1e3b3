"""``outmail-gui store init|migrate``: set up and upgrade a shared PostgreSQL store (for its administrator).

``init`` creates the schema and, when the login may create roles, the group roles
``outmail_admin``, ``outmail_helpdesk`` and ``outmail_analyst`` with their grants and
row-level security; run again, it changes nothing but re-applies the grants. ``migrate``
upgrades an older schema; ordinary commands never do.
"""

from __future__ import annotations

import argparse
from typing import Any

from outmail_gui.cli.common import ArgumentParser
from outmail_gui.cli.errors import EXIT_OK, EXIT_USAGE, CommandError
from outmail_gui.cli.store_access import store_errors
from outmail_gui.store.location import SharedStore


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
    from outmail_gui.store.postgres.connection import connect
    from outmail_gui.store.postgres.installing import initialise

    store = shared_store_of(args)
    with store_errors():
        conn = connect(store)
        try:
            done = initialise(conn, store)
        finally:
            conn.close()
    for line in done:
        print(f"{store.shown}: {line}")
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace) -> int:
    from outmail_gui.store.postgres.connection import connect
    from outmail_gui.store.postgres.installing import migrate

    store = shared_store_of(args)
    with store_errors():
        conn = connect(store)
        try:
            done = migrate(conn, store)
        finally:
            conn.close()
    print(f"{store.shown}: {done}")
    return EXIT_OK
